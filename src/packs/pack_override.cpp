#include "pack_override.h"

#include "pack_filter.h"

#include <algorithm>

namespace bagg {
namespace {

bool isLimit(Quantity q)
{
    return q == Quantity::ChargeVoltageLimit || q == Quantity::ChargeCurrentLimit ||
           q == Quantity::DischargeCurrentLimit;
}

// At most `cap`: the lower of the two, or `cap` alone.
void lowerTo(std::optional<double>& v, double cap) { v = v ? std::min(*v, cap) : cap; }

}  // namespace

const PackOverride* findOverride(const std::vector<PackOverride>& overrides, const std::string& service,
                                 const std::string& customName, const std::string& serial)
{
    for (const auto& o : overrides)
        if (matchesEntry(o.selector, service, customName, serial)) return &o;
    return nullptr;
}

double tableCurrent(const PackOverride::Table& table, double x)
{
    const auto& p = table.points;
    if (x <= p.front().first) return p.front().second;
    if (x >= p.back().first) return p.back().second;
    const auto hi = std::upper_bound(p.begin(), p.end(), x, [](double v, const auto& point) { return v < point.first; });
    const auto lo = hi - 1;
    return lo->second + (hi->second - lo->second) * (x - lo->first) / (hi->first - lo->first);
}

PackSnapshot applyOverride(const PackSnapshot& raw, const PackOverride& o)
{
    PackSnapshot s = raw;
    for (const Quantity q : o.ignored) s.get(q).reset();
    for (const auto& [q, v] : o.fixed) {
        auto& value = s.get(q);
        if (isLimit(q)) lowerTo(value, v);
        else if (q == Quantity::BatteryLowVoltage) value = value ? std::max(*value, v) : v;
        else value = v;
    }
    for (const auto& [table, limit] : {std::pair{&o.chargeCurrent, Quantity::ChargeCurrentLimit},
                                       std::pair{&o.dischargeCurrent, Quantity::DischargeCurrentLimit}}) {
        if (!*table || (*table)->points.empty()) continue;
        if (const auto& x = raw.get((*table)->over)) lowerTo(s.get(limit), tableCurrent(**table, *x));
    }
    return s;
}

}  // namespace bagg
