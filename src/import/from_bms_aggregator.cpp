// bms-aggregator, the "Battery Aggregator for Victron Venus OS" (github.com/drurew/Battery-Aggregator,
// /service/bms-aggregator): /data/bms_aggregator/config.ini since v1.1.0. What each option does:
// its README (seed 000: imbalance table, "Configuration Options") and CONFIGURATION.md (seed 003:
// "Charge Current Limits", "Imbalance Thresholds", "Device Instance", "Battery Specifications",
// "Advanced Options"); the option names are those of its shipped config.ini, read with Python's
// configparser (option names in any case, section names exact).

#include "import/old_values.h"

#include <fmt/format.h>

#include <map>

namespace bagg {
namespace {

struct Number {
    double value = 0;
    std::string label;
    int line = 0;
};

class BmsAggregator {
public:
    BmsAggregator(const OldIni& ini, ImportWriter& out, std::vector<ImportProblem>& errors)
        : ini_(ini), out_(out), errors_(errors)
    {
    }

    void run()
    {
        for (const auto& o : ini_.options) read(o);
        if (!errors_.empty()) return;
        write();
    }

private:
    const OldIni& ini_;
    ImportWriter& out_;
    std::vector<ImportProblem>& errors_;
    std::map<std::string, Number> numbers_;  // "section/key" -> value
    std::vector<const OldIniOption*> services_;
    std::optional<long> instance_;
    std::string instanceLabel_;

    void error(const OldIniOption& o, std::string message)
    {
        errors_.push_back({o.line, fmt::format("[{}] {}", o.section, o.key), std::move(message)});
    }

    void read(const OldIniOption& o)
    {
        static const std::map<std::string, std::vector<std::string>> kNumbers = {
            {"Battery", {"capacity", "max_charge_voltage", "max_discharge_current", "battery_low_voltage"}},
            {"ChargeLimits", {"nominal_charge_current", "reduced_charge_current"}},
            {"ImbalanceThresholds", {"imbalance_ok_threshold", "imbalance_warning_threshold", "imbalance_alarm_threshold"}},
            {"Logging", {"update_interval"}},
        };
        const std::string key = lowerCase(o.key);
        const std::string label = optionLabel(o, true);
        if (auto it = kNumbers.find(o.section); it != kNumbers.end())
            for (const auto& k : it->second)
                if (k == key) {
                    const auto v = pythonFloat(o.value);
                    if (!v) return error(o, fmt::format("'{}' is not a number (bms-aggregator reads it with getfloat)", displayValue(o.value)));
                    numbers_[o.section + "/" + key] = {*v, label, o.line};
                    return;
                }
        if (o.section == "BMS" && (key == "bms1_service" || key == "bms2_service" || key == "bms3_service")) {
            services_.push_back(&o);
            return;
        }
        if (o.section == "BMS" && key == "device_instance") {
            instance_ = pythonInt(o.value);
            if (!instance_) return error(o, fmt::format("'{}' is not a whole number (bms-aggregator reads it with getint)", displayValue(o.value)));
            instanceLabel_ = label;
            return;
        }
        if (o.section == "Logging" && key == "debug") {
            const auto debug = configparserBool(o.value);
            if (!debug)
                return error(o, fmt::format("'{}' is not a boolean (true/false, yes/no, on/off, 1/0: configparser's getboolean)",
                                            displayValue(o.value)));
            out_.set("logging", "level", *debug ? "debug" : "info",
                     label + (*debug ? ": verbose logging. It can also be changed at run time through /LogLevel"
                                     : ": normal logging. It can also be changed at run time through /LogLevel"));
            return;
        }
        out_.drop(label + ": unknown option, ignored (not one of bms-aggregator's config.ini options)", o.line);
    }

    const Number* number(const std::string& section, const std::string& key) const
    {
        auto it = numbers_.find(section + "/" + key);
        return it == numbers_.end() ? nullptr : &it->second;
    }

