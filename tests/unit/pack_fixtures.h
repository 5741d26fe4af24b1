#pragma once
// Short constructors for the packs in the core's test tables.

#include "bagg/core/aggregation_config.h"
#include "bagg/core/pack_snapshot.h"

#include <string>

namespace bagg::test {

// A pack with the values nearly every BMS publishes.
inline PackSnapshot pack(const std::string& label, double soc, double voltage = 52.0, double current = 0.0)
{
    PackSnapshot p;
    p.service = "com.victronenergy.battery." + label;
    p.label = label;
    p.with(Quantity::Soc, soc).with(Quantity::Voltage, voltage).with(Quantity::Current, current);
    return p;
}

// A pack that also publishes its limits and capacity.
inline PackSnapshot bmsPack(const std::string& label, double soc, double ccl, double dcl, double capacityAh = 100.0)
{
    PackSnapshot p = pack(label, soc);
    p.with(Quantity::ChargeCurrentLimit, ccl)
        .with(Quantity::DischargeCurrentLimit, dcl)
        .with(Quantity::InstalledCapacity, capacityAh)
        .with(Quantity::ChargeVoltageLimit, 56.8);
    return p;
}

// Limits that follow their targets at once (no hold, no ramp): for tables about what a limit is,
// not about how fast it recovers (limit_ramp_test.cpp is about that).
inline AggregationConfig instantRecovery(AggregationConfig c = {})
{
    c.recovery.currentHold = c.recovery.voltageHold = Duration{0};
    c.recovery.currentRampPercent = c.recovery.voltageRampMillivolts = 0.0;  // no bound on a rise
    return c;
}

}  // namespace bagg::test
