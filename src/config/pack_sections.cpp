#include "pack_sections.h"

#include "ini_text.h"

#include "bagg/core/strict_number.h"

#include <fmt/format.h>

#include <algorithm>

namespace bagg {
namespace {

// How a value of a pack may be overridden.
enum class Kind {
    Measured,  // ignore only: a measurement cannot be made up
    Setting,   // ignore or a number that replaces the BMS's
    Limit,     // ignore or a number that only lowers the BMS's (or stands in for none)
    Floor,     // ignore or a number that only raises the BMS's (battery-low voltage)
};

struct ValueKey {
    std::string_view name;
    Quantity quantity;
    Kind kind;
    double lo = 0, hi = 0;
    std::string_view unit;
};

constexpr ValueKey kValueKeys[] = {
    {"soc", Quantity::Soc, Kind::Measured, 0, 0, ""},
    {"voltage", Quantity::Voltage, Kind::Measured, 0, 0, ""},
    {"current", Quantity::Current, Kind::Measured, 0, 0, ""},
    {"power", Quantity::Power, Kind::Measured, 0, 0, ""},
    {"temperature", Quantity::Temperature, Kind::Measured, 0, 0, ""},
    {"capacity", Quantity::Capacity, Kind::Measured, 0, 0, ""},
    {"consumed_amphours", Quantity::ConsumedAmphours, Kind::Measured, 0, 0, ""},
    {"time_to_go", Quantity::TimeToGo, Kind::Measured, 0, 0, ""},
    {"min_cell_voltage", Quantity::MinCellVoltage, Kind::Measured, 0, 0, ""},
    {"max_cell_voltage", Quantity::MaxCellVoltage, Kind::Measured, 0, 0, ""},
    {"installed_capacity", Quantity::InstalledCapacity, Kind::Setting, 1, 1000000, "Ah"},
    {"cells_per_battery", Quantity::CellsPerBattery, Kind::Setting, 1, 1000, ""},
    {"max_charge_voltage", Quantity::ChargeVoltageLimit, Kind::Limit, 1, 1000, "V"},
    {"max_charge_current", Quantity::ChargeCurrentLimit, Kind::Limit, 0, 10000, "A"},
    {"max_discharge_current", Quantity::DischargeCurrentLimit, Kind::Limit, 0, 10000, "A"},
    {"battery_low_voltage", Quantity::BatteryLowVoltage, Kind::Floor, 1, 1000, "V"},
};

const ValueKey* valueKey(std::string_view name)
{
    for (const auto& k : kValueKeys)
        if (k.name == name) return &k;
    return nullptr;
}

template <typename T>
void erase(std::vector<T>& v, Quantity q)
{
    v.erase(std::remove_if(v.begin(), v.end(), [q](const auto& e) { return e == q; }), v.end());
}

std::string parseValueKey(const ValueKey& k, std::string_view value, PackOverride& o)
{
    const std::string v = trim(value);
    if (v == "ignore") {
        o.ignored.push_back(k.quantity);
        return {};
    }
    if (k.kind == Kind::Measured)
        return fmt::format("'{}': a measured value can only be 'ignore' (its BMS gets it wrong)", v);
    const auto n = parseStrictNumber(v);
    if (!n) return v.find(',') == std::string::npos ? notANumber(v) + " and not 'ignore'" : notANumber(v);
    if (*n < k.lo || *n > k.hi) return fmt::format("{} is out of range ({} to {} {})", formatNumber(*n), formatNumber(k.lo), formatNumber(k.hi), k.unit);
    o.fixed.emplace_back(k.quantity, *n);
    return {};
}

std::string parseTable(std::string_view value, PackOverride::Table& table)
{
    table.points.clear();
    for (const auto& item : splitList(value)) {
        const auto colon = item.find(':');
        const auto x = colon == std::string::npos ? std::nullopt : parseStrictNumber(trim(item.substr(0, colon)));
        const auto amps = colon == std::string::npos ? std::nullopt : parseStrictNumber(trim(item.substr(colon + 1)));
        if (!x || !amps) return fmt::format("'{}' is not X:AMPS (e.g. 54.4:50)", item);
        if (*amps < 0 || *amps > 10000) return fmt::format("{} A is out of range (0 to 10000 A)", formatNumber(*amps));
        if (!table.points.empty() && *x <= table.points.back().first)
            return fmt::format("{} after {}: the points must rise", formatNumber(*x), formatNumber(table.points.back().first));
        table.points.emplace_back(*x, *amps);
    }
    if (table.points.empty()) return "an empty table";
    return {};
}

std::string parsePackKey(const std::string& selector, std::string_view name, std::string_view value, Config& c)
{
    auto& all = c.batteries.overrides;
    auto it = std::find_if(all.begin(), all.end(), [&](const PackOverride& o) { return o.selector == selector; });
    if (it == all.end()) {
        all.push_back(PackOverride{selector, {}, {}, std::nullopt, std::nullopt});
        it = all.end() - 1;
    }
    PackOverride edited = *it;  // untouched on error
    std::string error;
    if (const auto* k = valueKey(name)) {
        erase(edited.ignored, k->quantity);
        edited.fixed.erase(std::remove_if(edited.fixed.begin(), edited.fixed.end(),
                                          [k](const auto& f) { return f.first == k->quantity; }),
                           edited.fixed.end());
        error = parseValueKey(*k, value, edited);
    } else if (name == "charge_current_table" || name == "discharge_current_table") {
        auto& table = name == "charge_current_table" ? edited.chargeCurrent : edited.dischargeCurrent;
        const Quantity over = table ? table->over : Quantity::Voltage;
        table = PackOverride::Table{over, {}};
        error = parseTable(value, *table);
    } else if (name == "charge_current_over" || name == "discharge_current_over") {
        auto& table = name == "charge_current_over" ? edited.chargeCurrent : edited.dischargeCurrent;
        const std::string v = trim(value);
        if (v != "voltage" && v != "temperature") return fmt::format("'{}' is not one of: voltage, temperature", v);
        if (!table) table = PackOverride::Table{};
        table->over = v == "voltage" ? Quantity::Voltage : Quantity::Temperature;
    } else {
        std::string known;
        for (const auto& each : kValueKeys) known += std::string(each.name) + ", ";
        return fmt::format("unknown key '{}' in a [pack] section (keys: {}charge_current_table, charge_current_over, "
                           "discharge_current_table, discharge_current_over)",
                           name, known);
    }
    if (error.empty()) *it = std::move(edited);
    return error;
}

std::string parsePairKey(const std::string& pairName, std::string_view name, std::string_view value, Config& c)
{
    auto& all = c.batteries.pairs;
    auto it = std::find_if(all.begin(), all.end(), [&](const PackPair& p) { return p.name == pairName; });
    if (it == all.end()) {
        all.push_back(PackPair{pairName, {}, {}});
        it = all.end() - 1;
    }
    const std::string v = trim(value);
    if (name == "pack" || name == "monitor") {
        if (auto problem = selectorProblem(v); !problem.empty()) return problem;
        (name == "pack" ? it->pack : it->monitor) = v;
        return {};
    }
    if (name == "values") {
        std::vector<Quantity> qs;
        for (const auto& item : splitList(v)) {
            const auto* k = valueKey(item);
            if (!k || k->kind != Kind::Measured)
                return fmt::format("'{}' is not a measured value (soc, current, power, consumed_amphours, capacity, "
                                   "time_to_go, voltage, temperature)",
                                   item);
            qs.push_back(k->quantity);
        }
        if (qs.empty()) return "no values: a pair takes at least one from its monitor";
        it->fromMonitor = qs;
        return {};
    }
    return fmt::format("unknown key '{}' in a [pair] section (keys: pack, monitor, values)", name);
}

std::string printTable(const PackOverride::Table& t)
{
    std::string out;
    for (const auto& [x, amps] : t.points) out += fmt::format("{}{}:{}", out.empty() ? "" : ", ", formatNumber(x), formatNumber(amps));
    return out;
}

}  // namespace

std::string_view packValueName(Quantity q)
{
    for (const auto& k : kValueKeys)
        if (k.quantity == q) return k.name;
    return "?";
}

NamedSection namedSection(std::string_view section, std::string& argument)
{
    for (const auto& [word, kind] : {std::pair{std::string_view("pack"), NamedSection::Pack},
                                     std::pair{std::string_view("pair"), NamedSection::Pair}}) {
        if (section.size() < word.size() + 4 || section.substr(0, word.size()) != word) continue;
        auto rest = section.substr(word.size());
        const auto quote = rest.find('"');
        if (quote == std::string_view::npos || rest.substr(0, quote).find_first_not_of(" \t") != std::string_view::npos)
            continue;
        rest = rest.substr(quote + 1);
        if (rest.size() < 2 || rest.back() != '"') continue;
        argument = std::string(rest.substr(0, rest.size() - 1));
        return kind;
    }
    return NamedSection::None;
}

std::string selectorProblem(std::string_view s)
{
    for (std::string_view prefix : {"com.victronenergy.battery.", "name:", "serial:"})
        if (s.substr(0, prefix.size()) == prefix) {
            if (s.size() == prefix.size()) return fmt::format("'{}' names nothing after '{}'", s, prefix);
            return {};
        }
    return fmt::format("'{}' is not a selector: com.victronenergy.battery.<name>, name:<CustomName> or serial:<Serial>", s);
}

std::string parseNamedKey(NamedSection kind, const std::string& argument, std::string_view name, std::string_view value,
                          Config& config)
{
    if (kind == NamedSection::Pack) {
        if (auto problem = selectorProblem(argument); !problem.empty()) return "[pack] section: " + problem;
        return parsePackKey(argument, name, value, config);
    }
    if (argument.find('"') != std::string::npos) return "a [pair] name may not contain '\"'";
    return parsePairKey(argument, name, value, config);
}

std::string formatNamedSections(const Config& c)
{
    std::string out;
    for (const auto& o : c.batteries.overrides) {
        out += fmt::format("[pack \"{}\"]\n", o.selector);
        for (const auto q : o.ignored) out += fmt::format("{} = ignore\n", packValueName(q));
        for (const auto& [q, v] : o.fixed) out += fmt::format("{} = {}\n", packValueName(q), formatNumber(v));
        for (const auto& [word, table] : {std::pair{"charge", &o.chargeCurrent}, std::pair{"discharge", &o.dischargeCurrent}}) {
            if (!*table) continue;
            out += fmt::format("{}_current_over = {}\n", word, (*table)->over == Quantity::Voltage ? "voltage" : "temperature");
            if (!(*table)->points.empty()) out += fmt::format("{}_current_table = {}\n", word, printTable(**table));
        }
        out += "\n";
    }
    for (const auto& p : c.batteries.pairs) {
        out += fmt::format("[pair \"{}\"]\npack = {}\nmonitor = {}\nvalues = ", p.name, p.pack, p.monitor);
        for (std::size_t i = 0; i < p.fromMonitor.size(); ++i)
            out += fmt::format("{}{}", i ? ", " : "", packValueName(p.fromMonitor[i]));
        out += "\n\n";
    }
    return out;
}

}  // namespace bagg
