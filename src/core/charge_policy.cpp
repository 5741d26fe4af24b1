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

void chargeVoltage(const Packs& online, const AggregationConfig& config, AggregateResult& r)
{
    // The lowest CVL protects the pack that is fullest; the configured value is a hard cap.
    r.maxChargeVoltage = extreme(online, Quantity::ChargeVoltageLimit, true);
    if (config.maxChargeVoltage && (!r.maxChargeVoltage || *config.maxChargeVoltage < *r.maxChargeVoltage))
        r.maxChargeVoltage = config.maxChargeVoltage;

    r.batteryLowVoltage = extreme(online, Quantity::BatteryLowVoltage, false);
    if (!r.batteryLowVoltage) r.batteryLowVoltage = config.batteryLowVoltage;
}

std::string cellAlarmReason(const Packs& online, const ImbalanceConfig& config)
{
    for (const auto* p : online)
        for (Alarm a : config.cellAlarms)
            if (p->alarm(a).value_or(0) >= 1)
                return fmt::format("cell alarm {} on {}", alarmName(a), p->label);
    return {};
}

void chargeCurrent(const Packs& online, const AggregationConfig& config, ImbalanceState& state, AggregateResult& r)
{
    const BankLimit bank = bankLimit(online, CurrentDirection::Charge, config.ratioMethod);
    r.imbalance = decideImbalance(r.socSpread.value_or(0.0), cellAlarmReason(online, config.imbalance),
                                  config.imbalance, state);
    auto& cellImbalance = r.alarms[index(Alarm::CellImbalance)];
    cellImbalance = std::max(cellImbalance.value_or(0), r.imbalance.alarmLevel);

    if (bank.amps && *bank.amps <= 0.0) {
        r.maxChargeCurrent = 0.0;
        r.chargeLimitation = bank.reason;
        return;
    }
    const std::optional<double> nominal = config.nominalChargeCurrent ? config.nominalChargeCurrent : bank.amps;
    if (!nominal) {
        r.chargeLimitation = bank.reason + " and nominal_charge_current is auto";
        return;
    }

    r.maxChargeCurrent = bandCurrent(r.imbalance.band, *nominal, config.imbalance);
    if (r.imbalance.band != ImbalanceBand::Balanced)
        r.chargeLimitation = fmt::format("{}: {:.1f} A of {:g} A", r.imbalance.reason, *r.maxChargeCurrent, *nominal);
    else
        r.chargeLimitation = config.nominalChargeCurrent ? fmt::format("nominal {:g} A", *nominal) : bank.reason;

    if (bank.amps && *bank.amps < *r.maxChargeCurrent) {
        r.maxChargeCurrent = bank.amps;
        r.chargeLimitation = bank.reason;
    }
}

void dischargeCurrent(const Packs& online, const AggregationConfig& config, AggregateResult& r)
{
    const BankLimit bank = bankLimit(online, CurrentDirection::Discharge, config.ratioMethod);
    r.maxDischargeCurrent = bank.amps;
    r.dischargeLimitation = bank.reason;
    if (config.maxDischargeCurrent && (!bank.amps || *config.maxDischargeCurrent < *bank.amps)) {
        r.maxDischargeCurrent = config.maxDischargeCurrent;
        r.dischargeLimitation = fmt::format("max_discharge_current {:g} A", *config.maxDischargeCurrent);
    }
}

}  // namespace

void applyChargePolicy(const Packs& online, const AggregationConfig& config, ImbalanceState& state, AggregateResult& r)
{
    chargeVoltage(online, config, r);
    if (online.empty()) {
        // No BMS to tell us what is safe: allow no current at all rather than guess.
        r.maxChargeCurrent = 0.0;
        r.maxDischargeCurrent = 0.0;
        r.chargeLimitation = r.dischargeLimitation =
            r.packsHeld > 0 ? fmt::format("no battery online ({} reconnecting)", r.packsHeld) : "no battery online";
        return;
    }
    chargeCurrent(online, config, state, r);
    dischargeCurrent(online, config, r);
}

}  // namespace bagg