    void write()
    {
        if (const auto* n = number("Battery", "capacity"))
            out_.set("aggregation", "installed_capacity", formatNumber(n->value),
                     n->label + ": the bank's Ah. bms-aggregator published it fixed as /Capacity; 'auto' (the sum "
                                "of the packs' /InstalledCapacity) is better once every BMS publishes its capacity");
        if (const auto* n = number("Battery", "max_charge_voltage"))
            out_.set("charge", "max_charge_voltage", formatNumber(n->value),
                     n->label + ": caps the bank's charge voltage limit (CVL). bms-aggregator published it as the CVL "
                                "whatever the BMSes asked; ours publishes the lower of it and the BMSes' own CVL, so a "
                                "BMS that lowers its CVL is obeyed (safer)");
        if (const auto* n = number("Battery", "max_discharge_current"))
            out_.set("charge", "max_discharge_current", formatNumber(n->value),
                     n->label + ": caps the discharge current limit (DCL). bms-aggregator published it fixed; ours never "
                                "exceeds what the online BMSes allow together (safer)");
        if (const auto* n = number("Battery", "battery_low_voltage"))
            out_.set("charge", "battery_low_voltage", formatNumber(n->value),
                     n->label + ": published when no pack publishes /Info/BatteryLowVoltage (else the highest of the packs')");

        const Number* nominal = number("ChargeLimits", "nominal_charge_current");
        if (nominal)
            out_.set("charge", "nominal_charge_current", formatNumber(nominal->value),
                     nominal->label + ": the charge current of a balanced bank, the base of the imbalance bands below. "
                                      "Ours never goes above what the online BMSes allow together (bms-aggregator "
                                      "ignored the BMSes' own CCL)");
        if (const auto* n = number("ChargeLimits", "reduced_charge_current")) {
            std::string why = n->label + ": the charge current in the alarm band (SOC spread above alarm_threshold), "
                                         "also forced by a pack's cell alarm at alarm level (cell_alarms). bms-aggregator "
                                         "forced it for any BMS cell flag; here a cell warning forces the warning band (66 %)";
            double value = n->value;
            if (nominal && value > nominal->value) {
                why += fmt::format(". It was above nominal_charge_current {} A, which ours refuses: capped at {} A",
                                   formatNumber(nominal->value), formatNumber(nominal->value));
                out_.warn({0, "[ChargeLimits] reduced_charge_current",
                           fmt::format("{} A is above nominal_charge_current {} A: alarm_current capped at {} A",
                                       formatNumber(value), formatNumber(nominal->value), formatNumber(nominal->value))});
                value = nominal->value;
            }
            out_.set("imbalance", "alarm_current", formatNumber(value), why);
        }
        if (const auto* n = number("ImbalanceThresholds", "imbalance_ok_threshold"))
            out_.set("imbalance", "reduce_threshold", formatNumber(n->value),
                     n->label + ": SOC spread (%-points between the fullest and the emptiest pack) above which the "
                                "charge current is reduce_percent = 85 % of nominal, as in bms-aggregator");
        if (const auto* n = number("ImbalanceThresholds", "imbalance_warning_threshold"))
            out_.set("imbalance", "warning_threshold", formatNumber(n->value),
                     n->label + ": spread above which /Alarms/CellImbalance is a warning and the charge current "
                                "warning_percent = 66 % of nominal, as in bms-aggregator");
        if (const auto* n = number("ImbalanceThresholds", "imbalance_alarm_threshold"))
            out_.set("imbalance", "alarm_threshold", formatNumber(n->value),
                     n->label + ": spread above which /Alarms/CellImbalance is an alarm and the charge current "
                                "alarm_current. Unlike bms-aggregator, a band is left only 2 %-points (hysteresis) "
                                "below its threshold, so the charge current does not flap at a threshold");
        if (const auto* n = number("Logging", "update_interval"))
            out_.drop(n->label + ": not needed: ours recomputes on every change the BMSes signal (at most once per "
                                 "recompute_delay, 1 ms), without polling every few seconds",
                      n->line);

        if (instance_) {
            out_.set("service", "preferred_instance", std::to_string(*instance_),
                     instanceLabel_ + fmt::format(": proposed to the GX settings service; if another battery already "
                                                  "has it, the next free one is granted (device_instance = {} would "
                                                  "force it). Select the aggregate again in the GX GUI, Settings > "
                                                  "System setup > Battery monitor",
                                                  *instance_));
        }
        writeServices();
    }

    void writeServices()
    {
        std::vector<std::string> names, labels;
        for (const auto* o : services_) {
            const std::string label = optionLabel(*o, true);
            out_.drop(label + ": not needed: every battery service that publishes charge limits is found as a pack "
                              "by itself, and a shunt is recognised as a monitor and never counted (bms-aggregator "
                              "read only the services named here)",
                      o->line);
            const std::string name = trimmed(o->value);
            if (name.empty()) continue;
            labels.push_back(fmt::format("[BMS] {} (line {})", o->key, o->line));
            if (listNameProblem(name).empty()) names.push_back(name);
        }
        if (labels.empty()) return;
        std::string from;
        for (const auto& l : labels) from += (from.empty() ? "" : ", ") + l;
        out_.set("batteries", "expected_packs", std::to_string(labels.size()),
                 fmt::format("{}: {} packs; fewer online raises /Alarms/BmsCable (bms-aggregator went on silently with "
                             "the ones it could read)",
                             from, labels.size()));
        if (names.empty()) return;
        std::string list;
        for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
        out_.suggest("batteries", "include", list,
                     "only if the bus has batteries that are not part of this bank: aggregate only the services "
                     "bms-aggregator read ([BMS] bms1_service ...)");
    }
};

}  // namespace

void importBmsAggregator(const OldIni& ini, ImportWriter& out, std::vector<ImportProblem>& errors)
{
    BmsAggregator(ini, out, errors).run();
}

}  // namespace bagg
