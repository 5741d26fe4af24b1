// dbus-aggregate-batteries (github.com/Dr-Gigavolt/dbus-aggregate-batteries): config.ini in
// /data/apps/dbus-aggregate-batteries (Venus OS 3.6x; /data/dbus-aggregate-batteries before), the
// [DEFAULT] section overriding config.default.ini. What each option does: its README (seed 002,
// "Function") and the comments of config.default.ini, whose defaults apply to options a config.ini
// leaves out (OWN_SOC, OWN_CHARGE_PARAMETERS, KEEP_MAX_CVL, ... all False). The older settings.py
// names of seed 004 (BATTERY_KEY_WORD, DC_LOADS, CHARGE_VOLTAGE, ...) are recognised as well.
// Consistent with README.md "Charge control: Coming from the older aggregators".

#include "import/old_values.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

namespace bagg {
namespace {

enum class Kind { Text, Whole, Number, Flag, List, Shunts, Level };

// Every option of config.default.ini, and the settings.py names seed 004 mentions.
const std::map<std::string, Kind>& knownOptions()
{
    static const std::map<std::string, Kind> known = {
        {"NR_OF_BATTERIES", Kind::Whole}, {"NR_OF_CELLS_PER_BATTERY", Kind::Whole}, {"NR_OF_MPPTS", Kind::Whole},
        {"BATTERY_SERVICE_NAME", Kind::Text}, {"DCLOAD_SERVICE_NAME", Kind::Text},
        {"BATTERY_PRODUCT_NAME_PATH", Kind::Text}, {"BATTERY_PRODUCT_NAME", Kind::Text},
        {"BATTERY_INSTANCE_NAME_PATH", Kind::Text}, {"MULTI_KEYWORD", Kind::Text}, {"MPPT_KEYWORD", Kind::Text},
        {"SMARTSHUNT_NAME_KEYWORD", Kind::Text}, {"SMARTSHUNT_INSTANCE_NAME_PATH", Kind::Text},
        {"SEARCH_TRIALS", Kind::Whole}, {"READ_TRIALS", Kind::Whole}, {"UPDATE_INTERVAL_FIND_DEVICES", Kind::Number},
        {"UPDATE_INTERVAL_DATA", Kind::Number}, {"TIME_BEFORE_RESTART", Kind::Number},
        {"CURRENT_FROM_VICTRON", Kind::Flag}, {"USE_SMARTSHUNTS", Kind::Shunts}, {"INVERT_SMARTSHUNTS", Kind::Flag},
        {"IGNORE_SMARTSHUNT_ABSENCE", Kind::Flag}, {"OWN_SOC", Kind::Flag}, {"ZERO_SOC", Kind::Flag},
        {"MAX_CELL_VOLTAGE_SOC_FULL", Kind::Number}, {"MIN_CELL_VOLTAGE_SOC_EMPTY", Kind::Number},
        {"OWN_SOC_FULL_VOLTAGE", Kind::Number}, {"OWN_SOC_FULL_CELL_MEDIAN_VOLTAGE", Kind::Number},
        {"CHARGE_SAVE_PRECISION", Kind::Number}, {"OWN_CHARGE_PARAMETERS", Kind::Flag},
        {"BALANCING_VOLTAGE", Kind::Number}, {"BALANCING_REPETITION", Kind::Whole}, {"CHARGE_VOLTAGE_LIST", Kind::List},
        {"MAX_CELL_VOLTAGE", Kind::Number}, {"MIN_CELL_VOLTAGE", Kind::Number}, {"MIN_CELL_HYSTERESIS", Kind::Number},
        {"CELL_DIFF_MAX", Kind::Number}, {"BATTERY_EFFICIENCY", Kind::Number}, {"MAX_CHARGE_CURRENT", Kind::Number},
        {"MAX_DISCHARGE_CURRENT", Kind::Number}, {"CELL_CHARGE_LIMITING_VOLTAGE", Kind::List},
        {"CELL_CHARGE_LIMITED_CURRENT", Kind::List}, {"CELL_DISCHARGE_LIMITING_VOLTAGE", Kind::List},
        {"CELL_DISCHARGE_LIMITED_CURRENT", Kind::List}, {"AGGREGATE_CHARGE_MODE", Kind::Flag},
        {"KEEP_MAX_CVL", Kind::Flag}, {"SEND_CELL_VOLTAGES", Kind::Whole}, {"LOGGING", Kind::Level},
        {"LOG_PERIOD", Kind::Number},
        // settings.py (before config.ini), seed 004
        {"BATTERY_KEY_WORD", Kind::Text}, {"BATTERY_NAME_KEY_WORD", Kind::Text}, {"MULTI_KEY_WORD", Kind::Text},
        {"MPPT_KEY_WORD", Kind::Text}, {"DC_LOADS", Kind::Flag}, {"INVERT_SMARTSHUNT", Kind::Flag},
        {"CHARGE_VOLTAGE", Kind::Number}, {"VOLTAGE_SET_PRECISION", Kind::Number},
    };
    return known;
}

// config.default.ini's values, for the options a config.ini leaves out.
constexpr double kDefaultMaxCell = 3.45, kDefaultMinCell = 2.90, kDefaultHysteresis = 0.1, kDefaultCellDiff = 0.025,
                 kDefaultBalancing = 3.40, kDefaultCurrent = 200;

struct Option {
    const OldIniOption* source = nullptr;
    std::optional<double> number;  // Whole, Number (absent when the value is empty)
    std::optional<bool> flag;      // Flag, Shunts (true: True or a non-empty list)
    std::vector<double> list;      // List
    bool shuntList = false;        // Shunts given as a [list]
};

class AggregateBatteries {
public:
    AggregateBatteries(const OldIni& ini, ImportWriter& out, std::vector<ImportProblem>& errors)
        : ini_(ini), out_(out), errors_(errors)
    {
    }

