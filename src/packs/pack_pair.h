#pragma once
// [pair "<name>"]: a pack's own shunt merged into the pack it measures. Pure: the battery services
// the bus edge reads and the configured pairs in; which services pair up, and the pack's values
// with the shunt's measurements, out. The pair is one pack everywhere; the shunt has no row.
//
// Rules:
// - A pair applies when its pack selector and its monitor selector each match a service on the
//   bus (the first match), and not the same one.
// - The pack takes the monitor's values for `fromMonitor` (default soc, current, power, consumed
//   Ah, capacity) while the monitor is read, answering and connected, and has the value; otherwise
//   its own BMS's, at once (a shunt that goes away must not freeze the pack's SOC: its BMS still
//   measures it).
// - The monitor is part of its pack while the pair applies: never listed, never a source.

#include "pack_values.h"

#include "bagg/config/config.h"

#include <map>
#include <set>
#include <string>
#include <vector>

namespace bagg {

// One battery service as the edge reads it.
struct PairCandidate {
    const PackValues* values = nullptr;  // never null
    bool reachable = false;              // read, answering and connected
};

struct PairedPacks {
    std::map<std::string, PackValues> merged;  // by the pack's service: its values with its shunt's
    std::set<std::string> monitors;            // the services that are part of a pack now
};

// `services`: every battery service on the bus, by name.
PairedPacks pairPacks(const std::map<std::string, PairCandidate>& services, const std::vector<PackPair>& pairs);

}  // namespace bagg
