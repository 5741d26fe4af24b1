// import-config: the older aggregators' configurations (tests/import/, from the seeds of each tool)
// into ours. Every output must load with our own loader, carry the expected keys, and name every
// option of the input in a comment.

#include "import/import_config.h"
#include "import/old_ini.h"
#include "import/old_values.h"

#include "bagg/config/config_loader.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

namespace bagg {
namespace {

std::string fixture(const std::string& name)
{
    std::ifstream in(std::string(BAGG_SOURCE_DIR) + "/tests/import/" + name);
    EXPECT_TRUE(in) << name;
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string describe(const std::vector<ImportProblem>& problems)
{
    std::string out;
    for (const auto& p : problems) out += p.describe("input") + "\n";
    return out;
}

struct Converted {
    ImportResult result;
    ConfigLoad load;
    const std::string& ini() const { return result.ini; }
    const Config& config() const { return load.config; }
};

// Converts and loads the result with our own loader: both must succeed.
Converted convert(const std::string& text, const std::string& name = "config")
{
    Converted c{importConfig(text, name), {}};
    EXPECT_TRUE(c.result.ok()) << describe(c.result.errors);
    c.load = parseConfig(c.result.ini, name + " converted");
    std::string errors;
    for (const auto& e : c.load.errors) errors += e.describe() + "\n";
    EXPECT_TRUE(c.load.ok()) << errors << c.result.ini;
    return c;
}

// The value of an active `key = value` line of [section] (comments and other sections skipped).
std::optional<std::string> valueOf(const std::string& ini, const std::string& section, const std::string& key)
{
    std::istringstream lines(ini);
    std::string line, current;
    while (std::getline(lines, line)) {
        if (line.empty() || line[0] == ';' || line[0] == '#') continue;
        if (line[0] == '[') {
            current = line.substr(1, line.find(']') - 1);
            continue;
        }
        if (current == section && line.rfind(key + " = ", 0) == 0) return line.substr(key.size() + 3);
    }
    return std::nullopt;
}

// Every comment of the output as one text, wrapped lines joined by single spaces.
std::string comments(const std::string& ini)
{
    std::istringstream lines(ini);
    std::string line, out;
    while (std::getline(lines, line)) {
        if (line.empty() || line[0] != ';') continue;
        const auto start = line.find_first_not_of("; ");
        if (start != std::string::npos) out += " " + line.substr(start);
    }
    return out;
}

bool commented(const std::string& ini, const std::string& text) { return comments(ini).find(text) != std::string::npos; }

// Every option of an INI input is named in a comment with its value and line, as the importer labels it.
void expectEveryIniOptionCommented(const std::string& input, const Converted& c, bool withSection)
{
    const OldIni old = readOldIni(input);
    ASSERT_FALSE(old.options.empty());
    for (const auto& o : old.options)
        EXPECT_TRUE(commented(c.ini(), optionLabel(o, withSection))) << optionLabel(o, withSection) << " not in\n" << c.ini();
}

void expectEveryJsonOptionCommented(const std::string& input, const Converted& c)
{
    const auto root = nlohmann::ordered_json::parse(input);
    for (const auto& [key, value] : root.items())
        EXPECT_TRUE(commented(c.ini(), "\"" + key + "\": ")) << key << " not in\n" << c.ini();
}

void expectHasAll(const std::string& input, const std::vector<std::string>& names)
{
    for (const auto& n : names) EXPECT_NE(input.find(n), std::string::npos) << "the fixture lacks " << n;
}

// ---- BatteryAggregator (pulquero): config.json, seed 001 ------------------------------------

TEST(ImportBatteryAggregator, ReadmeExampleExcludeAShunt)
{
    const std::string input = fixture("ba_readme_exclude_shunt.json");
    const auto c = convert(input);
    EXPECT_EQ(c.result.from, OldAggregator::BatteryAggregator);
    EXPECT_EQ(valueOf(c.ini(), "batteries", "exclude"), "com.victronenergy.battery.ttyS1");
    EXPECT_EQ(c.config().batteries.exclude, std::vector<std::string>{"com.victronenergy.battery.ttyS1"});
    EXPECT_TRUE(commented(c.ini(), "recognised as a monitor")) << c.ini();
    expectEveryJsonOptionCommented(input, c);
}

TEST(ImportBatteryAggregator, ReadmeExampleShuntSocTakesPrecedence)
{
    const std::string input = fixture("ba_readme_shunt_soc.json");
    const auto c = convert(input);
    EXPECT_EQ(valueOf(c.ini(), "sources", "soc"), "monitor");
    EXPECT_EQ(valueOf(c.ini(), "sources", "monitor"), "com.victronenergy.battery.ttyS5");
    EXPECT_EQ(valueOf(c.ini(), "sources", "current"), std::nullopt) << "only the SOC was taken from the shunt";
    EXPECT_EQ(c.config().sources.soc, SocSource::Monitor);
    EXPECT_EQ(c.config().sources.current, CurrentSource::Packs);
    expectEveryJsonOptionCommented(input, c);
}

TEST(ImportBatteryAggregator, ReadmeExampleTwoVirtualBatteriesNeedNothing)
{
    const std::string input = fixture("ba_readme_two_virtual_batteries.json");
    const auto c = convert(input);
    EXPECT_EQ(formatConfig(c.config()), formatConfig(Config{})) << "our defaults already aggregate the BMSes";
    EXPECT_TRUE(commented(c.ini(), "com.victronenergy.battery.virtual1: not needed")) << c.ini();
    EXPECT_TRUE(commented(c.ini(), "com.victronenergy.battery.virtual2: not needed")) << c.ini();
    expectEveryJsonOptionCommented(input, c);
}

// The README's snippets (seed 001, "Configuration", "Charging parameters", "Logging"), each as a file.
TEST(ImportBatteryAggregator, ReadmeSnippets)
{
    {
        const auto c = convert(R"({"primaryServices": {"com.victronenergy.battery.ttyS5": ["/Soc"], "com.victronenergy.battery.leastPrecedence": ["/Dc/0/Current"]}})");
        EXPECT_EQ(valueOf(c.ini(), "sources", "soc"), "monitor");
        EXPECT_EQ(valueOf(c.ini(), "sources", "monitor"), "com.victronenergy.battery.ttyS5");
        EXPECT_EQ(valueOf(c.ini(), "sources", "current"), std::nullopt) << "ours takes the current from one monitor";
        EXPECT_TRUE(commented(c.ini(), "the current from com.victronenergy.battery.leastPrecedence: no equivalent")) << c.ini();
    }
    for (const char* aux : {R"({"auxiliaryServices": ["com.victronenergy.battery.defaultMetadata", "com.victronenergy.battery.leastPrecedence"]})",
                            R"({"auxiliaryServices": {"com.victronenergy.battery.dev1": ["/Info/Location"]}})"}) {
        const auto c = convert(aux);
        EXPECT_EQ(formatConfig(c.config()), formatConfig(Config{}));
        EXPECT_TRUE(commented(c.ini(), "\"auxiliaryServices\": ")) << c.ini();
        EXPECT_TRUE(commented(c.ini(), "no equivalent")) << c.ini();
    }
    {
        const auto c = convert(R"({"capacity": 200})");
        EXPECT_EQ(valueOf(c.ini(), "aggregation", "installed_capacity"), "200");
        EXPECT_EQ(c.config().aggregation.installedCapacity, std::optional<double>(200));
    }
    {
        const auto c = convert(R"({"virtualBatteries": {
			"com.victronenergy.battery.virtual1": ["com.victronenergy.battery.ttyS2", "com.victronenergy.battery.leastPrecedence"]
		}})");
        EXPECT_EQ(formatConfig(c.config()), formatConfig(Config{}));
    }
    {
        // The advanced form: the SOC of a BMS taken from the shunt in series with it.
        const auto c = convert(R"({"virtualBatteries": {
			"com.victronenergy.battery.virtual1": {"com.victronenergy.battery.ttyS6": ["/Soc"], "com.victronenergy.battery.ttyUSB0": []},
			"com.victronenergy.battery.virtual2": {"com.victronenergy.battery.ttyS7": ["/Soc"], "com.victronenergy.battery.ttyUSB1": []}
		}})");
        EXPECT_EQ(formatConfig(c.config()), formatConfig(Config{}));
        // A BMS and its own shunt as one battery is a [pair] here: named in a comment, for the owner to add.
        EXPECT_NE(c.ini().find("Here that is a pair, one pack everywhere: add [pair"), std::string::npos) << c.ini();
        EXPECT_NE(c.ini().find("pack = com.victronenergy.battery.ttyUSB1, monitor"), std::string::npos) << c.ini();
    }
    {
        const auto c = convert(R"({"currentRatioMethod": "capacity"})");
        EXPECT_EQ(valueOf(c.ini(), "charge", "ratio_method"), "capacity");
        EXPECT_EQ(c.config().aggregation.ratioMethod, RatioMethod::Capacity);
    }
    {
        const auto c = convert(R"({"cvlMode": "min_when_balancing"})");
        EXPECT_EQ(valueOf(c.ini(), "charge", "cvl_mode"), "min");
        EXPECT_EQ(c.config().aggregation.cvlMode, CvlMode::Min);
    }
    {
        const auto c = convert(R"({"logLevel": "DEBUG"})");
        EXPECT_EQ(valueOf(c.ini(), "logging", "level"), "debug");
    }
}

