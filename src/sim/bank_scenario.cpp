#include "bank_scenario.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <set>
#include <sstream>

namespace bagg::sim {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxPacks = 16;

// Reads the keys of one JSON object into typed fields, each error prefixed with where it is;
// finish() reports every key that nobody asked for (a typo must not silently mean a default).
class ObjectReader {
public:
    ObjectReader(const json& object, std::string where, std::vector<std::string>& errors)
        : object_(object), where_(std::move(where)), errors_(errors)
    {
        if (!object_.is_object()) fail("", "must be an object");
    }
    ObjectReader(const ObjectReader&) = delete;
    ObjectReader& operator=(const ObjectReader&) = delete;

    void fail(const std::string& key, const std::string& message)
    {
        const std::string at = key.empty() ? where_ : where_.empty() ? key : where_ + "." + key;
        errors_.push_back(fmt::format("{}: {}", at.empty() ? "scenario" : at, message));
    }

    const json* find(const std::string& key)
    {
        used_.insert(key);
        if (!object_.is_object()) return nullptr;
        const auto it = object_.find(key);
        return it == object_.end() ? nullptr : &*it;
    }

    void number(const std::string& key, double& out)
    {
        if (const json* v = find(key)) {
            if (v->is_number()) out = v->get<double>();
            else fail(key, "must be a number");
        }
    }
    void integer(const std::string& key, int& out)
    {
        if (const json* v = find(key)) {
            if (v->is_number_integer()) out = v->get<int>();
            else fail(key, "must be a whole number");
        }
    }
    void text(const std::string& key, std::string& out)
    {
        if (const json* v = find(key)) {
            if (v->is_string()) out = v->get<std::string>();
            else fail(key, "must be a string");
        }
    }
    void boolean(const std::string& key, bool& out)
    {
        if (const json* v = find(key)) {
            if (v->is_boolean()) out = v->get<bool>();
            else fail(key, "must be true or false");
        }
    }
    // [[x, y], ...] in increasing x.
    void curve(const std::string& key, Curve& out)
    {
        const json* v = find(key);
        if (!v) return;
        if (!v->is_array()) return fail(key, "must be a list of [x, y] pairs");
        std::vector<Curve::Point> points;
        for (const auto& p : *v) {
            if (!p.is_array() || p.size() != 2 || !p[0].is_number() || !p[1].is_number())
                return fail(key, "must be a list of [x, y] pairs");
            points.emplace_back(p[0].get<double>(), p[1].get<double>());
        }
        try {
            out = Curve(std::move(points));
        } catch (const std::invalid_argument& e) {
            fail(key, e.what());
        }
    }

