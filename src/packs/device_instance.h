#pragma once
// VRM device instances of battery services (venus-dbus.md §3): the ClassAndVrmInstance setting's
// text, and which instance is free. Pure, for app/device_settings.cpp.

#include <optional>
#include <set>
#include <string>

namespace bagg {

inline constexpr int kMaxDeviceInstance = 999;

// "battery:513" -> 513; nullopt for anything else (another class is accepted: the instance is what
// matters). The setting is text on the bus; the GUI writes it as well.
std::optional<int> parseClassAndVrmInstance(const std::string& text);

// The lowest instance >= `from` that no other battery service publishes as /DeviceInstance (0..999,
// wrapping). Issue 11 rule 9: an older CAN-bus BMS driver sits on 512 without a settings entry,
// so the settings service would grant 512 to us too, and selecting battery/512 would then make
// systemcalc use that pack.
int firstFreeInstance(int from, const std::set<int>& taken);

}  // namespace bagg