    void run()
    {
        for (const auto& o : ini_.options) read(o);
        if (!errors_.empty()) return;
        devices();
        current();
        soc();
        charge();
        logging();
        // Every known option present is explained above; this only guards against a gap.
        for (const auto& [name, option] : options_)
            if (!explained_.count(name)) out_.drop(label(name) + ": recognised, but not carried over", option.source->line);
    }

private:
    const OldIni& ini_;
    ImportWriter& out_;
    std::vector<ImportProblem>& errors_;
    std::map<std::string, Option> options_;  // by upper-case name
    std::set<std::string> explained_;
    std::optional<long> cells_;  // NR_OF_CELLS_PER_BATTERY

    void error(const OldIniOption& o, std::string message) { errors_.push_back({o.line, o.key, std::move(message)}); }

    void read(const OldIniOption& o)
    {
        const std::string name = upperCase(o.key);
        const auto known = knownOptions().find(name);
        if (o.section != "DEFAULT" && !o.section.empty()) {
            out_.drop(optionLabel(o, true) + ": unknown option, ignored (dbus-aggregate-batteries reads only [DEFAULT])", o.line);
            return;
        }
        if (known == knownOptions().end()) {
            out_.drop(optionLabel(o, false) + ": unknown option, ignored (not in dbus-aggregate-batteries' config.default.ini)",
                      o.line);
            return;
        }
        Option option;
        option.source = &o;
        const std::string text = trimmed(o.value);
        switch (known->second) {
        case Kind::Text: break;
        case Kind::Whole:
        case Kind::Number:
            if (text.empty()) break;  // get_*_from_config: empty means the default
            if (known->second == Kind::Whole) {
                const auto v = pythonInt(text);
                if (!v) return error(o, fmt::format("'{}' is not a whole number", displayValue(text)));
                option.number = static_cast<double>(*v);
            } else {
                option.number = pythonFloat(text);
                if (!option.number) return error(o, fmt::format("'{}' is not a number", displayValue(text)));
            }
            break;
        case Kind::Flag:
            option.flag = trueOrFalse(text);
            if (!option.flag)
                return error(o, fmt::format("'{}' is not True or False (dbus-aggregate-batteries reads anything but "
                                            "True as False)",
                                            displayValue(text)));
            break;
        case Kind::List: {
            auto list = numberList(o.value);
            if (!list) return error(o, fmt::format("'{}' is not a comma-separated list of numbers", displayValue(o.value)));
            option.list = *list;
            break;
        }
        case Kind::Shunts: {
            const std::string lower = lowerCase(text);
            if (lower == "true" || lower == "false" || text.empty()) {
                option.flag = lower == "true";
            } else if (text.front() == '[' && text.back() == ']') {
                option.shuntList = true;
                option.flag = !trimmed(text.substr(1, text.size() - 2)).empty();
            } else {
                return error(o, fmt::format("'{}' is not True, False or a [list] of SmartShunts", displayValue(text)));
            }
            break;
        }
        case Kind::Level: {
            const std::string upper = upperCase(text);
            if (upper != "ERROR" && upper != "WARNING" && upper != "INFO" && upper != "DEBUG" && upper != "0" &&
                upper != "1" && upper != "2")
                return error(o, fmt::format("'{}' is not one of ERROR, WARNING, INFO, DEBUG", displayValue(text)));
            break;
        }
        }
        options_[name] = option;
    }

