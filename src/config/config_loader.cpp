#include "bagg/config/config_loader.h"

#include "config_schema.h"
#include "ini_text.h"
#include "pack_sections.h"

#include "bagg/core/strict_number.h"

#include <fmt/format.h>
#include <ini.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <sstream>

namespace bagg {
namespace {

constexpr std::size_t kMaxLine = kMaxIniLine;  // ini_text.h

// inih hands the handler no line numbers in Debian's build (INI_HANDLER_LINENO = 0), so the reader
// feeds it one physical line per call and counts them; at handler time `line` is the current line.
struct ParseContext {
    std::istringstream input;
    int line = 0;
    std::string file;
    ConfigLoad* load = nullptr;
    std::map<std::string, int> seenAt;  // "[section] key" -> line, for duplicates and cross-checks
    std::map<std::string, std::string> rawValues;  // "[section] key" -> its text so far
    bool continuation = false;          // the current line is indented: it continues the previous key
    std::set<std::string> badSections;
    std::map<std::string, int> sectionLines;  // a [pack "..."] or [pair "..."] section -> its first key's line

    void error(int at, std::string key, std::string message)
    {
        load->errors.push_back({file, at, std::move(key), std::move(message)});
    }
};

char* readLine(char* buffer, int size, void* stream)
{
    auto* ctx = static_cast<ParseContext*>(stream);
    std::string text;
    if (!std::getline(ctx->input, text)) return nullptr;
    ++ctx->line;
    // inih's line buffer is fixed (Debian builds it with 200 bytes): a longer line would be cut
    // silently, so it is an error here. The line is still passed on, cut, so that every other
    // error in the file is reported too.
    const auto max = std::min(static_cast<std::size_t>(size - 2), kMaxLine);
    if (text.size() > max)
        ctx->error(ctx->line, {}, fmt::format("line too long ({} characters, at most {}); continue a long list "
                                              "on indented lines", text.size(), max));
    ctx->continuation = !text.empty() && (text[0] == ' ' || text[0] == '\t') &&
                        text.find_first_not_of(" \t") != std::string::npos;
    if (ctx->continuation) stripContinuationComment(text);
    return feedLine(buffer, text, max);
}

// The Levenshtein distance, for "did you mean": small names, so the plain table is fine.
std::size_t editDistance(std::string_view a, std::string_view b)
{
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = up;
        }
    }
    return row[b.size()];
}

// "; did you mean `warning_threshold`?" for the closest candidate a typo away (at most a third
// of the name's letters, and 3), else nothing.
template <typename Names>
std::string didYouMean(std::string_view name, const Names& candidates)
{
    std::string_view best;
    std::size_t bestDistance = std::min<std::size_t>(3, std::max<std::size_t>(1, name.size() / 3)) + 1;
    for (std::string_view c : candidates)
        if (const auto d = editDistance(name, c); d < bestDistance) {
            best = c;
            bestDistance = d;
        }
    return best.empty() ? std::string() : fmt::format("; did you mean `{}`?", best);
}

std::string keyName(std::string_view section, std::string_view name)
{
    return fmt::format("[{}] {}", section, name);
}

// The raw text of `key` so far (a list continued on an indented line is joined with a comma), or
// nullopt after reporting a control character or a duplicate.
std::optional<std::string> keyText(ParseContext* ctx, const std::string& key, const char* value, bool list)
{
    // Names and paths are printable text; a control character is a damaged file.
    for (const char* c = value; *c; ++c)
        if ((static_cast<unsigned char>(*c) < 0x20 && *c != '\t') || *c == 0x7f) {
            ctx->error(ctx->line, key, "the value contains a control character");
            return std::nullopt;
        }
    // inih hands an indented continuation line over as the same key again: a list goes on.
    std::string text = value;
    if (auto [it, fresh] = ctx->seenAt.emplace(key, ctx->line); !fresh) {
        if (!ctx->continuation) {
            ctx->error(ctx->line, key, fmt::format("duplicate key (first set on line {})", it->second));
            return std::nullopt;
        }
        if (!list) {
            ctx->error(ctx->line, key, "only lists continue on indented lines");
            return std::nullopt;
        }
        text = ctx->rawValues[key] + "," + text;
    }
    ctx->rawValues[key] = text;
    return text;
}

