#pragma once
// A number written as text, read strictly: the whole text must be one finite number ("12A", "",
// "nan", "inf" and "1e400" are refused). For the configuration file and for SetValue of a number
// sent as a string (the `dbus` CLI sends `SetValue 60` as "60").

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

namespace bagg {

inline std::optional<double> parseStrictNumber(std::string_view text)
{
    if (text.empty()) return std::nullopt;
    const std::string s(text);  // strtod needs a terminated string
    char* end = nullptr;
    errno = 0;
    const double v = std::strtod(s.c_str(), &end);
    if (errno != 0 || end != s.c_str() + s.size() || !std::isfinite(v)) return std::nullopt;
    return v;
}

}  // namespace bagg