    const Option* get(const std::string& name) const
    {
        auto it = options_.find(name);
        return it == options_.end() ? nullptr : &it->second;
    }
    bool has(const std::string& name) const { return get(name) != nullptr; }

    // The option's label, marking it explained (it will have its comment).
    std::string label(const std::string& name)
    {
        explained_.insert(name);
        const Option* o = get(name);
        return o ? optionLabel(*o->source, false) : std::string();
    }

    void drop(const std::string& name, const std::string& why)
    {
        if (has(name)) out_.drop(label(name) + ": " + why, get(name)->source->line);
    }

    bool flag(const std::string& name, bool fallback) const
    {
        const Option* o = get(name);
        return o && o->flag ? *o->flag : fallback;
    }

    std::optional<double> number(const std::string& name) const
    {
        const Option* o = get(name);
        return o ? o->number : std::nullopt;
    }

    // "OWN_SOC = True (line 40)", or "OWN_SOC not set (dbus-aggregate-batteries' default: False)".
    std::string labelOrDefault(const std::string& name, const std::string& fallback)
    {
        return has(name) ? label(name) : fmt::format("{} not set (dbus-aggregate-batteries' default: {})", name, fallback);
    }

    void devices()
    {
        if (const auto n = number("NR_OF_BATTERIES"); n && *n >= 1)
            out_.set("batteries", "expected_packs", formatNumber(*n),
                     label("NR_OF_BATTERIES") + ": the number of packs; fewer online raises /Alarms/BmsCable "
                                                "(dbus-aggregate-batteries exited and restarted instead)");
        else
            drop("NR_OF_BATTERIES", "not set: expected_packs stays 0 (unknown)");
        if (const auto n = number("NR_OF_CELLS_PER_BATTERY"); n && *n >= 1) cells_ = static_cast<long>(*n);
        drop("NR_OF_CELLS_PER_BATTERY", "not needed: read from each BMS (/System/NrOfCellsPerBattery); packs that "
                                        "differ are a warning");
        drop("NR_OF_MPPTS", "not needed: with current = victron every solar charger on the bus is found and summed "
                            "by itself");
        for (const char* name : {"BATTERY_SERVICE_NAME", "BATTERY_KEY_WORD"})
            drop(name, "not needed: every com.victronenergy.battery service is read and told apart by what it "
                       "publishes: a pack (it publishes charge limits), a monitor (a shunt) or another aggregator");
        drop("DCLOAD_SERVICE_NAME", "not needed: with subtract_dc_loads = true every dcload and dcsystem service is "
                                    "subtracted");
        for (const char* name : {"BATTERY_PRODUCT_NAME_PATH", "BATTERY_PRODUCT_NAME", "BATTERY_NAME_KEY_WORD"})
            drop(name, "not needed: a pack is recognised by the charge limits it publishes, whatever its product "
                       "name, and a SmartShunt is a monitor; to aggregate only some batteries use [batteries] include "
                       "(name:<CustomName> or serial:<Serial>)");
        drop("BATTERY_INSTANCE_NAME_PATH", "not needed: packs are shown by their /CustomName and recognised by their "
                                           "/Serial when they come back under another service name");
        for (const char* name : {"MULTI_KEYWORD", "MULTI_KEY_WORD"}) {
            const Option* o = get(name);
            if (!o) continue;
            drop(name, std::string("not needed: with current = victron every vebus, multi and inverter service is "
                                   "summed") +
                           (trimmed(o->source->value).empty()
                                ? " (an empty value, the Multi's current left out, has no equivalent: ours sums "
                                  "every Victron device or none)"
                                : ""));
        }
        for (const char* name : {"MPPT_KEYWORD", "MPPT_KEY_WORD"})
            drop(name, "not needed: with current = victron every solarcharger (and charger, dcdc, alternator, "
                       "fuelcell) service is summed");
        for (const char* name : {"SMARTSHUNT_NAME_KEYWORD", "SMARTSHUNT_INSTANCE_NAME_PATH"})
            drop(name, "not needed: SmartShunts, BMVs and Lynx Shunts are recognised as monitors; with several, "
                       "[sources] monitor chooses one (name:<CustomName>)");
        for (const char* name : {"SEARCH_TRIALS", "READ_TRIALS"})
            drop(name, "not needed: ours never exits for a missing battery or a value it cannot read: a pack that is "
                       "away is held for reconnect_grace and then raises /Alarms/BmsCable; a bad value is ignored "
                       "for that pack");
        drop("UPDATE_INTERVAL_FIND_DEVICES", "not needed: a battery that appears on the bus is seen at once, "
                                             "without searching");
        drop("UPDATE_INTERVAL_DATA", "not needed: ours recomputes on every change the BMSes signal (at most once "
                                     "per recompute_delay, 1 ms), without polling");
        drop("TIME_BEFORE_RESTART", "not needed: ours does not exit on an exception; it exits (and daemontools "
                                    "restarts it at once) only when nothing was published for watchdog_timeout");
    }

