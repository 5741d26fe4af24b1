#include "bank_model.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace bagg::sim {
namespace {

// A cell's SOC is kept within these bounds: far past what any sane charge reaches (the OCV curve
// is continued steeply beyond its ends), but finite whatever a scenario does.
constexpr double kCellSocFloor = -10.0, kCellSocCeiling = 110.0;

BmsMeasurement measurement(const BankPack& p) { return {p.cellVolts, p.measuredCurrent()}; }

std::vector<double> initialCellSoc(const PackSpec& s)
{
    std::vector<double> socs(static_cast<std::size_t>(s.cells), s.soc);
    if (s.cells < 2) return socs;
    for (int j = 0; j < s.cells; ++j)
        socs[static_cast<std::size_t>(j)] += s.cellSpread * (static_cast<double>(j) / (s.cells - 1) - 0.5);
    return socs;
}

double cellResistance(const PackSpec& s, double soc) { return s.resistanceOhm / s.cells * s.resistanceFactor.clamped(soc); }

// The pack at rest with its cells at their initial SOC.
BankPack makePack(PackSpec spec)
{
    auto socs = initialCellSoc(spec);
    std::vector<double> volts;
    double emf = 0.0, resistance = 0.0;
    for (double soc : socs) {
        volts.push_back(spec.cellOcv.extrapolated(soc));
        emf += volts.back();
        resistance += cellResistance(spec, soc);
    }
    PackBms bms(spec.bms, spec.cells, spec.capacityAh, spec.soc, BmsMeasurement{volts, spec.currentOffset});
    return BankPack{std::move(spec), std::move(socs), std::move(volts), 0.0, emf, resistance, std::move(bms), 0.0};
}

}  // namespace

std::vector<std::string> PackSpec::validate() const
{
    std::vector<std::string> errors;
    auto need = [&](bool ok, const char* what) {
        if (!ok) errors.emplace_back(what);
    };
    need(cells >= 1 && cells <= 64, "cells must be 1..64");
    need(cellOcv.points().size() >= 2 && cellOcv.increasing(), "ocv must rise strictly with the SOC");
    need(capacityAh > 0, "capacity_ah must be > 0");
    need(sohPercent > 0 && sohPercent <= 100, "soh_percent must be within 0..100 (above 0)");
    need(resistanceOhm > 0, "resistance_mohm must be > 0");
    bool factorsPositive = resistanceFactor.points().size() >= 2;
    for (const auto& point : resistanceFactor.points()) factorsPositive = factorsPositive && point.second > 0;
    need(factorsPositive, "resistance_soc_factor must be above 0 everywhere");
    need(soc >= 0 && soc <= 100, "soc must be within 0..100");
    need(cellSpread >= 0 && cellSpread <= 50, "cell_spread must be within 0..50");
    for (auto& e : bms.validate()) errors.push_back("bms: " + e);
    return errors;
}

const char* chargerModeName(ChargerMode mode)
{
    switch (mode) {
    case ChargerMode::Off: return "off";
    case ChargerMode::NoLimits: return "no limits";
    case ChargerMode::Blocked: return "blocked";
    case ChargerMode::CurrentLimited: return "current limited";
    case ChargerMode::VoltageLimited: return "voltage limited";
    case ChargerMode::Inverting: return "inverting";
    }
    return "";
}

double BankPack::soc() const
{
    double sum = 0.0;
    for (double s : cellSoc) sum += s;
    return std::clamp(sum / static_cast<double>(cellSoc.size()), 0.0, 100.0);
}

double BankPack::voltage() const
{
    double sum = 0.0;
    for (double v : cellVolts) sum += v;
    return sum;
}

double BankPack::currentAt(double busVoltage) const
{
    const double i = (busVoltage - emf) / resistance;
    if (i > 0.0 && !bms.chargeFetClosed()) return 0.0;
    if (i < 0.0 && !bms.dischargeFetClosed()) return 0.0;
    return i;
}

BankModel::BankModel(std::vector<PackSpec> packs, double maxStep) : maxStep_(maxStep)
{
    if (packs.empty()) throw std::invalid_argument("a bank needs at least one pack");
    if (!(maxStep > 0.0)) throw std::invalid_argument("the step must be > 0");
    for (auto& spec : packs) {
        const auto errors = spec.validate();
        if (!errors.empty()) throw std::invalid_argument(fmt::format("pack {}: {}", spec.name, errors.front()));
        packs_.push_back(makePack(std::move(spec)));
    }
    const auto bus = solveBus(0.0);
    busVoltage_ = bus.voltage;
    busConnected_ = bus.connected;
    for (const auto& p : packs_) {
        const auto [lo, hi] = std::minmax_element(p.cellVolts.begin(), p.cellVolts.end());
        stats_.minCellVoltage = std::min(stats_.minCellVoltage, *lo);
        stats_.maxCellVoltage = std::max(stats_.maxCellVoltage, *hi);
    }
}

void BankModel::setProfile(std::vector<ProfileStep> profile)
{
    std::stable_sort(profile.begin(), profile.end(), [](const auto& a, const auto& b) { return a.at < b.at; });
    profile_ = std::move(profile);
    nextProfileStep_ = 0;
    applyProfile();
}

void BankModel::applyProfile()
{
    for (; nextProfileStep_ < profile_.size() && profile_[nextProfileStep_].at <= time_; ++nextProfileStep_) {
        const auto& step = profile_[nextProfileStep_];
        if (step.demand) charger_.demand = *step.demand;
        if (step.load) charger_.load = *step.load;
    }
}

double BankModel::soc() const
{
    double charge = 0.0, capacity = 0.0;
    for (const auto& p : packs_) {
        charge += p.soc() * p.spec.trueCapacityAh();
        capacity += p.spec.trueCapacityAh();
    }
    return charge / capacity;
}