// README.md "Charge control: Coming from the older aggregators" maps cvlMode and currentRatioMethod.
TEST(ImportBatteryAggregator, CvlModesAndRatioMethodsAsTheReadmeMapsThem)
{
    const std::vector<std::pair<std::string, std::optional<std::string>>> cvl = {
        {"max_when_balancing", "bank"}, {"min_when_balancing", "min"}, {"max_always", "bank"},
        {"max_when_floating", "bank"}, {"dvcc", std::nullopt}};
    for (const auto& [mode, ours] : cvl) {
        const auto c = convert(R"({"cvlMode": ")" + mode + "\"}");
        EXPECT_EQ(valueOf(c.ini(), "charge", "cvl_mode"), ours) << mode;
    }
    EXPECT_TRUE(commented(convert(R"({"cvlMode": "max_always"})").ini(), "overcharges the fullest pack"));
    EXPECT_TRUE(commented(convert(R"({"cvlMode": "dvcc"})").ini(), "DVCC maximum charge voltage"));
    const auto count = convert(R"({"currentRatioMethod": "count"})");
    EXPECT_EQ(valueOf(count.ini(), "charge", "ratio_method"), "count");
    EXPECT_EQ(valueOf(count.ini(), "charge", "current_feedback"), std::nullopt);
    const auto ir = convert(R"({"currentRatioMethod": "ir"})");
    EXPECT_EQ(valueOf(ir.ini(), "charge", "ratio_method"), "capacity");
    EXPECT_EQ(valueOf(ir.ini(), "charge", "current_feedback"), "true");
}

