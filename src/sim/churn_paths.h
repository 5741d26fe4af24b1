#pragma once
// The paths a busy BMS driver changes every second. `battery-sim --churn K` moves the first K of
// them every period (scripts/bench runs --churn 25); the callgrind replay (bench/bench_replay.cpp)
// sends the same 25 in each ItemsChanged.

#include "packs/battery_paths.h"

#include <array>

namespace bagg::sim {

inline std::array<const BatteryPath*, 25> churnPaths()
{
    return {
        &batteryPath(Quantity::Voltage),
        &batteryPath(Quantity::Current),
        &batteryPath(Quantity::Power),
        &batteryPath(Quantity::Temperature),
        &batteryPath(Quantity::Soc),
        &batteryPath(Quantity::Capacity),
        &batteryPath(Quantity::ConsumedAmphours),
        &batteryPath(Quantity::MinCellVoltage),
        &batteryPath(Quantity::MaxCellVoltage),
        &batteryPath(Quantity::MinCellTemperature),
        &batteryPath(Quantity::MaxCellTemperature),
        &batteryPath(Quantity::ChargeCurrentLimit),
        &batteryPath(Quantity::DischargeCurrentLimit),
        &batteryPath(Quantity::ChargeVoltageLimit),
        &batteryPath(Quantity::BatteryLowVoltage),
        &batteryPath(Quantity::InstalledCapacity),
        &cellIdPath(CellExtreme::MinVoltage),
        &cellIdPath(CellExtreme::MaxVoltage),
        &cellIdPath(CellExtreme::MinTemperature),
        &cellIdPath(CellExtreme::MaxTemperature),
        &batteryPath(Quantity::ModulesOnline),
        &batteryPath(Alarm::LowVoltage),
        &batteryPath(Alarm::HighTemperature),
        &batteryPath(Quantity::Balancing),
        &batteryPath(Quantity::AllowToBalance),
    };
}

}  // namespace bagg::sim