    void current()
    {
        const bool victron = flag("CURRENT_FROM_VICTRON", false);
        if (has("CURRENT_FROM_VICTRON"))
            out_.set("sources", "current", victron ? "victron" : "packs",
                     label("CURRENT_FROM_VICTRON") +
                         (victron ? ": the bank current is what the Victron devices measure at the battery, summed "
                                    "(inverter/chargers, solar and other chargers); while one has no valid current, "
                                    "the packs' sum is used, with the reason on /Info/CurrentSource"
                                  : ": the bank current is the sum of the packs' currents (our default)"));
        for (const char* name : {"USE_SMARTSHUNTS", "DC_LOADS"}) {
            const Option* o = get(name);
            if (!o) continue;
            if (!flag(name, false)) {
                drop(name, "no DC load meter in the current (our subtract_dc_loads is false by default)");
            } else if (!victron) {
                drop(name, "no effect there without CURRENT_FROM_VICTRON = True; ours: subtract_dc_loads works with "
                           "current = victron");
            } else {
                out_.set("sources", "subtract_dc_loads", "true",
                         label(name) +
                             ": SmartShunts as DC energy meters (dcload services, and dcsystem) are subtracted from the "
                             "Victron devices' sum" +
                             (o->shuntList ? ". A list of particular shunts has no equivalent: every DC meter counts" : "") +
                             ". A shunt in battery-monitor mode is a monitor here: current = monitor takes the bank "
                             "current from it");
            }
        }
        for (const char* name : {"INVERT_SMARTSHUNTS", "INVERT_SMARTSHUNT"})
            drop(name, flag(name, false)
                           ? "no equivalent: DC meters are always subtracted, with the sign systemcalc uses "
                             "(positive = consumption); a SmartShunt in battery-monitor mode is a monitor "
                             "(current = monitor)"
                           : "the usual direction, as ours");
        drop("IGNORE_SMARTSHUNT_ABSENCE", "not needed: ours never restarts for a missing device: while a Victron "
                                          "device has no valid current, the packs' current is used, with the reason "
                                          "on /Info/CurrentSource (as True does)");
    }