TEST(ImportBatteryAggregator, EveryOption)
{
    const std::string input = fixture("ba_every_option.json");
    // Seed 001 and config-schema.json.
    expectHasAll(input, {"\"excludedServices\"", "\"primaryServices\"", "\"auxiliaryServices\"", "\"capacity\"",
                         "\"virtualBatteries\"", "\"currentRatioMethod\"", "\"cvlMode\"", "\"logLevel\"",
                         "\"serviceName\"", "\"reconnectTimeout\"", "\"classes\""});
    const auto c = convert(input, "config.json");
    EXPECT_EQ(valueOf(c.ini(), "batteries", "exclude"), "com.victronenergy.battery.ttyS9, name:Spare pack");
    EXPECT_EQ(valueOf(c.ini(), "batteries", "reconnect_grace"), "45");
    EXPECT_EQ(valueOf(c.ini(), "sources", "soc"), "monitor");
    EXPECT_EQ(valueOf(c.ini(), "sources", "current"), "monitor");
    EXPECT_EQ(valueOf(c.ini(), "sources", "monitor"), "com.victronenergy.battery.ttyS5");
    EXPECT_EQ(valueOf(c.ini(), "aggregation", "installed_capacity"), "560");
    EXPECT_EQ(valueOf(c.ini(), "charge", "ratio_method"), "capacity");
    EXPECT_EQ(valueOf(c.ini(), "charge", "cvl_mode"), "min");
    EXPECT_EQ(valueOf(c.ini(), "logging", "level"), "warning");
    EXPECT_EQ(c.config().logging.level, LogLevel::Warning);
    EXPECT_EQ(c.config().batteries.reconnectGrace, std::chrono::seconds(45));
    EXPECT_TRUE(commented(c.ini(), "/Dc/0/Voltage of com.victronenergy.battery.ttyS5: no equivalent")) << c.ini();
    EXPECT_TRUE(commented(c.ini(), "\"serviceName\": \"com.victronenergy.battery.aggregator\" (line 12): no equivalent"));
    EXPECT_TRUE(c.result.warnings.empty()) << describe(c.result.warnings);
    expectEveryJsonOptionCommented(input, c);
}

TEST(ImportBatteryAggregator, UnknownOptionIsCommented)
{
    const auto c = convert("{\n  \"capacity\": 100,\n  \"turbo\": true\n}\n");
    EXPECT_TRUE(commented(c.ini(), "\"turbo\": true (line 3): unknown option, ignored")) << c.ini();
}

// ---- bms-aggregator (drurew): config.ini, seeds 000 and 003 --------------------------------

TEST(ImportBmsAggregator, GuideOldThresholds)
{
    const std::string input = fixture("bms_guide_v100_thresholds.ini");
    const auto c = convert(input);
    EXPECT_EQ(c.result.from, OldAggregator::BmsAggregator);
    EXPECT_EQ(valueOf(c.ini(), "imbalance", "warning_threshold"), "10");
    EXPECT_EQ(valueOf(c.ini(), "imbalance", "alarm_threshold"), "15");
    EXPECT_EQ(c.config().aggregation.imbalance.warningThreshold, 10);
    EXPECT_EQ(c.config().aggregation.imbalance.alarmThreshold, 15);
    expectEveryIniOptionCommented(input, c, true);
}

