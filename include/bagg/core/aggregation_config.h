#pragma once
// The settings the aggregation core obeys. Defaults live in config/config_schema.cpp (one table
// for defaults, ranges, parsing and documentation); this struct only carries the values.

#include "bagg/core/plausibility.h"
#include "bagg/core/quantity.h"

#include <optional>
#include <vector>

namespace bagg {

enum class SocMode { Min, Mean, Weighted };
enum class TemperatureMode { Mean, Max };
enum class RatioMethod { Count, Capacity };

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
    ImbalanceConfig imbalance;
    PlausibilityConfig plausibility;
};

}  // namespace bagg
