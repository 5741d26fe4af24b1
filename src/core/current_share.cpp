#include "bagg/core/current_share.h"

#include "bagg/core/strict_number.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace bagg {
namespace {

using Packs = std::vector<const PackSnapshot*>;

constexpr auto kLongestLearnStep = std::chrono::seconds(10);

std::optional<double>& share(PackShare& s, CurrentDirection d)
{
    return d == CurrentDirection::Charge ? s.charge : s.discharge;
}

Quantity limitOf(CurrentDirection d)
{
    return d == CurrentDirection::Charge ? Quantity::ChargeCurrentLimit : Quantity::DischargeCurrentLimit;
}

}  // namespace

void learnShares(const Packs& online, Duration smoothing, ShareMemory& m, Instant now)
{
    const auto last = m.lastLearnt;
    m.lastLearnt = now;
    double total = 0.0;
    for (const auto* p : online) {
        const auto& i = p->get(Quantity::Current);
        if (!i || p->identity.empty()) return;  // a share needs every pack's current
        total += *i;
    }
    if (online.size() < 2 || std::fabs(total) < kMinShareCurrent) return;
    const double sign = total > 0 ? 1.0 : -1.0;
    for (const auto* p : online)
        if (sign * *p->get(Quantity::Current) < -kMaxOpposingCurrent) return;
    const auto dir = total > 0 ? CurrentDirection::Charge : CurrentDirection::Discharge;
    const Duration dt = last ? std::min<Duration>(now - *last, kLongestLearnStep) : Duration{0};
    const double alpha = 1.0 - std::exp(-seconds(dt) / std::max(1e-3, seconds(smoothing)));
    // Each estimate starts from an equal share and moves towards what is measured: one reading
    // taken while the packs' currents arrive one by one must not swing it.
    const double equal = 1.0 / static_cast<double>(online.size());
    for (const auto* p : online) {
        const double raw = std::clamp(*p->get(Quantity::Current) / total, 0.0, 1.0);
        auto& s = share(m.shares[p->identity], dir);
        s = s.value_or(equal) + alpha * (raw - s.value_or(equal));
    }
}

std::optional<double> shareOf(const ShareMemory& m, const std::string& identity, CurrentDirection d)
{
    const auto it = m.shares.find(identity);
    if (it == m.shares.end()) return std::nullopt;
    return d == CurrentDirection::Charge ? it->second.charge : it->second.discharge;
}

FeedbackLimit feedbackLimit(const Packs& open, CurrentDirection d, double unguarded,
                            const CurrentFeedbackConfig& feedback, const RecoveryConfig& recovery, double nominal,
                            ShareMemory& m, Instant now)
{
    FeedbackLimit out;
    const Quantity limitQ = limitOf(d);
    const char* limitName = d == CurrentDirection::Charge ? "CCL" : "DCL";
    const double sign = d == CurrentDirection::Charge ? 1.0 : -1.0;
    Packs vouching;
    vouching.reserve(open.size());
    for (const auto* p : open)
        if (p->get(limitQ)) vouching.push_back(p);
    if (vouching.empty()) return out;

    // Predicted: no pack's share above its own limit. Until a share is learnt, the count rule stands.
    bool anyLearnt = false;
    const double n = static_cast<double>(vouching.size());
    double sum = 0.0;
    const PackSnapshot* binding = nullptr;  // the pack whose limit over its share is lowest
    double bindingShare = 0.0;
    for (const auto* p : vouching) {
        const double limit = *p->get(limitQ);
        sum += limit;
        const std::optional<double> learnt = shareOf(m, p->identity, d);
        anyLearnt = anyLearnt || learnt.has_value();
        const double s = std::max(learnt.value_or(1.0 / n), 0.5 / n);
        const double bank = limit / s;
        if (!out.predicted || bank < *out.predicted) {
            out.predicted = bank;
            binding = p;
            bindingShare = s;
        }
    }
    // Formatted once, for the pack that binds (this runs on every recompute, for every pack).
    out.predictedReason = fmt::format("{} takes {:.0f} % of the current: its {} {} A / {:.2f}", binding->label,
                                      bindingShare * 100.0, limitName, formatRounded(*binding->get(limitQ), 1),
                                      bindingShare);
    if (*out.predicted > sum) {
        out.predicted = sum;
        out.predictedReason = fmt::format("the packs' {}s together: {} A", limitName, formatRounded(sum, 1));
    }
    if (!anyLearnt) out.predicted.reset();

    // Guard: a pack measured above its own limit for overload_time.
    auto& since = d == CurrentDirection::Charge ? m.overChargeSince : m.overDischargeSince;
    std::map<std::string, Instant> stillOver;
    // The current the packs take that way (a pack circulating the other way does not make it less).
    double bankCurrent = 0.0;
    for (const auto* p : open) bankCurrent += std::max(0.0, sign * p->get(Quantity::Current).value_or(0.0));
    std::optional<double> derated;
    for (const auto* p : vouching) {
        const double limit = *p->get(limitQ);
        const double current = sign * p->get(Quantity::Current).value_or(0.0);
        if (current <= limit * kOverloadMargin || current <= 0.0) continue;
        const auto it = since.find(p->identity);
        const Instant from = it == since.end() ? now : it->second;
        stillOver[p->identity] = from;
        if (now - from < feedback.overloadTime) continue;
        const double bank = bankCurrent * limit / current;
        if (!derated || bank < *derated) {
            derated = bank;
            out.guardReason = fmt::format("{} at {:.1f} A > its {} {:g} A", p->label, current, limitName, limit);
        }
    }
    since = std::move(stillOver);
    // The guard's term binds from a trip until it has recovered to the rest of the limit; otherwise
    // it is not there at all (no second hold on every rise of the limit).
    auto& guard = d == CurrentDirection::Charge ? m.chargeGuard : m.dischargeGuard;
    const bool recovering = guard.published && *guard.published < unguarded;
    if (!derated && !recovering) {
        guard = RampMemory{};
        return out;
    }
    const double rate = recovery.currentRampPercent / 100.0 * nominal;
    const Ramped g = rampLimit(derated ? std::min(*derated, unguarded) : unguarded, recovery.currentHold, rate, guard, now);
    if (g.value < unguarded) {
        out.guard = g.value;
        if (!derated) out.guardReason = fmt::format("recovering from an overload{}", g.note(rate, "A"));
    }
    return out;
}

}  // namespace bagg
