#include "busitem_value.h"

#include "bagg/core/strict_number.h"

#include <fmt/format.h>

#include <cmath>

namespace bagg {
namespace {

double roundTo(double v, int decimals)
{
    const double scale = std::pow(10.0, decimals);
    return std::round(v * scale) / scale;
}

}  // namespace

std::optional<double> asNumber(const Value& v)
{
    if (const auto* d = std::get_if<double>(&v)) return *d;
    if (const auto* i = std::get_if<std::int64_t>(&v)) return static_cast<double>(*i);
    return std::nullopt;
}

std::optional<Value> coerce(const Value& v, const PathFormat& format)
{
    if (!isValid(v)) return v;
    if (format.kind == PathFormat::Kind::Text) {
        if (const auto* s = std::get_if<std::string>(&v)) return *s;
        return std::nullopt;
    }
    std::optional<double> n = asNumber(v);
    if (const auto* s = std::get_if<std::string>(&v)) n = parseStrictNumber(*s);
    if (!n || !std::isfinite(*n)) return std::nullopt;
    if (format.kind == PathFormat::Kind::Integer) {
        if (std::fabs(*n) > 2147483647.0) return std::nullopt;
        return static_cast<std::int64_t>(std::llround(*n));
    }
    return roundTo(*n, format.decimals);
}

std::string formatText(const Value& v, const PathFormat& format)
{
    if (const auto* s = std::get_if<std::string>(&v)) return *s;
    if (const auto* i = std::get_if<std::int64_t>(&v)) return fmt::format("{}{}", *i, format.unit);
    if (const auto* d = std::get_if<double>(&v)) return fmt::format("{:.{}f}{}", *d, format.decimals, format.unit);
    return "---";
}

}  // namespace bagg