int onKey(void* user, const char* section, const char* name, const char* value)
{
    auto* ctx = static_cast<ParseContext*>(user);
    const std::string key = keyName(section, name);
    std::string argument;
    if (const auto kind = namedSection(section, argument); kind != NamedSection::None) {
        const std::string_view n(name);
        const bool list = n.size() > 6 && (n.substr(n.size() - 6) == "_table" || n == "values");
        ctx->sectionLines.emplace(section, ctx->line);
        if (const auto text = keyText(ctx, key, value, list))
            if (auto err = parseNamedKey(kind, argument, name, *text, ctx->load->config); !err.empty())
                ctx->error(ctx->line, key, err);
        return 1;
    }
    const auto& sections = configSections();
    if (std::find(sections.begin(), sections.end(), std::string_view(section)) == sections.end()) {
        if (ctx->badSections.insert(section).second) {
            const std::string_view s(section);
            // [pack name:Bank 3]: the selector of a named section is quoted.
            const bool unquoted = (s.substr(0, 5) == "pack " || s.substr(0, 5) == "pair ") && s.find('"') == std::string_view::npos;
            const std::string hint = unquoted ? fmt::format("; quote its name: [{} \"{}\"]", s.substr(0, 4), s.substr(5))
                                              : didYouMean(section, sections);
            ctx->error(ctx->line, key,
                       *section ? fmt::format("unknown section [{}]{}", section, hint) : std::string("key outside any section"));
        }
        return 1;
    }
    for (const auto& spec : configSchema()) {
        if (spec.section != section || spec.name != name) continue;
        if (const auto text = keyText(ctx, key, value, spec.list))
            if (auto err = spec.parse(*text, ctx->load->config); !err.empty()) ctx->error(ctx->line, key, err);
        return 1;
    }
    // Names owners bring from other aggregators, whose nearest spelling here means something else.
    static const std::map<std::string_view, std::string_view> kMeant = {
        {"max_charge_current", "nominal_charge_current"}, {"charge_current", "nominal_charge_current"},
        {"capacity", "installed_capacity"}};
    std::string hint;
    if (const auto meant = kMeant.find(name); meant != kMeant.end()) {
        hint = fmt::format("; did you mean `{}`?", meant->second);
    } else {
        std::vector<std::string_view> keys;
        for (const auto& spec : configSchema())
            if (spec.section == section) keys.push_back(spec.name);
        hint = didYouMean(name, keys);
        // The right key in the wrong section: say where it belongs.
        std::string elsewhere;
        for (const auto& spec : configSchema())
            if (spec.name == name) elsewhere += fmt::format("{}[{}]", elsewhere.empty() ? "" : ", ", spec.section);
        if (!elsewhere.empty()) hint = fmt::format("; `{}` is a key of {}", name, elsewhere);
    }
    ctx->error(ctx->line, key, fmt::format("unknown key '{}' in [{}]{}", name, section, hint));
    return 1;
}

// Rules that involve more than one key; reported at the line of the key that breaks them.
void crossCheck(ParseContext& ctx)
{
    const Config& c = ctx.load->config;
    const auto& im = c.aggregation.imbalance;
    auto lineOf = [&](const std::string& key) {
        auto it = ctx.seenAt.find(key);
        return it == ctx.seenAt.end() ? 0 : it->second;
    };
    // Blame the later of the two keys: that is the one the user most likely just edited.
    auto check = [&](bool ok, const std::string& a, const std::string& b, const std::string& message) {
        if (ok) return;
        const std::string& blamed = lineOf(b) >= lineOf(a) ? b : a;
        ctx.error(lineOf(blamed), blamed, message);
    };
    const std::string reduce = keyName("imbalance", "reduce_threshold");
    const std::string warning = keyName("imbalance", "warning_threshold");
    const std::string alarm = keyName("imbalance", "alarm_threshold");
    check(im.reduceThreshold < im.warningThreshold, reduce, warning,
          fmt::format("thresholds out of order: reduce_threshold {} must be below warning_threshold {}",
                      formatNumber(im.reduceThreshold), formatNumber(im.warningThreshold)));
    check(im.warningThreshold < im.alarmThreshold, warning, alarm,
          fmt::format("thresholds out of order: warning_threshold {} must be below alarm_threshold {}",
                      formatNumber(im.warningThreshold), formatNumber(im.alarmThreshold)));
    check(im.warningPercent <= im.reducePercent, keyName("imbalance", "reduce_percent"),
          keyName("imbalance", "warning_percent"),
          fmt::format("warning_percent {} must not exceed reduce_percent {}", formatNumber(im.warningPercent), formatNumber(im.reducePercent)));
    if (im.alarmCurrent && c.aggregation.nominalChargeCurrent)
        check(*im.alarmCurrent <= *c.aggregation.nominalChargeCurrent, keyName("charge", "nominal_charge_current"),
              keyName("imbalance", "alarm_current"),
              fmt::format("alarm_current {} A exceeds nominal_charge_current {} A", formatNumber(*im.alarmCurrent),
                          formatNumber(*c.aggregation.nominalChargeCurrent)));
    check(c.batteries.livenessTimeout < c.batteries.livenessInterval, keyName("batteries", "liveness_interval"),
          keyName("batteries", "liveness_timeout"),
          fmt::format("liveness_timeout {} s must be shorter than liveness_interval {} s",
                      formatNumber(std::chrono::duration<double>(c.batteries.livenessTimeout).count()),
                      formatNumber(std::chrono::duration<double>(c.batteries.livenessInterval).count())));
    // The named sections: a pair needs both ends, a table its points; the topology its pairs.
    std::map<std::string, std::string> packOf, monitorOf;  // selector -> the pair that claims it
    for (const auto& p : c.batteries.pairs) {
        const std::string section = fmt::format("pair \"{}\"", p.name);
        const std::string packKey = keyName(section, "pack"), monitorKey = keyName(section, "monitor");
        // (A key given but refused has its own message already.)
        if ((p.pack.empty() && !ctx.seenAt.count(packKey)) || (p.monitor.empty() && !ctx.seenAt.count(monitorKey)))
            ctx.error(ctx.sectionLines[section], "[" + section + "]", "a pair needs both 'pack' and 'monitor'");
        if (!p.pack.empty() && p.pack == p.monitor)
            ctx.error(lineOf(monitorKey), monitorKey, "the same selector as 'pack': a pack cannot be its own monitor");
        if (!p.pack.empty() && !packOf.emplace(p.pack, p.name).second)
            ctx.error(lineOf(packKey), packKey, fmt::format("'{}' is already paired in [pair \"{}\"]", p.pack, packOf[p.pack]));
        if (!p.monitor.empty() && !monitorOf.emplace(p.monitor, p.name).second)
            ctx.error(lineOf(monitorKey), monitorKey,
                      fmt::format("'{}' is already the monitor of [pair \"{}\"]", p.monitor, monitorOf[p.monitor]));
    }
    for (const auto& o : c.batteries.overrides) {
        const std::string section = fmt::format("pack \"{}\"", o.selector);
        for (const auto& [word, t] : {std::pair{"charge", &o.chargeCurrent}, std::pair{"discharge", &o.dischargeCurrent}})
            if (*t && (*t)->points.empty()) {
                const std::string over = keyName(section, std::string(word) + "_current_over");
                ctx.error(lineOf(over), over, fmt::format("without a {}_current_table", word));
            }
    }
    const std::string topology = keyName("sources", "monitor_topology");
    if (c.sources.perPackMonitors) {
        if (c.batteries.pairs.empty())
            ctx.error(lineOf(topology), topology, "per_pack needs a [pair \"...\"] section for each pack's monitor");
        if (c.sources.soc == SocSource::Monitor || c.sources.current == CurrentSource::Monitor)
            ctx.error(lineOf(topology), topology,
                      "with per_pack monitors each shunt reaches the bank through its pair: soc and current = packs");
    }
    if (!c.batteries.include.empty())
        for (const auto& name : c.batteries.include)
            for (const auto& ex : c.batteries.exclude)
                if (name == ex)
                    ctx.error(lineOf(keyName("batteries", "exclude")), keyName("batteries", "exclude"),
                              fmt::format("'{}' is both included and excluded", name));
}

}  // namespace