TEST(ImportBmsAggregator, GuideConfiguration1)
{
    const std::string input = fixture("bms_guide_configuration1.ini");
    const auto c = convert(input);
    EXPECT_EQ(valueOf(c.ini(), "aggregation", "installed_capacity"), "300");
    EXPECT_EQ(valueOf(c.ini(), "charge", "max_charge_voltage"), "14.2");
    EXPECT_EQ(valueOf(c.ini(), "charge", "nominal_charge_current"), "100");
    EXPECT_EQ(valueOf(c.ini(), "imbalance", "alarm_current"), "50");
    EXPECT_EQ(valueOf(c.ini(), "batteries", "expected_packs"), "2");
    EXPECT_EQ(valueOf(c.ini(), "service", "preferred_instance"), "280");
    EXPECT_EQ(valueOf(c.ini(), "service", "device_instance"), std::nullopt) << "auto: the settings service grants it";
    EXPECT_EQ(c.config().aggregation.maxChargeVoltage, std::optional<double>(14.2));
    expectEveryIniOptionCommented(input, c, true);
}

TEST(ImportBmsAggregator, EveryOption)
{
    const std::string input = fixture("bms_every_option.ini");
    expectHasAll(input, {"capacity =", "max_charge_voltage =", "max_discharge_current =", "battery_low_voltage =",
                         "nominal_charge_current =", "reduced_charge_current =", "imbalance_ok_threshold =",
                         "imbalance_warning_threshold =", "imbalance_alarm_threshold =", "bms1_service =",
                         "bms2_service =", "bms3_service =", "device_instance =", "update_interval =", "debug ="});
    const auto c = convert(input, "config.ini");
    EXPECT_EQ(valueOf(c.ini(), "charge", "max_charge_voltage"), "56.4");
    EXPECT_EQ(c.config().aggregation.maxChargeVoltage, std::optional<double>(56.4));
    EXPECT_EQ(valueOf(c.ini(), "aggregation", "installed_capacity"), "840");
    EXPECT_EQ(valueOf(c.ini(), "charge", "max_discharge_current"), "300");
    EXPECT_EQ(valueOf(c.ini(), "charge", "battery_low_voltage"), "46");
    EXPECT_EQ(valueOf(c.ini(), "charge", "nominal_charge_current"), "240");
    EXPECT_EQ(valueOf(c.ini(), "imbalance", "alarm_current"), "80");
    EXPECT_EQ(valueOf(c.ini(), "imbalance", "reduce_threshold"), "8");
    EXPECT_EQ(valueOf(c.ini(), "imbalance", "warning_threshold"), "15");
    EXPECT_EQ(valueOf(c.ini(), "imbalance", "alarm_threshold"), "20");
    EXPECT_EQ(valueOf(c.ini(), "batteries", "expected_packs"), "3");
    EXPECT_EQ(valueOf(c.ini(), "service", "preferred_instance"), "280");
    EXPECT_EQ(valueOf(c.ini(), "logging", "level"), "debug");
    EXPECT_EQ(valueOf(c.ini(), "batteries", "include"), std::nullopt) << "only suggested";
    EXPECT_NE(c.ini().find(";include = com.victronenergy.battery.socketcan_can0_di512_uc1234, "), std::string::npos);
    EXPECT_TRUE(commented(c.ini(), "[Logging] update_interval = 2.0 (line 27): not needed")) << c.ini();
    EXPECT_TRUE(c.result.warnings.empty()) << describe(c.result.warnings);
    expectEveryIniOptionCommented(input, c, true);
}

TEST(ImportBmsAggregator, ReducedCurrentAboveNominalIsCappedWithAWarning)
{
    const auto c = convert("[ChargeLimits]\nnominal_charge_current = 100\nreduced_charge_current = 150\n");
    EXPECT_EQ(valueOf(c.ini(), "imbalance", "alarm_current"), "100");
    ASSERT_EQ(c.result.warnings.size(), 1u);
    EXPECT_NE(c.result.warnings[0].message.find("capped at 100 A"), std::string::npos);
}

TEST(ImportBmsAggregator, ThresholdsOursRefusesAreLeftOutAndTheRestLoads)
{
    // Fine for bms-aggregator's if/elif chain, out of order for ours.
    const auto c = convert("[ImbalanceThresholds]\nimbalance_ok_threshold = 5\nimbalance_warning_threshold = 25\n"
                           "imbalance_alarm_threshold = 20\n");
    EXPECT_FALSE(c.result.warnings.empty());
    EXPECT_NE(c.ini().find(";alarm_threshold = 20"), std::string::npos) << c.ini();
    EXPECT_TRUE(commented(c.ini(), "thresholds out of order")) << c.ini();
    EXPECT_LT(c.config().aggregation.imbalance.warningThreshold, c.config().aggregation.imbalance.alarmThreshold);
}

TEST(ImportBmsAggregator, UnknownOptionIsCommented)
{
    const auto c = convert("[Battery]\ncapacity = 100\nchemistry = lfp\n[Extra]\nx = 1\n");
    EXPECT_TRUE(commented(c.ini(), "[Battery] chemistry = lfp (line 3): unknown option, ignored")) << c.ini();
    EXPECT_TRUE(commented(c.ini(), "[Extra] x = 1 (line 5): unknown option, ignored")) << c.ini();
}

