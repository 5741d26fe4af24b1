#include "sim_monitor.h"

#include "packs/battery_paths.h"

#include <algorithm>

namespace bagg::sim {

SimMonitor::SimMonitor(EventLoop& loop, const SimOptions& options)
    : capacityAh_(options.capacityAh * options.packs), soc_(options.monitorSoc), driver_(loop, options, kSimMonitorService)
{
    auto add = [&](const BatteryPath& row, const Value& v) { driver_.add(std::string(row.path), v, row.format); };
    auto text = [&](const char* path, const char* v) { driver_.add(path, std::string(v), PathFormat::text()); };
    text("/Mgmt/ProcessName", "battery-sim");
    text("/Mgmt/ProcessVersion", "1.0");
    text("/Mgmt/Connection", "Simulated VE.Direct");
    // A SmartShunt 500A/50mV as Victron's vedirect driver publishes it: no CCL, DCL or CVL.
    add(batteryPath(PackMeta::DeviceInstance), std::int64_t{279});
    add(batteryPath(PackMeta::ProductId), std::int64_t{0xA389});
    add(batteryPath(PackMeta::ProductName), std::string("SmartShunt 500A/50mV"));
    add(batteryPath(PackMeta::CustomName), std::string("Sim Shunt"));
    add(batteryPath(PackMeta::Serial), std::string("HQSIMSHUNT"));
    add(batteryPath(Quantity::Connected), std::int64_t{1});
    for (const Quantity q : {Quantity::Soc, Quantity::Voltage, Quantity::Current, Quantity::Power,
                             Quantity::ConsumedAmphours, Quantity::TimeToGo})
        add(batteryPath(q), Invalid{});
    for (const Alarm a : {Alarm::LowVoltage, Alarm::HighVoltage, Alarm::LowSoc})
        add(batteryPath(a), std::int64_t{0});
    tick(0.0, 0.0, 0.0);
    driver_.setPresent(true);
}

void SimMonitor::tick(double dt, double current, double voltage)
{
    if (driver_.frozen()) return;
    soc_ = std::clamp(soc_ + current * dt / 3600.0 / capacityAh_ * 100.0, 0.0, 100.0);
    auto set = [&](Quantity q, const Value& v) { driver_.set(std::string(quantityPath(q)), v); };
    set(Quantity::Soc, soc_);
    set(Quantity::Voltage, voltage);
    set(Quantity::Current, current);
    set(Quantity::Power, voltage * current);
    set(Quantity::ConsumedAmphours, -capacityAh_ * (1.0 - soc_ / 100.0));
    // A BMV's time to go: only while discharging, else invalid.
    set(Quantity::TimeToGo, current < 0.0 ? Value{soc_ / 100.0 * capacityAh_ / -current * 3600.0} : Value{Invalid{}});
    driver_.exporter().publish();
}

}  // namespace bagg::sim
