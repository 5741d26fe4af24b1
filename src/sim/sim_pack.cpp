#include "sim_pack.h"

#include "packs/battery_paths.h"

#include <fmt/format.h>
#include <sdbus-c++/Error.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>

namespace bagg::sim {
namespace {

constexpr int kCells = 16;
constexpr double kPi = 3.14159265358979323846;

double defaultSoc(int number) { return std::max(10.0, 90.0 - 5.0 * (number - 1)); }

}  // namespace

SimPack::SimPack(EventLoop& loop, const SimOptions& options, int number)
    : serviceName_(fmt::format("com.victronenergy.battery.sim{}", number)),
      options_(options),
      number_(number),
      connection_(sdbus::createSystemBusConnection()),
      dispatcher_(loop, *connection_,
                  [&loop](const std::string& why) {
                      spdlog::critical("sim lost the bus: {}", why);
                      loop.exit(3);
                  }),
      exporter_(*connection_, {options.batched, !options.batched})
{
    const auto idx = static_cast<std::size_t>(number - 1);
    const double soc = idx < options.socs.size() ? options.socs[idx] : defaultSoc(number);
    const double cap = options.capacityAh;
    const double cellV = 3.20 + 0.2 * soc / 100.0;

    auto writable = [this](const std::string& path) {
        return [this, path](const Value&) {
            userSet_.insert(path);
            return true;
        };
    };
    auto text = [&](const char* path, std::string v) { exporter_.add(path, v, PathFormat::text(), writable(path)); };
    auto integer = [&](const std::string& path, std::int64_t v) {
        exporter_.add(path, v, PathFormat::integer(), writable(path));
    };
    auto numberPath = [&](Quantity q, double v, int decimals, const char* unit) {
        const std::string path(quantityPath(q));
        exporter_.add(path, v, PathFormat::number(decimals, unit), writable(path));
    };

    text("/Mgmt/ProcessName", "battery-sim");
    text("/Mgmt/ProcessVersion", "1.0");
    text("/Mgmt/Connection", fmt::format("Simulated serial port {}", number));
    integer("/DeviceInstance", 100 + number);
    integer("/ProductId", 0xBA77);
    text("/ProductName", "Simulated BMS");
    text("/FirmwareVersion", "1.0");
    text("/HardwareVersion", "sim");
    text("/CustomName", fmt::format("Sim {}", number));
    text("/Serial", fmt::format("SIM{:04d}", number));

    numberPath(Quantity::Connected, 1, 0, "");
    numberPath(Quantity::Soc, soc, 1, "%");
    numberPath(Quantity::Voltage, cellV * kCells, 2, "V");
    numberPath(Quantity::Current, 0.0, 1, "A");
    numberPath(Quantity::Power, 0.0, 0, "W");
    numberPath(Quantity::Temperature, 25.0, 1, "°C");
    numberPath(Quantity::InstalledCapacity, cap, 1, "Ah");
    numberPath(Quantity::Capacity, cap * soc / 100.0, 1, "Ah");
    numberPath(Quantity::ConsumedAmphours, -cap * (1.0 - soc / 100.0), 1, "Ah");
    numberPath(Quantity::ChargeCurrentLimit, options.ccl, 1, "A");
    numberPath(Quantity::DischargeCurrentLimit, options.dcl, 1, "A");
    numberPath(Quantity::ChargeVoltageLimit, options.cvl, 2, "V");
    numberPath(Quantity::BatteryLowVoltage, 48.0, 2, "V");
    numberPath(Quantity::MinCellVoltage, cellV - 0.005, 3, "V");
    numberPath(Quantity::MaxCellVoltage, cellV + 0.005, 3, "V");
    numberPath(Quantity::MinCellTemperature, 24.0, 1, "°C");
    numberPath(Quantity::MaxCellTemperature, 26.0, 1, "°C");
    text("/System/MinVoltageCellId", "C3");
    text("/System/MaxVoltageCellId", "C12");
    text("/System/MinTemperatureCellId", "T1");
    text("/System/MaxTemperatureCellId", "T2");
    numberPath(Quantity::CellsPerBattery, kCells, 0, "");
    numberPath(Quantity::ModulesOnline, 1, 0, "");
    numberPath(Quantity::ModulesOffline, 0, 0, "");
    numberPath(Quantity::ModulesBlockingCharge, 0, 0, "");
    numberPath(Quantity::ModulesBlockingDischarge, 0, 0, "");
    numberPath(Quantity::AllowToCharge, 1, 0, "");
    numberPath(Quantity::AllowToDischarge, 1, 0, "");
    numberPath(Quantity::AllowToBalance, 1, 0, "");
    numberPath(Quantity::Balancing, 0, 0, "");
    for (std::size_t a = 0; a < kAlarmCount; ++a)
        integer("/Alarms/" + std::string(alarmName(static_cast<Alarm>(a))), 0);
    exporter_.publish();
    setPresent(true);
}

bool SimPack::setPresent(bool present)
{
    if (present == present_) return true;
    try {
        if (present) connection_->requestName(serviceName_);
        else connection_->releaseName(serviceName_);
    } catch (const sdbus::Error& e) {
        spdlog::error("{}: {}", serviceName_, e.getMessage());
        return false;
    }
    present_ = present;
    spdlog::info("{} {} the bus", serviceName_, present ? "is on" : "left");
    return true;
}

void SimPack::setFrozen(bool frozen)
{
    frozen_ = frozen;
    dispatcher_.setPaused(frozen);
    spdlog::info("{} {}", serviceName_, frozen ? "frozen" : "thawed");
}

// Moves `churn` paths by more than their published resolution, so each one is really published.
void SimPack::churn()
{
    static const char* const paths[] = {
        "/Dc/0/Voltage", "/Dc/0/Current", "/Dc/0/Power", "/Dc/0/Temperature", "/Soc", "/Capacity",
        "/ConsumedAmphours", "/System/MinCellVoltage", "/System/MaxCellVoltage", "/System/MinCellTemperature",
        "/System/MaxCellTemperature", "/Info/MaxChargeCurrent", "/Info/MaxDischargeCurrent", "/Info/MaxChargeVoltage",
        "/Info/BatteryLowVoltage", "/InstalledCapacity", "/System/MinVoltageCellId", "/System/MaxVoltageCellId",
        "/System/MinTemperatureCellId", "/System/MaxTemperatureCellId", "/System/NrOfModulesOnline",
        "/Alarms/LowVoltage", "/Alarms/HighTemperature", "/Balancing", "/Io/AllowToBalance"};
    ++churnStep_;
    const int n = std::min<int>(options_.churn, static_cast<int>(std::size(paths)));
    for (int i = 0; i < n; ++i) {
        const std::string path = paths[i];
        const Value& v = exporter_.value(path);
        const bool up = churnStep_ % 2 == 0;
        if (std::holds_alternative<std::string>(v)) exporter_.set(path, fmt::format("C{}", churnStep_ % 16 + 1));
        else if (std::holds_alternative<std::int64_t>(v)) exporter_.set(path, std::int64_t{up ? 1 : 0});
        else if (path.find("Balanc") != std::string::npos) exporter_.set(path, up ? 1.0 : 0.0);
        else if (path.find("NrOf") != std::string::npos) exporter_.set(path, up ? 2.0 : 1.0);
        else if (path == "/Soc") exporter_.set(path, number(path) + (up ? 0.1 : -0.1));
        else if (path.find("Cell") != std::string::npos && path.find("Voltage") != std::string::npos)
            exporter_.set(path, number(path) + (up ? 0.002 : -0.002));
        else exporter_.set(path, number(path) + (up ? 0.5 : -0.5));
    }
}

double SimPack::number(const std::string& path) const { return asNumber(exporter_.value(path)).value_or(0.0); }

void SimPack::drift(const std::string& path, double value)
{
    if (!userSet_.count(path)) exporter_.set(path, value);
}

void SimPack::tick(double dt)
{
    if (frozen_) return;
    if (options_.drift) {
        time_ += dt;
        const double cap = std::max(1.0, number("/InstalledCapacity"));
        // A slow charge/discharge cycle, each pack a little out of phase, so SOCs drift apart.
        drift("/Dc/0/Current", 8.0 * std::sin(2.0 * kPi * time_ / 600.0 + number_) - 1.0 * number_);
        const double current = number("/Dc/0/Current");
        const double soc = std::clamp(number("/Soc") + current * dt / 3600.0 / cap * 100.0, 0.0, 100.0);
        drift("/Soc", soc);
        const double s = number("/Soc");
        const double cellV = 3.20 + 0.2 * s / 100.0 + current * 0.0005;
        drift("/Dc/0/Voltage", cellV * kCells);
        drift("/Dc/0/Power", number("/Dc/0/Voltage") * current);
        drift("/Capacity", cap * s / 100.0);
        drift("/ConsumedAmphours", -cap * (1.0 - s / 100.0));
        drift("/System/MinCellVoltage", cellV - 0.004 - 0.002 * std::sin(time_ / 7.0 + number_));
        drift("/System/MaxCellVoltage", cellV + 0.004 + 0.002 * std::cos(time_ / 5.0 + number_));
        drift("/Dc/0/Temperature", 25.0 + 2.0 * std::sin(time_ / 300.0 + number_));
    }
    churn();
    exporter_.publish();
}

}  // namespace bagg::sim
