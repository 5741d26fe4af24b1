#include "import/import_writer.h"

#include "bagg/config/config_loader.h"
#include "config_schema.h"
#include "ini_text.h"

#include <fmt/format.h>

#include <algorithm>
#include <climits>
#include <cmath>

namespace bagg {
namespace {

// Our loader refuses lines longer than this (inih's 200-byte buffer less newline and NUL).
constexpr std::size_t kMaxLine = kMaxIniLine;
// Comments are wrapped to this width, so the file reads well in an 100-column terminal.
constexpr std::size_t kCommentWidth = 100;

const KeySpec* findSpec(std::string_view section, std::string_view key)
{
    for (const auto& spec : configSchema())
        if (spec.section == section && spec.name == key) return &spec;
    return nullptr;
}

// `text` as comment lines of at most kCommentWidth columns: "; first words", ";   more words".
std::string commentLines(std::string_view raw, std::string_view firstPrefix = "; ", std::string_view nextPrefix = ";   ")
{
    // Names from the old file may hold anything: a control character must not end the comment.
    std::string clean(raw);
    for (char& c : clean)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
    const std::string_view text = clean;
    std::string out, line(firstPrefix);
    bool lineHasWord = false;
    std::size_t start = 0;
    while (start < text.size()) {
        auto end = text.find(' ', start);
        if (end == std::string_view::npos) end = text.size();
        std::string_view word = text.substr(start, end - start);
        start = end + 1;
        if (word.empty()) continue;
        // "66 %" stays on one line: a unit is never the first word of a line.
        const bool unit = word.front() == '%';
        if (lineHasWord && !unit && line.size() + 1 + word.size() > kCommentWidth) {
            out += line + "\n";
            line = std::string(nextPrefix);
            lineHasWord = false;
        }
        if (lineHasWord) line += ' ';
        // A single word longer than a line (a long service name) is cut, never the file's limit.
        while (line.size() + word.size() > kMaxLine) {
            if (line.size() >= kMaxLine) {
                out += line + "\n";
                line = std::string(nextPrefix);
                continue;
            }
            const std::size_t room = kMaxLine - line.size();
            line += word.substr(0, room);
            out += line + "\n";
            word.remove_prefix(room);
            line = std::string(nextPrefix);
        }
        line += word;
        lineHasWord = true;
    }
    return out + line + "\n";
}

// Control characters as '?': a commented-out value or a selector must stay on its line.
std::string printable(std::string_view text)
{
    std::string out(text);
    for (char& c : out)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
    return out;
}

// A commented-out line longer than our loader reads, cut ("..."): set() refuses such values for
// active keys, so only a comment is ever cut.
std::string cut(const std::string& line)
{
    return line.size() <= kMaxLine ? line : line.substr(0, kMaxLine - 3) + "...";
}

// "key = a, b, c" on one line when it fits, else the list continued on tab-indented lines (our
// loader joins them); `prefix` is ";" for a commented-out line (uncommenting is deleting it).
std::string keyLines(std::string_view key, const std::string& value, bool list, std::string_view prefix,
                     int& lineCount)
{
    const std::string single = fmt::format("{}{} = {}", prefix, key, value);
    lineCount = 1;
    if (single.size() <= kMaxLine) return single + "\n";
    // A single value never continues: written out, set() refused it; commented out, it is cut.
    if (!list) return cut(single) + "\n";
    const auto lines = wrapList(fmt::format("{}{} =", prefix, key), value, prefix.empty() ? "\t" : std::string(prefix) + "\t");
    std::string out;
    for (const auto& line : lines) out += cut(line) + "\n";
    lineCount = static_cast<int>(lines.size());
    return out;
}

}  // namespace

std::string displayValue(std::string_view value)
{
    constexpr std::size_t kMax = 60;
    std::string out;
    bool space = false;
    for (char c : value) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
            space = !out.empty();
            continue;
        }
        if (space) out += ' ';
        space = false;
        out += (u < 0x20 || u == 0x7f) ? '?' : c;
    }
    if (out.size() > kMax) out = out.substr(0, kMax - 3) + "...";
    return out;
}

void ImportWriter::set(std::string_view section, std::string_view key, std::string value, std::string why)
{
    std::string refused;
    if (printable(value) != value) {
        refused = "a control character in the value";
    } else if (const KeySpec* spec = findSpec(section, key)) {
        Config scratch;
        refused = spec->parse(value, scratch);
        if (refused.empty() && !spec->list && key.size() + 3 + value.size() > kMaxLine)
            refused = fmt::format("too long for one line ({} characters)", key.size() + 3 + value.size());
        // A list continues on indented lines, one item at least per line.
        for (std::size_t start = 0; refused.empty() && spec->list && start < value.size();) {
            const auto comma = value.find(", ", start);
            const std::size_t end = comma == std::string::npos ? value.size() : comma;
            if (1 + end - start > kMaxLine) refused = fmt::format("an item too long for one line ({} characters)", end - start);
            start = end + 2;
        }
    } else {
        refused = "not a key of ours (a bug of import-config)";
    }
    if (!refused.empty())
        warnings_.push_back({0, fmt::format("[{}] {}", section, key),
                             fmt::format("'{}' is not accepted by our configuration: {}; written commented out",
                                         displayValue(value), refused)});
    for (auto& e : entries_) {
        if (e.section != section || e.key != key) continue;
        e.value = std::move(value);
        e.why.push_back(std::move(why));
        e.active = refused.empty();
        e.refusedBecause = refused;
        return;
    }
    entries_.push_back({std::string(section), std::string(key), std::move(value), {std::move(why)}, refused.empty(), refused});
}

