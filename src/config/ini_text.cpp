#include "ini_text.h"

#include <ini.h>

#include <cstring>

static_assert(bagg::kMaxIniLine == INI_MAX_LINE - 2, "inih's line buffer, less the newline and the NUL");

namespace bagg {

std::string trim(std::string_view s, std::string_view blanks)
{
    const auto b = s.find_first_not_of(blanks);
    if (b == std::string_view::npos) return {};
    const auto e = s.find_last_not_of(blanks);
    return std::string(s.substr(b, e - b + 1));
}

std::vector<std::string> splitList(std::string_view value)
{
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= value.size()) {
        const auto comma = value.find(',', start);
        auto item = trim(value.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
        if (!item.empty()) out.push_back(std::move(item));
        if (comma == std::string_view::npos) break;
        start = comma + 1;
    }
    return out;
}

void stripContinuationComment(std::string& text)
{
    for (std::size_t i = 1; i < text.size(); ++i)
        if (text[i] == ';' && (text[i - 1] == ' ' || text[i - 1] == '\t')) {
            text.resize(i);
            return;
        }
}

char* feedLine(char* buffer, const std::string& text, std::size_t max)
{
    const std::size_t n = std::min(text.size(), max);
    std::memcpy(buffer, text.data(), n);
    buffer[n] = '\n';
    buffer[n + 1] = '\0';
    return buffer;
}

std::vector<std::string> wrapList(std::string_view head, std::string_view list, std::string_view indent, std::size_t max)
{
    std::vector<std::string> lines;
    std::string line(head);
    std::size_t start = 0;
    while (start < list.size()) {
        const auto comma = list.find(", ", start);
        const std::string_view item = list.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
        start = comma == std::string_view::npos ? list.size() : comma + 2;
        const std::string joined = line == head ? line + " " + std::string(item) : line + ", " + std::string(item);
        if (joined.size() <= max) {
            line = joined;
        } else {
            lines.push_back(line);
            line = std::string(indent) + std::string(item);
        }
    }
    lines.push_back(line);
    return lines;
}

}  // namespace bagg
