#pragma once
// A number written as text, read strictly: the whole text must be one finite decimal number ("12A",
// "", "nan", "inf", "1e400" and "0x38" are refused). For the configuration file and for SetValue of
// a number sent as a string (the `dbus` CLI sends `SetValue 60` as "60"). And its writing back.

#include <fmt/format.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

namespace bagg {

inline std::optional<double> parseStrictNumber(std::string_view text)
{
    // Decimal only: strtod also reads hexadecimal, and "0x38" volts would be 56 V.
    if (text.empty() || text.find_first_of("xX") != std::string_view::npos) return std::nullopt;
    const std::string s(text);  // strtod needs a terminated string
    char* end = nullptr;
    errno = 0;
    const double v = std::strtod(s.c_str(), &end);
    if (errno != 0 || end != s.c_str() + s.size() || !std::isfinite(v)) return std::nullopt;
    return v;
}

// Why `text` is not a number, for a message: a decimal comma ("56,4", common in Europe) is named
// as such, with the number it probably means.
inline std::string notANumber(std::string_view text)
{
    std::string dotted(text);
    const auto comma = dotted.find(',');
    if (comma != std::string::npos && dotted.find(',', comma + 1) == std::string::npos) {
        dotted[comma] = '.';
        if (parseStrictNumber(dotted)) return fmt::format("'{}' has a decimal comma: write {}", text, dotted);
    }
    return fmt::format("'{}' is not a number", text);
}

// A number as a person writes it, and as parseStrictNumber reads it back exactly: whole numbers
// without an exponent (1000000, not 1e+06), others in their shortest exact form (56.4, 0.001).
inline std::string formatNumber(double v)
{
    if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 1e15) return fmt::format("{:.0f}", v);
    return fmt::format("{}", v);
}

// A computed amount for a reason text: at most `decimals` decimals, none when whole ("150",
// "130.4"): "86.1 A of 130.4 A", not "of 130.409 A".
inline std::string formatRounded(double v, int decimals)
{
    const double scale = std::pow(10.0, decimals);
    return formatNumber(std::round(v * scale) / scale);
}

}  // namespace bagg