    void soc()
    {
        const bool own = flag("OWN_SOC", false);
        const bool ownCharge = flag("OWN_CHARGE_PARAMETERS", false);
        if (own) {
            out_.set("sources", "soc", "counter",
                     label("OWN_SOC") + ": our own Coulomb counter over the published bank current, seeded from the "
                                        "packs' SOC and kept in the state file; synchronised to 100 % as a BMV "
                                        "(charged_voltage, tail_current, charged_time) or when every pack reports "
                                        "float or 100 %");
        } else {
            const std::string from = labelOrDefault("OWN_SOC", "False");
            if (has("OWN_SOC")) out_.set("sources", "soc", "packs", from + ": the packs' SOC (our default)");
            out_.set("aggregation", "soc_mode", "weighted",
                     from + ": dbus-aggregate-batteries averages the BMSes' SOC weighted by capacity; ours would "
                            "default to the lowest pack (soc_mode = min), the more conservative choice");
        }
        const std::string noCounter = "no effect there (OWN_SOC = False); our [counter] counts only with soc = counter";
        if (own) {
            if (const auto v = number("BATTERY_EFFICIENCY"))
                out_.set("counter", "charge_efficiency", formatNumber(*v),
                         label("BATTERY_EFFICIENCY") + ": Ah stored per Ah charged");
            if (const auto v = number("CHARGE_SAVE_PRECISION"))
                out_.set("counter", "save_step", formatNumber(*v * 100),
                         label("CHARGE_SAVE_PRECISION") + ": the charge is saved each time it moves by this share of "
                                                          "the capacity, here in % (0.0025 = 0.25 %)");
        }
        for (const char* name : {"BATTERY_EFFICIENCY", "CHARGE_SAVE_PRECISION"})
            if (!explained_.count(name)) drop(name, own ? "empty: dbus-aggregate-batteries' default" : noCounter);

        // 0 %: ZERO_SOC at MIN_CELL_VOLTAGE_SOC_EMPTY (OWN_CHARGE_PARAMETERS False) or MIN_CELL_VOLTAGE.
        if (has("ZERO_SOC")) {
            if (!own) {
                drop("ZERO_SOC", noCounter);
            } else if (flag("ZERO_SOC", false)) {
                const char* at = ownCharge ? "MIN_CELL_VOLTAGE" : "MIN_CELL_VOLTAGE_SOC_EMPTY";
                const double volts = number(at).value_or(kDefaultMinCell);
                const std::string source = has(at) && number(at) ? label(at)
                                                                  : fmt::format("{} not set (default {} V)", at, formatNumber(volts));
                out_.set("counter", "empty_cell_voltage", formatNumber(volts),
                         label("ZERO_SOC") + " with " + source +
                             ": synchronised to 0 % when the lowest cell stays at or below it for empty_time (60 s) "
                             "while discharging (dbus-aggregate-batteries: at once)");
            } else {
                drop("ZERO_SOC", "no 0 % synchronisation, as our default empty_cell_voltage = off");
            }
        }
        if (!explained_.count("MIN_CELL_VOLTAGE_SOC_EMPTY"))
            drop("MIN_CELL_VOLTAGE_SOC_EMPTY", "no effect there (it needs OWN_SOC = True, ZERO_SOC = True and "
                                               "OWN_CHARGE_PARAMETERS = False)");
        if (has("MAX_CELL_VOLTAGE_SOC_FULL")) {
            if (own && !ownCharge) {
                drop("MAX_CELL_VOLTAGE_SOC_FULL",
                     "no equivalent: one cell at a voltage is not a full bank; ours synchronises to 100 % as a BMV "
                     "(bank voltage at or above charged_voltage with the current below tail_current for "
                     "charged_time) or when every pack reports float or 100 %");
                if (const auto v = number("MAX_CELL_VOLTAGE_SOC_FULL"); v && cells_)
                    out_.suggest("counter", "charged_voltage", formatNumber(*v * static_cast<double>(*cells_)),
                                 fmt::format("the nearest to MAX_CELL_VOLTAGE_SOC_FULL, if your packs never report float: "
                                             "{} V x {} cells (NR_OF_CELLS_PER_BATTERY)",
                                             formatNumber(*v), *cells_));
            } else {
                drop("MAX_CELL_VOLTAGE_SOC_FULL", "no effect there (it needs OWN_SOC = True and OWN_CHARGE_PARAMETERS "
                                                  "= False)");
            }
        }
        if (has("OWN_SOC_FULL_VOLTAGE")) {
            const double v = number("OWN_SOC_FULL_VOLTAGE").value_or(0);
            if (v == 0)
                drop("OWN_SOC_FULL_VOLTAGE", "0 (off); our charged_voltage = auto: the bank's CVL minus 0.2 V");
            else if (own && ownCharge)
                out_.set("counter", "charged_voltage", formatNumber(v),
                         label("OWN_SOC_FULL_VOLTAGE") + ": synchronised to 100 % at or above this bank voltage, with "
                                                         "the current below tail_current (4 % of the capacity) for "
                                                         "charged_time (180 s)");
            else
                drop("OWN_SOC_FULL_VOLTAGE", "no effect there (it needs OWN_SOC = True and OWN_CHARGE_PARAMETERS = True)");
        }
        drop("OWN_SOC_FULL_CELL_MEDIAN_VOLTAGE", number("OWN_SOC_FULL_CELL_MEDIAN_VOLTAGE").value_or(0) == 0
                                                     ? "0 (off), as ours"
                                                     : "no equivalent: the BMSes publish their lowest and highest "
                                                       "cell, not the median");
    }

    const std::vector<double>* list(const std::string& name) const
    {
        const Option* o = get(name);
        return o && !o->list.empty() ? &o->list : nullptr;
    }

    // The table dbus-aggregate-batteries uses: its lists, or what it computes when the voltages are
    // empty (`autoFrom` says from what). With `zeroAtOrBelow`, the points at or below it give way to
    // one (zeroAtOrBelow, 0): its DCL is 0 there whatever the table says (MIN_CELL_VOLTAGE).
    // Returns whether the computed voltages were used.
    bool writeTaper(const char* key, const char* voltsName, const char* currentName, std::vector<double> autoVolts,
                    std::vector<double> autoCurrents, const std::string& autoFrom, std::string meaning,
                    std::optional<double> zeroAtOrBelow = std::nullopt)
    {
        const auto* volts = list(voltsName);
        const auto* currents = list(currentName);
        std::string from = (volts ? label(voltsName) : fmt::format("{} empty: {}", voltsName, autoFrom));
        from += currents ? ", " + label(currentName) : fmt::format(", {} not set (its default)", currentName);
        if (has(voltsName)) label(voltsName);
        if (has(currentName)) label(currentName);
        const auto& v = volts ? *volts : autoVolts;
        const auto& f = currents ? *currents : autoCurrents;
        if (v.size() < 2 || v.size() != f.size()) {
            const Option* o = get(volts || !currents ? voltsName : currentName);
            errors_.push_back({o ? o->source->line : 0, o ? o->source->key : voltsName,
                               fmt::format("{} voltages and {} currents: the lists must have the same length, at least "
                                           "2 (dbus-aggregate-batteries refuses this too)",
                                           v.size(), f.size())});
            return volts == nullptr;
        }
        std::vector<std::pair<double, double>> points;
        if (zeroAtOrBelow) points.emplace_back(*zeroAtOrBelow, 0.0);
        for (std::size_t i = 0; i < v.size(); ++i)
            if (!zeroAtOrBelow || v[i] > *zeroAtOrBelow) points.emplace_back(v[i], f[i]);
        std::string table;
        for (const auto& [volt, fraction] : points)
            table += fmt::format("{}{}:{}", table.empty() ? "" : ", ", formatNumber(volt), formatNumber(fraction));
        out_.set("cells", key, table, from + ": " + meaning);
        return volts == nullptr;
    }

