#pragma once
// What `dbus-battery-aggregator status` shows, built from one GetItems reply of our service.
// Pure: items in, model out, so it is tested without a bus.

#include "packs/busitem_value.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace bagg {

struct PackRow {
    int slot = 0;
    std::string label, service, state;  // state: its health ("online", "gone", ...)
    std::string role;                   // "pack", "monitor", "aggregate"
    std::string presence;               // how it counts: "online", "held", "missing", empty: not at all
    std::optional<double> soc, voltage, current, temperature, minCell, maxCell, ccl, dcl;
    std::optional<double> allowCharge, allowDischarge, rejectedValues;
};

struct StatusModel {
    std::string service, customName;
    std::optional<double> deviceInstance, packsOnline;
    std::optional<double> soc, voltage, current, power, temperature;
    std::optional<double> cvl, ccl, dcl, spread;
    std::optional<double> batteryLowVoltage, capacity, installedCapacity, timeToGo;  // V, Ah, Ah, s
    std::string band, chargeLimitation, dischargeLimitation, chargeVoltageLimitation, chargeMode;
    std::string socSource, currentSource;  // [sources]
    std::vector<std::string> warnings;     // /Info/Warnings
    std::vector<std::pair<std::string, int>> alarms;  // active ones: name, level 1 or 2
    std::vector<PackRow> packs;
};

StatusModel buildStatus(const std::string& service, const std::map<std::string, Value>& items);

}  // namespace bagg
