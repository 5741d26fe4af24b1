#include "status_render.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace bagg {
namespace {

std::string fixed(const std::optional<double>& v, int decimals, const char* unit)
{
    return v ? fmt::format("{:.{}f}{}", *v, decimals, unit) : std::string("-");
}

// Display columns of UTF-8 text: one per code point (what a terminal shows for the names and
// units here).
std::size_t columns(std::string_view s)
{
    std::size_t n = 0;
    for (const char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
    return n;
}

// At most `width` columns: a longer text is cut to width - 1 and ends in "…", so that a reader
// sees it was cut ("50.0 A of 1…", not "50.0 A of 150" without its unit).
std::string cell(const std::string& s, std::size_t width)
{
    if (columns(s) <= width) return s;
    if (width == 0) return {};
    std::string out;
    std::size_t n = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const bool starts = (static_cast<unsigned char>(s[i]) & 0xC0) != 0x80;
        if (starts && ++n > width - 1) break;
        out += s[i];
    }
    return out + "…";
}

// A rendered line (with colour codes, which take no column) cut to `width` columns with "…".
std::string fitLine(const std::string& line, std::size_t width)
{
    std::size_t visible = 0;
    for (std::size_t i = 0; i < line.size(); ++i) {
        if (line[i] == '\033') {
            while (i < line.size() && line[i] != 'm') ++i;
            continue;
        }
        visible += (static_cast<unsigned char>(line[i]) & 0xC0) != 0x80 ? 1 : 0;
    }
    if (visible <= width) return line;
    std::string out;
    bool coloured = false;
    std::size_t n = 0;
    for (std::size_t i = 0; i < line.size(); ++i) {
        if (line[i] == '\033') {
            coloured = true;
            for (; i < line.size(); ++i) {
                out += line[i];
                if (line[i] == 'm') break;
            }
            continue;
        }
        if ((static_cast<unsigned char>(line[i]) & 0xC0) != 0x80 && ++n > width - 1) break;
        out += line[i];
    }
    return out + "…" + (coloured ? "\033[0m" : "");
}

// What is left of a line of `width` columns after `used` of them (at least 10).
std::size_t rest(std::size_t width, std::size_t used) { return width > used + 10 ? width - used : 10; }

std::string duration(const std::optional<double>& seconds)
{
    if (!seconds) return "-";
    const auto minutes = static_cast<long>(*seconds / 60.0);
    return minutes >= 60 ? fmt::format("{}h{:02}m", minutes / 60, minutes % 60) : fmt::format("{}m", minutes);
}

struct Palette {
    bool on;
    std::string wrap(const std::string& s, const char* code) const
    {
        return on ? fmt::format("\033[{}m{}\033[0m", code, s) : s;
    }
    std::string state(const std::string& padded, const std::string& s) const
    {
        if (s == "online") return wrap(padded, "32");
        if (s == "missing" || s == "unresponsive" || s == "invalid" || s == "gone") return wrap(padded, "31");
        if (s == "monitor" || s == "aggregate" || s == "excluded") return dim(padded);
        return wrap(padded, "33");
    }
    std::string level(int l, const std::string& s) const { return wrap(s, l >= 2 ? "31;1" : "33"); }
    std::string dim(const std::string& s) const { return wrap(s, "2"); }
    std::string bold(const std::string& s) const { return wrap(s, "1"); }
};

std::string flag(const std::optional<double>& v)
{
    if (!v) return "-";
    return *v != 0.0 ? "y" : "n";
}

// What the State column says: how the pack counts when that is not plain "online" (held, missing),
// what a service is when it is not a pack, else its health.
std::string shownState(const PackRow& r)
{
    if (!r.role.empty() && r.role != "pack") return r.role;
    if (r.presence == "held" || r.presence == "missing") return r.presence;
    return r.state;
}

std::string bandText(const StatusModel& m, const Palette& p)
{
    if (m.band.empty()) return "";
    const int level = m.band == "alarm" ? 2 : m.band == "warning" ? 1 : 0;
    const std::string text = fmt::format("spread {} ({})", fixed(m.spread, 1, "%"), m.band);
    return level ? p.level(level, text) : text;
}

}  // namespace

