#include "config_schema.h"
#include "ini_text.h"
#include "pack_sections.h"

#include "bagg/core/strict_number.h"

#include <fmt/format.h>

#include <cmath>
#include <optional>

namespace bagg {
namespace {

std::optional<double> toNumber(std::string_view text) { return parseStrictNumber(trim(text)); }

std::string rangeText(double lo, double hi, std::string_view unit)
{
    return fmt::format("{} to {}{}{}", formatNumber(lo), formatNumber(hi), unit.empty() ? "" : " ", unit);
}

std::string parseNumber(std::string_view value, double lo, double hi, std::string_view unit, double& out)
{
    const auto v = toNumber(value);
    if (!v) return notANumber(trim(value));
    if (*v < lo || *v > hi) return fmt::format("{} is out of range ({})", formatNumber(*v), rangeText(lo, hi, unit));
    out = *v;
    return {};
}

std::string printNumber(double v, std::string_view unit)
{
    return unit.empty() ? formatNumber(v) : fmt::format("{}  ; {}", formatNumber(v), unit);
}

// Accessors are generic lambdas `[](auto& c) -> auto& { return c.x; }` so that one accessor serves
// both the parser (mutable Config) and the printer (const Config).
template <typename Access>
KeySpec number(std::string_view section, std::string_view name, double lo, double hi, std::string_view unit, Access at)
{
    return {section, name,
            [=](std::string_view value, Config& c) { return parseNumber(value, lo, hi, unit, at(c)); },
            [=](const Config& c) { return printNumber(at(c), unit); }};
}

// Seconds in the file, a Duration in Config (as systemd's config_parse_sec and MPD's GetDuration):
// parsed once here, so no component converts seconds itself.
template <typename Access>
KeySpec duration(std::string_view section, std::string_view name, double lo, double hi, Access at)
{
    return {section, name,
            [=](std::string_view value, Config& c) -> std::string {
                double seconds = 0;
                auto err = parseNumber(value, lo, hi, "s", seconds);
                if (!err.empty()) return err;
                at(c) = std::chrono::duration_cast<Duration>(std::chrono::duration<double>(seconds));
                return {};
            },
            [=](const Config& c) { return printNumber(std::chrono::duration<double>(at(c)).count(), "s"); }};
}

// `none` ("auto", or "off" where absent means that) or a number.
template <typename Access>
KeySpec optionalNumber(std::string_view section, std::string_view name, double lo, double hi, std::string_view unit,
                       Access at, std::string_view none = "auto")
{
    const std::string word(none);
    return {section, name,
            [=](std::string_view value, Config& c) -> std::string {
                if (trim(value) == word) {
                    at(c).reset();
                    return {};
                }
                double v = 0;
                auto err = parseNumber(value, lo, hi, unit, v);
                // "... is not a number and not 'auto'"; a decimal comma needs no more than its fix.
                if (!err.empty()) return err.find("decimal comma") == std::string::npos ? err + " and not '" + word + "'" : err;
                at(c) = v;
                return {};
            },
            [=](const Config& c) { return at(c) ? printNumber(*at(c), unit) : word; }};
}

template <typename Enum, typename Access>
KeySpec choice(std::string_view section, std::string_view name, std::vector<std::pair<std::string_view, Enum>> names,
               Access at)
{
    return {section, name,
            [=](std::string_view value, Config& c) -> std::string {
                const std::string v = trim(value);
                std::string allowed;
                for (const auto& [text, e] : names) {
                    if (v == text) {
                        at(c) = e;
                        return {};
                    }
                    allowed += (allowed.empty() ? "" : ", ") + std::string(text);
                }
                return fmt::format("'{}' is not one of: {}", v, allowed);
            },
            [=](const Config& c) {
                for (const auto& [text, e] : names)
                    if (at(c) == e) return std::string(text);
                return std::string("?");
            }};
}

std::string joinList(const std::vector<std::string>& items)
{
    std::string out;
    for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
    return out;
}

template <typename Access>
KeySpec selectorList(std::string_view section, std::string_view name, Access at)
{
    return {section, name,
            [=](std::string_view value, Config& c) -> std::string {
                auto items = splitList(value);
                for (const auto& item : items) {
                    // "a,;b" would print as "a, ;b", where ';' starts a comment: refuse it outright.
                    if (item.find(';') != std::string::npos)
                        return fmt::format("'{}': ';' starts a comment and cannot be part of a name", item);
                    // "sim1" or "House shunt" would match no service ever: the pack stays excluded
                    // (or the monitor unchosen) without a word.
                    if (auto problem = selectorProblem(item); !problem.empty()) return problem;
                }
                at(c) = std::move(items);
                return {};
            },
            [=](const Config& c) { return joinList(at(c)); }, true};
}

template <typename Access>
KeySpec boolean(std::string_view section, std::string_view name, Access at)
{
    return {section, name,
            [=](std::string_view value, Config& c) -> std::string {
                const std::string v = trim(value);
                if (v == "true" || v == "yes" || v == "1") at(c) = true;
                else if (v == "false" || v == "no" || v == "0") at(c) = false;
                else return fmt::format("'{}' is not true or false", v);
                return {};
            },
            [=](const Config& c) { return std::string(at(c) ? "true" : "false"); }};
}

// "auto" or "3.30:1.0, 3.45:0.5, ...": cell volts ascending, each with a fraction 0 to 1 of nominal.
template <typename Access>
KeySpec taperTable(std::string_view section, std::string_view name, Access at)
{
    return {section, name,
            [=](std::string_view value, Config& c) -> std::string {
                if (trim(value) == "auto") {
                    at(c).reset();
                    return {};
                }
                std::vector<TaperPoint> table;
                for (const auto& item : splitList(value)) {
                    const auto colon = item.find(':');
                    const auto volts = colon == std::string::npos ? std::nullopt : toNumber(std::string_view(item).substr(0, colon));
                    const auto fraction = colon == std::string::npos ? std::nullopt : toNumber(std::string_view(item).substr(colon + 1));
                    if (!volts || !fraction)
                        return fmt::format("'{}' is not VOLTS:FRACTION (e.g. 3.45:0.5) and the list is not 'auto'", item);
                    if (*volts <= 0 || *volts > 10) return fmt::format("{} V is out of range (0 to 10 V)", formatNumber(*volts));
                    if (*fraction < 0 || *fraction > 1) return fmt::format("fraction {} is out of range (0 to 1)", formatNumber(*fraction));
                    if (!table.empty() && *volts <= table.back().volts)
                        return fmt::format("{} V after {} V: the cell voltages must rise", formatNumber(*volts), formatNumber(table.back().volts));
                    table.push_back({*volts, *fraction});
                }
                if (table.empty()) return "an empty table: give points or 'auto'";
                at(c) = table;
                return {};
            },
            [=](const Config& c) {
                if (!at(c)) return std::string("auto");
                std::vector<std::string> items;
                for (const auto& p : *at(c)) items.push_back(fmt::format("{}:{}", formatNumber(p.volts), formatNumber(p.fraction)));
                return joinList(items);
            },
            true};
}

std::string parseWhole(std::string_view value, double lo, double hi, int& out)
{
    double v = 0;
    auto err = parseNumber(value, lo, hi, "", v);
    if (!err.empty()) return err;
    if (v != std::floor(v)) return fmt::format("{} is not a whole number", formatNumber(v));
    out = static_cast<int>(v);
    return {};
}

template <typename Access>
KeySpec wholeNumber(std::string_view section, std::string_view name, double lo, double hi, Access at)
{
    return {section, name, [=](std::string_view value, Config& c) { return parseWhole(value, lo, hi, at(c)); },
            [=](const Config& c) { return std::to_string(at(c)); }};
}

template <typename Access>
KeySpec text(std::string_view section, std::string_view name, Access at)
{
    return {section, name,
            [=](std::string_view value, Config& c) -> std::string {
                at(c) = trim(value);
                return {};
            },
            [=](const Config& c) { return at(c); }};
}

KeySpec cellAlarms()
{
    return {"imbalance", "cell_alarms",
            [](std::string_view value, Config& c) -> std::string {
                std::vector<Alarm> alarms;
                for (const auto& item : splitList(value)) {
                    if (item == "none") continue;
                    Alarm a{};
                    if (!alarmFromName(item, a)) return fmt::format("'{}' is not a standard alarm name", item);
                    alarms.push_back(a);
                }
                c.aggregation.imbalance.cellAlarms = alarms;
                return {};
            },
            [](const Config& c) {
                std::vector<std::string> names;
                for (Alarm a : c.aggregation.imbalance.cellAlarms) names.emplace_back(alarmName(a));
                return names.empty() ? std::string("none") : joinList(names);
            },
            true};
}

KeySpec deviceInstance()
{
    return {"service", "device_instance",
            [](std::string_view value, Config& c) -> std::string {
                if (trim(value) == "auto") {
                    c.service.deviceInstance.reset();
                    return {};
                }
                int n = 0;
                auto err = parseWhole(value, 0, 999, n);
                if (!err.empty()) return err + (err.find("whole") == std::string::npos ? " and not 'auto'" : "");
                c.service.deviceInstance = n;
                return {};
            },
            [](const Config& c) {
                return c.service.deviceInstance ? std::to_string(*c.service.deviceInstance) : std::string("auto");
            }};
}

const std::vector<std::pair<std::string_view, BlockedPackPolicy>> kBlockedPolicies = {
    {"stop", BlockedPackPolicy::Stop}, {"exclude", BlockedPackPolicy::Exclude}};
const std::vector<std::pair<std::string_view, std::optional<BlockedPackPolicy>>> kBlockedPoliciesOrAuto = {
    {"auto", std::nullopt}, {"stop", BlockedPackPolicy::Stop}, {"exclude", BlockedPackPolicy::Exclude}};

std::vector<KeySpec> buildSchema()
{
    constexpr double kMaxAmps = 10000, kMaxVolts = 1000, kMaxAh = 1000000;
    return {
        deviceInstance(),
        wholeNumber("service", "preferred_instance", 0, 999, [](auto& c) -> auto& { return c.service.preferredInstance; }),
        boolean("service", "per_leaf_signals", [](auto& c) -> auto& { return c.service.perLeafSignals; }),
        duration("service", "settings_timeout", 1, 600, [](auto& c) -> auto& { return c.service.settingsTimeout; }),
        duration("service", "recompute_delay", 0, 0.1, [](auto& c) -> auto& { return c.service.recomputeDelay; }),
        duration("service", "watchdog_timeout", 2, 600, [](auto& c) -> auto& { return c.service.watchdogTimeout; }),
        duration("service", "pack_signal_interval", 0.5, 3600,
                 [](auto& c) -> auto& { return c.service.packSignalInterval; }),
        duration("service", "measurement_signal_interval", 0, 5,
                 [](auto& c) -> auto& { return c.service.measurementSignalInterval; }),
        text("service", "state_file", [](auto& c) -> auto& { return c.service.stateFile; }),

        selectorList("batteries", "exclude", [](auto& c) -> auto& { return c.batteries.exclude; }),
        selectorList("batteries", "include", [](auto& c) -> auto& { return c.batteries.include; }),
        wholeNumber("batteries", "expected_packs", 0, 64, [](auto& c) -> auto& { return c.aggregation.expectedPacks; }),
        duration("batteries", "reconnect_grace", 0, 3600, [](auto& c) -> auto& { return c.batteries.reconnectGrace; }),
        duration("batteries", "liveness_interval", 0.1, 3600, [](auto& c) -> auto& { return c.batteries.livenessInterval; }),
        duration("batteries", "liveness_timeout", 0.05, 60, [](auto& c) -> auto& { return c.batteries.livenessTimeout; }),

        selectorList("roles", "pack", [](auto& c) -> auto& { return c.batteries.roles.pack; }),
        selectorList("roles", "monitor", [](auto& c) -> auto& { return c.batteries.roles.monitor; }),
        selectorList("roles", "aggregate", [](auto& c) -> auto& { return c.batteries.roles.aggregate; }),

        choice<SocSource>("sources", "soc", {{"packs", SocSource::Packs}, {"monitor", SocSource::Monitor}, {"counter", SocSource::Counter}},
                          [](auto& c) -> auto& { return c.sources.soc; }),
        choice<CurrentSource>("sources", "current", {{"packs", CurrentSource::Packs}, {"monitor", CurrentSource::Monitor}, {"victron", CurrentSource::Victron}},
                              [](auto& c) -> auto& { return c.sources.current; }),
        selectorList("sources", "monitor", [](auto& c) -> auto& { return c.sources.monitor; }),
        choice<bool>("sources", "monitor_topology", {{"bank", false}, {"per_pack", true}},
                     [](auto& c) -> auto& { return c.sources.perPackMonitors; }),
        boolean("sources", "subtract_dc_loads", [](auto& c) -> auto& { return c.sources.subtractDcLoads; }),
        number("sources", "soc_disagreement", 0, 100, "%", [](auto& c) -> auto& { return c.sources.socDisagreement; }),
        duration("sources", "soc_disagreement_time", 0, 86400,
                 [](auto& c) -> auto& { return c.sources.socDisagreementTime; }),

        number("counter", "charge_efficiency", 0.5, 1, "", [](auto& c) -> auto& { return c.sources.counter.chargeEfficiency; }),
        optionalNumber("counter", "charged_voltage", 1, kMaxVolts, "V",
                       [](auto& c) -> auto& { return c.sources.counter.chargedVoltage; }),
        number("counter", "tail_current", 0, 100, "% of capacity",
               [](auto& c) -> auto& { return c.sources.counter.tailCurrentPercent; }),
        duration("counter", "charged_time", 0, 86400, [](auto& c) -> auto& { return c.sources.counter.chargedTime; }),
        optionalNumber("counter", "empty_cell_voltage", 0.5, 10, "V",
                       [](auto& c) -> auto& { return c.sources.counter.emptyCellVoltage; }, "off"),
        duration("counter", "empty_time", 0, 86400, [](auto& c) -> auto& { return c.sources.counter.emptyTime; }),
        number("counter", "save_step", 0.01, 10, "% of capacity",
               [](auto& c) -> auto& { return c.sources.counter.saveStepPercent; }),
        duration("counter", "restore_max_age", 0, 31536000, [](auto& c) -> auto& { return c.sources.counter.maxAge; }),
        number("counter", "restore_max_difference", 0, 100, "%",
               [](auto& c) -> auto& { return c.sources.counter.maxDifference; }),

        choice<SocMode>("aggregation", "soc_mode",
                        {{"min", SocMode::Min}, {"mean", SocMode::Mean}, {"weighted", SocMode::Weighted}},
                        [](auto& c) -> auto& { return c.aggregation.socMode; }),
        choice<TemperatureMode>("aggregation", "temperature_mode",
                                {{"mean", TemperatureMode::Mean}, {"max", TemperatureMode::Max}},
                                [](auto& c) -> auto& { return c.aggregation.temperatureMode; }),
        optionalNumber("aggregation", "installed_capacity", 1, kMaxAh, "Ah",
                       [](auto& c) -> auto& { return c.aggregation.installedCapacity; }),

        optionalNumber("charge", "max_charge_voltage", 1, kMaxVolts, "V",
                       [](auto& c) -> auto& { return c.aggregation.maxChargeVoltage; }),
        optionalNumber("charge", "nominal_charge_current", 0, kMaxAmps, "A",
                       [](auto& c) -> auto& { return c.aggregation.nominalChargeCurrent; }),
        optionalNumber("charge", "max_discharge_current", 0, kMaxAmps, "A",
                       [](auto& c) -> auto& { return c.aggregation.maxDischargeCurrent; }),
        optionalNumber("charge", "battery_low_voltage", 1, kMaxVolts, "V",
                       [](auto& c) -> auto& { return c.aggregation.batteryLowVoltage; }),
        choice<RatioMethod>("charge", "ratio_method", {{"count", RatioMethod::Count}, {"capacity", RatioMethod::Capacity}},
                            [](auto& c) -> auto& { return c.aggregation.ratioMethod; }),
        choice<BlockedPackPolicy>("charge", "blocked_pack", kBlockedPolicies,
                                  [](auto& c) -> auto& { return c.aggregation.blockedPack; }),
        choice<std::optional<BlockedPackPolicy>>("charge", "blocked_pack_charge", kBlockedPoliciesOrAuto,
                                                 [](auto& c) -> auto& { return c.aggregation.blockedCharge; }),
        choice<std::optional<BlockedPackPolicy>>("charge", "blocked_pack_discharge", kBlockedPoliciesOrAuto,
                                                 [](auto& c) -> auto& { return c.aggregation.blockedDischarge; }),
        choice<CvlMode>("charge", "cvl_mode", {{"bank", CvlMode::Bank}, {"min", CvlMode::Min}},
                        [](auto& c) -> auto& { return c.aggregation.cvlMode; }),
        boolean("charge", "current_feedback", [](auto& c) -> auto& { return c.aggregation.feedback.enabled; }),
        duration("charge", "current_share_smoothing", 0.01, 3600,
                 [](auto& c) -> auto& { return c.aggregation.feedback.smoothing; }),
        duration("charge", "overload_time", 0.01, 600, [](auto& c) -> auto& { return c.aggregation.feedback.overloadTime; }),

        duration("recovery", "current_hold", 0, 3600, [](auto& c) -> auto& { return c.aggregation.recovery.currentHold; }),
        number("recovery", "current_ramp", 0, 100, "% of nominal per s",
               [](auto& c) -> auto& { return c.aggregation.recovery.currentRampPercent; }),
        duration("recovery", "voltage_hold", 0, 3600, [](auto& c) -> auto& { return c.aggregation.recovery.voltageHold; }),
        number("recovery", "voltage_ramp", 0, 1000, "mV per cell per s",
               [](auto& c) -> auto& { return c.aggregation.recovery.voltageRampMillivolts; }),

        choice<CellsConfig::Chemistry>("cells", "chemistry",
                                       {{"none", CellsConfig::Chemistry::None}, {"lfp", CellsConfig::Chemistry::Lfp},
                                        {"lto", CellsConfig::Chemistry::Lto}},
                                       [](auto& c) -> auto& { return c.aggregation.cells.chemistry; }),
        optionalNumber("cells", "max_cell_voltage", 0.5, 10, "V", [](auto& c) -> auto& { return c.aggregation.cells.maxCellVoltage; }),
        optionalNumber("cells", "cell_diff_max", 0, 2, "V", [](auto& c) -> auto& { return c.aggregation.cells.cellDiffMax; }),
        taperTable("cells", "ccl_taper", [](auto& c) -> auto& { return c.aggregation.cells.cclTaper; }),
        taperTable("cells", "dcl_taper", [](auto& c) -> auto& { return c.aggregation.cells.dclTaper; }),
        optionalNumber("cells", "dcl_hysteresis", 0, 1, "V", [](auto& c) -> auto& { return c.aggregation.cells.dclHysteresis; }),

        number("imbalance", "reduce_threshold", 0, 100, "%", [](auto& c) -> auto& { return c.aggregation.imbalance.reduceThreshold; }),
        number("imbalance", "reduce_percent", 0, 100, "%", [](auto& c) -> auto& { return c.aggregation.imbalance.reducePercent; }),
        number("imbalance", "warning_threshold", 0, 100, "%", [](auto& c) -> auto& { return c.aggregation.imbalance.warningThreshold; }),
        number("imbalance", "warning_percent", 0, 100, "%", [](auto& c) -> auto& { return c.aggregation.imbalance.warningPercent; }),
        number("imbalance", "alarm_threshold", 0, 100, "%", [](auto& c) -> auto& { return c.aggregation.imbalance.alarmThreshold; }),
        optionalNumber("imbalance", "alarm_current", 0, kMaxAmps, "A",
                       [](auto& c) -> auto& { return c.aggregation.imbalance.alarmCurrent; }),
        number("imbalance", "hysteresis", 0, 20, "%", [](auto& c) -> auto& { return c.aggregation.imbalance.hysteresis; }),
        cellAlarms(),

        number("plausibility", "max_pack_voltage", 1, 2000, "V", [](auto& c) -> auto& { return c.aggregation.plausibility.maxPackVoltage; }),
        number("plausibility", "max_cell_voltage", 0.5, 10, "V", [](auto& c) -> auto& { return c.aggregation.plausibility.maxCellVoltage; }),
        number("plausibility", "min_temperature", -100, 0, "°C", [](auto& c) -> auto& { return c.aggregation.plausibility.minTemperature; }),
        number("plausibility", "max_temperature", 30, 300, "°C", [](auto& c) -> auto& { return c.aggregation.plausibility.maxTemperature; }),
        number("plausibility", "max_current", 1, 100000, "A", [](auto& c) -> auto& { return c.aggregation.plausibility.maxCurrent; }),
        number("plausibility", "max_capacity", 1, 10000000, "Ah", [](auto& c) -> auto& { return c.aggregation.plausibility.maxCapacity; }),
        number("plausibility", "max_count", 1, 100000, "", [](auto& c) -> auto& { return c.aggregation.plausibility.maxCount; }),

        choice<LogLevel>("logging", "level", {std::begin(kLogLevels), std::end(kLogLevels)},
                         [](auto& c) -> auto& { return c.logging.level; }),
    };
}

}  // namespace

const std::vector<KeySpec>& configSchema()
{
    static const std::vector<KeySpec> schema = buildSchema();
    return schema;
}

const std::vector<std::string_view>& configSections()
{
    static const std::vector<std::string_view> sections = {"service", "batteries", "roles", "sources", "counter", "aggregation", "charge",
                                                           "recovery", "cells", "imbalance", "plausibility", "logging"};
    return sections;
}

}  // namespace bagg
