#include "charge_policy.h"

#include "bagg/core/bank_cvl.h"
#include "bagg/core/bank_limit.h"
#include "bagg/core/cell_safety.h"
#include "bagg/core/current_share.h"
#include "bagg/core/limit_ramp.h"

#include "bagg/core/strict_number.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace bagg {
namespace {

using Packs = std::vector<const PackSnapshot*>;

// Rises of a current limit smaller than this are not made: 2 % of nominal, at least 1 A.
double currentDeadband(double nominal) { return std::max(1.0, 0.02 * nominal); }
constexpr double kVoltageDeadband = 0.02;  // V

std::optional<double> extreme(const Packs& packs, Quantity q, bool lowest)
{
    std::optional<double> out;
    for (const auto* p : packs)
        if (const auto& v = p->get(q))
            if (!out || (lowest ? *v < *out : *v > *out)) out = *v;
    return out;
}

// A limit lowered to `value` when that is below it, with `why` as its reason.
void lowerTo(std::optional<double>& limit, std::string& reason, double value, const std::string& why)
{
    if (limit && value >= *limit) return;
    limit = value;
    reason = why;
}

void chargeVoltage(const BankView& bank, const AggregationConfig& config, const std::optional<CellLimits>& cells,
                   const CellNet& net, AggregatorMemory& memory, Instant now, ChargeLimits& out)
{
    const BankCvl b = decideBankCvl(bank.online, bank.held, config.cvlMode,
                                    cells ? std::optional{cells->maxCellVoltage} : std::nullopt, memory.cvl);
    out.chargeMode = b.mode;
    out.maxChargeVoltage = b.cvl;
    out.chargeVoltageLimitation = b.reason;
    if (b.cvl) {
        memory.lastVouchedCvl = b.cvl;
    } else if (memory.lastVouchedCvl) {
        out.maxChargeVoltage = memory.lastVouchedCvl;
        out.chargeVoltageLimitation = fmt::format("no pack publishes a CVL: the last one, {:g} V", *memory.lastVouchedCvl);
    }
    if (net.cvlCap) lowerTo(out.maxChargeVoltage, out.chargeVoltageLimitation, *net.cvlCap, net.cvlReason);
    if (config.maxChargeVoltage)
        lowerTo(out.maxChargeVoltage, out.chargeVoltageLimitation, *config.maxChargeVoltage,
                fmt::format("max_charge_voltage {:g} V", *config.maxChargeVoltage));

    if (out.maxChargeVoltage) {
        // Rises by 1 mV per cell per second (the default): the cells of a 16s pack, 16 mV/s.
        const auto cellsPerPack = extreme(bank.counted, Quantity::CellsPerBattery, false);
        const double n = cellsPerPack ? *cellsPerPack : std::round(*out.maxChargeVoltage / 3.4);
        const double rate = config.recovery.voltageRampMillivolts / 1000.0 * std::max(1.0, n);
        const Ramped r =
            rampLimit(*out.maxChargeVoltage, config.recovery.voltageHold, rate, memory.cvlRamp, now, kVoltageDeadband);
        out.maxChargeVoltage = r.value;
        out.chargeVoltageLimitation += r.note(rate, "V");
    }

    out.batteryLowVoltage = extreme(bank.counted, Quantity::BatteryLowVoltage, false);
    if (!out.batteryLowVoltage) out.batteryLowVoltage = config.batteryLowVoltage;
}

// The highest configured cell alarm of the packs that count, with the pack that raised it.
CellAlarm cellAlarm(const Packs& counted, const ImbalanceConfig& config)
{
    CellAlarm out;
    for (const auto* p : counted)
        for (Alarm a : config.cellAlarms) {
            const int level = p->alarm(a).value_or(0);
            if (level <= out.level) continue;
            out.level = level;
            out.reason = fmt::format("cell alarm {}{} on {}", alarmName(a), level == 1 ? " (warning)" : "", p->label);
        }
    return out;
}

Packs notBlocking(const Packs& online, CurrentDirection d)
{
    Packs out;
    out.reserve(online.size());
    for (const auto* p : online)
        if (blockingReason(*p, d).empty()) out.push_back(p);
    return out;
}

// What the online BMSes allow together in one direction: the count (or capacity) rule, or with
// current_feedback each pack's measured share of the current; a block stops it either way.
struct Allowed {
    double amps = 0.0;
    std::string reason;
    std::optional<double> guard;
    std::string guardReason;
};

Allowed allowedTogether(const BankView& bank, CurrentDirection d, const AggregationConfig& config,
                        AggregatorMemory& memory, Instant now, std::optional<double> configuredNominal)
{
    auto& watches = d == CurrentDirection::Charge ? memory.blockedCharge : memory.blockedDischarge;
    const BankLimit limit = bankLimit(bank.online, bank.held, d, config.ratioMethod,
                                      config.blockedPolicy(d == CurrentDirection::Charge), watches, now);
    Allowed out{limit.amps.value_or(0.0), limit.reason, std::nullopt, {}};
    if (out.amps <= 0.0 || !config.feedback.enabled) return out;
    const FeedbackLimit fb = feedbackLimit(notBlocking(bank.online, d), d, out.amps, config.feedback, config.recovery,
                                           configuredNominal.value_or(out.amps), memory.shares, now);
    // Within 2 % of the ratio rule the shares say nothing the rule does not: measurement noise (the
    // packs' currents arrive one by one) must not make the limit twitch.
    if (fb.predicted && std::fabs(*fb.predicted - out.amps) > 0.02 * out.amps) {
        out.amps = *fb.predicted;
        out.reason = fb.predictedReason;
    }
    out.guard = fb.guard;
    out.guardReason = fb.guardReason;
    return out;
}

// The limit as published: increases held, then ramped (limit_ramp.h).
void recover(std::optional<double>& limit, std::string& reason, double nominal, const RecoveryConfig& recovery,
             RampMemory& ramp, Instant now)
{
    const double rate = recovery.currentRampPercent / 100.0 * nominal;
    const Ramped r = rampLimit(limit.value_or(0.0), recovery.currentHold, rate, ramp, now, currentDeadband(nominal));
    limit = r.value;
    reason += r.note(rate, "A");
}

void chargeCurrent(const BankView& bank, const AggregationConfig& config, const std::optional<CellLimits>& cells,
                   const CellNet& net, AggregatorMemory& memory, Instant now, ChargeLimits& out)
{
    const Allowed allowed = allowedTogether(bank, CurrentDirection::Charge, config, memory, now, config.nominalChargeCurrent);
    const double nominal = config.nominalChargeCurrent.value_or(allowed.amps);
    if (allowed.amps <= 0.0) {
        out.maxChargeCurrent = 0.0;
        out.chargeLimitation = allowed.reason;
    } else {
        const ImbalanceDecision& imbalance = *out.imbalance;
        out.maxChargeCurrent = bandCurrent(imbalance.band, nominal, config.imbalance);
        if (imbalance.band != ImbalanceBand::Balanced)
            out.chargeLimitation = fmt::format("{}: {:.1f} A of {} A", imbalance.reason, *out.maxChargeCurrent, formatRounded(nominal, 1));
        else
            out.chargeLimitation = config.nominalChargeCurrent ? fmt::format("nominal {} A", formatRounded(nominal, 1)) : allowed.reason;
        lowerTo(out.maxChargeCurrent, out.chargeLimitation, allowed.amps, allowed.reason);
        if (allowed.guard) lowerTo(out.maxChargeCurrent, out.chargeLimitation, *allowed.guard, allowed.guardReason);
        if (cells) lowerTo(out.maxChargeCurrent, out.chargeLimitation, net.cclFraction * nominal, net.cclReason);
    }
    recover(out.maxChargeCurrent, out.chargeLimitation, nominal, config.recovery, memory.cclRamp, now);
}

void dischargeCurrent(const BankView& bank, const AggregationConfig& config, const std::optional<CellLimits>& cells,
                      const CellNet& net, AggregatorMemory& memory, Instant now, ChargeLimits& out)
{
    const Allowed allowed = allowedTogether(bank, CurrentDirection::Discharge, config, memory, now, std::nullopt);
    out.maxDischargeCurrent = allowed.amps;
    out.dischargeLimitation = allowed.reason;
    if (allowed.amps > 0.0) {
        if (allowed.guard) lowerTo(out.maxDischargeCurrent, out.dischargeLimitation, *allowed.guard, allowed.guardReason);
        if (cells) lowerTo(out.maxDischargeCurrent, out.dischargeLimitation, net.dclFraction * allowed.amps, net.dclReason);
        if (config.maxDischargeCurrent)
            lowerTo(out.maxDischargeCurrent, out.dischargeLimitation, *config.maxDischargeCurrent,
                    fmt::format("max_discharge_current {:g} A", *config.maxDischargeCurrent));
    }
    recover(out.maxDischargeCurrent, out.dischargeLimitation, allowed.amps, config.recovery, memory.dclRamp, now);
}

// No BMS online: nobody vouches for charging. Discharging goes on at the last vouched DCL while
// packs are held (they restart together during a GX firmware check), no more than the held packs
// allow together by the same rule as online ones, then stops.
void nobodyOnline(const BankView& bank, const AggregationConfig& config, AggregatorMemory& memory, Instant now,
                  ChargeLimits& out)
{
    memory.blockedCharge.clear();
    out.maxChargeCurrent = 0.0;
    out.maxDischargeCurrent = 0.0;
    if (bank.held.empty()) {
        memory.blockedDischarge.clear();
        memory.lastVouchedDcl.reset();
        out.chargeLimitation = out.dischargeLimitation = "no battery online";
    } else {
        out.chargeLimitation = fmt::format("no BMS online ({} reconnecting)", bank.held.size());
        // The held packs' limits as if they were online, on a copy of the memory: a held pack's stale
        // current must not trip anything.
        BlockWatches scratch = memory.blockedDischarge;
        const BankLimit together = bankLimit(bank.held, {}, CurrentDirection::Discharge, config.ratioMethod,
                                             config.blockedPolicy(false), scratch, now);
        const double heldDcl = std::min(memory.lastVouchedDcl.value_or(0.0), together.amps.value_or(0.0));
        out.maxDischargeCurrent = heldDcl;
        if (heldDcl > 0.0)
            out.dischargeLimitation =
                fmt::format("no BMS online ({} reconnecting): last DCL {} A held", bank.held.size(), formatRounded(heldDcl, 1));
        else if (together.amps.value_or(0.0) <= 0.0)
            out.dischargeLimitation = together.reason;
        else
            out.dischargeLimitation = out.chargeLimitation;
    }
    // Both only ever go down here: at once. The ramps start from these when packs come back.
    rampLimit(*out.maxChargeCurrent, config.recovery.currentHold, 0.0, memory.cclRamp, now);
    rampLimit(*out.maxDischargeCurrent, config.recovery.currentHold, 0.0, memory.dclRamp, now);
}

}  // namespace