void ImportWriter::suggest(std::string_view section, std::string_view key, std::string value, std::string why)
{
    entries_.push_back({std::string(section), std::string(key), std::move(value), {std::move(why)}, false, {}});
}

void ImportWriter::suggestPack(std::string selector, std::string key, std::string value, std::string why)
{
    packSuggestions_.push_back({std::move(selector), std::move(key), std::move(value), std::move(why)});
}

void ImportWriter::drop(std::string why, int line) { dropped_.emplace_back(line, std::move(why)); }

void ImportWriter::warn(ImportProblem problem) { warnings_.push_back(std::move(problem)); }

std::string ImportWriter::renderOnce(const std::vector<std::string>& header, const std::vector<Entry>& entries,
                                     std::vector<KeyLines>& keyLineOf) const
{
    std::string out;
    int line = 0;
    auto add = [&](const std::string& text) {
        out += text;
        line += static_cast<int>(std::count(text.begin(), text.end(), '\n'));
    };
    for (const auto& h : header) add(commentLines(h, "; ", "; "));
    for (auto section : configSections()) {
        bool opened = false;
        for (std::size_t i = 0; i < entries.size(); ++i) {
            const Entry& e = entries[i];
            if (e.section != section) continue;
            if (!opened) add(fmt::format("\n[{}]\n", section));
            opened = true;
            for (const auto& w : e.why) add(commentLines(w));
            if (!e.refusedBecause.empty()) add(commentLines("left out: our configuration refuses it: " + e.refusedBecause));
            const KeySpec* spec = findSpec(e.section, e.key);
            const bool list = spec != nullptr && spec->list;
            int count = 0;
            const std::string text = keyLines(e.key, e.active ? e.value : printable(e.value), list, e.active ? "" : ";", count);
            // The loader blames a value at the line it read last, a rule between keys at its first line.
            if (e.active) keyLineOf.push_back({line + 1, line + count, i});
            add(text);
        }
    }
    if (!packSuggestions_.empty()) {
        add("\n");
        add(commentLines("---- Per-pack overrides to consider: [pack \"<selector>\"] sections (uncomment both "
                         "lines if the old file meant it) ----",
                         "; ", "; "));
        for (const auto& p : packSuggestions_) {
            add(commentLines(p.why));
            add(cut(fmt::format(";[pack \"{}\"]", printable(p.selector))) + "\n");
            int count = 0;
            add(keyLines(p.key, printable(p.value), false, ";", count));
        }
    }
    if (!dropped_.empty()) {
        add("\n");
        add(commentLines("---- Options of the old file that became no key here, and why ----", "; ", "; "));
        auto dropped = dropped_;
        std::stable_sort(dropped.begin(), dropped.end(), [](const auto& a, const auto& b) {
            return (a.first == 0 ? INT_MAX : a.first) < (b.first == 0 ? INT_MAX : b.first);
        });
        for (const auto& d : dropped) add(commentLines(d.second));
    }
    return out;
}

std::string ImportWriter::render(const std::vector<std::string>& header, std::vector<ImportProblem>& warnings) const
{
    warnings.insert(warnings.end(), warnings_.begin(), warnings_.end());
    std::vector<Entry> entries = entries_;
    std::string text;
    // Each round comments out at least one key; the loop ends when the text loads or nothing is left.
    for (std::size_t round = 0; round <= entries.size(); ++round) {
        std::vector<KeyLines> keyLineOf;
        text = renderOnce(header, entries, keyLineOf);
        const ConfigLoad load = parseConfig(text, "imported configuration");
        if (load.ok()) break;
        bool progress = false;
        for (const auto& err : load.errors)
            for (const auto& k : keyLineOf) {
                Entry& e = entries[k.index];
                if (err.line < k.first || err.line > k.last || !e.active) continue;
                e.active = false;
                e.refusedBecause = err.message;
                warnings.push_back({0, fmt::format("[{}] {}", e.section, e.key),
                                    fmt::format("{} = {} is refused by our configuration: {}; written commented out",
                                                e.key, e.value, err.message)});
                progress = true;
            }
        if (!progress) break;  // the caller checks the text once more and reports it
    }
    return text;
}

}  // namespace bagg
