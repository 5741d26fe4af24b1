#pragma once
// Maps the SOC spread between packs (and the packs' own cell alarms) to a charge-current band.
// Bands are entered at once and left only after the spread has fallen `hysteresis` below the
// threshold, so the CCL does not flap when the spread hovers at a threshold.

#include "bagg/core/aggregation_config.h"

#include <string>

namespace bagg {

enum class ImbalanceBand { Balanced = 0, Reduced = 1, Warning = 2, Alarm = 3 };

// The memory the hysteresis needs between two recomputes.
struct ImbalanceMemory {
    ImbalanceBand spreadBand = ImbalanceBand::Balanced;
};

struct ImbalanceDecision {
    ImbalanceBand band = ImbalanceBand::Balanced;
    int alarmLevel = 0;     // 0/1/2 from the spread alone, for /Alarms/CellImbalance
    bool cellAlarm = false; // band raised by a pack's cell alarm
    std::string reason;     // "imbalance 17.2% > 15%", empty when balanced
};

// A pack's cell alarm (one of ImbalanceConfig::cellAlarms) at its level: 1 (warning) forces at
// least the warning band, 2 (alarm) the alarm band. It never raises /Alarms/CellImbalance by
// itself: a HighCellVoltage stays a HighCellVoltage (the packs' own alarms are merged as they are).
struct CellAlarm {
    int level = 0;       // 0: none
    std::string reason;  // "cell alarm HighCellVoltage (warning) on Bank 2"
};

// spread: highest minus lowest SOC of the packs that count (0 with fewer than two).
ImbalanceDecision decideImbalance(double spread, const CellAlarm& cellAlarm, const ImbalanceConfig& config,
                                  ImbalanceMemory& memory);

// The charge current allowed in a band, given the nominal current (A). A band never allows more
// than a milder one: alarm_current is capped by the warning band's current.
double bandCurrent(ImbalanceBand band, double nominal, const ImbalanceConfig& config);

}  // namespace bagg
