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

// NaN and infinities are never plausible.
bool plausible(Quantity q, double value, const PlausibilityConfig& limits);

}  // namespace bagg
