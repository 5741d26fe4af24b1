// BatteryAggregator (github.com/pulquero/BatteryAggregator): one JSON object in
// /data/setupOptions/BatteryAggregator/config.json. What each option does: its README (seed 001:
// "Configuration", "Charging parameters", "Logging"); serviceName, reconnectTimeout, classes and
// cvlMode "max_when_floating" appear only in its config-schema.json. Primary and auxiliary services
// are never aggregated there (battery_service.py). Consistent with README.md "Charge control:
// Coming from the older aggregators".

#include "import/old_values.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>

namespace bagg {
namespace {

using Json = nlohmann::ordered_json;

// The line of a top-level "key": in the source (first occurrence followed by ':'), 0 if not found.
int lineOfKey(std::string_view text, const std::string& key)
{
    const std::string quoted = "\"" + key + "\"";
    std::size_t pos = 0;
    while ((pos = text.find(quoted, pos)) != std::string_view::npos) {
        std::size_t after = pos + quoted.size();
        while (after < text.size() && (text[after] == ' ' || text[after] == '\t' || text[after] == '\r' || text[after] == '\n'))
            ++after;
        if (after < text.size() && text[after] == ':')
            return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(pos), '\n'));
        pos = after;
    }
    return 0;
}

std::string dump(const Json& v) { return v.dump(-1, ' ', false, nlohmann::detail::error_handler_t::replace); }

// A service and the D-Bus paths taken from it (empty: all of them).
struct ServicePaths {
    std::string service;
    std::vector<std::string> paths;
};

class BatteryAggregator {
public:
    BatteryAggregator(std::string_view text, ImportWriter& out, std::vector<ImportProblem>& errors)
        : text_(text), out_(out), errors_(errors)
    {
    }

    void run()
    {
        Json root;
        try {
            root = Json::parse(text_);
        } catch (const nlohmann::json::parse_error& e) {
            // "[json.exception.parse_error.101] parse error at line 3, column 5: ..." without the tag.
            std::string what = e.what();
            if (auto tag = what.find("] "); tag != std::string::npos) what = what.substr(tag + 2);
            const auto line = 1 + std::count(text_.begin(), text_.begin() + static_cast<std::ptrdiff_t>(std::min(e.byte, text_.size())), '\n');
            errors_.push_back({static_cast<int>(line), {}, "not valid JSON: " + what});
            return;
        }
        if (!root.is_object()) {
            errors_.push_back({1, {}, "JSON, but not an object: BatteryAggregator's config.json is one {...} object"});
            return;
        }
        for (const auto& [key, value] : root.items()) option(key, value);
    }

private:
    std::string_view text_;
    ImportWriter& out_;
    std::vector<ImportProblem>& errors_;
    std::string key_;  // the option being read
    int line_ = 0;

    std::string label(const Json& value) const
    {
        return fmt::format("\"{}\": {}{}", key_, displayValue(dump(value)), line_ ? fmt::format(" (line {})", line_) : "");
    }

    void error(std::string message) { errors_.push_back({line_, key_, std::move(message)}); }
    void drop(std::string why) { out_.drop(std::move(why), line_); }

    std::optional<std::vector<std::string>> names(const Json& v, const std::string& what)
    {
        if (!v.is_array()) {
            error(fmt::format("{} must be a list of service names, not {}", what, displayValue(dump(v))));
            return std::nullopt;
        }
        std::vector<std::string> out;
        for (const auto& item : v) {
            if (!item.is_string()) {
                error(fmt::format("{} must hold service names (strings), not {}", what, displayValue(dump(item))));
                return std::nullopt;
            }
            out.push_back(item.get<std::string>());
        }
        return out;
    }