    // An option's label without marking it explained, or "NAME not set (default ...)".
    std::string peek(const std::string& name, const std::string& fallback) const
    {
        const Option* o = get(name);
        return o ? optionLabel(*o->source, false) : fmt::format("{} not set (dbus-aggregate-batteries' default: {})", name, fallback);
    }

    void charge()
    {
        const bool own = flag("OWN_CHARGE_PARAMETERS", false);
        if (has("OWN_CHARGE_PARAMETERS"))
            drop("OWN_CHARGE_PARAMETERS",
                 own ? "not offered: here the packs' BMSes decide charging (their CVL, CCL and DCL, merged as [charge] "
                       "says); what dbus-aggregate-batteries computed from the cells is carried over as [cells], our "
                       "cell-voltage net, and as caps in [charge]"
                     : "the BMSes' limits, merged: what ours always does");
        const double maxCell = number("MAX_CELL_VOLTAGE").value_or(kDefaultMaxCell);
        const char* chemistry = maxCell < 3.0 ? "lto" : maxCell < 3.8 ? "lfp" : nullptr;
        const std::string maxCellFrom = peek("MAX_CELL_VOLTAGE", formatNumber(kDefaultMaxCell) + " V");
        if (own) {
            ownChargeParameters(maxCell, chemistry, maxCellFrom);
        } else {
            const std::string noEffect = "no effect there (OWN_CHARGE_PARAMETERS = False)";
            if (has("MAX_CELL_VOLTAGE") && chemistry) {
                out_.suggest("cells", "chemistry", chemistry,
                             fmt::format("our cell-voltage net, off as in dbus-aggregate-batteries with "
                                         "OWN_CHARGE_PARAMETERS = False: uncomment for a second line of defence behind "
                                         "the BMSes ({} preset, guessed from MAX_CELL_VOLTAGE {} V)",
                                         chemistry, formatNumber(maxCell)));
                out_.suggest("cells", "max_cell_voltage", formatNumber(maxCell), "with it: MAX_CELL_VOLTAGE");
            }
            if (const auto v = number("CELL_DIFF_MAX"); v && chemistry && has("MAX_CELL_VOLTAGE"))
                out_.suggest("cells", "cell_diff_max", formatNumber(*v), "with it: CELL_DIFF_MAX");
            if (const auto v = number("MAX_CHARGE_CURRENT"))
                out_.suggest("charge", "nominal_charge_current", formatNumber(*v),
                             "MAX_CHARGE_CURRENT had no effect (OWN_CHARGE_PARAMETERS = False): uncomment to cap the "
                             "bank's charge current there");
            if (const auto v = number("MAX_DISCHARGE_CURRENT"))
                out_.suggest("charge", "max_discharge_current", formatNumber(*v),
                             "MAX_DISCHARGE_CURRENT had no effect (OWN_CHARGE_PARAMETERS = False): uncomment to cap "
                             "the bank's discharge current there");
            for (const char* name :
                 {"BALANCING_VOLTAGE", "BALANCING_REPETITION", "CHARGE_VOLTAGE_LIST", "CHARGE_VOLTAGE", "MAX_CELL_VOLTAGE",
                  "MIN_CELL_VOLTAGE", "MIN_CELL_HYSTERESIS", "CELL_DIFF_MAX", "MAX_CHARGE_CURRENT", "MAX_DISCHARGE_CURRENT",
                  "CELL_CHARGE_LIMITING_VOLTAGE", "CELL_CHARGE_LIMITED_CURRENT", "CELL_DISCHARGE_LIMITING_VOLTAGE",
                  "CELL_DISCHARGE_LIMITED_CURRENT", "VOLTAGE_SET_PRECISION"})
                if (!explained_.count(name)) drop(name, noEffect);
            chargeVoltageLimit();
        }
    }