std::string locatedMessage(const std::string& file, int line, std::string_view key, std::string_view message)
{
    std::string out = file;
    if (line > 0) out += fmt::format(":{}", line);
    out += ": ";
    if (!key.empty()) out += fmt::format("{}: ", key);
    return out + std::string(message);
}

std::string ConfigError::describe() const { return locatedMessage(file, line, key, message); }

ConfigLoad parseConfig(std::string_view text, const std::string& fileName)
{
    ConfigLoad load;
    ParseContext ctx;
    ctx.input.str(std::string(text));
    ctx.file = fileName;
    ctx.load = &load;
    const int syntaxLine = ini_parse_stream(readLine, &ctx, onKey, &ctx);
    if (syntaxLine > 0) ctx.error(syntaxLine, {}, "syntax error (expected '[section]' or 'key = value')");
    crossCheck(ctx);
    std::stable_sort(load.errors.begin(), load.errors.end(),
                     [](const ConfigError& a, const ConfigError& b) { return a.line < b.line; });
    return load;
}

ConfigLoad loadConfigFile(const std::string& path)
{
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
        ConfigLoad load;
        load.errors.push_back({path, 0, {}, "is a directory, not a configuration file"});
        return load;
    }
    std::ifstream in(path);
    if (!in) {
        ConfigLoad load;
        if (errno == ENOENT) load.fileMissing = true;
        else load.errors.push_back({path, 0, {}, fmt::format("cannot read: {}", std::strerror(errno))});
        return load;
    }
    std::stringstream text;
    text << in.rdbuf();
    return parseConfig(text.str(), path);
}

namespace {

// "key = a, b, c" on one line if it fits, else the list continued on tab-indented lines, so that
// what we print reads back the same.
std::string formatKey(std::string_view name, const std::string& value, bool list)
{
    const std::string single = fmt::format("{} = {}", name, value);
    if (single.size() <= kMaxLine) return single + "\n";
    // A single value read from one line fits on one line written as tightly as it can be.
    if (!list) return fmt::format("{}={}\n", name, value);
    std::string out;
    for (const auto& line : wrapList(fmt::format("{} =", name), value, "\t", kMaxLine)) out += line + "\n";
    return out;
}

}  // namespace

std::string formatConfig(const Config& config)
{
    std::string out;
    for (auto section : configSections()) {
        out += fmt::format("[{}]\n", section);
        for (const auto& spec : configSchema())
            if (spec.section == section) out += formatKey(spec.name, spec.print(config), spec.list);
        out += "\n";
    }
    return out + formatNamedSections(config);
}

}  // namespace bagg
