#include "import/import_config.h"

#include "bagg/config/config_loader.h"
#include "config/config_schema.h"
#include "config/pack_sections.h"
#include "import/import_writer.h"
#include "import/old_ini.h"
#include "import/old_values.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>

namespace bagg {
namespace {

std::string_view withoutBom(std::string_view text)
{
    if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
    return text;
}

// The versions that kept their settings in code (bms_aggregator.py before v1.1.0,
// dbus-aggregate-batteries' settings.py): Python statements an INI file never has.
int pythonLine(std::string_view text)
{
    int line = 0;
    std::size_t start = 0;
    while (start <= text.size()) {
        auto end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        ++line;
        const std::string t = trimmed(text.substr(start, end - start));
        start = end + 1;
        if (t.rfind("import ", 0) == 0 || t.rfind("def ", 0) == 0 || t.rfind("class ", 0) == 0 ||
            t.rfind("self.", 0) == 0 || t.rfind("#!", 0) == 0 ||
            (t.rfind("from ", 0) == 0 && t.find(" import ") != std::string::npos))
            return line;
        if (end == text.size()) break;
    }
    return 0;
}

// Which INI dialect: bms-aggregator's sections, or dbus-aggregate-batteries' [DEFAULT] and options.
std::optional<OldAggregator> iniDialect(const OldIni& ini)
{
    static const std::set<std::string> bmsSections = {"Battery", "ChargeLimits", "ImbalanceThresholds", "BMS", "Logging"};
    for (const auto& s : ini.sections)
        if (bmsSections.count(s)) return OldAggregator::BmsAggregator;
    if (std::find(ini.sections.begin(), ini.sections.end(), "DEFAULT") != ini.sections.end())
        return OldAggregator::AggregateBatteries;
    return std::nullopt;
}

// A few option names only dbus-aggregate-batteries has: to recognise its settings.py (no [DEFAULT]).
bool hasAggregateBatteriesOptions(const OldIni& ini)
{
    static const std::set<std::string> names = {"NR_OF_BATTERIES", "OWN_SOC", "OWN_CHARGE_PARAMETERS", "CURRENT_FROM_VICTRON",
                                                "BATTERY_KEY_WORD", "MAX_CHARGE_CURRENT", "MULTI_KEY_WORD"};
    return std::any_of(ini.options.begin(), ini.options.end(), [](const OldIniOption& o) { return names.count(upperCase(o.key)) > 0; });
}

// Our own file given by mistake: every section one of ours (the schema's list, or a named one).
bool looksLikeOurs(const OldIni& ini)
{
    const auto& ours = configSections();
    return !ini.sections.empty() && std::all_of(ini.sections.begin(), ini.sections.end(), [&](const std::string& s) {
               std::string argument;
               return std::find(ours.begin(), ours.end(), s) != ours.end() || namedSection(s, argument) != NamedSection::None;
           });
}

std::vector<std::string> header(OldAggregator from, const std::string& fileName)
{
    std::string service;
    switch (from) {
    case OldAggregator::BatteryAggregator: service = "/service/BatteryAggregator"; break;
    case OldAggregator::BmsAggregator: service = "/service/bms-aggregator"; break;
    case OldAggregator::AggregateBatteries: service = "/service/dbus-aggregate-batteries"; break;
    }
    return {
        "dbus-battery-aggregator configuration, imported by `dbus-battery-aggregator import-config`",
        fmt::format("from {}: {}", oldAggregatorName(from), displayValue(fileName)),
        "Every option of the old file is named in a comment: above the key it became, or at the end with the "
        "reason it has none. Keys not set here keep their defaults (the dbus-battery-aggregator.ini of the bundle "
        "lists every key).",
        "Then: check this file with --check-config;",
        fmt::format("stop the old aggregator: svc -d {} (and uninstall it: it must not start again at boot);", service),
        "select the aggregate in Settings > System setup > Battery monitor; check Settings > DVCC.",
    };
}

}  // namespace

std::string_view oldAggregatorName(OldAggregator from)
{
    switch (from) {
    case OldAggregator::BatteryAggregator: return "BatteryAggregator";
    case OldAggregator::BmsAggregator: return "bms-aggregator";
    case OldAggregator::AggregateBatteries: return "dbus-aggregate-batteries";
    }
    return "?";
}

std::string ImportProblem::describe(const std::string& file) const { return locatedMessage(file, line, option, message); }

ImportResult importConfig(std::string_view text, const std::string& fileName)
{
    ImportResult result;
    const std::string_view body = withoutBom(text);
    auto fail = [&](int line, std::string message) {
        result.errors.push_back({line, {}, std::move(message)});
        return result;
    };
    if (trimmed(body).empty()) return fail(0, "empty file: neither a JSON object nor an INI file");
    if (body.find('\0') != std::string_view::npos) return fail(0, "a binary file: neither a JSON object nor an INI file");

    ImportWriter out;
    if (body[body.find_first_not_of(" \t\r\n")] == '{') {
        result.from = OldAggregator::BatteryAggregator;
        importBatteryAggregator(body, out, result.errors);
    } else {
        // JSON that is not an object ("[1, 2]", "42") is not an INI file either.
        if (nlohmann::json::accept(body))
            return fail(1, "JSON, but not an object: BatteryAggregator's config.json is one {...} object");
        if (const int line = pythonLine(body))
            return fail(line, "Python source, not a configuration file: bms-aggregator before v1.1.0 and the first "
                              "dbus-aggregate-batteries kept their settings in the code (bms_aggregator.py, "
                              "settings.py); write ours by hand with the table in README.md");
        const OldIni ini = readOldIni(body);
        if (ini.errorLine > 0) {
            if (ini.options.empty() && ini.sections.empty())
                return fail(ini.errorLine, "neither a JSON object nor an INI file: " + ini.error);
            return fail(ini.errorLine, "not a valid INI file: " + ini.error);
        }
        result.from = iniDialect(ini);
        if (!result.from) {
            if (ini.sections.empty() && hasAggregateBatteriesOptions(ini))
                return fail(1, "dbus-aggregate-batteries options without the [DEFAULT] section: its settings.py "
                               "(Python, before config.ini) or a config.ini it refuses too; put [DEFAULT] on the "
                               "first line of a config.ini");
            if (looksLikeOurs(ini))
                return fail(0, "this is already a dbus-battery-aggregator configuration: check it with "
                               "dbus-battery-aggregator --check-config");
            return fail(0, "an INI file, but neither dbus-aggregate-batteries' config.ini (a [DEFAULT] section) nor "
                           "bms-aggregator's config.ini ([Battery], [ChargeLimits], [ImbalanceThresholds], [BMS], "
                           "[Logging])");
        }
        if (*result.from == OldAggregator::BmsAggregator) importBmsAggregator(ini, out, result.errors);
        else importAggregateBatteries(ini, out, result.errors);
    }
    std::stable_sort(result.errors.begin(), result.errors.end(),
              [](const ImportProblem& a, const ImportProblem& b) { return a.line < b.line; });
    if (!result.errors.empty()) return result;

    result.ini = out.render(header(*result.from, fileName), result.warnings);
    // The promise of this function: what it prints loads. Should a rule of ours still refuse it,
    // nothing is printed.
    const ConfigLoad check = parseConfig(result.ini, "imported configuration");
    for (const auto& e : check.errors)
        result.errors.push_back({0, {}, "internal error, the converted configuration does not load: " + e.describe()});
    if (!result.errors.empty()) result.ini.clear();
    return result;
}

}  // namespace bagg