// ---- dbus-aggregate-batteries: config.ini, seeds 002 and 004 -------------------------------

TEST(ImportAggregateBatteries, ReadmeOptions)
{
    const std::string input = fixture("dab_readme_002.ini");
    const auto c = convert(input);
    EXPECT_EQ(c.result.from, OldAggregator::AggregateBatteries);
    EXPECT_EQ(valueOf(c.ini(), "sources", "soc"), "counter");
    // OWN_CHARGE_PARAMETERS = False: the BMSes' limits; KEEP_MAX_CVL left at its default False: the lowest CVL.
    EXPECT_EQ(valueOf(c.ini(), "charge", "cvl_mode"), "min");
    EXPECT_TRUE(commented(c.ini(), "OWN_CHARGE_PARAMETERS = False (line 3): the BMSes' limits, merged")) << c.ini();
    expectEveryIniOptionCommented(input, c, false);
}

TEST(ImportAggregateBatteries, OlderReadmeOptions)
{
    const std::string input = fixture("dab_readme_004.ini");
    const auto c = convert(input);
    EXPECT_EQ(valueOf(c.ini(), "sources", "current"), "victron");
    EXPECT_EQ(valueOf(c.ini(), "sources", "subtract_dc_loads"), "true");
    EXPECT_EQ(valueOf(c.ini(), "sources", "soc"), "counter");
    EXPECT_EQ(valueOf(c.ini(), "cells", "chemistry"), "lfp");
    EXPECT_EQ(valueOf(c.ini(), "cells", "max_cell_voltage"), "3.45") << "config.default.ini's value, as it used it";
    EXPECT_TRUE(commented(c.ini(), "INVERT_SMARTSHUNT = True (line 5): no equivalent")) << c.ini();
    ASSERT_EQ(c.result.warnings.size(), 1u) << describe(c.result.warnings);
    EXPECT_NE(c.result.warnings[0].message.find("LFP defaults"), std::string::npos);
    expectEveryIniOptionCommented(input, c, false);
}

TEST(ImportAggregateBatteries, EveryOption)
{
    const std::string input = fixture("dab_every_option.ini");
    // config.default.ini's options, and the settings.py names of seed 004.
    expectHasAll(input, {"NR_OF_BATTERIES", "NR_OF_CELLS_PER_BATTERY", "NR_OF_MPPTS", "BATTERY_SERVICE_NAME",
                         "DCLOAD_SERVICE_NAME", "BATTERY_PRODUCT_NAME_PATH", "BATTERY_PRODUCT_NAME =",
                         "BATTERY_INSTANCE_NAME_PATH", "MULTI_KEYWORD", "MPPT_KEYWORD", "SMARTSHUNT_NAME_KEYWORD",
                         "SMARTSHUNT_INSTANCE_NAME_PATH", "SEARCH_TRIALS", "READ_TRIALS",
                         "UPDATE_INTERVAL_FIND_DEVICES", "UPDATE_INTERVAL_DATA", "TIME_BEFORE_RESTART",
                         "CURRENT_FROM_VICTRON", "USE_SMARTSHUNTS", "INVERT_SMARTSHUNTS", "IGNORE_SMARTSHUNT_ABSENCE",
                         "OWN_SOC =", "ZERO_SOC", "MAX_CELL_VOLTAGE_SOC_FULL", "MIN_CELL_VOLTAGE_SOC_EMPTY",
                         "OWN_SOC_FULL_VOLTAGE", "OWN_SOC_FULL_CELL_MEDIAN_VOLTAGE", "CHARGE_SAVE_PRECISION",
                         "OWN_CHARGE_PARAMETERS", "BALANCING_VOLTAGE", "BALANCING_REPETITION", "CHARGE_VOLTAGE_LIST",
                         "MAX_CELL_VOLTAGE =", "MIN_CELL_VOLTAGE =", "MIN_CELL_HYSTERESIS", "CELL_DIFF_MAX",
                         "BATTERY_EFFICIENCY", "MAX_CHARGE_CURRENT", "MAX_DISCHARGE_CURRENT",
                         "CELL_CHARGE_LIMITING_VOLTAGE", "CELL_CHARGE_LIMITED_CURRENT",
                         "CELL_DISCHARGE_LIMITING_VOLTAGE", "CELL_DISCHARGE_LIMITED_CURRENT", "AGGREGATE_CHARGE_MODE",
                         "KEEP_MAX_CVL", "SEND_CELL_VOLTAGES", "LOGGING", "LOG_PERIOD", "BATTERY_KEY_WORD",
                         "BATTERY_NAME_KEY_WORD", "MULTI_KEY_WORD", "MPPT_KEY_WORD", "DC_LOADS", "INVERT_SMARTSHUNT =",
                         "CHARGE_VOLTAGE =", "VOLTAGE_SET_PRECISION"});
    const auto c = convert(input, "config.ini");
    EXPECT_EQ(valueOf(c.ini(), "batteries", "expected_packs"), "3");
    EXPECT_EQ(valueOf(c.ini(), "sources", "current"), "victron");
    EXPECT_EQ(valueOf(c.ini(), "sources", "subtract_dc_loads"), "true");
    EXPECT_EQ(valueOf(c.ini(), "sources", "soc"), "counter");
    EXPECT_EQ(valueOf(c.ini(), "counter", "charge_efficiency"), "0.97");
    EXPECT_EQ(valueOf(c.ini(), "counter", "save_step"), "0.25");
    EXPECT_EQ(valueOf(c.ini(), "counter", "empty_cell_voltage"), "2.9");
    EXPECT_EQ(valueOf(c.ini(), "counter", "charged_voltage"), "55.2");
    EXPECT_EQ(valueOf(c.ini(), "charge", "nominal_charge_current"), "150");
    EXPECT_EQ(valueOf(c.ini(), "charge", "max_discharge_current"), "200");
    EXPECT_EQ(valueOf(c.ini(), "charge", "cvl_mode"), std::nullopt) << "OWN_CHARGE_PARAMETERS: our default bank";
    EXPECT_NE(c.ini().find(";max_charge_voltage = 55.2\n"), std::string::npos) << "3.45 V x 16 cells, suggested";
    EXPECT_EQ(valueOf(c.ini(), "cells", "chemistry"), "lfp");
    EXPECT_EQ(valueOf(c.ini(), "cells", "max_cell_voltage"), "3.5");
    EXPECT_EQ(valueOf(c.ini(), "cells", "cell_diff_max"), "0.025");
    EXPECT_EQ(valueOf(c.ini(), "cells", "dcl_hysteresis"), "0.1");
    EXPECT_EQ(valueOf(c.ini(), "cells", "ccl_taper"), "2.9:0.2, 2.95:1, 3.35:1, 3.45:0.1, 3.5:0");
    EXPECT_EQ(valueOf(c.ini(), "cells", "dcl_taper"), "2.9:0, 3:0.05, 3.1:1");
    EXPECT_EQ(valueOf(c.ini(), "logging", "level"), "info");
    EXPECT_EQ(c.config().sources.counter.chargeEfficiency, 0.97);
    EXPECT_EQ(c.config().aggregation.cells.chemistry, CellsConfig::Chemistry::Lfp);
    EXPECT_TRUE(c.result.warnings.empty()) << describe(c.result.warnings);
    // The multi-line list with its ';' comments was read whole.
    EXPECT_TRUE(commented(c.ini(), "CHARGE_VOLTAGE_LIST = 3.45, 3.40, 3.40, 3.35")) << c.ini();
    EXPECT_TRUE(commented(c.ini(), "KEEP_MAX_CVL = False (line 65): no effect there with OWN_CHARGE_PARAMETERS = True"));
    expectEveryIniOptionCommented(input, c, false);
}

