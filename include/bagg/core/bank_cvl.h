#pragma once
// The bank's charge voltage limit (issue 13 rule 1): the bank floats only when every pack is done.
// Parallel packs share one bus voltage, so the CVL the inverter gets is the whole bank's: the
// lowest pack CVL (`cvl_mode = min`, what the older aggregators do) stops charging a pack that is
// still absorbing (balancing) as soon as another one floats. With `cvl_mode = bank`:
//   - some pack still charging (Bulk, Absorption, or no /Info/ChargeMode at all): the lowest CVL of
//     the packs still charging; packs in float or float transition leave the minimum, but only
//     while their own highest cell stays below their cell limit and they raise no HighCellVoltage
//     (a floating pack whose cells climb comes straight back into it);
//   - none charging, some in float transition: the highest CVL of those in transition, but never
//     above the CVL of a pack whose cells climb (in transition or floating, by the same test);
//   - all floating: the lowest CVL of all.
// Held packs (away within their grace) always stay in the minimum: most likely still in parallel.

#include "bagg/core/aggregation_config.h"
#include "bagg/core/pack_snapshot.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace bagg {

struct CvlMemory {
    // Per pack (its identity): its cell limit, the highest CVL / cells seen while it was charging
    // (its absorption voltage per cell), used when [cells] max_cell_voltage is not configured.
    std::map<std::string, double> cellLimit;
};

struct BankCvl {
    std::optional<double> cvl;  // V; none: no pack publishes one
    std::string mode;           // the bank's phase: "Bulk", "Absorption", "Float Transition", "Float"; empty: unknown
    std::string reason;         // "lowest CVL of the packs still charging: Bank 2 55.2 V (Bank 1 floats)"
};

// online: their phase decides. held: their last CVL bounds the bank. cellLimit: [cells]
// max_cell_voltage when configured, for every pack.
BankCvl decideBankCvl(const std::vector<const PackSnapshot*>& online, const std::vector<const PackSnapshot*>& held,
                      CvlMode mode, std::optional<double> cellLimit, CvlMemory& memory);

}  // namespace bagg
