#include "bagg/core/bank_cvl.h"

#include <fmt/format.h>

#include <algorithm>

namespace bagg {
namespace {

using Packs = std::vector<const PackSnapshot*>;

bool charging(ChargePhase p)
{
    return p == ChargePhase::Unknown || p == ChargePhase::Bulk || p == ChargePhase::Absorption;
}

const char* phaseName(ChargePhase p)
{
    switch (p) {
    case ChargePhase::Bulk: return "Bulk";
    case ChargePhase::Absorption: return "Absorption";
    case ChargePhase::FloatTransition: return "Float Transition";
    case ChargePhase::Float: return "Float";
    case ChargePhase::Unknown: break;
    }
    return "";
}

struct Pick {
    const PackSnapshot* pack = nullptr;
    double cvl = 0.0;
};

// The lowest (or highest) CVL of `packs`.
Pick extreme(const Packs& packs, bool lowest)
{
    Pick out;
    for (const auto* p : packs) {
        const auto& v = p->get(Quantity::ChargeVoltageLimit);
        if (!v) continue;
        if (!out.pack || (lowest ? *v < out.cvl : *v > out.cvl)) out = {p, *v};
    }
    return out;
}

// A pack done charging may leave the minimum only while its cells are clearly below its limit.
bool cellsSafe(const PackSnapshot& p, std::optional<double> limit)
{
    if (p.alarm(Alarm::HighCellVoltage).value_or(0) >= 1) return false;
    const auto& maxCell = p.get(Quantity::MaxCellVoltage);
    return limit && maxCell && *maxCell < *limit;
}

}  // namespace

BankCvl decideBankCvl(const Packs& online, const Packs& held, CvlMode mode, std::optional<double> cellLimit,
                      CvlMemory& memory)
{
    // Learn each charging pack's absorption voltage per cell, for when it floats later.
    for (const auto* p : online) {
        const auto& cvl = p->get(Quantity::ChargeVoltageLimit);
        const auto& cells = p->get(Quantity::CellsPerBattery);
        if (!charging(p->chargePhase) || !cvl || !cells || *cells < 1 || p->identity.empty()) continue;
        auto& limit = memory.cellLimit[p->identity];
        limit = std::max(limit, *cvl / *cells);
    }

    BankCvl out;
    Packs all;
    all.reserve(online.size() + held.size());
    all.insert(all.end(), online.begin(), online.end());
    all.insert(all.end(), held.begin(), held.end());
    if (mode == CvlMode::Min) {
        const Pick low = extreme(all, true);
        if (low.pack) out = {low.cvl, "", fmt::format("lowest CVL: {} {:g} V", low.pack->label, low.cvl)};
    } else {
        Packs stillCharging = held, inTransition, done;
        stillCharging.reserve(held.size() + online.size());
        inTransition.reserve(online.size());
        done.reserve(online.size());
        std::string leftOut;
        for (const auto* p : online) {
            if (charging(p->chargePhase)) {
                stillCharging.push_back(p);
                continue;
            }
            (p->chargePhase == ChargePhase::FloatTransition ? inTransition : done).push_back(p);
        }
        auto keepUnsafe = [&](const Packs& finished, Packs& into) {
            for (const auto* p : finished) {
                const auto learnt = memory.cellLimit.find(p->identity);
                const std::optional<double> limit =
                    cellLimit ? cellLimit : learnt != memory.cellLimit.end() ? std::optional{learnt->second} : std::nullopt;
                if (cellsSafe(*p, limit)) leftOut += (leftOut.empty() ? "" : ", ") + p->label;
                else into.push_back(p);
            }
        };
        const bool anyCharging = std::any_of(online.begin(), online.end(), [](const PackSnapshot* p) { return charging(p->chargePhase); });
        // Why a pack that is not charging bounds the bank: held, or its cells climb.
        const auto bounding = [&held](const PackSnapshot& p) -> std::string {
            if (std::find(held.begin(), held.end(), &p) != held.end()) return " (held)";
            return charging(p.chargePhase) ? "" : " (its cells climb)";
        };
        if (anyCharging) {
            keepUnsafe(inTransition, stillCharging);
            keepUnsafe(done, stillCharging);
            const Pick low = extreme(stillCharging, true);
            if (low.pack)
                out = {low.cvl, "",
                       fmt::format("lowest CVL of the packs still charging: {} {:g} V{}{}", low.pack->label, low.cvl,
                                   bounding(*low.pack), leftOut.empty() ? "" : " (" + leftOut + " done)")};
        } else if (!inTransition.empty()) {
            // The highest CVL of the packs in transition, but never above one whose cells climb
            // (in transition or floating) or a held one.
            const Pick high = extreme(inTransition, false);
            Packs bound = held;
            keepUnsafe(inTransition, bound);
            keepUnsafe(done, bound);
            const Pick low = extreme(bound, true);
            if (high.pack) out = {high.cvl, "", fmt::format("float transition: {} {:g} V", high.pack->label, high.cvl)};
            if (low.pack && (!out.cvl || low.cvl < *out.cvl))
                out = {low.cvl, "", fmt::format("lowest CVL of the held or climbing packs: {} {:g} V{}", low.pack->label,
                                                low.cvl, bounding(*low.pack))};
        } else {
            const Pick low = extreme(all, true);
            if (low.pack) out = {low.cvl, "", fmt::format("all packs float: lowest CVL {} {:g} V", low.pack->label, low.cvl)};
        }
        // The packs that decide publish no CVL (a BMS that sends none): the lowest of the others
        // bounds the bank rather than none, the safe side.
        if (!out.cvl) {
            const Pick low = extreme(all, true);
            if (low.pack) out = {low.cvl, "", fmt::format("lowest CVL: {} {:g} V (the packs still charging publish none)", low.pack->label, low.cvl)};
        }
    }

    // The bank's phase: the least advanced of the online packs that say theirs.
    std::optional<ChargePhase> least;
    for (const auto* p : online)
        if (p->chargePhase != ChargePhase::Unknown && (!least || p->chargePhase < *least)) least = p->chargePhase;
    if (least) out.mode = phaseName(*least);
    return out;
}

}  // namespace bagg
