#include "import/old_values.h"

#include "ini_text.h"

#include "bagg/core/strict_number.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>

namespace bagg {

std::string trimmed(std::string_view s) { return trim(s, " \t\r\n"); }

std::string lowerCase(std::string_view s)
{
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); });
    return out;
}

std::string upperCase(std::string_view s)
{
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](char c) { return static_cast<char>(std::toupper(static_cast<unsigned char>(c))); });
    return out;
}

std::optional<bool> configparserBool(std::string_view text)
{
    const std::string v = lowerCase(trimmed(text));
    if (v == "1" || v == "yes" || v == "true" || v == "on") return true;
    if (v == "0" || v == "no" || v == "false" || v == "off") return false;
    return std::nullopt;
}

std::optional<bool> trueOrFalse(std::string_view text)
{
    const std::string v = lowerCase(trimmed(text));
    if (v == "true") return true;
    if (v == "false") return false;
    return std::nullopt;
}

std::optional<double> pythonFloat(std::string_view text) { return parseStrictNumber(trimmed(text)); }

std::optional<long> pythonInt(std::string_view text)
{
    const std::string t = trimmed(text);
    if (t.empty() || t.find_first_not_of("+-0123456789") != std::string::npos) return std::nullopt;
    const auto v = parseStrictNumber(t);
    if (!v || *v != std::floor(*v) || std::fabs(*v) > 1e9) return std::nullopt;
    return static_cast<long>(*v);
}

std::optional<std::vector<double>> numberList(std::string_view text)
{
    std::vector<double> out;
    std::size_t start = 0;
    while (start <= text.size()) {
        auto end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        std::string_view line = text.substr(start, end - start);
        start = end + 1;
        if (auto semicolon = line.find(';'); semicolon != std::string_view::npos) line = line.substr(0, semicolon);
        std::string item;
        for (std::size_t i = 0; i <= line.size(); ++i) {
            if (i < line.size() && line[i] != ',') {
                item += line[i];
                continue;
            }
            const std::string t = trimmed(item);
            item.clear();
            if (t.empty()) continue;
            const auto v = pythonFloat(t);
            if (!v) return std::nullopt;
            out.push_back(*v);
        }
        if (end == text.size()) break;
    }
    return out;
}

std::string listNameProblem(std::string_view name)
{
    if (trimmed(name).empty()) return "an empty name";
    if (trimmed(name) != name) return "blanks around the name";
    for (char c : name) {
        const auto u = static_cast<unsigned char>(c);
        if (c == ',' || c == ';') return fmt::format("'{}' in the name: our lists separate names by ',' and ';' starts a comment", c);
        if (u < 0x20 || u == 0x7f) return "a control character in the name";
    }
    return {};
}

std::string optionLabel(const OldIniOption& o, bool withSection)
{
    const std::string section = withSection && !o.section.empty() ? fmt::format("[{}] ", o.section) : std::string();
    const std::string value = displayValue(o.value);
    return fmt::format("{}{} = {} (line {})", section, o.key, value.empty() ? "(empty)" : value, o.line);
}

}  // namespace bagg