TEST(ImportAggregateBatteries, BmsLimitsWithKeepMaxCvl)
{
    const std::string input = fixture("dab_bms_limits.ini");
    const auto c = convert(input);
    EXPECT_EQ(valueOf(c.ini(), "charge", "cvl_mode"), "bank") << "README: KEEP_MAX_CVL is not offered, bank is";
    EXPECT_TRUE(commented(c.ini(), "overcharges the fullest pack"));
    EXPECT_EQ(valueOf(c.ini(), "sources", "current"), "packs");
    EXPECT_EQ(valueOf(c.ini(), "sources", "subtract_dc_loads"), std::nullopt) << "no effect without CURRENT_FROM_VICTRON";
    EXPECT_EQ(valueOf(c.ini(), "counter", "empty_cell_voltage"), "2.95");
    EXPECT_EQ(valueOf(c.ini(), "cells", "chemistry"), std::nullopt) << "the cell net had no effect there: suggested only";
    EXPECT_NE(c.ini().find(";chemistry = lfp\n"), std::string::npos);
    EXPECT_NE(c.ini().find(";nominal_charge_current = 120\n"), std::string::npos);
    EXPECT_NE(c.ini().find(";charged_voltage = 55.2\n"), std::string::npos);
    expectEveryIniOptionCommented(input, c, false);
}

TEST(ImportAggregateBatteries, ItsDefaultsCountForOptionsLeftOut)
{
    const auto c = convert("[DEFAULT]\nNR_OF_BATTERIES = 2\nNR_OF_CELLS_PER_BATTERY = 16\n");
    EXPECT_EQ(valueOf(c.ini(), "batteries", "expected_packs"), "2");
    // Its own SOC off: the capacity-weighted mean; KEEP_MAX_CVL off: the lowest CVL.
    EXPECT_EQ(valueOf(c.ini(), "aggregation", "soc_mode"), "weighted");
    EXPECT_EQ(valueOf(c.ini(), "charge", "cvl_mode"), "min");
    EXPECT_TRUE(commented(c.ini(), "OWN_SOC not set (dbus-aggregate-batteries' default: False)")) << c.ini();
}

