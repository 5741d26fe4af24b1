#include "bank_pack_service.h"

#include <fmt/format.h>

#include <algorithm>

namespace bagg::sim {
namespace {

Value flag(bool on) { return std::int64_t{on ? 1 : 0}; }
Value level(int alarm) { return std::int64_t{alarm}; }
Value cellId(std::size_t index) { return fmt::format("C{}", index + 1); }

}  // namespace

BankPackService::BankPackService(EventLoop& loop, const SimOptions& options, int number, const BankPack& pack)
    : driver_(loop, options, fmt::format("com.victronenergy.battery.sim{}", number))
{
    auto text = [&](const std::string& path, const std::string& v) { driver_.add(path, v, PathFormat::text()); };
    text("/Mgmt/ProcessName", "battery-sim");
    text("/Mgmt/ProcessVersion", "1.0");
    text("/Mgmt/Connection", fmt::format("Simulated bank, pack {}", number));
    text("/FirmwareVersion", "1.0");
    text("/HardwareVersion", "sim bank");
    auto meta = [&](PackMeta m, const Value& v) { driver_.add(std::string(batteryPath(m).path), v, batteryPath(m).format); };
    meta(PackMeta::DeviceInstance, std::int64_t{100 + number});
    meta(PackMeta::ProductId, std::int64_t{0xBA77});  // serialbattery's: the sim plays that driver
    meta(PackMeta::ProductName, std::string("SerialBattery(Sim)"));
    meta(PackMeta::CustomName, pack.spec.name);
    meta(PackMeta::Serial, fmt::format("BANK{:04d}", number));
    meta(PackMeta::ChargeMode, std::string());  // serialbattery's text: "Bulk" ... "Float"
    // Every other path of the table, invalid until update() fills it in.
    for (const auto& row : batteryPaths())
        if (row.kind != BatteryPath::Kind::Meta) driver_.add(std::string(row.path), Invalid{}, row.format);
    update(pack);
    driver_.setPresent(true);
}

void BankPackService::update(const BankPack& pack)
{
    if (driver_.frozen()) return;
    const auto& bms = pack.bms;
    const double capacity = pack.spec.capacityAh;
    const double current = pack.measuredCurrent();
    const double voltage = pack.voltage();
    const auto [lo, hi] = std::minmax_element(pack.cellVolts.begin(), pack.cellVolts.end());
    const auto alarms = bms.alarms();

    set(batteryPath(Quantity::Connected), std::int64_t{1});
    set(batteryPath(Quantity::Soc), bms.soc());
    set(batteryPath(Quantity::Voltage), voltage);
    set(batteryPath(Quantity::Current), current);
    set(batteryPath(Quantity::Power), voltage * current);
    set(batteryPath(Quantity::Temperature), pack.spec.temperature);
    set(batteryPath(Quantity::Capacity), capacity * bms.soc() / 100.0);
    set(batteryPath(Quantity::InstalledCapacity), capacity);
    set(batteryPath(Quantity::ConsumedAmphours), -capacity * (100.0 - bms.soc()) / 100.0);
    set(batteryPath(Quantity::ChargeCurrentLimit), bms.ccl());
    set(batteryPath(Quantity::DischargeCurrentLimit), bms.dcl());
    set(batteryPath(Quantity::ChargeVoltageLimit), bms.cvl());
    set(batteryPath(Quantity::BatteryLowVoltage), bms.minBatteryVoltage());
    set(batteryPath(Quantity::MinCellVoltage), *lo);
    set(batteryPath(Quantity::MaxCellVoltage), *hi);
    set(cellIdPath(CellExtreme::MinVoltage), cellId(static_cast<std::size_t>(lo - pack.cellVolts.begin())));
    set(cellIdPath(CellExtreme::MaxVoltage), cellId(static_cast<std::size_t>(hi - pack.cellVolts.begin())));
    set(batteryPath(Quantity::MinCellTemperature), pack.spec.temperature);
    set(batteryPath(Quantity::MaxCellTemperature), pack.spec.temperature);
    set(cellIdPath(CellExtreme::MinTemperature), std::string("T1"));
    set(cellIdPath(CellExtreme::MaxTemperature), std::string("T1"));
    set(batteryPath(Quantity::CellsPerBattery), std::int64_t{pack.spec.cells});
    set(batteryPath(Quantity::ModulesOnline), std::int64_t{1});
    set(batteryPath(Quantity::ModulesOffline), std::int64_t{0});
    set(batteryPath(Quantity::ModulesBlockingCharge), flag(!bms.allowToCharge()));
    set(batteryPath(Quantity::ModulesBlockingDischarge), flag(!bms.allowToDischarge()));
    set(batteryPath(Quantity::AllowToCharge), flag(bms.allowToCharge()));
    set(batteryPath(Quantity::AllowToDischarge), flag(bms.allowToDischarge()));
    set(batteryPath(Quantity::AllowToBalance), flag(true));
    set(batteryPath(Quantity::Balancing), flag(bms.balancing()));
    for (std::size_t a = 0; a < kAlarmCount; ++a) set(batteryPath(static_cast<Alarm>(a)), level(0));
    set(batteryPath(Alarm::HighCellVoltage), level(alarms.highCellVoltage));
    set(batteryPath(Alarm::LowCellVoltage), level(alarms.lowCellVoltage));
    set(batteryPath(Alarm::LowSoc), level(alarms.lowSoc));
    // serialbattery: time to go only while discharging.
    set(batteryPath(Quantity::TimeToGo),
        current < -0.5 ? Value{capacity * bms.soc() / 100.0 / -current * 3600.0} : Value{Invalid{}});
    set(batteryPath(PackMeta::ChargeMode), bms.modeText());
    driver_.exporter().publish();
}

}  // namespace bagg::sim