    // A list of services (all paths), or an object service -> [paths] (an empty list: all paths).
    std::optional<std::vector<ServicePaths>> servicePaths(const Json& v)
    {
        std::vector<ServicePaths> out;
        if (v.is_array()) {
            auto list = names(v, "\"" + key_ + "\"");
            if (!list) return std::nullopt;
            for (auto& s : *list) out.push_back({std::move(s), {}});
            return out;
        }
        if (!v.is_object()) {
            error(fmt::format("must be a list of services or an object service -> [paths], not {}", displayValue(dump(v))));
            return std::nullopt;
        }
        for (const auto& [service, paths] : v.items()) {
            auto list = names(paths, fmt::format("the paths of {}", service));
            if (!list) return std::nullopt;
            out.push_back({service, std::move(*list)});
        }
        return out;
    }

    std::optional<std::string> text(const Json& v, std::initializer_list<const char*> allowed)
    {
        if (v.is_string()) {
            const std::string s = v.get<std::string>();
            if (allowed.size() == 0) return s;
            for (const char* a : allowed)
                if (s == a) return s;
        }
        std::string list;
        for (const char* a : allowed) list += fmt::format("{}\"{}\"", list.empty() ? "" : ", ", a);
        error(fmt::format("{} is not {}", displayValue(dump(v)), allowed.size() ? "one of " + list : "a string"));
        return std::nullopt;
    }

    void option(const std::string& key, const Json& value)
    {
        key_ = key;
        line_ = lineOfKey(text_, key);
        if (key == "excludedServices") return excluded(value);
        if (key == "primaryServices") return primary(value);
        if (key == "auxiliaryServices") return auxiliary(value);
        if (key == "capacity") return capacity(value);
        if (key == "virtualBatteries") return virtualBatteries(value);
        if (key == "currentRatioMethod") return ratioMethod(value);
        if (key == "cvlMode") return cvlMode(value);
        if (key == "logLevel") return logLevel(value);
        if (key == "serviceName") {
            if (!text(value, {})) return;
            return drop(label(value) + ": no equivalent: ours is always com.victronenergy.battery.aggregate; select "
                                            "it in the GX GUI, Settings > System setup > Battery monitor");
        }
        if (key == "reconnectTimeout") {
            if (!value.is_number()) return error(fmt::format("{} is not a number of seconds", displayValue(dump(value))));
            return out_.set("batteries", "reconnect_grace", formatNumber(value.get<double>()),
                            label(value) + ": a pack that is away is held this long (its SOC, current, alarms and "
                                           "CVL still count, never its CCL or DCL), then it is missing "
                                           "(/Alarms/BmsCable)");
        }
        if (key == "classes")
            return drop(label(value) + ": no equivalent: undocumented (config-schema.json only), ignored");
        drop(label(value) + ": unknown option, ignored (not in BatteryAggregator's README or config-schema.json)");
    }

    void excluded(const Json& value)
    {
        auto list = names(value, "\"excludedServices\"");
        if (!list) return;
        std::string joined;
        for (const auto& name : *list) {
            if (auto problem = listNameProblem(name); !problem.empty())
                return error(fmt::format("'{}' cannot be written in our exclude list: {}", displayValue(name), problem));
            joined += (joined.empty() ? "" : ", ") + name;
        }
        if (joined.empty())
            return drop(label(value) + ": an empty list, as our default (exclude nothing)");
        out_.set("batteries", "exclude", joined,
                 label(value) + ": battery services never read (service names or name:<CustomName>, as there). A "
                                "shunt needs no entry here: it is recognised as a monitor and never counted");
    }

