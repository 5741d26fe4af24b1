#include "bagg/core/bank_sources.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace bagg {
namespace {

// The monitor to use: the one selected, or why there is none. `found` is null when there is none.
struct Choice {
    const MonitorReading* found = nullptr;
    std::string why;  // without a monitor: "no monitor on the bus", "2 monitors (A, B): ..."
};

Choice chooseMonitor(const std::vector<MonitorReading>& monitors, const SourcesConfig& config)
{
    std::vector<const MonitorReading*> selected;
    for (const auto& m : monitors)
        if (m.selected) selected.push_back(&m);
    if (selected.size() == 1) return {selected.front(), {}};
    if (selected.empty())
        return {nullptr, config.monitor.empty() ? "no monitor on the bus" : "no monitor matches [sources] monitor"};
    std::string names;
    for (const auto* m : selected) names += (names.empty() ? "" : ", ") + m->label;
    return {nullptr, fmt::format("{} monitors ({}): choose one with [sources] monitor", selected.size(), names)};
}

// Why a monitor's value cannot be used now; empty when it can.
std::string unusable(const MonitorReading& m, Quantity q)
{
    if (!m.reachable) return m.health.empty() ? "away" : m.health;
    if (!m.values.get(q)) return fmt::format("no valid {}", q == Quantity::Soc ? "SOC" : "current");
    return {};
}

// The SOC values to publish (null: the packs') and where they come from.
struct SocChoice {
    const SourceMemory::SocValues* values = nullptr;
    std::string source;
};

SocChoice chooseSoc(const Choice& choice, Duration grace, SourceMemory& memory, Instant now)
{
    if (choice.found) {
        const auto& m = *choice.found;
        if (m.label != memory.monitor) {  // another monitor: nothing of the old one is held
            memory.lastSoc.reset();
            memory.socLostSince.reset();
            memory.monitor = m.label;
        }
        const auto why = unusable(m, Quantity::Soc);
        if (why.empty()) {
            memory.lastSoc = SourceMemory::SocValues{m.values.get(Quantity::Soc), m.values.get(Quantity::ConsumedAmphours),
                                                     m.values.get(Quantity::TimeToGo), m.values.get(Quantity::Capacity)};
            memory.socLostSince.reset();
            return {&*memory.lastSoc, "monitor " + m.label};
        }
        if (!memory.socLostSince) memory.socLostSince = now;
        if (memory.lastSoc && now - *memory.socLostSince < grace)
            return {&*memory.lastSoc, fmt::format("monitor {} (held: {})", m.label, why)};
        return {nullptr, fmt::format("packs: monitor {} {}", m.label,
                                     memory.lastSoc ? why + " for longer than reconnect_grace" : why)};
    }
    // The monitor we used left the bus: held as if it were still listed.
    if (memory.lastSoc) {
        if (!memory.socLostSince) memory.socLostSince = now;
        if (now - *memory.socLostSince < grace)
            return {&*memory.lastSoc, fmt::format("monitor {} (held: {})", memory.monitor, choice.why)};
    }
    return {nullptr, "packs: " + choice.why};
}

// Our own Coulomb counter over the current that is published.
SocChoice countSoc(const AggregateResult& bank, bool settled, const CounterConfig& config, CounterMemory& memory,
                   Instant now, SourceMemory::SocValues& out, SourceReport& report)
{
    const CounterInput in{bank.current,
                          bank.voltage,
                          bank.maxChargeVoltage,
                          bank.cells[index(CellExtreme::MinVoltage)].value,
                          bank.installedCapacity,
                          bank.packsSoc,
                          bank.packsFull,
                          settled};
    const CounterStep step = updateCounter(memory, in, config, now);
    report.counterEvents = step.events;
    report.saveCounter = step.save;
    if (!step.soc)
        return {nullptr, "packs: the counter is not seeded yet (packs still being read, or no SOC or installed capacity)"};
    out.soc = step.soc;
    out.capacity = step.chargeAh;
    out.consumedAmphours = *step.chargeAh - *bank.installedCapacity;
    return {&out, "counter"};
}

std::string chooseCurrent(AggregateResult& bank, const Choice& choice)
{
    if (!choice.found) return "packs: " + choice.why;
    const auto& m = *choice.found;
    if (const auto why = unusable(m, Quantity::Current); !why.empty())
        return fmt::format("packs: monitor {} {}", m.label, why);
    bank.current = m.values.get(Quantity::Current);
    const auto& power = m.values.get(Quantity::Power);
    bank.power = power ? power : bank.voltage ? std::optional<double>(*bank.voltage * *bank.current) : std::nullopt;
    return "monitor " + m.label;
}

// The sum of what the Victron devices measure at the battery; any device without a current makes
// the sum wrong, so then the packs' current, and why.
std::string victronCurrent(AggregateResult& bank, const std::vector<DcDeviceCurrent>& devices, const SourcesConfig& config)
{
    double sum = 0.0;
    int counted = 0, chargers = 0;
    for (const auto& d : devices) {
        if (d.consumer && !config.subtractDcLoads) continue;
        if (!d.current) return fmt::format("packs: {} has no valid /Dc/0/Current", d.service);
        sum += d.consumer ? -*d.current : *d.current;
        ++counted;
        chargers += d.consumer ? 0 : 1;
    }
    if (chargers == 0) return "packs: no Victron charger or inverter on the bus";
    bank.current = sum;
    bank.power = bank.voltage ? std::optional<double>(*bank.voltage * sum) : std::nullopt;
    return fmt::format("victron: {} device{}", counted, counted == 1 ? "" : "s");
}

std::string checkDisagreement(const std::optional<double>& packsSoc, const Choice& choice, const SourcesConfig& config,
                              SourceMemory& memory, Instant now)
{
    const auto* m = choice.found;
    const bool comparable = m && m->reachable && m->values.get(Quantity::Soc) && packsSoc;
    if (!comparable || std::abs(*m->values.get(Quantity::Soc) - *packsSoc) <= config.socDisagreement) {
        memory.disagreeSince.reset();
        return {};
    }
    if (!memory.disagreeSince) memory.disagreeSince = now;
    if (now - *memory.disagreeSince < config.socDisagreementTime) return {};
    return fmt::format("monitor {} SOC {:.1f} % vs packs {:.1f} %", m->label, *m->values.get(Quantity::Soc), *packsSoc);
}

}  // namespace