    void finish()
    {
        if (!object_.is_object()) return;
        for (const auto& [key, value] : object_.items())
            if (!used_.count(key)) fail(key, "unknown key");
    }

private:
    const json& object_;
    std::string where_;
    std::vector<std::string>& errors_;
    std::set<std::string> used_;
};

void readBms(const json& object, const std::string& where, BmsConfig& b, std::vector<std::string>& errors)
{
    ObjectReader r(object, where, errors);
    r.number("max_charge_current", b.maxChargeCurrent);
    r.number("max_discharge_current", b.maxDischargeCurrent);
    r.number("max_cell_voltage", b.maxCellVoltage);
    r.number("float_cell_voltage", b.floatCellVoltage);
    r.number("min_cell_voltage", b.minCellVoltage);
    r.number("cell_overvoltage", b.cellOvervoltage);
    r.number("cell_overvoltage_recovery", b.cellOvervoltageRecovery);
    r.number("cell_undervoltage", b.cellUndervoltage);
    r.number("cell_undervoltage_recovery", b.cellUndervoltageRecovery);
    r.curve("charge_cell_voltage_taper", b.chargeCellVoltageTaper);
    r.curve("charge_soc_taper", b.chargeSocTaper);
    r.curve("discharge_cell_voltage_taper", b.dischargeCellVoltageTaper);
    r.curve("discharge_soc_taper", b.dischargeSocTaper);
    r.number("linear_recalculation_every", b.recalculationEvery);
    r.number("linear_recalculation_on_perc_change", b.recalculationOnChangePercent);
    r.number("current_recovery_fraction", b.currentRecoveryFraction);
    r.number("max_voltage_time", b.maxVoltageTime);
    r.number("cell_diff_keep_max_voltage_until", b.cellDiffKeepMaxVoltageUntil);
    r.number("cell_diff_keep_max_voltage_time_restart", b.cellDiffTimeRestart);
    r.number("cell_diff_to_reset_voltage_limit", b.cellDiffToResetVoltageLimit);
    r.number("soc_level_to_reset_voltage_limit", b.socLevelToResetVoltageLimit);
    r.number("float_transition_rate", b.floatTransitionRate);
    r.number("tail_current", b.tailCurrent);
    r.boolean("cvl_cell_penalty", b.cvlCellPenalty);
    std::string block;
    r.text("block_at_full", block);
    if (block == "none") b.blockAtFull = BlockAtFull::None;
    else if (block == "flag") b.blockAtFull = BlockAtFull::Flag;
    else if (block == "fet") b.blockAtFull = BlockAtFull::Fet;
    else if (!block.empty()) r.fail("block_at_full", "must be \"none\", \"flag\" or \"fet\"");
    r.number("full_cell_voltage", b.fullCellVoltage);
    r.number("full_release_soc", b.fullReleaseSoc);
    r.number("full_release_cell_voltage", b.fullReleaseCellVoltage);
    r.number("balance_start_voltage", b.balanceStartVoltage);
    r.number("balance_trigger", b.balanceTrigger);
    r.number("balancer_current", b.balancerCurrent);
    r.number("poll_interval", b.pollInterval);
    r.boolean("charge_mode_suffix", b.chargeModeSuffix);
    r.finish();
}

PackSpec readPack(const json& object, const std::string& where, std::size_t index, std::vector<std::string>& errors)
{
    PackSpec s;
    s.name = fmt::format("Bank {}", index + 1);
    ObjectReader r(object, where, errors);
    r.text("name", s.name);
    r.integer("cells", s.cells);
    if (const json* ocv = r.find("ocv")) {
        if (ocv->is_string()) {
            s.cellOcv = namedCellOcv(ocv->get<std::string>());
            if (s.cellOcv.empty()) r.fail("ocv", "unknown curve '" + ocv->get<std::string>() + "' (lfp, lto)");
        } else {
            r.curve("ocv", s.cellOcv);
        }
    }
    r.number("capacity_ah", s.capacityAh);
    r.number("soh_percent", s.sohPercent);
    double milliohm = s.resistanceOhm * 1000.0, growth = 1.0;
    r.number("resistance_mohm", milliohm);
    r.number("resistance_growth", growth);
    if (!(growth >= 1.0)) r.fail("resistance_growth", "must be >= 1 (an aged pack's resistance only grows)");
    s.resistanceOhm = milliohm * growth / 1000.0;
    r.curve("resistance_soc_factor", s.resistanceFactor);
    r.number("soc", s.soc);
    r.number("cell_spread", s.cellSpread);
    r.number("temperature", s.temperature);
    r.number("current_offset", s.currentOffset);
    if (const json* bms = r.find("bms")) readBms(*bms, where + ".bms", s.bms, errors);
    r.finish();
    for (const auto& e : s.validate()) errors.push_back(fmt::format("{}: {}", where, e));
    return s;
}

void readCharger(const json& object, BankScenario& scenario, std::vector<std::string>& errors)
{
    ObjectReader r(object, "charger", errors);
    r.number("demand", scenario.charger.demand);
    r.number("load", scenario.charger.load);
    if (scenario.charger.demand < 0) r.fail("demand", "must be >= 0");
    if (scenario.charger.load < 0) r.fail("load", "must be >= 0");
    if (const json* profile = r.find("profile")) {
        if (!profile->is_array()) r.fail("profile", "must be a list of {\"at\", \"demand\", \"load\"} steps");
        else
            for (std::size_t i = 0; i < profile->size(); ++i) {
                ObjectReader step(profile->at(i), fmt::format("charger.profile[{}]", i), errors);
                ProfileStep p;
                step.number("at", p.at);
                if (p.at < 0) step.fail("at", "must be >= 0");
                auto current = [&step](const char* key, std::optional<double>& out) {
                    if (!step.find(key)) return;
                    double amps = 0.0;
                    step.number(key, amps);
                    if (amps < 0) step.fail(key, "must be >= 0");
                    out = amps;
                };
                current("demand", p.demand);
                current("load", p.load);
                step.finish();
                scenario.profile.push_back(p);
            }
    }
    r.finish();
}

}  // namespace

ScenarioLoad parseBankScenario(const std::string& text)
{
    ScenarioLoad out;
    json root;
    try {
        root = json::parse(text, nullptr, true, /*ignore_comments=*/true);
    } catch (const json::parse_error& e) {
        out.errors.push_back(fmt::format("not valid JSON: {}", e.what()));
        return out;
    }
    BankScenario scenario;
    ObjectReader r(root, "", out.errors);
    r.text("name", scenario.name);
    r.text("description", scenario.description);
    json defaults = json::object();
    if (const json* d = r.find("pack_defaults")) {
        if (d->is_object()) defaults = *d;
        else r.fail("pack_defaults", "must be an object");
    }
    const json* packs = r.find("packs");
    if (!packs || !packs->is_array() || packs->empty() || packs->size() > kMaxPacks) {
        r.fail("packs", fmt::format("must be a list of 1 to {} packs", kMaxPacks));
    } else {
        for (std::size_t i = 0; i < packs->size(); ++i) {
            const std::string where = fmt::format("packs[{}]", i);
            if (!packs->at(i).is_object()) {
                out.errors.push_back(where + ": must be an object");
                continue;
            }
            json merged = defaults;
            merged.merge_patch(packs->at(i));
            scenario.packs.push_back(readPack(merged, where, i, out.errors));
        }
    }
    if (const json* charger = r.find("charger")) readCharger(*charger, scenario, out.errors);
    r.finish();
    if (out.errors.empty()) out.scenario = std::move(scenario);
    return out;
}

ScenarioLoad loadBankScenario(const std::string& path)
{
    std::ifstream in(path);
    if (!in) return {std::nullopt, {fmt::format("cannot read {}", path)}};
    std::ostringstream text;
    text << in.rdbuf();
    auto out = parseBankScenario(text.str());
    for (auto& e : out.errors) e = path + ": " + e;
    return out;
}

}  // namespace bagg::sim
