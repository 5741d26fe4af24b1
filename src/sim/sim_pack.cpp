#include "sim_pack.h"

#include "churn_paths.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace bagg::sim {
namespace {

constexpr int kCells = 16;
constexpr double kPi = 3.14159265358979323846;

double defaultSoc(int number) { return std::max(10.0, 90.0 - 5.0 * (number - 1)); }

// Paths and formats are the table's, but the sim publishes every quantity as a double, counts and
// 0/1 flags too (0 decimals), as it always has: readers must take any numeric type
// (venus-dbus.md §1), and the integration tests that run on the sim cover that.
PathFormat simFormat(const BatteryPath& row)
{
    if (row.kind == BatteryPath::Kind::Quantity && row.format.kind == PathFormat::Kind::Integer)
        return PathFormat::number(0, row.format.unit);
    return row.format;
}

}  // namespace

SimPack::SimPack(EventLoop& loop, const SimOptions& options, int number)
    : options_(options),
      number_(number),
      driver_(loop, options, fmt::format("com.victronenergy.battery.sim{}", number))
{
    const auto idx = static_cast<std::size_t>(number - 1);
    const double soc = idx < options.socs.size() ? options.socs[idx] : defaultSoc(number);
    const double cap = options.capacityAh;
    const double cellV = 3.20 + 0.2 * soc / 100.0;

    auto add = [&](const BatteryPath& row, const Value& v) { driver_.add(std::string(row.path), v, simFormat(row)); };
    auto quantity = [&](Quantity q, double v) { add(batteryPath(q), v); };
    auto text = [&](const char* path, std::string v) { driver_.add(path, v, PathFormat::text()); };

    text("/Mgmt/ProcessName", "battery-sim");
    text("/Mgmt/ProcessVersion", "1.0");
    text("/Mgmt/Connection", fmt::format("Simulated serial port {}", number));
    add(batteryPath(PackMeta::DeviceInstance), std::int64_t{100 + number});
    add(batteryPath(PackMeta::ProductId), std::int64_t{0xBA77});
    add(batteryPath(PackMeta::ProductName), std::string("Simulated BMS"));
    text("/FirmwareVersion", "1.0");
    text("/HardwareVersion", "sim");
    add(batteryPath(PackMeta::CustomName), fmt::format("Sim {}", number));
    add(batteryPath(PackMeta::Serial), fmt::format("SIM{:04d}", number));
    add(batteryPath(PackMeta::ChargeMode), Invalid{});  // none, as serialbattery before it knows; SetValue a text

    quantity(Quantity::Connected, 1);
    quantity(Quantity::Soc, soc);
    quantity(Quantity::Voltage, cellV * kCells);
    quantity(Quantity::Current, 0.0);
    quantity(Quantity::Power, 0.0);
    quantity(Quantity::Temperature, 25.0);
    quantity(Quantity::InstalledCapacity, cap);
    quantity(Quantity::Capacity, cap * soc / 100.0);
    quantity(Quantity::ConsumedAmphours, -cap * (1.0 - soc / 100.0));
    quantity(Quantity::ChargeCurrentLimit, options.ccl);
    quantity(Quantity::DischargeCurrentLimit, options.dcl);
    quantity(Quantity::ChargeVoltageLimit, options.cvl);
    quantity(Quantity::BatteryLowVoltage, 48.0);
    quantity(Quantity::MinCellVoltage, cellV - 0.005);
    quantity(Quantity::MaxCellVoltage, cellV + 0.005);
    quantity(Quantity::MinCellTemperature, 24.0);
    quantity(Quantity::MaxCellTemperature, 26.0);
    add(cellIdPath(CellExtreme::MinVoltage), std::string("C3"));
    add(cellIdPath(CellExtreme::MaxVoltage), std::string("C12"));
    add(cellIdPath(CellExtreme::MinTemperature), std::string("T1"));
    add(cellIdPath(CellExtreme::MaxTemperature), std::string("T2"));
    quantity(Quantity::CellsPerBattery, kCells);
    quantity(Quantity::ModulesOnline, 1);
    quantity(Quantity::ModulesOffline, 0);
    quantity(Quantity::ModulesBlockingCharge, 0);
    quantity(Quantity::ModulesBlockingDischarge, 0);
    quantity(Quantity::AllowToCharge, 1);
    quantity(Quantity::AllowToDischarge, 1);
    quantity(Quantity::AllowToBalance, 1);
    quantity(Quantity::Balancing, 0);
    for (std::size_t a = 0; a < kAlarmCount; ++a) add(batteryPath(static_cast<Alarm>(a)), std::int64_t{0});
    // Per-cell voltages as dbus-serialbattery publishes them ("3.301V"); the aggregator uses none.
    for (int c = 1; c <= options.cells; ++c) {
        cellPaths_.push_back(fmt::format("/Voltages/Cell{}", c));
        driver_.add(cellPaths_.back(), cellV + 0.001 * (c % 5 - 2), PathFormat::number(3, "V"));
    }
    driver_.exporter().publish();
    driver_.setPresent(true);
}

