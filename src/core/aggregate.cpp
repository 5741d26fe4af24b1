#include "bagg/core/aggregate.h"

#include "charge_policy.h"

#include "bagg/core/bank_sources.h"

#include <fmt/format.h>

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

void aggregateCells(const Packs& packs, AggregateResult& r)
{
    struct Rule { CellExtreme cell; bool lowest; };
    static constexpr Rule rules[] = {
        {CellExtreme::MinVoltage, true},
        {CellExtreme::MaxVoltage, false},
        {CellExtreme::MinTemperature, true},
        {CellExtreme::MaxTemperature, false},
    };
    for (const auto& rule : rules) {
        auto& out = r.cells[index(rule.cell)];
        for (const auto* p : packs) {
            const auto& v = p->get(cellQuantity(rule.cell));
            if (!v) continue;
            if (out.value && (rule.lowest ? *v >= *out.value : *v <= *out.value)) continue;
            out.value = *v;
            const auto& cellId = p->cellIds[index(rule.cell)];
            out.id = cellId.empty() ? p->label : p->label + " " + cellId;
        }
    }
    const auto most = maximum(packs, Quantity::CellsPerBattery);
    if (!most) return;
    r.cellsPerBattery = static_cast<int>(*most);
    // Packs of different cell counts in parallel: one is charged to another's voltage. Say which.
    if (*most != *minimum(packs, Quantity::CellsPerBattery)) {
        std::string each;
        for (const auto* p : packs)
            if (const auto& n = p->get(Quantity::CellsPerBattery))
                each += fmt::format("{}{} {:g}", each.empty() ? "" : ", ", p->label, *n);
        r.warnings.push_back("cells per battery differ: " + each);
    }
}

// 1 when any pack says so, 0 when all that say say 0, absent when none says.
std::optional<int> anyPack(const Packs& packs, Quantity q)
{
    const auto v = maximum(packs, q);
    return v ? std::optional<int>(*v > 0.0 ? 1 : 0) : std::nullopt;
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
// reconnect grace, an alarm after it (or when no BMS is left at all), 0 when all are there.
int missingPacksLevel(int online, int held, int missing, int expected)
{
    int level = missing > 0 ? 2 : held > 0 ? 1 : 0;
    if (online == 0) level = std::max(level, held > 0 ? 1 : 2);
    if (online < expected) level = std::max(level, online + held >= expected ? 1 : 2);
    return level;
}

void mergeAlarms(const Packs& packs, AggregateResult& r)
{
    for (std::size_t a = 0; a < kAlarmCount; ++a)
        for (const auto* p : packs)
            if (const auto& level = p->alarms[a]) r.alarms[a] = std::max(r.alarms[a].value_or(0), *level);
}

void copyLimits(const ChargeLimits& l, AggregateResult& r)
{
    r.maxChargeVoltage = l.maxChargeVoltage;
    r.maxChargeCurrent = l.maxChargeCurrent;
    r.maxDischargeCurrent = l.maxDischargeCurrent;
    r.batteryLowVoltage = l.batteryLowVoltage;
    r.chargeLimitation = l.chargeLimitation;
    r.dischargeLimitation = l.dischargeLimitation;
    r.chargeVoltageLimitation = l.chargeVoltageLimitation;
    r.chargeMode = l.chargeMode;
    r.allowToCharge = l.allowToCharge;
    r.allowToDischarge = l.allowToDischarge;
    r.imbalance = l.imbalance;
}

}  // namespace

AggregateResult aggregate(const std::vector<PackSnapshot>& all, const AggregationConfig& config, AggregatorMemory& memory,
                          Instant now)
{
    // Online packs count for everything. Held ones (briefly away) for what was true a moment ago and
    // must not vanish: SOC, capacity, current, alarms, CVL; never for limits.
    BankView bank;
    bank.online.reserve(all.size());  // every recompute: the core's lists grown as they fill were 3 % of one
    bank.held.reserve(all.size());
    bank.counted.reserve(all.size());
    int missing = 0;
    for (const auto& p : all) {
        if (p.presence == PackPresence::Online) bank.online.push_back(&p);
        if (p.presence == PackPresence::Held) bank.held.push_back(&p);
        if (p.presence == PackPresence::Missing) ++missing;
        if (p.presence != PackPresence::Missing) bank.counted.push_back(&p);
    }
    // Measured values come from the online packs; while none is online, the last of the held ones.
    const Packs& measured = bank.online.empty() ? bank.held : bank.online;

    AggregateResult r;
    r.packsOnline = static_cast<int>(bank.online.size());
    r.packsHeld = static_cast<int>(bank.held.size());
    r.soc = aggregateSoc(bank.counted, config.socMode);
    r.packsSoc = weightedSoc(bank.counted);
    r.packsFull = !bank.online.empty() && std::all_of(bank.online.begin(), bank.online.end(), [](const PackSnapshot* p) {
        return p->chargePhase == ChargePhase::Float || p->get(Quantity::Soc).value_or(0.0) >= 100.0;
    });
    r.voltage = mean(measured, Quantity::Voltage);
    r.current = sum(bank.counted, Quantity::Current);
    r.power = aggregatePower(bank.counted, r);
    r.temperature = config.temperatureMode == TemperatureMode::Max ? maximum(measured, Quantity::Temperature)
                                                                   : mean(measured, Quantity::Temperature);
    r.capacity = sum(bank.counted, Quantity::Capacity);
    r.installedCapacity = config.installedCapacity ? config.installedCapacity : sum(bank.counted, Quantity::InstalledCapacity);
    r.consumedAmphours = sum(bank.counted, Quantity::ConsumedAmphours);
    r.timeToGo = timeToGo(r.soc, r.installedCapacity, r.current);
    aggregateCells(measured, r);
    r.balancing = anyPack(measured, Quantity::Balancing);
    r.allowToBalance = anyPack(measured, Quantity::AllowToBalance);
    countModules(all, config.expectedPacks, r);
    mergeAlarms(bank.counted, r);
    auto& bmsCable = r.alarms[index(Alarm::BmsCable)];
    bmsCable = std::max(bmsCable.value_or(0), missingPacksLevel(r.packsOnline, r.packsHeld, missing, config.expectedPacks));

    const auto lowest = minimum(bank.counted, Quantity::Soc);
    const auto highest = maximum(bank.counted, Quantity::Soc);
    if (lowest && highest) r.socSpread = *highest - *lowest;
    bank.socSpread = r.socSpread;
    bank.voltage = r.voltage;

    copyLimits(decideLimits(bank, config, memory, now), r);
    const auto flowing = r.current.value_or(0.0) < 0.0 ? CurrentDirection::Discharge : CurrentDirection::Charge;
    for (const auto* p : bank.online)
        if (const auto s = shareOf(memory.shares, p->identity, flowing)) r.currentShares[p->identity] = *s;
    // /Alarms/CellImbalance: the spread's level and the packs' own CellImbalance, not their other cell alarms.
    if (r.imbalance) {
        auto& cellImbalance = r.alarms[index(Alarm::CellImbalance)];
        cellImbalance = std::max(cellImbalance.value_or(0), r.imbalance->alarmLevel);
    }
    return r;
}

}  // namespace bagg
