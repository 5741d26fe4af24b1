#pragma once
// The current the whole parallel bank may take (or give), derived from each BMS's own limit.
// In parallel the packs share the current, so the weakest pack bounds the bank: with `count` the
// bank may take min(limit_i) × (packs that publish a limit), with `capacity`
// min(limit_i × C_total / C_i). A pack that publishes no limit in that direction vouches for
// nothing and adds nothing (safety rule 1: never above what the online BMSes vouch for together).
//
// A pack that blocks (AllowTo* = 0, its limit 0, or NrOfModulesBlocking* > 0) sets the bank's limit
// to 0 under BlockedPackPolicy::Stop; under Exclude it is left out, unless it still measures
// current in the blocked direction above max(1 A, 2 % of its limit before blocking) for 3 s: its
// FET is evidently closed, and the bank's limit is 0 until it stops blocking.

#include "bagg/core/aggregation_config.h"
#include "bagg/core/instant.h"
#include "bagg/core/pack_snapshot.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace bagg {

enum class CurrentDirection { Charge, Discharge };

struct BankLimit {
    std::optional<double> amps;  // absent only without packs to ask; 0 when none vouches
    std::string reason;          // "BMS Bank 2 CCL 40 A × 3", "Bank 2 blocks charging (AllowToCharge 0)"
};

// What the Exclude policy remembers of one pack in one direction.
struct BlockWatch {
    double limitBeforeBlocking = 0.0;     // A: its limit the last time it did not block
    std::optional<Instant> flowingSince;  // blocked, yet current flows that way since
    bool tripped = false;                 // current flowed for 3 s: latched until it stops blocking
};
using BlockWatches = std::map<std::string, BlockWatch>;  // by service name

// Why a pack blocks that direction ("AllowToCharge 0", "CCL 0", "2 modules blocking"), empty when it does not.
std::string blockingReason(const PackSnapshot& pack, CurrentDirection direction);

// How long a blocked pack may measure current in the blocked direction before its FET counts as closed.
inline constexpr auto kBlockedCurrentTime = std::chrono::seconds(3);

// packs: the online packs, whose limits count. held: packs briefly away (pack_health.h), whose
// limits never count but whose block does: most likely still wired in parallel, a held pack that
// blocks (as it last did, or as it still publishes) stops the bank under Stop, and one whose FET
// was found closed keeps the bank stopped under Exclude. watches: this direction's memory
// (entries of packs neither online nor held are dropped).
BankLimit bankLimit(const std::vector<const PackSnapshot*>& packs, const std::vector<const PackSnapshot*>& held,
                    CurrentDirection direction, RatioMethod method, BlockedPackPolicy policy, BlockWatches& watches,
                    Instant now);

}  // namespace bagg
