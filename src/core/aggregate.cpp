#include "bagg/core/aggregate.h"

#include "charge_policy.h"

#include <algorithm>
#include <cmath>

namespace bagg {
namespace {

using Packs = std::vector<const PackSnapshot*>;

// Folds one quantity over the packs that have it; absent when none does.
template <typename Fold>
std::optional<double> fold(const Packs& packs, Quantity q, Fold f)
{
    std::optional<double> acc;
    for (const auto* p : packs)
        if (const auto& v = p->get(q)) acc = acc ? f(*acc, *v) : *v;
    return acc;
}

std::optional<double> sum(const Packs& packs, Quantity q)
{
    return fold(packs, q, [](double a, double b) { return a + b; });
}
std::optional<double> minimum(const Packs& packs, Quantity q)
{
    return fold(packs, q, [](double a, double b) { return std::min(a, b); });
}
std::optional<double> maximum(const Packs& packs, Quantity q)
{
    return fold(packs, q, [](double a, double b) { return std::max(a, b); });
}
std::optional<double> mean(const Packs& packs, Quantity q)
{
    double total = 0.0;
    int n = 0;
    for (const auto* p : packs)
        if (const auto& v = p->get(q)) { total += *v; ++n; }
    if (n == 0) return std::nullopt;
    return total / n;
}

std::optional<double> weightedSoc(const Packs& packs)
{
    double weighted = 0.0, weights = 0.0;
    for (const auto* p : packs) {
        const auto& soc = p->get(Quantity::Soc);
        const auto& cap = p->get(Quantity::InstalledCapacity);
        if (!soc) continue;
        // One pack of unknown size makes any weighting a guess: use the plain mean instead.
        if (!cap || *cap <= 0.0) return mean(packs, Quantity::Soc);
        weighted += *soc * *cap;
        weights += *cap;
    }
    if (weights <= 0.0) return std::nullopt;
    return weighted / weights;
}

std::optional<double> aggregateSoc(const Packs& packs, SocMode mode)
{
    switch (mode) {
    case SocMode::Min: return minimum(packs, Quantity::Soc);
    case SocMode::Mean: return mean(packs, Quantity::Soc);
    case SocMode::Weighted: return weightedSoc(packs);
    }
    return std::nullopt;
}

std::optional<double> aggregatePower(const Packs& packs, const AggregateResult& r)
{
    const bool everyPackHasPower = std::all_of(packs.begin(), packs.end(),
                                               [](const PackSnapshot* p) { return p->get(Quantity::Power).has_value(); });
    if (!packs.empty() && everyPackHasPower) return sum(packs, Quantity::Power);
    if (r.voltage && r.current) return *r.voltage * *r.current;
    return std::nullopt;
}

std::optional<double> timeToGo(const AggregateResult& r)
{
    if (!r.soc || !r.installedCapacity || !r.current || *r.current >= 0.0) return std::nullopt;
    const double remainingAh = *r.soc / 100.0 * *r.installedCapacity;
    return remainingAh / -*r.current * 3600.0;
}

void aggregateCells(const Packs& packs, AggregateResult& r)
{
    struct Rule { CellExtreme cell; Quantity q; bool lowest; };
    static constexpr Rule rules[] = {
        {CellExtreme::MinVoltage, Quantity::MinCellVoltage, true},
        {CellExtreme::MaxVoltage, Quantity::MaxCellVoltage, false},
        {CellExtreme::MinTemperature, Quantity::MinCellTemperature, true},
        {CellExtreme::MaxTemperature, Quantity::MaxCellTemperature, false},
    };
    for (const auto& rule : rules) {
        auto& out = r.cells[index(rule.cell)];
        for (const auto* p : packs) {
            const auto& v = p->get(rule.q);
            if (!v) continue;
            if (out.value && (rule.lowest ? *v >= *out.value : *v <= *out.value)) continue;
            out.value = *v;
            const auto& cellId = p->cellIds[index(rule.cell)];
            out.id = cellId.empty() ? p->label : p->label + " " + cellId;
        }
    }
    if (auto cells = maximum(packs, Quantity::CellsPerBattery)) r.cellsPerBattery = static_cast<int>(*cells);
}

int count(const PackSnapshot& p, Quantity q) { return static_cast<int>(p.get(q).value_or(0.0)); }

void countModules(const std::vector<PackSnapshot>& all, int expectedPacks, AggregateResult& r)
{
    for (const auto& p : all) {
        if (p.presence != PackPresence::Online) {
            // Everything an absent pack had is offline now; a pack that never said counts as one module.
            const int known = count(p, Quantity::ModulesOnline) + count(p, Quantity::ModulesOffline);
            r.modulesOffline += known > 0 ? known : 1;
            continue;
        }
        r.modulesOnline += p.get(Quantity::ModulesOnline) ? count(p, Quantity::ModulesOnline) : 1;
        r.modulesOffline += count(p, Quantity::ModulesOffline);
        r.modulesBlockingCharge += count(p, Quantity::ModulesBlockingCharge);
        r.modulesBlockingDischarge += count(p, Quantity::ModulesBlockingDischarge);
    }
    // Packs we were told to expect but have never seen: one offline module each.
    r.modulesOffline += std::max(0, expectedPacks - static_cast<int>(all.size()));
}

// /Alarms/BmsCable says a BMS is missing: a warning while the missing ones are within their
// reconnect grace, an alarm after it, and always an alarm when no BMS is left at all.
void missingPacksAlarm(int online, int held, int expected, AggregateResult& r)
{
    int level = 0;
    if (online == 0) level = held > 0 ? 1 : 2;
    else if (online < expected) level = online + held >= expected ? 1 : 2;
    auto& alarm = r.alarms[index(Alarm::BmsCable)];
    // With expected_packs set the path is always valid: 0 says "all there".
    if (level > 0 || alarm || expected > 0) alarm = std::max(alarm.value_or(0), level);
}

void mergeAlarms(const Packs& packs, AggregateResult& r)
{
    for (std::size_t a = 0; a < kAlarmCount; ++a)
        for (const auto* p : packs)
            if (const auto& level = p->alarms[a]) r.alarms[a] = std::max(r.alarms[a].value_or(0), *level);
}

}  // namespace

AggregateResult aggregate(const std::vector<PackSnapshot>& all, const AggregationConfig& config, AggregatorState& state)
{
    // Online packs count for everything; held ones (briefly away) only for what changes slowly and
    // was true a moment ago: SOC and capacity. Never for limits, measurements or alarms.
    Packs online, socPacks;
    for (const auto& p : all) {
        if (p.presence == PackPresence::Online) online.push_back(&p);
        if (p.presence != PackPresence::Offline) socPacks.push_back(&p);
    }
    const int held = static_cast<int>(socPacks.size() - online.size());

    AggregateResult r;
    r.packsOnline = static_cast<int>(online.size());
    r.packsHeld = held;
    r.soc = aggregateSoc(socPacks, config.socMode);
    r.voltage = mean(online, Quantity::Voltage);
    r.current = sum(online, Quantity::Current);
    r.power = aggregatePower(online, r);
    r.temperature = config.temperatureMode == TemperatureMode::Max ? maximum(online, Quantity::Temperature)
                                                                   : mean(online, Quantity::Temperature);
    r.capacity = sum(socPacks, Quantity::Capacity);
    r.installedCapacity = config.installedCapacity ? config.installedCapacity : sum(socPacks, Quantity::InstalledCapacity);
    r.consumedAmphours = sum(socPacks, Quantity::ConsumedAmphours);
    r.timeToGo = timeToGo(r);
    aggregateCells(online, r);
    countModules(all, config.expectedPacks, r);
    mergeAlarms(online, r);
    missingPacksAlarm(r.packsOnline, held, config.expectedPacks, r);

    const auto lowest = minimum(socPacks, Quantity::Soc);
    const auto highest = maximum(socPacks, Quantity::Soc);
    if (lowest && highest) r.socSpread = *highest - *lowest;

    applyChargePolicy(online, config, state.imbalance, r);
    return r;
}

}  // namespace bagg
