#pragma once
// The settings the aggregation core obeys, with their defaults as member initializers. The
// configuration schema (config/config_schema.cpp) parses and prints them with their ranges, and
// config/dbus-battery-aggregator.ini documents them (a unit test checks that the three agree).

#include "bagg/core/instant.h"
#include "bagg/core/plausibility.h"
#include "bagg/core/quantity.h"

#include <optional>
#include <vector>

namespace bagg {

enum class SocMode { Min, Mean, Weighted };
enum class TemperatureMode { Mean, Max };
enum class RatioMethod { Count, Capacity };

// What an online pack that blocks one direction (AllowTo* = 0, its limit 0, or modules blocking)
// does to the bank's limit in that direction. dbus-serialbattery blocks whenever its computed limit
// is 0 while its FET stays closed: the pack is still in parallel and takes its share.
enum class BlockedPackPolicy {
    Stop,     // the bank's limit is 0 (the default: safe whatever the FET does)
    Exclude,  // the pack is left out, unless it still measures current that way (its FET is closed)
};

// Imbalance bands: spread above reduceThreshold -> reducePercent of nominal, above warningThreshold
// -> warning level and warningPercent, above alarmThreshold -> alarm level and alarmCurrent.
struct ImbalanceConfig {
    double reduceThreshold = 5.0;    // %-points of SOC spread
    double reducePercent = 85.0;     // % of nominal
    double warningThreshold = 15.0;
    double warningPercent = 66.0;
    double alarmThreshold = 20.0;
    std::optional<double> alarmCurrent;  // A; absent = nominal / 3
    double hysteresis = 2.0;         // %-points below a threshold before the band is left
    std::vector<Alarm> cellAlarms{Alarm::CellImbalance, Alarm::HighCellVoltage, Alarm::LowCellVoltage};
};

// How the bank's CVL is formed (bank_cvl.h): `bank` floats only when every pack is done; `min` is
// the lowest pack CVL, as the older aggregators do.
enum class CvlMode { Bank, Min };

// Limits that recover without flapping (limit_ramp.h): reductions at once, increases after a hold,
// then at a bounded rate.
struct RecoveryConfig {
    Duration currentHold = std::chrono::seconds(30);  // CCL and DCL
    double currentRampPercent = 2.0;                  // % of nominal per second
    Duration voltageHold = std::chrono::seconds(60);  // CVL
    double voltageRampMillivolts = 1.0;               // mV per cell per second
};

// Limiting the bank by each pack's measured share of the current (current_share.h).
struct CurrentFeedbackConfig {
    bool enabled = true;
    Duration smoothing = std::chrono::seconds(30);   // time constant of the learnt shares
    Duration overloadTime = std::chrono::seconds(3);  // a pack above its own limit this long trips the guard
};

// One point of a taper table: at `volts` (a cell voltage), `fraction` (0..1) of the nominal current.
struct TaperPoint {
    double volts = 0.0;
    double fraction = 1.0;
    bool operator==(const TaperPoint& o) const { return volts == o.volts && fraction == o.fraction; }
};

// The cell-voltage safety net (cell_safety.h): off until a chemistry is set; the preset's values
// apply where a key is auto (absent here).
struct CellsConfig {
    enum class Chemistry { None, Lfp, Lto };
    Chemistry chemistry = Chemistry::None;
    std::optional<double> maxCellVoltage;  // V: above it the CVL is lowered
    std::optional<double> cellDiffMax;     // V: the CVL is restored only below this spread of the bank's cells
    std::optional<std::vector<TaperPoint>> cclTaper;  // over the highest cell, volts ascending
    std::optional<std::vector<TaperPoint>> dclTaper;  // over the lowest cell, volts ascending
    std::optional<double> dclHysteresis;   // V a cell must recover before the DCL rises again
};

struct AggregationConfig {
    SocMode socMode = SocMode::Min;
    TemperatureMode temperatureMode = TemperatureMode::Mean;
    RatioMethod ratioMethod = RatioMethod::Count;
    std::optional<double> installedCapacity;     // Ah; overrides the packs' sum
    std::optional<double> maxChargeVoltage;      // V; caps the packs' CVL
    std::optional<double> nominalChargeCurrent;  // A; absent = "auto" = what the BMSes allow
    std::optional<double> maxDischargeCurrent;   // A; caps the DCL
    std::optional<double> batteryLowVoltage;     // V; used when no pack publishes one
    int expectedPacks = 0;                       // 0 = unknown; fewer online raises /Alarms/BmsCable
    BlockedPackPolicy blockedPack = BlockedPackPolicy::Stop;       // both directions...
    std::optional<BlockedPackPolicy> blockedCharge, blockedDischarge;  // ...unless set for one ("auto")
    BlockedPackPolicy blockedPolicy(bool charge) const
    {
        return (charge ? blockedCharge : blockedDischarge).value_or(blockedPack);
    }
    ImbalanceConfig imbalance;
    PlausibilityConfig plausibility;
    CvlMode cvlMode = CvlMode::Bank;
    CurrentFeedbackConfig feedback;
    RecoveryConfig recovery;
    CellsConfig cells;
};

}  // namespace bagg