    void primary(const Json& value)
    {
        auto services = servicePaths(value);
        if (!services) return;
        auto takes = [](const ServicePaths& s, const char* path) {
            return s.paths.empty() || std::find(s.paths.begin(), s.paths.end(), path) != s.paths.end();
        };
        const ServicePaths* socFrom = nullptr;
        const ServicePaths* currentFrom = nullptr;
        for (const auto& s : *services) {
            if (!socFrom && takes(s, "/Soc")) socFrom = &s;
            if (!currentFrom && takes(s, "/Dc/0/Current")) currentFrom = &s;
        }
        const std::string head = label(value);
        if (services->empty()) return drop(head + ": empty, as our default");
        const std::string role = " BatteryAggregator never aggregated a primary service; here its role is found by "
                                 "what it publishes: a shunt is a monitor, as wanted, while a BMS that publishes "
                                 "limits is a pack, and then no monitor matches and the packs' values are used "
                                 "(/Info/SocSource says why)";
        for (const auto* from : {socFrom, currentFrom})
            if (from && !listNameProblem(from->service).empty())
                return error(fmt::format("'{}' cannot be written as our [sources] monitor: {}", displayValue(from->service),
                                         listNameProblem(from->service)));
        if (socFrom) {
            out_.set("sources", "soc", "monitor",
                     fmt::format("{}: the SOC from {} (with /ConsumedAmphours, /TimeToGo and /Capacity); while it has "
                                 "none, its last SOC is held for reconnect_grace, then the packs' SOC is used.{}",
                                 head, socFrom->service, role));
            out_.set("sources", "monitor", socFrom->service, fmt::format("{}: the monitor {}", head, socFrom->service));
        }
        if (currentFrom && (!socFrom || currentFrom == socFrom)) {
            out_.set("sources", "current", "monitor",
                     fmt::format("{}: the bank current from {}; while it has none, the packs' sum at once.{}", head,
                                 currentFrom->service, socFrom ? "" : role));
            if (!socFrom)
                out_.set("sources", "monitor", currentFrom->service, fmt::format("{}: the monitor {}", head, currentFrom->service));
        } else if (currentFrom) {
            drop(fmt::format("{}: the current from {}: no equivalent: ours takes the current from one monitor "
                                  "only, the SOC's ({}), from the packs' sum or from the Victron devices "
                                  "(current = victron); it stays the packs' sum",
                                  head, currentFrom->service, socFrom->service));
        }
        for (const auto& s : *services) {
            std::vector<std::string> other;
            for (const auto& p : s.paths)
                if (p != "/Soc" && p != "/Dc/0/Current" && p != "/ConsumedAmphours" && p != "/TimeToGo" &&
                    p != "/Capacity" && p != "/InstalledCapacity")
                    other.push_back(p);
            const bool second = takes(s, "/Soc") && socFrom != &s;
            if (second)
                drop(fmt::format("{}: the SOC also from {}: ours takes the SOC from one monitor ({})", head,
                                      s.service, socFrom->service));
            if (s.paths.empty())
                drop(fmt::format("{}: all paths of {}: only the SOC and the current come from a monitor here; "
                                      "voltage, temperature, cells, alarms and every limit always come from the packs' "
                                      "BMSes (a shunt vouches for no limit: safer)",
                                      head, s.service));
            else if (!other.empty()) {
                std::string paths;
                for (const auto& p : other) paths += (paths.empty() ? "" : ", ") + p;
                drop(fmt::format("{}: {} of {}: no equivalent: voltage, temperature, cells, alarms and every "
                                      "limit always come from the packs' BMSes, no other service overrides them (safer)",
                                      head, paths, s.service));
            }
        }
    }

    void auxiliary(const Json& value)
    {
        auto services = servicePaths(value);
        if (!services) return;
        if (services->empty()) return drop(label(value) + ": empty, as our default");
        std::string list;
        for (const auto& s : *services) list += (list.empty() ? "" : ", ") + s.service;
        drop(label(value) + ": no equivalent: values pre-merged from other services (defaults for paths no pack "
                                 "publishes) are not taken; the aggregate publishes what the packs measure and what it "
                                 "computes. BatteryAggregator never aggregated these services (" +
                  list + "); here each is classified by what it publishes: a BMS with limits is a pack, anything else "
                         "is never counted");
    }

    void capacity(const Json& value)
    {
        if (!value.is_number()) return error(fmt::format("{} is not a number of Ah", displayValue(dump(value))));
        out_.set("aggregation", "installed_capacity", formatNumber(value.get<double>()),
                 label(value) + ": the bank's installed capacity in Ah, instead of the packs' sum");
    }

