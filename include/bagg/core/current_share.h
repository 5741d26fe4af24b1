#pragma once
// Parallel packs do not share the bank current equally: a pack with a lower internal resistance or
// a lower SOC takes more. The count rule (lowest CCL × packs) then lets that pack exceed its own
// CCL (3 × 50 A: 150 A for the bank, 70 A through the low-resistance pack). This learns each pack's
// share from what the BMSes measure and limits the bank so that no pack's share exceeds its own
// limit (issue 13 rule 2), in each direction:
//   - share s_i = I_i / ΣI, from an equal share, smoothed (time constant current_share_smoothing),
//     learnt only while the bank current is large enough to mean something (kMinShareCurrent)
//     and no pack takes current against it (kMaxOpposingCurrent),
//     remembered per pack identity (the state file keeps it over restarts);
//   - predicted limit: min_i(limit_i / s_i), each s_i at least half an equal share, never above
//     Σ limit_i; a pack with no share learnt yet counts with an equal one; with none learnt at all,
//     the ratio_method rule stands;
//   - guard: a pack above its own limit by more than 5 % for overload_time (3 s) derates the bank
//     at once, in proportion (the current the packs take that way × limit_i / I_i). The derating
//     is its own term: it recovers after a hold at a bounded rate (limit_ramp.h), and is never
//     folded into the shares for good.

#include "bagg/core/aggregation_config.h"
#include "bagg/core/bank_limit.h"
#include "bagg/core/instant.h"
#include "bagg/core/limit_ramp.h"
#include "bagg/core/pack_snapshot.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace bagg {

inline constexpr double kMinShareCurrent = 5.0;  // A of bank current before shares are learnt
// A of current a pack may take against the bank's direction (a BMS's current offset) while
// shares are learnt: beyond it packs exchange current (circulation after a reconnect, or at a
// bank current near zero), and I_i / ΣI is no share of anything.
inline constexpr double kMaxOpposingCurrent = 1.0;
inline constexpr double kOverloadMargin = 1.05;  // a pack above its own limit by more than 5 % trips the guard

struct PackShare {
    std::optional<double> charge, discharge;  // fraction of the bank current, 0..1
    bool operator==(const PackShare& o) const { return charge == o.charge && discharge == o.discharge; }
};
using PackShares = std::map<std::string, PackShare>;  // by pack identity ("serial:HQ2210")

struct ShareMemory {
    PackShares shares;
    std::optional<Instant> lastLearnt;
    std::map<std::string, Instant> overChargeSince, overDischargeSince;  // by identity
    RampMemory chargeGuard, dischargeGuard;  // the guard's own term and its recovery
};

// Learns the shares from the online packs' measured currents; dt is the time since the last call
// (a gap longer than 10 s is not learnt from).
void learnShares(const std::vector<const PackSnapshot*>& online, Duration smoothing, ShareMemory& memory, Instant now);

// What the current feedback allows the bank in one direction.
struct FeedbackLimit {
    std::optional<double> predicted;  // A; none without a learnt share or a pack that publishes a limit
    std::string predictedReason;      // "Bank 2 takes 48 % of the current: its CCL 50 A / 0.48"
    std::optional<double> guard;      // A; the guard's term, while it binds or recovers
    std::string guardReason;          // "Bank 2 at 56.0 A > its CCL 50 A"
};

// open: the online packs allowed that way (not blocking). unguarded: the bank's limit without the
// guard (for its recovery to rise to). The share of a pack is clamped to at least 0.5 / packs.
FeedbackLimit feedbackLimit(const std::vector<const PackSnapshot*>& open, CurrentDirection direction,
                            double unguarded, const CurrentFeedbackConfig& feedback, const RecoveryConfig& recovery,
                            double nominal, ShareMemory& memory, Instant now);

// The share of a pack as the feedback uses it (for /Batteries/<n>/CurrentShare): learnt, else none.
std::optional<double> shareOf(const ShareMemory& memory, const std::string& identity, CurrentDirection direction);

}  // namespace bagg
