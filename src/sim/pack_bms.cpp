#include "pack_bms.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace bagg::sim {
namespace {

// serialbattery compares its cell sum with the CVL as read; ours is computed, so "at the CVL"
// allows for floating-point noise and the 0.01 V resolution the CVL is published with.
constexpr double kAtVoltageTolerance = 0.005;
// serialbattery's absorption timer stops when the pack falls this far below the max voltage.
constexpr double kBulkResetDrop = 0.5;

double factor(const Curve& taper, double x) { return taper.empty() ? 1.0 : taper.clamped(x); }

}  // namespace

const char* chargeModeName(ChargeMode mode)
{
    switch (mode) {
    case ChargeMode::Bulk: return "Bulk";
    case ChargeMode::Absorption: return "Absorption";
    case ChargeMode::FloatTransition: return "Float Transition";
    case ChargeMode::Float: return "Float";
    }
    return "";
}

std::vector<std::string> BmsConfig::validate() const
{
    std::vector<std::string> errors;
    auto need = [&](bool ok, const std::string& what) {
        if (!ok) errors.push_back(what);
    };
    need(maxChargeCurrent >= 0, "max_charge_current must be >= 0");
    need(maxDischargeCurrent >= 0, "max_discharge_current must be >= 0");
    need(minCellVoltage > 0 && minCellVoltage < floatCellVoltage,
         "min_cell_voltage must be above 0 and below float_cell_voltage");
    need(floatCellVoltage <= maxCellVoltage, "float_cell_voltage must not be above max_cell_voltage");
    need(maxCellVoltage < cellOvervoltage, "max_cell_voltage must be below cell_overvoltage");
    need(cellOvervoltageRecovery < cellOvervoltage, "cell_overvoltage_recovery must be below cell_overvoltage");
    need(cellUndervoltage < cellUndervoltageRecovery, "cell_undervoltage_recovery must be above cell_undervoltage");
    need(cellUndervoltage < minCellVoltage, "cell_undervoltage must be below min_cell_voltage");
    for (const auto* taper : {&chargeCellVoltageTaper, &chargeSocTaper, &dischargeCellVoltageTaper, &dischargeSocTaper})
        for (const auto& p : taper->points())
            need(p.second >= 0 && p.second <= 1, fmt::format("taper fraction {} is not within 0..1", p.second));
    need(recalculationEvery >= 0, "linear_recalculation_every must be >= 0");
    need(recalculationOnChangePercent >= 0, "linear_recalculation_on_perc_change must be >= 0");
    need(currentRecoveryFraction >= 0 && currentRecoveryFraction < 1, "current_recovery_fraction must be within 0..1");
    need(maxVoltageTime >= 0, "max_voltage_time must be >= 0");
    need(socLevelToResetVoltageLimit >= 0 && socLevelToResetVoltageLimit <= 100,
         "soc_level_to_reset_voltage_limit must be within 0..100");
    need(floatTransitionRate > 0, "float_transition_rate must be > 0");
    need(tailCurrent >= 0, "tail_current must be >= 0");
    need(fullReleaseSoc >= 0 && fullReleaseSoc <= 100, "full_release_soc must be within 0..100");
    need(fullReleaseCellVoltage < fullCellVoltage, "full_release_cell_voltage must be below full_cell_voltage");
    need(balancerCurrent >= 0, "balancer_current must be >= 0");
    need(balanceTrigger > 0, "balance_trigger must be > 0");
    need(pollInterval > 0, "poll_interval must be > 0");
    return errors;
}

PackBms::PackBms(BmsConfig config, int cells, double capacityAh, double soc, const BmsMeasurement& first)
    : config_(std::move(config)), cells_(cells), capacityAh_(capacityAh), soc_(std::clamp(soc, 0.0, 100.0))
{
    measure(first, 0.0);
    poll(first, 0.0);
}

void PackBms::readCells(const BmsMeasurement& m)
{
    const auto [lo, hi] = std::minmax_element(m.cellVolts.begin(), m.cellVolts.end());
    minCell_ = *lo;
    maxCell_ = *hi;
}

void PackBms::measure(const BmsMeasurement& m, double dt)
{
    soc_ = std::clamp(soc_ + m.current * dt / 3600.0 / capacityAh_ * 100.0, 0.0, 100.0);
    readCells(m);
    // The board's protection acts on its own, faster than any driver.
    if (maxCell_ >= config_.cellOvervoltage) overvoltage_ = true;
    else if (maxCell_ <= config_.cellOvervoltageRecovery) overvoltage_ = false;
    if (minCell_ <= config_.cellUndervoltage) undervoltage_ = true;
    else if (minCell_ >= config_.cellUndervoltageRecovery) undervoltage_ = false;
    if (config_.blockAtFull == BlockAtFull::None) return;
    if (maxCell_ >= config_.fullCellVoltage || soc_ >= 100.0) full_ = true;
    else if (soc_ < config_.fullReleaseSoc && maxCell_ < config_.fullReleaseCellVoltage) full_ = false;
}

void PackBms::poll(const BmsMeasurement& m, double now)
{
    readCells(m);
    updateCurrents(m, now);
    updateChargeMode(m, now);
    balancing_ = maxCell_ >= config_.balanceStartVoltage && maxCell_ - minCell_ >= config_.balanceTrigger;
    first_ = false;
}