    void ownChargeParameters(double maxCell, const char* chemistry, const std::string& maxCellFrom)
    {
        const double minCell = number("MIN_CELL_VOLTAGE").value_or(kDefaultMinCell);
        if (!number("MAX_CELL_VOLTAGE") || !number("MIN_CELL_VOLTAGE"))
            out_.warn({0, "OWN_CHARGE_PARAMETERS",
                       "MAX_CELL_VOLTAGE or MIN_CELL_VOLTAGE not set: the cell limits in [cells] are "
                       "dbus-aggregate-batteries' LFP defaults (config.default.ini), as it used them; check them "
                       "against your cells"});
        const double balancing = number("BALANCING_VOLTAGE").value_or(kDefaultBalancing);
        if (chemistry) {
            out_.set("cells", "chemistry", chemistry,
                     fmt::format("OWN_CHARGE_PARAMETERS = True: our cell-voltage net on, for what "
                                 "dbus-aggregate-batteries computed from the cells; {} guessed from MAX_CELL_VOLTAGE "
                                 "{} V: check it. The keys below override its preset",
                                 chemistry, formatNumber(maxCell)));
        } else {
            out_.warn({0, "MAX_CELL_VOLTAGE",
                       fmt::format("{} V per cell is neither LFP nor LTO: our cell-voltage net (chemistry) stays off",
                                   formatNumber(maxCell))});
        }
        if (has("MAX_CELL_VOLTAGE")) label("MAX_CELL_VOLTAGE");
        out_.set("cells", "max_cell_voltage", formatNumber(maxCell),
                 maxCellFrom + ": above it (any pack's highest cell) the CVL is lowered by the overshoot, until every "
                               "cell is back below and the cells are within cell_diff_max" +
                     (chemistry ? "" : " (only with chemistry set)"));
        out_.set("cells", "cell_diff_max", formatNumber(number("CELL_DIFF_MAX").value_or(kDefaultCellDiff)),
                 labelOrDefault("CELL_DIFF_MAX", formatNumber(kDefaultCellDiff) + " V") +
                     ": the CVL is restored only once the bank's cells are this even");
        out_.set("cells", "dcl_hysteresis", formatNumber(number("MIN_CELL_HYSTERESIS").value_or(kDefaultHysteresis)),
                 labelOrDefault("MIN_CELL_HYSTERESIS", formatNumber(kDefaultHysteresis) + " V") +
                     ": the DCL rises again only once the lowest cell has recovered this much");
        const std::string minFrom = peek("MIN_CELL_VOLTAGE", formatNumber(kDefaultMinCell) + " V");
        const std::string balancingFrom = peek("BALANCING_VOLTAGE", formatNumber(kDefaultBalancing) + " V");
        writeTaper("ccl_taper", "CELL_CHARGE_LIMITING_VOLTAGE", "CELL_CHARGE_LIMITED_CURRENT",
                   {minCell, minCell + 0.05, balancing - 0.1, balancing, maxCell}, {0.2, 1, 1, 0.1, 0},
                   "from " + minFrom + ", " + balancingFrom + " and MAX_CELL_VOLTAGE as dbus-aggregate-batteries "
                   "computes it",
                   "fractions of nominal over the cell voltage; ours reads it over any pack's highest cell");
        // MIN_CELL_VOLTAGE: "If reached, discharge current is set to zero" (config.default.ini).
        if (has("MIN_CELL_VOLTAGE")) label("MIN_CELL_VOLTAGE");
        writeTaper("dcl_taper", "CELL_DISCHARGE_LIMITING_VOLTAGE", "CELL_DISCHARGE_LIMITED_CURRENT",
                   {minCell, minCell + 0.1, minCell + 0.2}, {0, 0.05, 1}, "from MIN_CELL_VOLTAGE as dbus-aggregate-batteries computes it",
                   "fractions of the DCL over any pack's lowest cell; 0 at or below " + minFrom +
                       ", its cell-empty protection",
                   minCell);
        out_.set("charge", "nominal_charge_current", formatNumber(number("MAX_CHARGE_CURRENT").value_or(kDefaultCurrent)),
                 labelOrDefault("MAX_CHARGE_CURRENT", formatNumber(kDefaultCurrent) + " A") +
                     ": the bank's charge current at normal conditions, before imbalance reductions; never above what "
                     "the online BMSes allow together");
        out_.set("charge", "max_discharge_current",
                 formatNumber(number("MAX_DISCHARGE_CURRENT").value_or(kDefaultCurrent)),
                 labelOrDefault("MAX_DISCHARGE_CURRENT", formatNumber(kDefaultCurrent) + " A") +
                     ": caps the discharge current; never above what the online BMSes allow together");

        const std::string notOffered = "not offered: the packs' BMSes decide their charge voltage and when to "
                                       "balance (absorption, float); ours never asks a pack for more than its own BMS, "
                                       "and cvl_mode = bank lets a pack that still absorbs finish";
        double highest = balancing;
        if (const auto* l = list("CHARGE_VOLTAGE_LIST")) highest = std::max(highest, *std::max_element(l->begin(), l->end()));
        if (const auto v = number("CHARGE_VOLTAGE")) highest = std::max(highest, *v);
        for (const char* name : {"BALANCING_VOLTAGE", "BALANCING_REPETITION", "CHARGE_VOLTAGE_LIST", "CHARGE_VOLTAGE"})
            drop(name, notOffered);
        if (cells_)
            out_.suggest("charge", "max_charge_voltage", formatNumber(highest * static_cast<double>(*cells_)),
                         fmt::format("the most dbus-aggregate-batteries ever asked: {} V per cell (BALANCING_VOLTAGE, "
                                     "CHARGE_VOLTAGE_LIST) x {} cells; uncomment to cap the BMSes' CVL there",
                                     formatNumber(highest), *cells_));
        drop("VOLTAGE_SET_PRECISION", "no equivalent: ours lowers the CVL by the exact overshoot of the cells above "
                                      "max_cell_voltage, and raises it again by [recovery] voltage_hold/voltage_ramp");
        for (const char* name : {"KEEP_MAX_CVL", "AGGREGATE_CHARGE_MODE"})
            drop(name, "no effect there with OWN_CHARGE_PARAMETERS = True; the CVL here is the BMSes' "
                       "(cvl_mode = bank, our default)");
    }

