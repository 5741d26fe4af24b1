#include "pack_pair.h"

#include "pack_filter.h"

namespace bagg {
namespace {

const std::pair<const std::string, PairCandidate>* find(const std::map<std::string, PairCandidate>& services,
                                                         const std::string& selector)
{
    for (const auto& entry : services) {
        const auto& v = *entry.second.values;
        if (matchesEntry(selector, entry.first, v.customName(), v.serial())) return &entry;
    }
    return nullptr;
}

}  // namespace

PairedPacks pairPacks(const std::map<std::string, PairCandidate>& services, const std::vector<PackPair>& pairs)
{
    PairedPacks out;
    for (const auto& pair : pairs) {
        const auto* pack = find(services, pair.pack);
        const auto* monitor = find(services, pair.monitor);
        if (!pack || !monitor || pack == monitor) continue;
        out.monitors.insert(monitor->first);
        if (!monitor->second.reachable) continue;
        PackValues values = *pack->second.values;
        values.takeFrom(monitor->second.values->snapshot(), pair.fromMonitor);
        out.merged.insert_or_assign(pack->first, std::move(values));
    }
    return out;
}

}  // namespace bagg