double BankModel::bankCurrentAt(double busVoltage) const
{
    double sum = 0.0;
    for (const auto& p : packs_) sum += p.currentAt(busVoltage);
    return sum;
}

BankModel::Bus BankModel::solveBus(double current) const
{
    // f(V) = sum of currentAt(V) is continuous and non-decreasing: bisection. The bracket is wide
    // enough that one conducting pack alone could carry |current| at either end.
    double minEmf = std::numeric_limits<double>::max(), maxEmf = std::numeric_limits<double>::lowest(), maxR = 0.0;
    bool anyFet = false;
    for (const auto& p : packs_) {
        minEmf = std::min(minEmf, p.emf);
        maxEmf = std::max(maxEmf, p.emf);
        maxR = std::max(maxR, p.resistance);
        anyFet = anyFet || p.bms.chargeFetClosed() || p.bms.dischargeFetClosed();
    }
    const double margin = std::abs(current) * maxR + 1.0;
    double lo = minEmf - margin, hi = maxEmf + margin;
    const double target = std::clamp(current, bankCurrentAt(lo), bankCurrentAt(hi));
    for (int i = 0; i < 100 && hi - lo > 1e-12; ++i) {
        const double mid = 0.5 * (lo + hi);
        (bankCurrentAt(mid) < target ? lo : hi) = mid;
    }
    return {0.5 * (lo + hi), target, anyFet};
}

double BankModel::bestFeasibleChargeCurrent() const
{
    double v = std::numeric_limits<double>::max();
    for (const auto& p : packs_)
        if (p.bms.chargeFetClosed()) v = std::min(v, p.emf + p.bms.ccl() * p.resistance);
    if (v == std::numeric_limits<double>::max()) return 0.0;
    return std::max(0.0, bankCurrentAt(v));
}

double BankModel::chargerCurrent(const DvccLimits& limits)
{
    if (charger_.demand > 0.0) {
        if (!limits.cvl || !limits.ccl) {
            chargerMode_ = ChargerMode::NoLimits;
            return 0.0;
        }
        const double target = std::min(charger_.demand, std::max(0.0, *limits.ccl));
        if (target <= 0.0) {
            chargerMode_ = ChargerMode::Blocked;
            return 0.0;
        }
        if (solveBus(target).voltage <= *limits.cvl) {
            chargerMode_ = ChargerMode::CurrentLimited;
            return target;
        }
        // Constant voltage: the current at which the bus sits at the CVL. A Multi cannot pull the
        // bank down to a lower CVL: it then charges nothing and the packs rest above it.
        chargerMode_ = ChargerMode::VoltageLimited;
        return std::clamp(bankCurrentAt(*limits.cvl), 0.0, target);
    }
    if (charger_.load > 0.0) {
        if (!limits.dcl) {
            chargerMode_ = ChargerMode::NoLimits;
            return 0.0;
        }
        const double served = std::min(charger_.load, std::max(0.0, *limits.dcl));
        chargerMode_ = served > 0.0 ? ChargerMode::Inverting : ChargerMode::Blocked;
        return -served;
    }
    chargerMode_ = ChargerMode::Off;
    return 0.0;
}

void BankModel::advance(double seconds, const DvccLimits& limits)
{
    while (seconds > 1e-9) {
        const double dt = std::min(maxStep_, seconds);
        step(dt, limits);
        seconds -= dt;
    }
}

void BankModel::step(double dt, const DvccLimits& limits)
{
    applyProfile();
    const auto bus = solveBus(chargerCurrent(limits));
    busVoltage_ = bus.voltage;
    busConnected_ = bus.connected;
    bankCurrent_ = bus.current;
    if (bankCurrent_ > 0.0 && limits.ccl)
        stats_.maxChargeOverDvcc = std::max(stats_.maxChargeOverDvcc, bankCurrent_ - *limits.ccl);
    time_ += dt;

    for (auto& p : packs_) {
        p.current = bus.connected ? p.currentAt(bus.voltage) : 0.0;
        const double ahToSoc = 100.0 / 3600.0 / p.spec.trueCapacityAh();
        const double minVolts = *std::min_element(p.cellVolts.begin(), p.cellVolts.end());
        p.emf = 0.0;
        p.resistance = 0.0;
        for (std::size_t j = 0; j < p.cellSoc.size(); ++j) {
            double amps = p.current;
            // The balancer bleeds the cells that stand above the lowest by its trigger.
            if (p.bms.balancing() && p.cellVolts[j] > minVolts + p.spec.bms.balanceTrigger)
                amps -= p.spec.bms.balancerCurrent;
            p.cellSoc[j] = std::clamp(p.cellSoc[j] + amps * dt * ahToSoc, kCellSocFloor, kCellSocCeiling);
            const double ocv = p.spec.cellOcv.extrapolated(p.cellSoc[j]);
            const double r = cellResistance(p.spec, p.cellSoc[j]);
            p.emf += ocv;
            p.resistance += r;
            p.cellVolts[j] = ocv + p.current * r;
            stats_.maxCellVoltage = std::max(stats_.maxCellVoltage, p.cellVolts[j]);
            stats_.minCellVoltage = std::min(stats_.minCellVoltage, p.cellVolts[j]);
        }
        stats_.maxOverCcl = std::max(stats_.maxOverCcl, p.current - p.bms.ccl());
        const auto m = measurement(p);
        p.bms.measure(m, dt);
        p.sincePoll += dt;
        if (p.sincePoll + 1e-9 >= p.spec.bms.pollInterval) {
            p.sincePoll = 0.0;
            p.bms.poll(m, time_);
        }
    }
}

}  // namespace bagg::sim