    // OWN_CHARGE_PARAMETERS = False: the CVL from the BMSes, by KEEP_MAX_CVL / AGGREGATE_CHARGE_MODE.
    void chargeVoltageLimit()
    {
        if (flag("AGGREGATE_CHARGE_MODE", false)) {
            out_.set("charge", "cvl_mode", "bank",
                     label("AGGREGATE_CHARGE_MODE") +
                         ": the same rule as our bank mode: the lowest CVL of the packs still in bulk or absorption, "
                         "the highest in float transition, the lowest of all once all float");
            drop("KEEP_MAX_CVL", "ignored there while AGGREGATE_CHARGE_MODE = True");
        } else if (flag("KEEP_MAX_CVL", false)) {
            std::string from = label("KEEP_MAX_CVL");
            if (has("AGGREGATE_CHARGE_MODE")) from += ", " + label("AGGREGATE_CHARGE_MODE");
            out_.set("charge", "cvl_mode", "bank",
                     from + ": the highest CVL is not offered: it overcharges the fullest pack. cvl_mode = bank is the "
                            "closest safe rule: a pack that is still charging keeps its voltage as long as the others' "
                            "cells allow it");
        } else {
            std::string from;
            for (const char* name : {"KEEP_MAX_CVL", "AGGREGATE_CHARGE_MODE"})
                if (has(name)) from += (from.empty() ? "" : ", ") + label(name);
            if (from.empty()) from = "KEEP_MAX_CVL and AGGREGATE_CHARGE_MODE not set (dbus-aggregate-batteries' defaults: False)";
            out_.set("charge", "cvl_mode", "min",
                     from + ": the lowest CVL of all packs, as dbus-aggregate-batteries sends it. Our default "
                            "cvl_mode = bank lets a pack that is still absorbing (balancing) finish before the bank "
                            "floats: consider it");
        }
    }

    void logging()
    {
        drop("SEND_CELL_VOLTAGES", "no equivalent: each pack's lowest and highest cell are published under "
                                   "/Batteries/<n>/ and shown by status; single cells are not republished");
        if (const Option* o = get("LOGGING")) {
            const std::string level = upperCase(trimmed(o->source->value));
            if (level == "0" || level == "1" || level == "2")
                drop("LOGGING", "settings.py's 0 (none), 1 (console), 2 (file): ours always logs to daemontools' log "
                                "(/var/log/dbus-battery-aggregator); its level stays info");
            else
                out_.set("logging", "level", lowerCase(level),
                         label("LOGGING") + ": the log level; it can also be changed at run time through /LogLevel");
        }
        drop("LOG_PERIOD", "not needed: every change of a limit is logged with its reason, and status shows the bank "
                           "at any time");
    }
};

}  // namespace

void importAggregateBatteries(const OldIni& ini, ImportWriter& out, std::vector<ImportProblem>& errors)
{
    AggregateBatteries(ini, out, errors).run();
}

}  // namespace bagg