ChargeLimits decideLimits(const BankView& bank, const AggregationConfig& config, AggregatorMemory& memory, Instant now)
{
    ChargeLimits out;
    const auto cells = cellLimits(config.cells);
    const CellNet net = cells ? cellSafetyNet(bank.counted, *cells, bank.voltage, memory.cells) : CellNet{};
    if (config.feedback.enabled) learnShares(bank.online, config.feedback.smoothing, memory.shares, now);
    chargeVoltage(bank, config, cells, net, memory, now, out);
    if (!bank.counted.empty())
        out.imbalance = decideImbalance(bank.socSpread.value_or(0.0), cellAlarm(bank.counted, config.imbalance),
                                        config.imbalance, memory.imbalance);
    if (bank.online.empty()) {
        nobodyOnline(bank, config, memory, now, out);
    } else {
        chargeCurrent(bank, config, cells, net, memory, now, out);
        dischargeCurrent(bank, config, cells, net, memory, now, out);
        memory.lastVouchedDcl = out.maxDischargeCurrent;
    }
    out.allowToCharge = out.maxChargeCurrent.value_or(0.0) > 0.0 ? 1 : 0;
    out.allowToDischarge = out.maxDischargeCurrent.value_or(0.0) > 0.0 ? 1 : 0;
    return out;
}

}  // namespace bagg
