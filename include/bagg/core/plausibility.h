#pragma once
// Which values a BMS may plausibly send. A value outside is treated as absent for that pack:
// one broken reading must never move the bank's limits.

#include "bagg/core/quantity.h"

namespace bagg {

struct PlausibilityConfig {
    double maxPackVoltage = 1000.0;   // V
    double maxCellVoltage = 5.0;      // V
    double minTemperature = -60.0;    // °C
    double maxTemperature = 150.0;    // °C
    double maxCurrent = 10000.0;      // A, magnitude of current and of every limit
    double maxCapacity = 1000000.0;   // Ah
    double maxCount = 1000.0;         // cells per battery, modules
};

// A monitor's /TimeToGo, s: a BMV caps it at 10 days (864000 s); a year allows any monitor.
inline constexpr double kMaxTimeToGo = 365.0 * 24 * 3600;

// NaN and infinities are never plausible.
bool plausible(Quantity q, double value, const PlausibilityConfig& limits);

}  // namespace bagg
