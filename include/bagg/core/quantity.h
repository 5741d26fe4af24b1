#pragma once
// The numbers a battery pack publishes, and its standard alarms, as plain enums so that the core
// can store them in fixed arrays and the D-Bus edge can map paths to them with one table.

#include <array>
#include <cstddef>
#include <string_view>

namespace bagg {

enum class Quantity : std::size_t {
    Soc,
    Voltage,
    Current,
    Power,
    Temperature,
    Capacity,           // remaining, Ah
    InstalledCapacity,  // Ah
    ConsumedAmphours,   // Ah, <= 0
    TimeToGo,           // s: a monitor's (the aggregate computes its own from the packs)
    ChargeCurrentLimit,     // CCL, A
    DischargeCurrentLimit,  // DCL, A
    ChargeVoltageLimit,     // CVL, V
    BatteryLowVoltage,
    MinCellVoltage,
    MaxCellVoltage,
    MinCellTemperature,
    MaxCellTemperature,
    CellsPerBattery,
    ModulesOnline,
    ModulesOffline,
    ModulesBlockingCharge,
    ModulesBlockingDischarge,
    AllowToCharge,
    AllowToDischarge,
    AllowToBalance,
    Balancing,
    Connected,
    Count_
};
inline constexpr std::size_t kQuantityCount = static_cast<std::size_t>(Quantity::Count_);

// The four cells that carry an id string next to their value.
enum class CellExtreme : std::size_t { MinVoltage, MaxVoltage, MinTemperature, MaxTemperature, Count_ };
inline constexpr std::size_t kCellExtremeCount = static_cast<std::size_t>(CellExtreme::Count_);

// Every standard alarm of a Venus OS battery service (venus-dbus.md §5), in that order.
enum class Alarm : std::size_t {
    LowVoltage,
    HighVoltage,
    LowCellVoltage,
    HighCellVoltage,
    LowSoc,
    HighChargeCurrent,
    HighDischargeCurrent,
    HighCurrent,
    CellImbalance,
    InternalFailure,
    HighChargeTemperature,
    LowChargeTemperature,
    HighTemperature,
    LowTemperature,
    LowStarterVoltage,
    HighStarterVoltage,
    MidVoltage,
    BmsCable,
    FuseBlown,
    HighInternalTemperature,
    StateOfHealth,
    Contactor,
    Count_
};
inline constexpr std::size_t kAlarmCount = static_cast<std::size_t>(Alarm::Count_);

std::string_view alarmName(Alarm alarm);
// Inverse of alarmName; false when the name is not a standard alarm.
bool alarmFromName(std::string_view name, Alarm& out);

constexpr std::size_t index(Quantity q) { return static_cast<std::size_t>(q); }
constexpr std::size_t index(Alarm a) { return static_cast<std::size_t>(a); }
constexpr std::size_t index(CellExtreme c) { return static_cast<std::size_t>(c); }

// The quantity that holds a cell extreme's value (its id is a text of its own).
constexpr Quantity cellQuantity(CellExtreme c)
{
    constexpr Quantity values[kCellExtremeCount] = {Quantity::MinCellVoltage, Quantity::MaxCellVoltage,
                                                    Quantity::MinCellTemperature, Quantity::MaxCellTemperature};
    return values[index(c)];
}

}  // namespace bagg