// Moves `churn` paths by more than their published resolution, so each one is really published.
void SimPack::churn()
{
    BusItemExporter& exporter = driver_.exporter();
    const auto paths = churnPaths();
    ++churnStep_;
    const int n = std::min<int>(options_.churn, static_cast<int>(paths.size()));
    const bool up = churnStep_ % 2 == 0;
    for (int i = 0; i < n; ++i) {
        const BatteryPath& row = *paths[static_cast<std::size_t>(i)];
        const std::string path(row.path);
        if (row.kind == BatteryPath::Kind::CellId) {
            exporter.set(path, fmt::format("C{}", churnStep_ % 16 + 1));
            continue;
        }
        if (row.kind == BatteryPath::Kind::Alarm) {
            exporter.set(path, std::int64_t{up ? 1 : 0});
            continue;
        }
        const auto q = static_cast<Quantity>(row.index);
        switch (q) {
        case Quantity::Balancing:
        case Quantity::AllowToBalance: exporter.set(path, up ? 1.0 : 0.0); break;
        case Quantity::ModulesOnline: exporter.set(path, up ? 2.0 : 1.0); break;
        case Quantity::Soc: exporter.set(path, number(q) + (up ? 0.1 : -0.1)); break;
        case Quantity::MinCellVoltage:
        case Quantity::MaxCellVoltage: exporter.set(path, number(q) + (up ? 0.002 : -0.002)); break;
        default: {
            // Half a unit is more than the resolution of 1 decimal or more; whole units (the
            // power, in W) need a whole step, or 1 -> 0.5 rounds back to 1 and nothing changes.
            const double step = simFormat(row).decimals == 0 ? 1.0 : 0.5;
            exporter.set(path, number(q) + (up ? step : -step));
            break;
        }
        }
    }
}

// Each cell by 2 mV (the resolution is 1 mV), up and down on alternate periods, neighbours in
// opposite directions: every cell is one published change per period.
void SimPack::moveCells()
{
    const bool up = churnStep_ % 2 == 0;
    for (std::size_t c = 0; c < cellPaths_.size(); ++c) {
        const double v = asNumber(driver_.exporter().value(cellPaths_[c])).value_or(3.3);
        driver_.set(cellPaths_[c], v + ((c % 2 == 0) == up ? 0.002 : -0.002));
    }
}

double SimPack::number(Quantity q) const
{
    return asNumber(driver_.exporter().value(std::string(quantityPath(q)))).value_or(0.0);
}

void SimPack::drift(Quantity q, double value)
{
    driver_.set(std::string(quantityPath(q)), value);
}

void SimPack::tick(double dt)
{
    if (driver_.frozen()) return;
    if (options_.drift) {
        time_ += dt;
        const double cap = std::max(1.0, number(Quantity::InstalledCapacity));
        // A slow charge/discharge cycle, each pack a little out of phase, so SOCs drift apart.
        drift(Quantity::Current, 8.0 * std::sin(2.0 * kPi * time_ / 600.0 + number_) - 1.0 * number_);
        const double current = number(Quantity::Current);
        const double soc = std::clamp(number(Quantity::Soc) + current * dt / 3600.0 / cap * 100.0, 0.0, 100.0);
        drift(Quantity::Soc, soc);
        const double s = number(Quantity::Soc);
        const double cellV = 3.20 + 0.2 * s / 100.0 + current * 0.0005;
        drift(Quantity::Voltage, cellV * kCells);
        drift(Quantity::Power, number(Quantity::Voltage) * current);
        drift(Quantity::Capacity, cap * s / 100.0);
        drift(Quantity::ConsumedAmphours, -cap * (1.0 - s / 100.0));
        drift(Quantity::MinCellVoltage, cellV - 0.004 - 0.002 * std::sin(time_ / 7.0 + number_));
        drift(Quantity::MaxCellVoltage, cellV + 0.004 + 0.002 * std::cos(time_ / 5.0 + number_));
        drift(Quantity::Temperature, 25.0 + 2.0 * std::sin(time_ / 300.0 + number_));
    }
    churn();
    moveCells();
    driver_.exporter().publish();
}

}  // namespace bagg::sim
