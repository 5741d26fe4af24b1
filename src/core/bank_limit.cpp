#include "bagg/core/bank_limit.h"

#include <fmt/format.h>

namespace bagg {
namespace {

bool allowed(const PackSnapshot& p, CurrentDirection dir)
{
    const auto& flag = p.get(dir == CurrentDirection::Charge ? Quantity::AllowToCharge : Quantity::AllowToDischarge);
    // A BMS that does not publish the flag does not block: many drivers only send the limit.
    return !flag || *flag != 0.0;
}

}  // namespace

BankLimit bankLimit(const std::vector<const PackSnapshot*>& packs, CurrentDirection dir, RatioMethod method)
{
    const Quantity limitQ = dir == CurrentDirection::Charge ? Quantity::ChargeCurrentLimit : Quantity::DischargeCurrentLimit;
    const char* limitName = dir == CurrentDirection::Charge ? "CCL" : "DCL";
    const char* verb = dir == CurrentDirection::Charge ? "charge" : "discharge";

    std::vector<const PackSnapshot*> open;
    for (const auto* p : packs)
        if (allowed(*p, dir)) open.push_back(p);

    BankLimit out;
    out.packsAllowed = static_cast<int>(open.size());
    if (packs.empty()) {
        out.amps = 0.0;
        out.reason = "no battery online";
        return out;
    }
    if (open.empty()) {
        out.amps = 0.0;
        out.reason = fmt::format("no pack may {} (BMS blocks)", verb);
        return out;
    }

    bool byCapacity = method == RatioMethod::Capacity;
    double totalCapacity = 0.0;
    for (const auto* p : open) {
        const auto& c = p->get(Quantity::InstalledCapacity);
        if (!c || *c <= 0.0) byCapacity = false;  // cannot weigh what we do not know: fall back to count
        else totalCapacity += *c;
    }

    const PackSnapshot* weakest = nullptr;
    for (const auto* p : open) {
        const auto& limit = p->get(limitQ);
        if (!limit) continue;
        const double share = byCapacity ? *limit * totalCapacity / *p->get(Quantity::InstalledCapacity)
                                        : *limit * static_cast<double>(open.size());
        if (!out.amps || share < *out.amps) {
            out.amps = share;
            weakest = p;
        }
    }
    if (!weakest) {
        out.reason = fmt::format("no BMS publishes a {}", limitName);
        return out;
    }
    const double own = *weakest->get(limitQ);
    if (byCapacity)
        out.reason = fmt::format("BMS {} {} {:g} A × {:g}/{:g} Ah", weakest->label, limitName, own, totalCapacity,
                                 *weakest->get(Quantity::InstalledCapacity));
    else
        out.reason = fmt::format("BMS {} {} {:g} A × {}", weakest->label, limitName, own, open.size());
    if (method == RatioMethod::Capacity && !byCapacity) out.reason += " (capacity unknown: by count)";
    return out;
}

}  // namespace bagg
