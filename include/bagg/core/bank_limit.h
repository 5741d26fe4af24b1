#pragma once
// The current the whole parallel bank may take (or give), derived from each BMS's own limit.
// In parallel the packs share the current, so the weakest pack bounds the bank: with `count` the
// bank may take min(limit_i) × number of packs, with `capacity` min(limit_i × C_total / C_i).

#include "bagg/core/aggregation_config.h"
#include "bagg/core/pack_snapshot.h"

#include <optional>
#include <string>
#include <vector>

namespace bagg {

enum class CurrentDirection { Charge, Discharge };

struct BankLimit {
    std::optional<double> amps;  // absent: no pack publishes a limit
    std::string reason;          // "BMS Bank 2 CCL 40 A × 3", "no pack may charge"
    int packsAllowed = 0;
};

// packs: the online packs only.
BankLimit bankLimit(const std::vector<const PackSnapshot*>& packs, CurrentDirection direction,
                    RatioMethod method);

}  // namespace bagg
