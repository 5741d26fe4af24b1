#pragma once
// Charge and discharge limits of the aggregate: CVL, CCL (with imbalance protection), DCL and
// battery-low voltage, each with the reason a user reads in /Info/ChargeLimitation.

#include "bagg/core/aggregate.h"

namespace bagg {

// online: the online packs. Fills the limit fields, reasons, imbalance decision and
// /Alarms/CellImbalance of `result`; result.socSpread must already be set.
void applyChargePolicy(const std::vector<const PackSnapshot*>& online, const AggregationConfig& config,
                       ImbalanceState& state, AggregateResult& result);

}  // namespace bagg
