#pragma once
// Run-time state that must survive a restart, in a small text file guarded by a checksum and
// replaced atomically (temp file, fsync, rename, fsync of the directory): a power cut leaves
// either the old or the new file, and a damaged one is detected, reported and replaced.

#include "bagg/core/imbalance_policy.h"

#include <string>

namespace bagg {

struct RuntimeState {
    // The hysteresis memory: without it a restart could leave a band early.
    ImbalanceBand imbalanceBand = ImbalanceBand::Balanced;
    bool operator==(const RuntimeState& o) const { return imbalanceBand == o.imbalanceBand; }
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

}  // namespace bagg