TEST(ImportAggregateBatteries, AggregateChargeModeIsOurBankMode)
{
    const auto c = convert("[DEFAULT]\nAGGREGATE_CHARGE_MODE = True\nKEEP_MAX_CVL = True\n");
    EXPECT_EQ(valueOf(c.ini(), "charge", "cvl_mode"), "bank");
    EXPECT_TRUE(commented(c.ini(), "KEEP_MAX_CVL = True (line 3): ignored there while AGGREGATE_CHARGE_MODE = True"));
}

TEST(ImportAggregateBatteries, MinCellVoltageKeepsTheDclAtZeroBelowIt)
{
    const auto c = convert("[DEFAULT]\nOWN_CHARGE_PARAMETERS = True\nMAX_CELL_VOLTAGE = 3.5\nMIN_CELL_VOLTAGE = 3.0\n"
                           "CELL_DISCHARGE_LIMITING_VOLTAGE = 2.9, 3.1, 3.2\nCELL_DISCHARGE_LIMITED_CURRENT = 0.1, 0.5, 1\n");
    EXPECT_EQ(valueOf(c.ini(), "cells", "dcl_taper"), "3:0, 3.1:0.5, 3.2:1");
}

TEST(ImportAggregateBatteries, UnknownOptionIsCommented)
{
    const auto c = convert("[DEFAULT]\nOWN_SOC = False\nTURBO = 1\n");
    EXPECT_TRUE(commented(c.ini(), "TURBO = 1 (line 3): unknown option, ignored")) << c.ini();
}

// ---- What cannot be converted: exit status 2 with file and line ------------------------------

ImportProblem onlyError(const std::string& text)
{
    const auto r = importConfig(text, "old.conf");
    EXPECT_FALSE(r.ok());
    EXPECT_TRUE(r.ini.empty());
    EXPECT_EQ(r.errors.size(), 1u) << describe(r.errors);
    return r.errors.empty() ? ImportProblem{} : r.errors.front();
}

TEST(ImportErrors, NeitherJsonNorIni)
{
    const auto e = onlyError("hello world\n");
    EXPECT_EQ(e.line, 1);
    EXPECT_NE(e.message.find("neither a JSON object nor an INI file"), std::string::npos) << e.message;
    EXPECT_EQ(e.describe("old.conf").rfind("old.conf:1: neither", 0), 0u) << e.describe("old.conf");
    EXPECT_NE(onlyError("").message.find("empty file"), std::string::npos);
    EXPECT_NE(onlyError("  \n\n").message.find("empty file"), std::string::npos);
    EXPECT_NE(onlyError(std::string("ab\0cd", 5)).message.find("binary"), std::string::npos);
}

TEST(ImportErrors, BrokenJsonNamesLineAndColumn)
{
    const auto e = onlyError("{\n  \"capacity\": 200,\n  \"cvlMode\": \n}\n");
    EXPECT_EQ(e.line, 4);
    EXPECT_NE(e.message.find("not valid JSON"), std::string::npos) << e.message;
    EXPECT_NE(e.message.find("line 4, column 1"), std::string::npos) << e.message;
}

TEST(ImportErrors, JsonValuesOfTheWrongType)
{
    const auto capacity = onlyError("{\n  \"capacity\": \"200\"\n}\n");
    EXPECT_EQ(capacity.line, 2);
    EXPECT_EQ(capacity.option, "capacity");
    EXPECT_NE(capacity.message.find("not a number"), std::string::npos) << capacity.message;
    EXPECT_NE(onlyError(R"({"excludedServices": "com.victronenergy.battery.ttyS1"})").message.find("must be a list"),
              std::string::npos);
    EXPECT_NE(onlyError(R"({"excludedServices": [1]})").message.find("strings"), std::string::npos);
    EXPECT_NE(onlyError(R"({"cvlMode": "fast"})").message.find("\"min_when_balancing\""), std::string::npos);
    EXPECT_NE(onlyError(R"({"currentRatioMethod": 2})").message.find("one of"), std::string::npos);
    EXPECT_NE(onlyError(R"({"primaryServices": {"com.victronenergy.battery.ttyS5": "/Soc"}})").message.find("list"),
              std::string::npos);
    EXPECT_NE(onlyError(R"({"reconnectTimeout": "30"})").message.find("seconds"), std::string::npos);
    EXPECT_NE(onlyError(R"({"excludedServices": ["a,b"]})").message.find("cannot be written"), std::string::npos);
    EXPECT_NE(onlyError("[1, 2]").message.find("not an object"), std::string::npos);
}