std::string renderStatusText(const StatusModel& m, bool colour, std::size_t width)
{
    const Palette p{colour};
    std::string out;
    const std::string name = m.customName.empty() ? "Battery Aggregator" : m.customName;
    out += fmt::format("{}  instance {}  {} pack(s) online\n", p.bold(cell(name, 40)), fixed(m.deviceInstance, 0, ""),
                       fixed(m.packsOnline, 0, ""));
    out += fmt::format("  SOC {}  {}  {}  {}  {}  {}\n", p.bold(fixed(m.soc, 1, "%")), fixed(m.voltage, 2, "V"),
                       fixed(m.current, 1, "A"), fixed(m.power, 0, "W"), fixed(m.temperature, 1, "°C"), bandText(m, p));
    if (m.capacity || m.timeToGo || m.batteryLowVoltage)
        out += p.dim(fmt::format("  {} of {} left, time to go {}, battery low {}\n", fixed(m.capacity, 1, " Ah"),
                                 fixed(m.installedCapacity, 0, " Ah"), duration(m.timeToGo),
                                 fixed(m.batteryLowVoltage, 2, "V")));
    // Where the SOC and current come from, when not simply the packs ([sources]).
    if ((!m.socSource.empty() && m.socSource != "packs") || (!m.currentSource.empty() && m.currentSource != "packs"))
        out += p.dim(cell(fmt::format("  SOC from {}; current from {}", m.socSource, m.currentSource), width)) + "\n";
    for (const auto& w : m.warnings) out += "  " + p.level(1, cell("Warning: " + w, rest(width, 2))) + "\n";
    out += fmt::format("  CVL {:>7} {}{}\n", p.bold(fixed(m.cvl, 2, "V")), m.chargeMode.empty() ? "" : m.chargeMode + ": ",
                       p.dim(cell(m.chargeVoltageLimitation, rest(width, 14 + columns(m.chargeMode) + (m.chargeMode.empty() ? 0 : 2)))));
    out += fmt::format("  CCL {:>7} {}\n", p.bold(fixed(m.ccl, 1, "A")), p.dim(cell(m.chargeLimitation, rest(width, 14))));
    out += fmt::format("  DCL {:>7} {}\n", p.bold(fixed(m.dcl, 1, "A")), p.dim(cell(m.dischargeLimitation, rest(width, 14))));
    std::string alarms;
    for (const auto& [alarm, level] : m.alarms)
        alarms += " " + p.level(level, fmt::format("{}({})", alarm, level >= 2 ? "alarm" : "warning"));
    out += "  Alarms:" + (alarms.empty() ? std::string(" none") : alarms) + "\n\n";

    out += p.dim(fmt::format("  {:<11} {:<10} {:>6} {:>6} {:>7} {:>5} {:>11} {:>5} {:>5} {}\n", "Pack", "State", "SOC",
                             "Volt", "Curr", "Temp", "Cell V", "CCL", "DCL", "CD"));
    for (const auto& r : m.packs) {
        const std::string cells =
            r.minCell && r.maxCell ? fmt::format("{:.3f}-{:.3f}", *r.minCell, *r.maxCell) : std::string("-");
        // Pad the state before colouring it: escape codes have no width.
        const std::string shown = shownState(r);
        const std::string state = p.state(fmt::format("{:<10}", cell(shown, 10)), shown);
        out += fmt::format("  {:<11} {} {:>6} {:>6} {:>7} {:>5} {:>11} {:>5} {:>5} {}{}\n", cell(r.label, 11), state,
                           fixed(r.soc, 1, "%"), fixed(r.voltage, 2, "V"), fixed(r.current, 1, "A"),
                           fixed(r.temperature, 1, ""), cells, fixed(r.ccl, 1, ""), fixed(r.dcl, 1, ""),
                           flag(r.allowCharge), flag(r.allowDischarge));
        std::string detail = "    " + cell(r.service.empty() ? "remembered, not seen since the start" : r.service, rest(width, 4));
        if (shown != r.state && r.state != "online") detail += "  " + r.state;
        if (r.rejectedValues && *r.rejectedValues > 0) detail += fmt::format("  {:.0f} bad values", *r.rejectedValues);
        out += p.dim(detail) + "\n";
    }
    if (m.packs.empty()) out += "  (no battery service seen)\n";
    // The pack table needs 80 columns: on a narrower terminal every line is cut, visibly.
    std::string fitted;
    std::size_t start = 0;
    while (start < out.size()) {
        const auto nl = out.find('\n', start);
        fitted += fitLine(out.substr(start, nl - start), width) + "\n";
        start = nl + 1;
    }
    return fitted;
}

std::string renderStatusJson(const StatusModel& m, bool oneLine)
{
    using nlohmann::json;
    auto num = [](const std::optional<double>& v) { return v ? json(*v) : json(nullptr); };
    // Counts, flags and instances are integers on the bus: 512, not 512.0.
    auto whole = [](const std::optional<double>& v) { return v ? json(static_cast<std::int64_t>(*v)) : json(nullptr); };
    json alarms = json::object();
    for (const auto& [name, level] : m.alarms) alarms[name] = level;
    json packs = json::array();
    for (const auto& r : m.packs)
        packs.push_back({{"slot", r.slot},
                         {"label", r.label},
                         {"service", r.service},
                         {"state", r.state},
                         {"role", r.role},
                         {"presence", r.presence},
                         {"soc", num(r.soc)},
                         {"voltage", num(r.voltage)},
                         {"current", num(r.current)},
                         {"temperature", num(r.temperature)},
                         {"min_cell_voltage", num(r.minCell)},
                         {"max_cell_voltage", num(r.maxCell)},
                         {"ccl", num(r.ccl)},
                         {"dcl", num(r.dcl)},
                         {"allow_to_charge", whole(r.allowCharge)},
                         {"allow_to_discharge", whole(r.allowDischarge)},
                         {"rejected_values", whole(r.rejectedValues)}});
    const json out = {{"service", m.service},
                      {"custom_name", m.customName},
                      {"device_instance", whole(m.deviceInstance)},
                      {"packs_online", whole(m.packsOnline)},
                      {"soc", num(m.soc)},
                      {"voltage", num(m.voltage)},
                      {"current", num(m.current)},
                      {"power", num(m.power)},
                      {"temperature", num(m.temperature)},
                      {"max_charge_voltage", num(m.cvl)},
                      {"max_charge_current", num(m.ccl)},
                      {"max_discharge_current", num(m.dcl)},
                      {"battery_low_voltage", num(m.batteryLowVoltage)},
                      {"capacity", num(m.capacity)},
                      {"installed_capacity", num(m.installedCapacity)},
                      {"time_to_go", num(m.timeToGo)},
                      {"charge_limitation", m.chargeLimitation},
                      {"charge_voltage_limitation", m.chargeVoltageLimitation},
                      {"charge_mode", m.chargeMode},
                      {"discharge_limitation", m.dischargeLimitation},
                      {"soc_source", m.socSource},
                      {"current_source", m.currentSource},
                      {"warnings", m.warnings},
                      {"soc_spread", num(m.spread)},
                      {"imbalance_band", m.band},
                      {"alarms", alarms},
                      {"packs", packs}};
    return out.dump(oneLine ? -1 : 2) + "\n";
}

}  // namespace bagg
