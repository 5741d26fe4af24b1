#include "charge_policy.h"

#include "bagg/core/bank_limit.h"

#include <fmt/format.h>

#include <algorithm>

namespace bagg {
namespace {

using Packs = std::vector<const PackSnapshot*>;

std::optional<double> extreme(const Packs& packs, Quantity q, bool lowest)
{
    std::optional<double> out;
    for (const auto* p : packs)
        if (const auto& v = p->get(q))
            if (!out || (lowest ? *v < *out : *v > *out)) out = *v;
    return out;
}

void chargeVoltage(const BankView& bank, const AggregationConfig& config, AggregatorMemory& memory, ChargeLimits& out)
{
    // The lowest CVL protects the pack that is fullest; the configured value is a hard cap.
    out.maxChargeVoltage = extreme(bank.counted, Quantity::ChargeVoltageLimit, true);
    if (out.maxChargeVoltage) memory.lastVouchedCvl = out.maxChargeVoltage;
    else out.maxChargeVoltage = memory.lastVouchedCvl;
    if (config.maxChargeVoltage && (!out.maxChargeVoltage || *config.maxChargeVoltage < *out.maxChargeVoltage))
        out.maxChargeVoltage = config.maxChargeVoltage;

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

void chargeCurrent(const BankView& bank, const AggregationConfig& config, AggregatorMemory& memory, Instant now,
                   ChargeLimits& out)
{
    const BankLimit limit = bankLimit(bank.online, bank.held, CurrentDirection::Charge, config.ratioMethod,
                                      config.blockedPolicy(true), memory.blockedCharge, now);
    const ImbalanceDecision& imbalance = *out.imbalance;
    const double bankAmps = limit.amps.value_or(0.0);
    if (bankAmps <= 0.0) {
        out.maxChargeCurrent = 0.0;
        out.chargeLimitation = limit.reason;
        return;
    }
    const double nominal = config.nominalChargeCurrent.value_or(bankAmps);
    out.maxChargeCurrent = bandCurrent(imbalance.band, nominal, config.imbalance);
    if (imbalance.band != ImbalanceBand::Balanced)
        out.chargeLimitation = fmt::format("{}: {:.1f} A of {:g} A", imbalance.reason, *out.maxChargeCurrent, nominal);
    else
        out.chargeLimitation = config.nominalChargeCurrent ? fmt::format("nominal {:g} A", nominal) : limit.reason;
    if (bankAmps < *out.maxChargeCurrent) {
        out.maxChargeCurrent = bankAmps;
        out.chargeLimitation = limit.reason;
    }
}

void dischargeCurrent(const BankView& bank, const AggregationConfig& config, AggregatorMemory& memory, Instant now,
                      ChargeLimits& out)
{
    const BankLimit limit = bankLimit(bank.online, bank.held, CurrentDirection::Discharge, config.ratioMethod,
                                      config.blockedPolicy(false), memory.blockedDischarge, now);
    out.maxDischargeCurrent = limit.amps.value_or(0.0);
    out.dischargeLimitation = limit.reason;
    if (config.maxDischargeCurrent && *config.maxDischargeCurrent < *out.maxDischargeCurrent) {
        out.maxDischargeCurrent = config.maxDischargeCurrent;
        out.dischargeLimitation = fmt::format("max_discharge_current {:g} A", *config.maxDischargeCurrent);
    }
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
        return;
    }
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
            fmt::format("no BMS online ({} reconnecting): last DCL {:g} A held", bank.held.size(), heldDcl);
    else if (together.amps.value_or(0.0) <= 0.0)
        out.dischargeLimitation = together.reason;
    else
        out.dischargeLimitation = out.chargeLimitation;
}

}  // namespace

ChargeLimits decideLimits(const BankView& bank, const AggregationConfig& config, AggregatorMemory& memory, Instant now)
{
    ChargeLimits out;
    chargeVoltage(bank, config, memory, out);
    if (!bank.counted.empty())
        out.imbalance = decideImbalance(bank.socSpread.value_or(0.0), cellAlarm(bank.counted, config.imbalance),
                                        config.imbalance, memory.imbalance);
    if (bank.online.empty()) {
        nobodyOnline(bank, config, memory, now, out);
    } else {
        chargeCurrent(bank, config, memory, now, out);
        dischargeCurrent(bank, config, memory, now, out);
        memory.lastVouchedDcl = out.maxDischargeCurrent;
    }
    out.allowToCharge = out.maxChargeCurrent.value_or(0.0) > 0.0 ? 1 : 0;
    out.allowToDischarge = out.maxDischargeCurrent.value_or(0.0) > 0.0 ? 1 : 0;
    return out;
}

}  // namespace bagg
