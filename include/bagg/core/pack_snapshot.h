#pragma once
// What the aggregation core knows about one battery pack: plain values, each of which may be
// absent ("invalid" on D-Bus). Filled by the D-Bus reader, or by a test table.

#include "bagg/core/quantity.h"

#include <array>
#include <optional>
#include <string>

namespace bagg {

// How a pack takes part in the aggregate (packs/pack_health.h decides; README "When a pack
// misbehaves" explains it to owners).
enum class PackPresence {
    Online,   // every value counts, its limits too
    Held,     // briefly away (restarting driver, no answer, invalid values) within `reconnect_grace`:
              // its last SOC, capacity, current, alarms and CVL still count; its CCL/DCL never do
    Missing,  // away beyond the grace: counts only as offline modules, and raises /Alarms/BmsCable
};

// Where a BMS is in its own charge cycle, from its /Info/ChargeMode text (dbus-serialbattery:
// "Bulk", "Absorption", "Float Transition", "Float", sometimes with a suffix).
enum class ChargePhase {
    Unknown,          // no ChargeMode: counts as still charging (the safe assumption for the CVL)
    Bulk,
    Absorption,
    FloatTransition,  // absorbed; its CVL ramps down to float
    Float,
};

struct PackSnapshot {
    std::string service;   // com.victronenergy.battery.ttyUSB0
    std::string label;     // CustomName, else ProductName + service suffix
    std::string identity;  // "serial:HQ2210" (or "service:<name>"): what memory per pack is keyed on
    PackPresence presence = PackPresence::Online;
    ChargePhase chargePhase = ChargePhase::Unknown;

    std::array<std::optional<double>, kQuantityCount> values{};
    std::array<std::string, kCellExtremeCount> cellIds{};  // "C7", as the BMS names the cell
    std::array<std::optional<int>, kAlarmCount> alarms{};  // 0 ok, 1 warning, 2 alarm

    const std::optional<double>& get(Quantity q) const { return values[index(q)]; }
    std::optional<double>& get(Quantity q) { return values[index(q)]; }
    const std::optional<int>& alarm(Alarm a) const { return alarms[index(a)]; }

    // Fluent setters keep test tables short: PackSnapshot{}.with(Quantity::Soc, 80)
    PackSnapshot& with(Quantity q, double v) { values[index(q)] = v; return *this; }
    PackSnapshot& withAlarm(Alarm a, int level) { alarms[index(a)] = level; return *this; }
    PackSnapshot& withCellId(CellExtreme c, std::string id) { cellIds[index(c)] = std::move(id); return *this; }

    // Every field. A NaN value (never published: plausibility rejects it) would compare unequal.
    bool operator==(const PackSnapshot& o) const
    {
        return values == o.values && alarms == o.alarms && presence == o.presence && chargePhase == o.chargePhase &&
               cellIds == o.cellIds && service == o.service && label == o.label && identity == o.identity;
    }
    bool operator!=(const PackSnapshot& o) const { return !(*this == o); }
};

}  // namespace bagg
