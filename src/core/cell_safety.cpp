#include "bagg/core/cell_safety.h"

#include <fmt/format.h>

#include <algorithm>

namespace bagg {
namespace {

// After dbus-serialbattery's defaults: CELL_VOLTAGES_WHILE_CHARGING / MAX_CHARGE_CURRENT_CV_FRACTION,
// CELL_VOLTAGES_WHILE_DISCHARGING / MAX_DISCHARGE_CURRENT_CV_FRACTION.
CellLimits preset(CellsConfig::Chemistry c)
{
    if (c == CellsConfig::Chemistry::Lto)
        return {2.70, 0.05, 0.05, {{2.50, 1.0}, {2.60, 0.5}, {2.65, 0.05}, {2.70, 0.0}},
                {{1.80, 0.0}, {1.85, 0.1}, {1.90, 0.5}, {2.10, 1.0}}};
    return {3.55, 0.05, 0.05, {{3.30, 1.0}, {3.45, 0.5}, {3.50, 0.05}, {3.55, 0.0}},
            {{2.70, 0.0}, {2.80, 0.1}, {2.90, 0.5}, {3.10, 1.0}}};
}

}  // namespace

std::optional<CellLimits> cellLimits(const CellsConfig& c)
{
    if (c.chemistry == CellsConfig::Chemistry::None) return std::nullopt;
    CellLimits out = preset(c.chemistry);
    if (c.maxCellVoltage) out.maxCellVoltage = *c.maxCellVoltage;
    if (c.cellDiffMax) out.cellDiffMax = *c.cellDiffMax;
    if (c.dclHysteresis) out.dclHysteresis = *c.dclHysteresis;
    if (c.cclTaper) out.cclTaper = *c.cclTaper;
    if (c.dclTaper) out.dclTaper = *c.dclTaper;
    return out;
}

double taper(const std::vector<TaperPoint>& t, double v)
{
    if (t.empty()) return 1.0;
    if (v <= t.front().volts) return t.front().fraction;
    for (std::size_t i = 1; i < t.size(); ++i)
        if (v <= t[i].volts) {
            const double span = t[i].volts - t[i - 1].volts;
            const double f = span > 0 ? (v - t[i - 1].volts) / span : 1.0;
            return t[i - 1].fraction + f * (t[i].fraction - t[i - 1].fraction);
        }
    return t.back().fraction;
}

CellNet cellSafetyNet(const std::vector<const PackSnapshot*>& packs, const CellLimits& limits,
                      std::optional<double> busVoltage, CellNetMemory& m)
{
    CellNet out;
    std::optional<double> highest, lowest;
    const PackSnapshot* highPack = nullptr;
    double overshoot = 0.0;
    for (const auto* p : packs) {
        if (const auto& v = p->get(Quantity::MaxCellVoltage)) {
            if (!highest || *v > *highest) {
                highest = v;
                highPack = p;
            }
            overshoot += std::max(0.0, *v - limits.maxCellVoltage);
        }
        if (const auto& v = p->get(Quantity::MinCellVoltage))
            if (!lowest || *v < *lowest) lowest = v;
    }

    // CVL: lowered while a cell is above the limit, and until the cells are back and even.
    if (overshoot > 0.0 && busVoltage) {
        const double cap = *busVoltage - overshoot;
        m.cvlCap = m.cvlCap ? std::min(*m.cvlCap, cap) : cap;
        out.cvlReason = fmt::format("cell {:.3f} V > {:g} V on {}: CVL lowered by {:.3f} V", *highest,
                                    limits.maxCellVoltage, highPack->label, overshoot);
    } else if (m.cvlCap) {
        const bool even = highest && lowest && *highest - *lowest < limits.cellDiffMax;
        if (overshoot == 0.0 && even) m.cvlCap.reset();
        else out.cvlReason = fmt::format("CVL held lowered until the cells are even (spread under {:g} V)", limits.cellDiffMax);
    }
    out.cvlCap = m.cvlCap;

    if (highest) {
        out.cclFraction = taper(limits.cclTaper, *highest);
        if (out.cclFraction < 1.0)
            out.cclReason = fmt::format("highest cell {:.3f} V: {:.0f} % of nominal", *highest, out.cclFraction * 100.0);
    }
    if (lowest) {
        const double falling = taper(limits.dclTaper, *lowest);
        const double rising = taper(limits.dclTaper, *lowest - limits.dclHysteresis);
        if (falling < m.dclFraction) m.dclFraction = falling;
        else if (rising > m.dclFraction) m.dclFraction = rising;
        out.dclFraction = m.dclFraction;
        if (out.dclFraction < 1.0)
            out.dclReason = fmt::format("lowest cell {:.3f} V: {:.0f} % of nominal", *lowest, out.dclFraction * 100.0);
    } else {
        m.dclFraction = 1.0;
    }
    return out;
}

}  // namespace bagg
