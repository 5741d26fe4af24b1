#include "bagg/core/plausibility.h"

#include <cmath>

namespace bagg {

bool plausible(Quantity q, double v, const PlausibilityConfig& c)
{
    if (!std::isfinite(v)) return false;
    auto within = [v](double lo, double hi) { return v >= lo && v <= hi; };
    switch (q) {
    case Quantity::Soc: return within(0.0, 100.0);
    case Quantity::Voltage:
    case Quantity::ChargeVoltageLimit:
    case Quantity::BatteryLowVoltage: return within(0.0, c.maxPackVoltage);
    case Quantity::MinCellVoltage:
    case Quantity::MaxCellVoltage: return within(0.0, c.maxCellVoltage);
    case Quantity::Temperature:
    case Quantity::MinCellTemperature:
    case Quantity::MaxCellTemperature: return within(c.minTemperature, c.maxTemperature);
    case Quantity::Current: return within(-c.maxCurrent, c.maxCurrent);
    case Quantity::Power: return within(-c.maxCurrent * c.maxPackVoltage, c.maxCurrent * c.maxPackVoltage);
    case Quantity::ChargeCurrentLimit:
    case Quantity::DischargeCurrentLimit: return within(0.0, c.maxCurrent);
    case Quantity::Capacity:
    case Quantity::InstalledCapacity: return within(0.0, c.maxCapacity);
    case Quantity::ConsumedAmphours: return within(-c.maxCapacity, c.maxCapacity);
    case Quantity::TimeToGo: return within(0.0, kMaxTimeToGo);
    case Quantity::CellsPerBattery:
    case Quantity::ModulesOnline:
    case Quantity::ModulesOffline:
    case Quantity::ModulesBlockingCharge:
    case Quantity::ModulesBlockingDischarge: return within(0.0, c.maxCount);
    case Quantity::AllowToCharge:
    case Quantity::AllowToDischarge:
    case Quantity::AllowToBalance:
    case Quantity::Balancing:
    case Quantity::Connected: return within(0.0, 1.0);
    case Quantity::Count_: break;
    }
    return false;
}

}  // namespace bagg