    void virtualBatteries(const Json& value)
    {
        if (!value.is_object())
            return error(fmt::format("must be an object virtual service -> its batteries, not {}", displayValue(dump(value))));
        if (value.empty()) return drop(label(value) + ": empty, as our default");
        for (const auto& [name, members] : value.items()) {
            auto services = servicePaths(members);
            if (!services) return;
            // The advanced form: a member that gives only the SOC (a shunt) for another that gives the rest.
            const ServicePaths* socOnly = nullptr;
            for (const auto& s : *services)
                if (s.paths.size() == 1 && s.paths.front() == "/Soc") socOnly = &s;
            const ServicePaths* bms = nullptr;
            for (const auto& s : *services)
                if (&s != socOnly && s.paths.empty()) bms = &s;
            if (!socOnly || !bms) {
                drop(fmt::format("{}: {}: not needed: ours aggregates the BMSes themselves; a shunt in series with "
                                 "one pack is recognised as a monitor and never counted, and the pack counts by its "
                                 "own BMS",
                                 label(value), name));
                continue;
            }
            // A BMS and its own shunt as one battery: that is a [pair] here (written by hand: which
            // service is which is the owner's to confirm).
            drop(fmt::format("{}: {}: the SOC of {} from its shunt {}. Here that is a pair, one pack everywhere: "
                             "add [pair \"{}\"] with pack = {}, monitor = {}, values = soc",
                             label(value), name, bms->service, socOnly->service, name, bms->service, socOnly->service));
        }
    }

    void ratioMethod(const Json& value)
    {
        const auto method = text(value, {"ir", "capacity", "count"});
        if (!method) return;
        const std::string feedback = " current_feedback stays true (our default): the bank is also limited by each "
                                     "pack's measured share of the current; set it false for the rule alone";
        if (*method == "ir") {
            out_.set("charge", "ratio_method", "capacity",
                     label(value) + ": internal resistances estimated from V and I; ours measures each pack's share of "
                                    "the current directly (current_feedback = true), on top of the capacity rule "
                                    "BatteryAggregator also uses until it has enough samples");
            out_.set("charge", "current_feedback", "true", label(value) + ": the measured shares");
        } else {
            out_.set("charge", "ratio_method", *method,
                     label(value) + (*method == "count" ? ": lowest pack limit x packs (equal packs)."
                                                        : ": lowest of pack limit x bank Ah / pack Ah (mixed sizes).") +
                         feedback);
        }
    }

    void cvlMode(const Json& value)
    {
        const auto mode = text(value, {"max_when_balancing", "min_when_balancing", "max_always", "max_when_floating", "dvcc"});
        if (!mode) return;
        if (*mode == "max_when_balancing")
            out_.set("charge", "cvl_mode", "bank",
                     label(value) + ": the packs still absorbing (balancing) keep their voltage, by their own "
                                    "/Info/ChargeMode, with the floating packs protected by their cells");
        else if (*mode == "min_when_balancing")
            out_.set("charge", "cvl_mode", "min", label(value) + ": always the lowest CVL of the packs");
        else if (*mode == "dvcc")
            drop(label(value) + ": not needed: systemcalc applies the GX's own DVCC maximum charge voltage "
                                     "(Settings > DVCC) on top of ours; the CVL here stays the BMSes' (cvl_mode = "
                                     "bank, our default)");
        else
            out_.set("charge", "cvl_mode", "bank",
                     label(value) + ": the highest CVL is not offered: it overcharges the fullest pack. cvl_mode = "
                                    "bank is the closest safe rule: a pack that is still charging keeps its voltage as "
                                    "long as the others' cells allow it");
    }

    void logLevel(const Json& value)
    {
        const auto level = text(value, {"NOTSET", "DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"});
        if (!level) return;
        const std::string ours = *level == "NOTSET" || *level == "DEBUG" ? "debug"
                                 : *level == "INFO"                       ? "info"
                                 : *level == "WARNING"                    ? "warning"
                                                                          : "error";
        out_.set("logging", "level", ours,
                 label(value) + (*level == "CRITICAL" ? ": error, our quietest level" : ": the log level") +
                     "; it can also be changed at run time through /LogLevel");
    }
};

}  // namespace

void importBatteryAggregator(std::string_view text, ImportWriter& out, std::vector<ImportProblem>& errors)
{
    BatteryAggregator(text, out, errors).run();
}

}  // namespace bagg
