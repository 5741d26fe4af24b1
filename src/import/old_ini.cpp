#include "import/old_ini.h"

#include "ini_text.h"

#include <fmt/format.h>
#include <ini.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <sstream>

namespace bagg {
namespace {

// The longest line inih reads whole: its buffer less the newline and the terminating NUL.
constexpr std::size_t kMaxLine = kMaxIniLine;  // ini_text.h

bool sameName(std::string_view a, std::string_view b)
{
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

// As in config/config_loader.cpp: inih hands the handler no line numbers in Debian's build, so the
// reader feeds it one physical line per call and counts them.
struct Reader {
    std::istringstream input;
    int line = 0;
    bool continuation = false;  // the current line is indented: it continues the previous option
    OldIni* out = nullptr;

    void fail(int at, std::string why)
    {
        if (out->errorLine == 0) {
            out->errorLine = at;
            out->error = std::move(why);
        }
    }
};

char* readLine(char* buffer, int size, void* stream)
{
    auto* r = static_cast<Reader*>(stream);
    std::string text;
    if (!std::getline(r->input, text)) return nullptr;
    ++r->line;
    const auto first = text.find_first_not_of(" \t\r");
    const bool comment = first != std::string::npos && (text[first] == ';' || text[first] == '#');
    const auto max = std::min(static_cast<std::size_t>(size - 2), kMaxLine);
    if (text.size() > max && !comment)
        r->fail(r->line, fmt::format("line too long ({} characters, at most {})", text.size(), max));
    r->continuation = first != std::string::npos && first > 0 && !comment;
    if (!comment && first != std::string::npos && text[first] == '[') {
        const auto close = text.find(']', first);
        if (close != std::string::npos) r->out->sections.push_back(text.substr(first + 1, close - first - 1));
    }
    if (r->continuation) stripContinuationComment(text);
    return feedLine(buffer, text, max);
}

int onOption(void* user, const char* section, const char* name, const char* value)
{
    auto* r = static_cast<Reader*>(user);
    auto& options = r->out->options;
    if (r->continuation && !options.empty() && options.back().section == section && options.back().key == name) {
        std::string& v = options.back().value;
        v += v.empty() ? std::string(value) : "\n" + std::string(value);
        return 1;
    }
    for (const auto& o : options)
        if (o.section == section && sameName(o.key, name)) {
            r->fail(r->line, fmt::format("'{}' is set twice in [{}] (first on line {}); configparser refuses such a file",
                                         name, section, o.line));
            return 1;
        }
    options.push_back({section, name, value, r->line});
    return 1;
}

}  // namespace

OldIni readOldIni(std::string_view text)
{
    OldIni out;
    Reader r;
    r.input.str(std::string(text));
    r.out = &out;
    const int syntax = ini_parse_stream(readLine, &r, onOption, &r);
    if (syntax > 0 && (out.errorLine == 0 || syntax < out.errorLine)) {
        out.errorLine = syntax;
        out.error = "expected '[section]', 'key = value' or a comment";
    }
    return out;
}

}  // namespace bagg
