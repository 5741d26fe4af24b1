#include "bagg/core/bank_limit.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <iterator>

namespace bagg {
namespace {

struct Direction {
    Quantity limit, allow, modulesBlocking;
    const char* limitName;  // "CCL"
    const char* allowName;  // "AllowToCharge"
    const char* verb;       // "charge"
    const char* gerund;     // "charging"
    double sign;            // +1: charging current is positive
};

Direction describe(CurrentDirection d)
{
    if (d == CurrentDirection::Charge)
        return {Quantity::ChargeCurrentLimit, Quantity::AllowToCharge, Quantity::ModulesBlockingCharge, "CCL",
                "AllowToCharge", "charge", "charging", 1.0};
    return {Quantity::DischargeCurrentLimit, Quantity::AllowToDischarge, Quantity::ModulesBlockingDischarge, "DCL",
            "AllowToDischarge", "discharge", "discharging", -1.0};
}

// Why a pack blocks this direction, or empty when it does not. A BMS that does not publish a flag
// does not block by it: many drivers only send the limit.
std::string blocking(const PackSnapshot& p, const Direction& d)
{
    if (const auto& allow = p.get(d.allow); allow && *allow == 0.0) return fmt::format("{} 0", d.allowName);
    if (const auto& limit = p.get(d.limit); limit && *limit <= 0.0) return fmt::format("{} 0", d.limitName);
    if (const auto& n = p.get(d.modulesBlocking); n && *n > 0.0)
        return fmt::format("{:g} module{} blocking", *n, *n == 1.0 ? "" : "s");
    return {};
}

// Under Exclude: has this blocked pack measured current the blocked way for kBlockedCurrentTime?
bool stillFlowing(const PackSnapshot& p, const Direction& d, BlockWatch& w, Instant now)
{
    const double threshold = std::max(1.0, 0.02 * w.limitBeforeBlocking);
    const auto& current = p.get(Quantity::Current);
    if (current && d.sign * *current > threshold) {
        if (!w.flowingSince) w.flowingSince = now;
        if (now - *w.flowingSince >= kBlockedCurrentTime) w.tripped = true;
    } else {
        w.flowingSince.reset();
    }
    return w.tripped;
}

}  // namespace

std::string blockingReason(const PackSnapshot& p, CurrentDirection dir) { return blocking(p, describe(dir)); }

BankLimit bankLimit(const std::vector<const PackSnapshot*>& packs, const std::vector<const PackSnapshot*>& held,
                    CurrentDirection dir, RatioMethod method, BlockedPackPolicy policy, BlockWatches& watches,
                    Instant now)
{
    const Direction d = describe(dir);
    BankLimit out;

    // Blocked packs first: they decide before any arithmetic does. A held pack is most likely still
    // wired in parallel: its block (as it was, or as it still publishes it) stops the bank under
    // Stop, and a FET found closed stays so under Exclude, while it is away.
    std::vector<const PackSnapshot*> open;
    open.reserve(packs.size());  // every recompute: the core's lists grown as they fill were 3 % of one
    std::string stop;
    auto stopWith = [&](const PackSnapshot& p, const std::string& why, const char* suffix) {
        if (!stop.empty()) return;
        stop = fmt::format("{} blocks {} ({}){}", p.label, d.gerund, why, suffix);
    };
    const char* fetClosed = dir == CurrentDirection::Charge ? " but still takes current: its FET is closed"
                                                            : " but still gives current: its FET is closed";
    // Each pack's watch is looked up in place (this runs on every recompute for every pack); the
    // watches no pack here touched belong to packs gone, and are dropped below.
    std::vector<const BlockWatch*> touched;
    touched.reserve(packs.size() + held.size());
    for (const auto* p : packs) {
        BlockWatch& w = watches.try_emplace(p->service).first->second;
        touched.push_back(&w);
        const std::string why = blocking(*p, d);
        if (why.empty()) {
            w = BlockWatch{p->get(d.limit).value_or(w.limitBeforeBlocking), std::nullopt, false};
            open.push_back(p);
        } else if (policy == BlockedPackPolicy::Stop) {
            stopWith(*p, why, "");
        } else if (stillFlowing(*p, d, w, now)) {
            stopWith(*p, why, fetClosed);
        }
    }
    for (const auto* p : held) {
        bool tripped = false;
        if (const auto kept = watches.find(p->service); kept != watches.end()) {
            tripped = kept->second.tripped;
            touched.push_back(&kept->second);
        }
        const std::string why = blocking(*p, d);
        if (why.empty()) continue;
        if (policy == BlockedPackPolicy::Stop) stopWith(*p, why + ", held", "");
        else if (tripped) stopWith(*p, why + ", held", fetClosed);
    }
    // Every watch was touched (the usual case) when as many distinct ones were as there are.
    std::sort(touched.begin(), touched.end(), std::less<>{});
    touched.erase(std::unique(touched.begin(), touched.end()), touched.end());
    if (touched.size() != watches.size()) {
        for (auto it = watches.begin(); it != watches.end();) {
            const bool kept = std::binary_search(touched.begin(), touched.end(), &it->second, std::less<>{});
            it = kept ? std::next(it) : watches.erase(it);
        }
    }
    if (!stop.empty()) {
        out.amps = 0.0;
        out.reason = stop;
        return out;
    }
    if (packs.empty()) {
        out.amps = 0.0;
        out.reason = "no battery online";
        return out;
    }
    if (open.empty()) {
        out.amps = 0.0;
        out.reason = fmt::format("no pack may {} (BMS blocks)", d.verb);
        return out;
    }

    // Only a pack that publishes a limit vouches for a share of the bank's current.
    std::vector<const PackSnapshot*> vouching;
    vouching.reserve(open.size());
    std::string silent;
    for (const auto* p : open) {
        if (p->get(d.limit)) vouching.push_back(p);
        else if (silent.empty()) silent = p->label;
    }
    if (vouching.empty()) {
        out.amps = 0.0;
        out.reason = fmt::format("no BMS publishes a {}", d.limitName);
        return out;
    }

    bool byCapacity = method == RatioMethod::Capacity;
    double totalCapacity = 0.0;
    for (const auto* p : vouching) {
        const auto& c = p->get(Quantity::InstalledCapacity);
        if (!c || *c <= 0.0) byCapacity = false;  // cannot weigh what we do not know: fall back to count
        else totalCapacity += *c;
    }

    const PackSnapshot* weakest = nullptr;
    for (const auto* p : vouching) {
        const double limit = *p->get(d.limit);
        const double share = byCapacity ? limit * totalCapacity / *p->get(Quantity::InstalledCapacity)
                                        : limit * static_cast<double>(vouching.size());
        if (!out.amps || share < *out.amps) {
            out.amps = share;
            weakest = p;
        }
    }
    const double own = *weakest->get(d.limit);
    if (byCapacity)
        out.reason = fmt::format("BMS {} {} {:g} A × {:g}/{:g} Ah", weakest->label, d.limitName, own, totalCapacity,
                                 *weakest->get(Quantity::InstalledCapacity));
    else
        out.reason = fmt::format("BMS {} {} {:g} A × {}", weakest->label, d.limitName, own, vouching.size());
    if (method == RatioMethod::Capacity && !byCapacity) out.reason += " (capacity unknown: by count)";
    if (!silent.empty()) out.reason += fmt::format(" ({} publishes no {})", silent, d.limitName);
    return out;
}

}  // namespace bagg
