#pragma once
// Run-time state that must survive a restart, in a small text file guarded by a checksum and
// replaced atomically (temp file, fsync, rename, fsync of the directory): a power cut leaves
// either the old or the new file, and a damaged one is detected, reported and replaced.

#include "bagg/core/current_share.h"
#include "bagg/core/imbalance_policy.h"
#include "bagg/core/instant.h"
#include "packs/pack_health.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace bagg {

struct RuntimeState {
    // The hysteresis memory: without it a restart could leave a band early.
    ImbalanceBand imbalanceBand = ImbalanceBand::Balanced;
    // The last CVL a pack vouched for: published after a restart with no pack online, so that
    // systemcalc keeps us as the controlling BMS and passes CCL 0 on (issue 11 rule 1).
    std::optional<double> chargeVoltage;
    // Every pack seen online: a restart must not hide one that is still missing.
    std::vector<KnownPack> knownPacks;
    // Each pack's learnt share of the bank current (current_feedback): not relearnt from equal
    // shares after every restart.
    PackShares currentShares;
    // The Coulomb counter's charge ([sources] soc = counter), with the wall-clock time it was saved
    // (its age decides whether it is still taken after a restart).
    struct Counter {
        double chargeAh = 0.0, capacityAh = 0.0;
        std::int64_t savedAt = 0;  // s since the epoch
        bool operator==(const Counter& o) const
        {
            return chargeAh == o.chargeAh && capacityAh == o.capacityAh && savedAt == o.savedAt;
        }
    };
    std::optional<Counter> counter;

    bool operator==(const RuntimeState& o) const
    {
        return imbalanceBand == o.imbalanceBand && chargeVoltage == o.chargeVoltage && knownPacks == o.knownPacks &&
               currentShares == o.currentShares && counter == o.counter;
    }
    bool operator!=(const RuntimeState& o) const { return !(*this == o); }
};

struct StateLoad {
    RuntimeState state;   // the safe default unless the file was good
    bool missing = false; // no file yet: not a problem
    std::string problem;  // non-empty: unreadable or corrupt; the default is used
};

StateLoad loadState(const std::string& path);
// Returns an error message, empty on success.
std::string saveState(const std::string& path, const RuntimeState& state);

// The file's text, exposed for tests of corruption handling.
std::string encodeState(const RuntimeState& state);

// Whether `now` is worth a write to the GX's flash, `sinceSaved` after `saved` was written. A band
// or a pack seen for the first time is written at once. A CVL (moved by more than 0.05 V) or the
// current shares (one moved by more than 0.05) only every kChargeVoltageSavePeriod: a BMS with a
// dynamic CVL changes it every few seconds, the shares move with every reading, and neither has to
// be exact after a restart (the CVL is published with CCL 0 while no pack is online; the shares
// are learnt again from there). The rest is flushed when the daemon stops.
bool stateSaveDue(const RuntimeState& saved, const RuntimeState& now, Instant sinceSaved);
inline constexpr auto kChargeVoltageSavePeriod = std::chrono::minutes(10);

// The daemon's state file (as MPD's StateFile): loaded once at start, saved when worth it, and a
// problem logged once while it lasts (a read-only /data must not fill the log).
class StateFile {
public:
    explicit StateFile(std::string path);  // empty: keep nothing
    StateFile(const StateFile&) = delete;
    StateFile& operator=(const StateFile&) = delete;

    // The saved state, or the safe default (missing file, or damaged: reported and replaced).
    RuntimeState load(Instant now);
    void save(const RuntimeState& state, Instant now);  // when stateSaveDue()
    void flush(const RuntimeState& state);              // at exit: whatever changed, at once

private:
    void write(const RuntimeState& state);

    std::string path_;
    RuntimeState saved_;
    Instant savedAt_{0};
    bool writable_ = true;
};

}  // namespace bagg
