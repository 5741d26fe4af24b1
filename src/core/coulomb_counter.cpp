#include "bagg/core/coulomb_counter.h"

#include "bagg/core/strict_number.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace bagg {
namespace {

// A BMV's charged voltage is set 0.2 V below the charger's absorption voltage.
constexpr double kChargedVoltageBelowCvl = 0.2;

void integrate(CounterMemory& m, const CounterConfig& c, double capacity, Instant now, CounterStep& step)
{
    if (!m.chargeAh || !m.lastUpdate || !m.lastCurrent || now <= *m.lastUpdate) return;
    const Duration dt = now - *m.lastUpdate;
    if (dt > kMaxCounterGap) {
        step.events.push_back(fmt::format("{:.1f} s without a current reading: not counted", seconds(dt)));
        return;
    }
    double ah = *m.lastCurrent * seconds(dt) / 3600.0;
    if (ah > 0.0) ah *= c.chargeEfficiency;
    m.chargeAh = std::clamp(*m.chargeAh + ah, 0.0, capacity);
}

// A charge restored from the state file, taken or refused once the packs' SOC is known.
void decideRestored(CounterMemory& m, const CounterInput& in, const CounterConfig& c, double capacity, CounterStep& step)
{
    if (!m.restored || !in.packsSoc || !in.settled) return;
    const SavedCharge saved = *m.restored;
    m.restored.reset();
    const double soc = saved.capacityAh > 0.0 ? saved.chargeAh / saved.capacityAh * 100.0 : -1.0;
    if (soc < 0.0 || soc > 100.0) {
        step.events.push_back("the saved charge is not usable: seeded again");
    } else if (saved.age > c.maxAge) {
        step.events.push_back(fmt::format("the saved charge ({:.1f} %) is {:.1f} h old: seeded again", soc,
                                          seconds(saved.age) / 3600.0));
    } else if (std::abs(soc - *in.packsSoc) > c.maxDifference) {
        step.events.push_back(fmt::format("the saved charge ({:.1f} %) is {:.1f} points from the packs' SOC {:.1f} %: "
                                          "seeded again",
                                          soc, std::abs(soc - *in.packsSoc), *in.packsSoc));
    } else {
        m.chargeAh = soc / 100.0 * capacity;
        m.savedAh = m.chargeAh;
        step.events.push_back(fmt::format("restored {:.2f} % saved {:.0f} s ago", soc, seconds(saved.age)));
    }
}

// Counts how long `condition` has held; true once when it has held `time` (again after it broke).
bool heldFor(bool condition, std::optional<Instant>& since, bool& done, Duration time, Instant now)
{
    if (!condition) {
        since.reset();
        done = false;
        return false;
    }
    if (!since) since = now;
    if (done || now - *since < time) return false;
    done = true;
    return true;
}

void synchronise(CounterMemory& m, const CounterInput& in, const CounterConfig& c, double capacity, Instant now,
                 CounterStep& step)
{
    const auto chargedVoltage =
        c.chargedVoltage ? c.chargedVoltage
                         : in.chargeVoltageLimit ? std::optional<double>(*in.chargeVoltageLimit - kChargedVoltageBelowCvl)
                                                 : std::nullopt;
    const double tail = c.tailCurrentPercent / 100.0 * capacity;
    const bool charged = chargedVoltage && in.voltage && *in.voltage >= *chargedVoltage && in.current &&
                         std::abs(*in.current) < tail;
    if (heldFor(charged, m.chargedSince, m.chargedDone, c.chargedTime, now)) {
        m.chargeAh = capacity;
        step.save = true;
        step.events.push_back(fmt::format("synchronised to 100 %: {:.2f} V >= {:.2f} V and {:.1f} A below {:.1f} A for {:.0f} s",
                                          *in.voltage, *chargedVoltage, std::abs(*in.current), tail,
                                          seconds(c.chargedTime)));
    }
    if (in.packsFull && !m.packsWereFull) {
        m.chargeAh = capacity;
        step.save = true;
        step.events.push_back("synchronised to 100 %: every pack in float or at 100 %");
    }
    m.packsWereFull = in.packsFull;

    const bool empty = c.emptyCellVoltage && in.minCellVoltage && *in.minCellVoltage <= *c.emptyCellVoltage &&
                       in.current && *in.current < 0.0;
    if (heldFor(empty, m.emptySince, m.emptyDone, c.emptyTime, now)) {
        m.chargeAh = 0.0;
        step.save = true;
        step.events.push_back(fmt::format("synchronised to 0 %: lowest cell {:.3f} V <= {:.3f} V for {:.0f} s while "
                                          "discharging",
                                          *in.minCellVoltage, *c.emptyCellVoltage, seconds(c.emptyTime)));
    }
}

}  // namespace

CounterStep updateCounter(CounterMemory& m, const CounterInput& in, const CounterConfig& c, Instant now)
{
    CounterStep step;
    const bool haveCapacity = in.installedCapacity && *in.installedCapacity > 0.0;
    if (haveCapacity) {
        const double capacity = *in.installedCapacity;
        if (m.chargeAh && m.capacityAh && *m.capacityAh > 0.0 && std::abs(capacity - *m.capacityAh) > 1e-9) {
            step.events.push_back(fmt::format("installed capacity {} -> {} Ah: SOC {:.1f} % kept",
                                              formatNumber(*m.capacityAh), formatNumber(capacity),
                                              *m.chargeAh / *m.capacityAh * 100.0));
            m.chargeAh = *m.chargeAh / *m.capacityAh * capacity;
            step.save = true;
        }
        m.capacityAh = capacity;
        integrate(m, c, capacity, now, step);
    }
    m.lastUpdate = now;
    m.lastCurrent = in.current;
    if (!haveCapacity) return step;
    const double capacity = *in.installedCapacity;

    decideRestored(m, in, c, capacity, step);
    if (!m.chargeAh && !m.restored && in.packsSoc && in.settled) {
        m.chargeAh = *in.packsSoc / 100.0 * capacity;
        step.save = true;
        step.events.push_back(fmt::format("seeded from the packs' SOC {:.1f} %", *in.packsSoc));
    }
    if (!m.chargeAh) return step;  // never published before it is seeded: not 0 %
    synchronise(m, in, c, capacity, now, step);

    const double stepAh = c.saveStepPercent / 100.0 * capacity;
    if (!m.savedAh || std::abs(*m.chargeAh - *m.savedAh) >= stepAh) step.save = true;
    if (step.save) m.savedAh = m.chargeAh;
    step.chargeAh = m.chargeAh;
    step.soc = *m.chargeAh / capacity * 100.0;
    return step;
}

}  // namespace bagg