void PackBms::updateCurrents(const BmsMeasurement&, double now)
{
    // serialbattery's manage_charge_and_discharge_current(): the lowest of the limits, published
    // only every recalculationEvery unless it moves a lot or drops to 0; from 0 it comes back only
    // above the recovery threshold (no flapping between allowed and blocked).
    auto limited = [&](double raw, double& current, double& setAt, double max) {
        const double diff = std::abs(raw - current);
        if (!first_ && now - setAt < config_.recalculationEvery &&
            diff < current * config_.recalculationOnChangePercent / 100.0 && !(raw == 0.0 && current != 0.0))
            return;
        setAt = now;
        if (raw == 0.0) current = 0.0;
        else if (first_ || current != 0.0 || raw >= max * config_.currentRecoveryFraction) current = raw;
    };
    double ccl = config_.maxChargeCurrent *
                 std::min(factor(config_.chargeCellVoltageTaper, maxCell_), factor(config_.chargeSocTaper, soc_));
    // A FET the board opened (protection, or a block at full) and a flag block both mean CCL 0.
    if (!chargeFetClosed() || (config_.blockAtFull != BlockAtFull::None && full_)) ccl = 0.0;
    double dcl = config_.maxDischargeCurrent * std::min(factor(config_.dischargeCellVoltageTaper, minCell_),
                                                        factor(config_.dischargeSocTaper, soc_));
    if (!dischargeFetClosed()) dcl = 0.0;
    limited(ccl, ccl_, cclSetAt_, config_.maxChargeCurrent);
    limited(dcl, dcl_, dclSetAt_, config_.maxDischargeCurrent);
}

void PackBms::updateChargeMode(const BmsMeasurement& m, double now)
{
    // serialbattery's manage_charge_voltage_linear().
    double sum = 0.0, penalty = 0.0;
    for (double v : m.cellVolts) {
        sum += v;
        if (v > config_.maxCellVoltage) penalty += v - config_.maxCellVoltage;
    }
    const double diff = maxCell_ - minCell_;
    const double maxVoltage = maxBatteryVoltage();
    if (!maxVoltageStart_) {
        if (allowMaxVoltage_ && sum >= maxVoltage - kAtVoltageTolerance && diff <= config_.cellDiffKeepMaxVoltageUntil)
            maxVoltageStart_ = now;
        else if (!allowMaxVoltage_ &&
                 (soc_ < config_.socLevelToResetVoltageLimit || diff >= config_.cellDiffToResetVoltageLimit))
            allowMaxVoltage_ = true;
    } else {
        if (diff > config_.cellDiffTimeRestart) maxVoltageStart_ = now;
        const bool tail = config_.tailCurrent > 0 && m.current <= config_.tailCurrent &&
                          sum >= maxVoltage - kAtVoltageTolerance;
        if (now - *maxVoltageStart_ > config_.maxVoltageTime || tail) {
            allowMaxVoltage_ = false;
            maxVoltageStart_.reset();
        }
        if (sum < maxVoltage - kBulkResetDrop) maxVoltageStart_.reset();
    }

    if (allowMaxVoltage_) {
        penaltyActive_ = config_.cvlCellPenalty && penalty > 0.0;
        cvl_ = penaltyActive_ ? std::clamp(sum - penalty, minBatteryVoltage(), maxVoltage) : maxVoltage;
        mode_ = maxVoltageStart_ ? ChargeMode::Absorption : ChargeMode::Bulk;
        return;
    }
    penaltyActive_ = false;
    switch (mode_) {
    case ChargeMode::Bulk:
    case ChargeMode::Absorption:
        // Absorption is over: the CVL starts down from where it is; the pack is taken as full.
        transitionStart_ = now;
        transitionFrom_ = cvl_;
        mode_ = ChargeMode::FloatTransition;
        soc_ = 100.0;
        break;
    case ChargeMode::FloatTransition: {
        const double reduction =
            std::min(config_.floatTransitionRate * (now - transitionStart_), transitionFrom_ - floatVoltage());
        cvl_ = transitionFrom_ - reduction;
        if (cvl_ <= floatVoltage()) {
            cvl_ = floatVoltage();
            mode_ = ChargeMode::Float;
        }
        break;
    }
    case ChargeMode::Float: cvl_ = floatVoltage(); break;
    }
}

std::string PackBms::modeText() const
{
    std::string text = chargeModeName(mode_);
    if (!config_.chargeModeSuffix) return text;
    if (penaltyActive_) text += " Dynamic";
    return text + " (Linear Mode)";
}

BmsAlarms PackBms::alarms() const
{
    BmsAlarms a;
    a.highCellVoltage = overvoltage_ ? 2 : maxCell_ >= config_.cellOvervoltage - 0.05 ? 1 : 0;
    a.lowCellVoltage = undervoltage_ ? 2 : minCell_ <= config_.cellUndervoltage + 0.2 ? 1 : 0;
    a.lowSoc = soc_ < 5.0 ? 2 : soc_ < 10.0 ? 1 : 0;
    return a;
}

std::optional<double> PackBms::absorptionTime(double now) const
{
    if (!maxVoltageStart_) return std::nullopt;
    return now - *maxVoltageStart_;
}

}  // namespace bagg::sim