TEST(ImportErrors, IniValuesOfTheWrongType)
{
    const auto own = onlyError("[DEFAULT]\nOWN_SOC = maybe\n");
    EXPECT_EQ(own.line, 2);
    EXPECT_EQ(own.option, "OWN_SOC");
    EXPECT_EQ(own.describe("config.ini"),
              "config.ini:2: OWN_SOC: 'maybe' is not True or False (dbus-aggregate-batteries reads anything but True "
              "as False)");
    EXPECT_EQ(onlyError("[DEFAULT]\nNR_OF_BATTERIES = 2.5\n").line, 2);
    EXPECT_EQ(onlyError("[DEFAULT]\nMAX_CELL_VOLTAGE = 3,5\n").line, 2);
    EXPECT_EQ(onlyError("[DEFAULT]\nLOGGING = LOUD\n").line, 2);
    EXPECT_EQ(onlyError("[DEFAULT]\nUSE_SMARTSHUNTS = some\n").line, 2);
    const auto capacity = onlyError("[Battery]\n\ncapacity = lots\n");
    EXPECT_EQ(capacity.line, 3);
    EXPECT_EQ(capacity.option, "[Battery] capacity");
    EXPECT_EQ(onlyError("[Logging]\ndebug = perhaps\n").line, 2);
    EXPECT_EQ(onlyError("[BMS]\ndevice_instance = 28a\n").line, 2);
}

TEST(ImportErrors, IniProblems)
{
    EXPECT_EQ(onlyError("[DEFAULT]\nOWN_SOC = True\nthis line is not an option\n").line, 3);
    const auto twice = onlyError("[DEFAULT]\nOWN_SOC = True\nown_soc = False\n");
    EXPECT_EQ(twice.line, 3);
    EXPECT_NE(twice.message.find("twice"), std::string::npos);
    const auto longLine = onlyError("[DEFAULT]\nBATTERY_PRODUCT_NAME = " + std::string(250, 'x') + "\n");
    EXPECT_EQ(longLine.line, 2);
    EXPECT_NE(longLine.message.find("too long"), std::string::npos);
    // The tables must pair up, as dbus-aggregate-batteries demands.
    const auto taper = onlyError("[DEFAULT]\nOWN_CHARGE_PARAMETERS = True\nCELL_CHARGE_LIMITING_VOLTAGE = 3.3, 3.4, 3.5\n");
    EXPECT_EQ(taper.line, 3);
    EXPECT_NE(taper.message.find("same length"), std::string::npos);
}

TEST(ImportErrors, FilesOfNoOldAggregator)
{
    EXPECT_NE(onlyError("[service]\ndevice_instance = auto\n[charge]\ncvl_mode = min\n").message.find("already a dbus-battery-aggregator"),
              std::string::npos);
    EXPECT_NE(onlyError("[server]\nport = 80\n").message.find("neither dbus-aggregate-batteries"), std::string::npos);
    const auto python = onlyError("#!/usr/bin/env python3\nimport os\nself.device_instance = 280\n");
    EXPECT_EQ(python.line, 1);
    EXPECT_NE(python.message.find("Python source"), std::string::npos);
    // dbus-aggregate-batteries' settings.py (seed 004): options without [DEFAULT].
    EXPECT_NE(onlyError("NR_OF_BATTERIES = 2\nOWN_SOC = True\n").message.find("[DEFAULT]"), std::string::npos);
}

// ---- The output is always a configuration of ours -------------------------------------------

TEST(ImportOutput, AValueOursRefusesIsCommentedOutWithAWarning)
{
    const auto c = convert(R"({"capacity": 0, "reconnectTimeout": 99999})");
    EXPECT_EQ(valueOf(c.ini(), "aggregation", "installed_capacity"), std::nullopt);
    EXPECT_NE(c.ini().find(";installed_capacity = 0\n"), std::string::npos) << c.ini();
    EXPECT_NE(c.ini().find(";reconnect_grace = 99999\n"), std::string::npos) << c.ini();
    EXPECT_TRUE(commented(c.ini(), "out of range")) << c.ini();
    EXPECT_EQ(c.result.warnings.size(), 2u) << describe(c.result.warnings);
}

TEST(ImportOutput, LongListsContinueOnIndentedLines)
{
    std::string list;
    std::vector<std::string> names;
    for (int i = 0; i < 12; ++i) {
        names.push_back("com.victronenergy.battery.socketcan_can0_di" + std::to_string(500 + i) + "_uc12345");
        list += (i ? ", \"" : "\"") + names.back() + "\"";
    }
    const auto c = convert("{\"excludedServices\": [" + list + "]}");
    EXPECT_EQ(c.config().batteries.exclude, names);
    std::istringstream lines(c.ini());
    for (std::string line; std::getline(lines, line);) EXPECT_LE(line.size(), 198u) << line;
}

TEST(ImportOutput, ControlCharactersInNamesNeverBreakAComment)
{
    const auto c = convert("{\"virtualBatteries\": {\"a\\nb = 1\": [\"com.victronenergy.battery.ttyS1\"]}}");
    EXPECT_EQ(formatConfig(c.config()), formatConfig(Config{}));
}

}  // namespace
}  // namespace bagg