std::optional<double> timeToGo(const std::optional<double>& soc, const std::optional<double>& installedCapacity,
                               const std::optional<double>& current, double floorSoc)
{
    if (!soc || !installedCapacity || !current || *current >= 0.0) return std::nullopt;
    return std::max(0.0, *soc - floorSoc) / 100.0 * *installedCapacity / -*current * 3600.0;
}

SourceReport applySources(AggregateResult& bank, const SourceInputs& inputs, const SourcesConfig& config,
                          Duration grace, SourceMemory& memory, Instant now)
{
    const Choice choice = chooseMonitor(inputs.monitors, config);
    SourceReport report;
    report.disagreement = checkDisagreement(bank.soc, choice, config, memory, now);
    // The current first: the time to go is computed with the current that is published.
    switch (config.current) {
    case CurrentSource::Packs: report.current = "packs"; break;
    case CurrentSource::Monitor: report.current = chooseCurrent(bank, choice); break;
    case CurrentSource::Victron: report.current = victronCurrent(bank, inputs.victron, config); break;
    }
    SocChoice soc{nullptr, "packs"};
    SourceMemory::SocValues counted;
    if (config.soc == SocSource::Monitor) soc = chooseSoc(choice, grace, memory, now);
    if (config.soc == SocSource::Counter)
        soc = countSoc(bank, inputs.settled, config.counter, memory.counter, now, counted, report);
    report.soc = soc.source;
    if (soc.values) {
        bank.soc = soc.values->soc;
        // What the source does not publish (a SmartShunt has no /Capacity) follows from its SOC,
        // so that the Ah agree with it: not the packs' figures next to the shunt's SOC.
        const auto fromSoc = [&](double offset) -> std::optional<double> {
            if (!bank.soc || !bank.installedCapacity) return std::nullopt;
            return *bank.soc / 100.0 * *bank.installedCapacity - offset;
        };
        bank.capacity = soc.values->capacity ? soc.values->capacity : fromSoc(0.0);
        bank.consumedAmphours = soc.values->consumedAmphours ? soc.values->consumedAmphours
                                : bank.installedCapacity        ? fromSoc(*bank.installedCapacity)
                                                                : std::nullopt;
    }
    // A monitor's own time to go (a BMV's, to its discharge floor) wins; else ours.
    const bool essFloor = inputs.essPresent && inputs.essMinimumSoc && *inputs.essMinimumSoc >= 0.0 &&
                          *inputs.essMinimumSoc <= 100.0;
    bank.timeToGo = soc.values && soc.values->timeToGo ? soc.values->timeToGo
                                                       : timeToGo(bank.soc, bank.installedCapacity, bank.current,
                                                                  essFloor ? *inputs.essMinimumSoc : 0.0);
    return report;
}

}  // namespace bagg
