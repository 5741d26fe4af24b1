#pragma once
// The names on a Venus OS bus this program uses (venus-dbus.md), written once.

namespace bagg {

inline constexpr const char* kBusItemInterface = "com.victronenergy.BusItem";
inline constexpr const char* kBatteryNamespace = "com.victronenergy.battery";  // every battery service below it
inline constexpr const char* kAggregateService = "com.victronenergy.battery.aggregate";  // ours
inline constexpr const char* kSettingsService = "com.victronenergy.settings";
inline constexpr const char* kSettingsInterface = "com.victronenergy.Settings";

}  // namespace bagg
