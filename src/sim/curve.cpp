#include "curve.h"

#include <algorithm>
#include <stdexcept>

namespace bagg::sim {

Curve::Curve(std::vector<Point> points) : points_(std::move(points))
{
    if (points_.size() < 2) throw std::invalid_argument("a curve needs at least 2 points");
    for (std::size_t i = 1; i < points_.size(); ++i)
        if (!(points_[i].first > points_[i - 1].first))
            throw std::invalid_argument("curve points must be in strictly increasing x");
}

bool Curve::increasing() const
{
    for (std::size_t i = 1; i < points_.size(); ++i)
        if (!(points_[i].second > points_[i - 1].second)) return false;
    return !points_.empty();
}

double Curve::segment(std::size_t i, double x) const
{
    const auto& [x0, y0] = points_[i];
    const auto& [x1, y1] = points_[i + 1];
    return y0 + (y1 - y0) * (x - x0) / (x1 - x0);
}

double Curve::clamped(double x) const
{
    if (x <= points_.front().first) return points_.front().second;
    if (x >= points_.back().first) return points_.back().second;
    return extrapolated(x);
}

double Curve::extrapolated(double x) const
{
    // First point with a larger x; the segment before it (or the end segment outside).
    const auto it = std::upper_bound(points_.begin(), points_.end(), x,
                                     [](double v, const Point& p) { return v < p.first; });
    const auto after = static_cast<std::size_t>(it - points_.begin());
    const std::size_t i = std::clamp<std::size_t>(after, 1, points_.size() - 1) - 1;
    return segment(i, x);
}

Curve lfpCellOcv()
{
    return Curve({{0, 2.50},   {1, 2.80},   {3, 3.00},   {5, 3.10},   {10, 3.20},  {20, 3.25},
                  {30, 3.28},  {40, 3.295}, {50, 3.305}, {60, 3.315}, {70, 3.325}, {80, 3.335},
                  {90, 3.345}, {95, 3.36},  {98, 3.38},  {99, 3.40},  {100, 3.45}, {101, 3.65}});
}

Curve ltoCellOcv()
{
    return Curve({{0, 1.80},  {2, 2.10},  {5, 2.20},  {10, 2.25}, {20, 2.28}, {50, 2.35}, {80, 2.42},
                  {90, 2.46}, {95, 2.52}, {98, 2.58}, {99, 2.62}, {100, 2.70}, {101, 2.85}});
}

Curve cellResistanceFactor()
{
    return Curve({{0, 4.0}, {5, 2.0}, {10, 1.0}, {90, 1.0}, {97, 1.5}, {99, 3.0}, {100, 8.0}});
}

Curve namedCellOcv(const std::string& name)
{
    if (name == "lfp") return lfpCellOcv();
    if (name == "lto") return ltoCellOcv();
    return {};
}

}  // namespace bagg::sim
