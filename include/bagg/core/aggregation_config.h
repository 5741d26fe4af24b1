#pragma once
// The settings the aggregation core obeys, with their defaults as member initializers. The
// configuration schema (config/config_schema.cpp) parses and prints them with their ranges, and
// config/dbus-battery-aggregator.ini documents them (a unit test checks that the three agree).

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
};

}  // namespace bagg
