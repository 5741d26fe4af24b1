#include "custom_name.h"

#include <fmt/format.h>

namespace bagg {
namespace {

// The length of the UTF-8 sequence starting at text[i], or 0 when it is not a valid one
// (overlong forms, surrogates and code points above U+10FFFF included).
std::size_t utf8Length(std::string_view text, std::size_t i)
{
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    const unsigned char c = byte(i);
    std::size_t n = 0;
    unsigned min = 0;
    unsigned cp = 0;
    if (c < 0x80) return 1;
    if ((c & 0xE0) == 0xC0) n = 2, min = 0x80, cp = c & 0x1F;
    else if ((c & 0xF0) == 0xE0) n = 3, min = 0x800, cp = c & 0x0F;
    else if ((c & 0xF8) == 0xF0) n = 4, min = 0x10000, cp = c & 0x07;
    else return 0;
    if (i + n > text.size()) return 0;
    for (std::size_t k = 1; k < n; ++k) {
        if ((byte(i + k) & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (byte(i + k) & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    return n;
}

}  // namespace

std::string customNameProblem(std::string_view name)
{
    std::size_t chars = 0;
    for (std::size_t i = 0; i < name.size(); ++chars) {
        const auto n = utf8Length(name, i);
        if (n == 0) return fmt::format("not valid UTF-8 (at byte {})", i);
        if (n == 1 && (static_cast<unsigned char>(name[i]) < 0x20 || name[i] == 0x7f))
            return fmt::format("a control character (at byte {})", i);
        i += n;
    }
    if (chars > kMaxCustomName) return fmt::format("{} characters, at most {}", chars, kMaxCustomName);
    return {};
}

std::string shortenedForLog(std::string_view text, std::size_t max)
{
    std::string out;
    std::size_t chars = 0, i = 0;
    for (; i < text.size(); ++chars) {
        const auto n = utf8Length(text, i);
        if (chars < max) {
            const bool control = n == 1 && (static_cast<unsigned char>(text[i]) < 0x20 || text[i] == 0x7f);
            out += n == 0 || control ? std::string("?") : std::string(text.substr(i, n));
        }
        i += n == 0 ? 1 : n;
    }
    if (chars > max) out += fmt::format("… ({} characters)", chars);
    return out;
}

}  // namespace bagg
