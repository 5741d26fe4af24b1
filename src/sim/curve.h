#pragma once
// A piecewise-linear curve y(x) given by points, for the bank simulation: a cell's open-circuit
// voltage over its SOC, and a BMS's taper tables (fraction of the maximum current over a cell
// voltage or the SOC). Pure: no D-Bus, no clock.

#include <string>
#include <utility>
#include <vector>

namespace bagg::sim {

class Curve {
public:
    using Point = std::pair<double, double>;  // (x, y)

    Curve() = default;
    // Points in strictly increasing x; throws std::invalid_argument otherwise or with fewer than 2.
    explicit Curve(std::vector<Point> points);

    // Inside the points: interpolated. Outside: the end value (a taper table: "1.0 below 3.40 V").
    double clamped(double x) const;
    // Outside the points: the end segment continued (an OCV curve: a cell pushed past 100 % keeps
    // rising steeply instead of stopping at the last point, so an overcharge shows in its voltage).
    double extrapolated(double x) const;

    const std::vector<Point>& points() const { return points_; }
    bool empty() const { return points_.empty(); }
    bool increasing() const;  // y strictly increasing too (an OCV curve must be)

private:
    double segment(std::size_t i, double x) const;  // the line through points i and i+1, at x
    std::vector<Point> points_;
};

// Open-circuit voltage of one cell at rest over its SOC (%).
// LFP (LiFePO4): the long flat middle (3.28-3.35 V from 30 to 90 %), a full cell resting at
// 3.45 V, and past 100 % (an overcharged cell) a steep rise to 3.65 V per %-point. Typical of
// prismatic 100-280 Ah cells (EVE LF280K, CATL) measured after rest; the sharp rise a cell shows
// while it is charged near full is its overpotential, cellResistanceFactor() below, not its OCV.
Curve lfpCellOcv();
// LTO (lithium titanate), 1.8-2.7 V at rest; for banks of 22-24 cells in a 48 V system.
Curve ltoCellOcv();
// By name: "lfp", "lto"; empty Curve for an unknown name.
Curve namedCellOcv(const std::string& name);

// A cell's resistance over its SOC, as a factor of its mid-SOC resistance: it rises near empty
// and steeply near full (the concentration overpotential that makes a charging cell climb from
// 3.45 V to 3.6 V in its last percent while it rests at 3.45 V). Held at the end values outside.
Curve cellResistanceFactor();

}  // namespace bagg::sim
