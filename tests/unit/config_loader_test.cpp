#include "bagg/config/config_loader.h"

#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>

namespace bagg {
namespace {

const std::string kDefaultFile = std::string(BAGG_SOURCE_DIR) + "/config/dbus-battery-aggregator.ini";

std::vector<std::string> describe(const ConfigLoad& load)
{
    std::vector<std::string> out;
    for (const auto& e : load.errors) out.push_back(e.describe());
    return out;
}

TEST(ConfigLoader, DocumentedDefaultFileLoadsCleanly)
{
    const auto load = loadConfigFile(kDefaultFile);
    EXPECT_TRUE(load.ok()) << testing::PrintToString(describe(load));
    EXPECT_FALSE(load.fileMissing);
}

TEST(ConfigLoader, DocumentedDefaultsEqualBuiltInDefaults)
{
    // The file documents the defaults: loading it must give exactly what no file gives.
    EXPECT_EQ(formatConfig(loadConfigFile(kDefaultFile).config), formatConfig(Config{}));
}

TEST(ConfigLoader, EveryKeyIsDocumentedInTheDefaultFile)
{
    std::ifstream in(kDefaultFile);
    std::stringstream text;
    text << in.rdbuf();
    const std::string file = text.str();
    std::istringstream effective(formatConfig(Config{}));
    std::string line, section;
    int keys = 0;
    while (std::getline(effective, line)) {
        if (line.empty()) continue;
        if (line.front() == '[') {
            section = line;
            EXPECT_NE(file.find("\n" + section + "\n"), std::string::npos) << section;
            continue;
        }
        const std::string key = line.substr(0, line.find(' '));
        EXPECT_TRUE(std::regex_search(file, std::regex("\n" + key + " =")))
            << section << " " << key << " is not in " << kDefaultFile;
        ++keys;
    }
    EXPECT_GT(keys, 20);
}

TEST(ConfigLoader, MissingFileMeansDefaults)
{
    const auto load = loadConfigFile("/nonexistent/dbus-battery-aggregator.ini");
    EXPECT_TRUE(load.ok());
    EXPECT_TRUE(load.fileMissing);
}

TEST(ConfigLoader, ReadsEveryKindOfValue)
{
    const auto load = parseConfig(R"([service]
device_instance = 281
per_leaf_signals = false
[batteries]
exclude = com.victronenergy.battery.ttyS5, name:Shunt ,serial:HQ123
[roles]
monitor = com.victronenergy.battery.ttyO1
pack = name:Bank 3, serial:HQ9
[aggregation]
soc_mode = weighted
installed_capacity = 450
[charge]
max_charge_voltage = 14.2   ; LiFePO4 12 V
nominal_charge_current = 150
ratio_method = capacity
blocked_pack = exclude
blocked_pack_discharge = stop
cvl_mode = min
current_feedback = no
[recovery]
current_hold = 0.5
voltage_ramp = 2.5
[cells]
chemistry = lto
ccl_taper = 2.5:1, 2.6:0.5,
    2.7:0
[imbalance]
warning_threshold = 10
alarm_threshold = 15
alarm_current = 50
cell_alarms = HighCellVoltage
[logging]
level = debug
)",
                                  "t.ini");
    ASSERT_TRUE(load.ok()) << testing::PrintToString(describe(load));
    const auto& c = load.config;
    EXPECT_EQ(c.service.deviceInstance, 281);
    EXPECT_FALSE(c.service.perLeafSignals);
    EXPECT_EQ(c.batteries.exclude,
              (std::vector<std::string>{"com.victronenergy.battery.ttyS5", "name:Shunt", "serial:HQ123"}));
    EXPECT_EQ(c.aggregation.socMode, SocMode::Weighted);
    EXPECT_EQ(c.aggregation.installedCapacity, 450);
    EXPECT_EQ(c.aggregation.maxChargeVoltage, 14.2);
    EXPECT_EQ(c.aggregation.nominalChargeCurrent, 150);
    EXPECT_EQ(c.aggregation.ratioMethod, RatioMethod::Capacity);
    EXPECT_EQ(c.batteries.roles.monitor, std::vector<std::string>{"com.victronenergy.battery.ttyO1"});
    EXPECT_EQ(c.batteries.roles.pack, (std::vector<std::string>{"name:Bank 3", "serial:HQ9"}));
    EXPECT_EQ(c.aggregation.blockedPolicy(true), BlockedPackPolicy::Exclude);
    EXPECT_EQ(c.aggregation.blockedPolicy(false), BlockedPackPolicy::Stop);
    EXPECT_EQ(c.aggregation.cvlMode, CvlMode::Min);
    EXPECT_FALSE(c.aggregation.feedback.enabled);
    EXPECT_EQ(c.aggregation.recovery.currentHold, std::chrono::milliseconds(500));
    EXPECT_EQ(c.aggregation.recovery.voltageRampMillivolts, 2.5);
    EXPECT_EQ(c.aggregation.cells.chemistry, CellsConfig::Chemistry::Lto);
    EXPECT_EQ(c.aggregation.cells.cclTaper, (std::vector<TaperPoint>{{2.5, 1.0}, {2.6, 0.5}, {2.7, 0.0}}));
    EXPECT_FALSE(c.aggregation.cells.dclTaper) << "auto: the preset's";
    EXPECT_EQ(c.aggregation.imbalance.warningThreshold, 10);
    EXPECT_EQ(c.aggregation.imbalance.alarmCurrent, 50);
    EXPECT_EQ(c.aggregation.imbalance.cellAlarms, std::vector<Alarm>{Alarm::HighCellVoltage});
    EXPECT_EQ(c.logging.level, LogLevel::Debug);
}

struct ErrorCase {
    const char* name;
    const char* text;
    std::vector<std::string> expected;  // every message, in line order
};

TEST(ConfigLoader, EveryErrorKindNamesFileLineAndKey)
{
    const std::string longLine = "[batteries]\nexclude = name:" + std::string(245, 'x') + "\n";
    const std::vector<ErrorCase> cases = {
        {"unknown section", "[charge]\nratio_method = count\n[chrage]\nnominal_charge_current = 10\nx = 1\n",
         {"f.ini:4: [chrage] nominal_charge_current: unknown section [chrage]; did you mean `charge`?"}},
        {"key outside a section", "level = info\n", {"f.ini:1: [] level: key outside any section"}},
        {"unknown key", "[charge]\nmax_charge_current = 10\n",
         {"f.ini:2: [charge] max_charge_current: unknown key 'max_charge_current' in [charge]; did you mean "
         "`nominal_charge_current`?"}},
        {"malformed number", "[imbalance]\n\nwarning_threshold = 15%\n",
         {"f.ini:3: [imbalance] warning_threshold: '15%' is not a number"}},
        {"not a number nor auto", "[charge]\nnominal_charge_current = lots\n",
         {"f.ini:2: [charge] nominal_charge_current: 'lots' is not a number and not 'auto'"}},
        {"nan is refused", "[charge]\nmax_charge_voltage = nan\n",
         {"f.ini:2: [charge] max_charge_voltage: 'nan' is not a number and not 'auto'"}},
        // Found by trying to break it: strtod read it as 56 V.
        {"hexadecimal is refused", "[charge]\nmax_charge_voltage = 0x38\n",
         {"f.ini:2: [charge] max_charge_voltage: '0x38' is not a number and not 'auto'"}},
        {"out of range", "[imbalance]\nhysteresis = 25\n",
         {"f.ini:2: [imbalance] hysteresis: 25 is out of range (0 to 20 %)"}},
        {"negative current", "[charge]\nmax_discharge_current = -5\n",
         {"f.ini:2: [charge] max_discharge_current: -5 is out of range (0 to 10000 A) and not 'auto'"}},
        {"bad choice", "[aggregation]\nsoc_mode = lowest\n",
         {"f.ini:2: [aggregation] soc_mode: 'lowest' is not one of: min, mean, weighted"}},
        {"bad boolean", "[service]\nper_leaf_signals = maybe\n",
         {"f.ini:2: [service] per_leaf_signals: 'maybe' is not true or false"}},
        {"fractional instance", "[service]\ndevice_instance = 2.5\n",
         {"f.ini:2: [service] device_instance: 2.5 is not a whole number"}},
        {"unknown alarm", "[imbalance]\ncell_alarms = HighCellVoltage, CellFire\n",
         {"f.ini:2: [imbalance] cell_alarms: 'CellFire' is not a standard alarm name"}},
        {"taper points must rise", "[cells]\nccl_taper = 3.45:0.5, 3.3:1\n",
         {"f.ini:2: [cells] ccl_taper: 3.3 V after 3.45 V: the cell voltages must rise"}},
        {"taper point without a fraction", "[cells]\ndcl_taper = 2.9\n",
         {"f.ini:2: [cells] dcl_taper: '2.9' is not VOLTS:FRACTION (e.g. 3.45:0.5) and the list is not 'auto'"}},
        {"bad log level", "[logging]\nlevel = verbose\n",
         {"f.ini:2: [logging] level: 'verbose' is not one of: debug, info, warning, error"}},
        {"duplicate key", "[charge]\nratio_method = count\nratio_method = capacity\n",
         {"f.ini:3: [charge] ratio_method: duplicate key (first set on line 2)"}},
        {"thresholds out of order", "[imbalance]\nwarning_threshold = 25\n",
         {"f.ini:2: [imbalance] warning_threshold: thresholds out of order: warning_threshold 25 must be below "
          "alarm_threshold 20"}},
        {"reduce above warning", "[imbalance]\nreduce_threshold = 16\n",
         {"f.ini:2: [imbalance] reduce_threshold: thresholds out of order: reduce_threshold 16 must be below "
          "warning_threshold 15"}},
        {"percent order", "[imbalance]\nwarning_percent = 90\n",
         {"f.ini:2: [imbalance] warning_percent: warning_percent 90 must not exceed reduce_percent 85"}},
        {"reduced current above nominal", "[charge]\nnominal_charge_current = 100\n[imbalance]\nalarm_current = 120\n",
         {"f.ini:4: [imbalance] alarm_current: alarm_current 120 A exceeds nominal_charge_current 100 A"}},
        {"included and excluded", "[batteries]\ninclude = name:a, name:b\nexclude = name:b\n",
         {"f.ini:3: [batteries] exclude: 'name:b' is both included and excluded"}},
        {"a name that matches no service", "[batteries]\ninclude = sim1\n",
         {"f.ini:2: [batteries] include: 'sim1' is not a selector: com.victronenergy.battery.<name>, "
          "name:<CustomName> or serial:<Serial>"}},
        {"liveness timeout not shorter than the interval", "[batteries]\nliveness_interval = 1\nliveness_timeout = 1\n",
         {"f.ini:3: [batteries] liveness_timeout: liveness_timeout 1 s must be shorter than liveness_interval 1 s"}},
        {"fractional pack count", "[batteries]\nexpected_packs = 2.5\n",
         {"f.ini:2: [batteries] expected_packs: 2.5 is not a whole number"}},
        {"line too long", longLine.c_str(),
         {"f.ini:2: line too long (260 characters, at most 198); continue a long list on indented lines"}},
        {"continuation of a number", "[charge]\nnominal_charge_current = 5\n  6\n",
         {"f.ini:3: [charge] nominal_charge_current: only lists continue on indented lines"}},
        {"semicolon in a name", "[batteries]\nexclude = name:a,;b\n",
         {"f.ini:2: [batteries] exclude: ';b': ';' starts a comment and cannot be part of a name"}},
        {"control character", "[batteries]\nexclude = a\x01" "b\n",
         {"f.ini:2: [batteries] exclude: the value contains a control character"}},
        {"syntax error", "[charge]\nthis line has no equals sign\n",
         {"f.ini:2: syntax error (expected '[section]' or 'key = value')"}},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name);
        const auto load = parseConfig(c.text, "f.ini");
        EXPECT_EQ(describe(load), c.expected);
    }
}

TEST(ConfigLoader, ThreeMistakesGiveThreeMessagesInLineOrder)
{
    const auto load = parseConfig("[charge]\nnominal_charge_current = 1O0\n"
                                  "[imbalance]\nhysteresis = -1\n"
                                  "[logging]\nlevel = loud\n",
                                  "bad.ini");
    ASSERT_EQ(load.errors.size(), 3u);
    EXPECT_EQ(load.errors[0].line, 2);
    EXPECT_EQ(load.errors[0].key, "[charge] nominal_charge_current");
    EXPECT_EQ(load.errors[1].line, 4);
    EXPECT_EQ(load.errors[2].line, 6);
    for (const auto& e : load.errors) EXPECT_EQ(e.file, "bad.ini");
}

TEST(ConfigLoader, LongListsContinueOnIndentedLines)
{
    const auto load = parseConfig("[batteries]\nexclude = com.victronenergy.battery.ttyS5,  ; the shunt\n"
                                  "    name:Shunt ; and by name\n\tserial:HQ1, serial:HQ2\n[logging]\nlevel = debug\n",
                                  "f.ini");
    ASSERT_TRUE(load.ok()) << testing::PrintToString(describe(load));
    EXPECT_EQ(load.config.batteries.exclude,
              (std::vector<std::string>{"com.victronenergy.battery.ttyS5", "name:Shunt", "serial:HQ1", "serial:HQ2"}));
    EXPECT_EQ(load.config.logging.level, LogLevel::Debug);
}

TEST(ConfigLoader, LongListsArePrintedOnContinuationLinesThatReadBack)
{
    Config c;
    for (int i = 0; i < 20; ++i) c.batteries.exclude.push_back("com.victronenergy.battery.ttyUSB" + std::to_string(i));
    const std::string printed = formatConfig(c);
    std::istringstream lines(printed);
    for (std::string line; std::getline(lines, line);) EXPECT_LE(line.size(), 198u) << line;
    const auto again = parseConfig(printed, "printed.ini");
    ASSERT_TRUE(again.ok()) << testing::PrintToString(describe(again));
    EXPECT_EQ(again.config.batteries.exclude, c.batteries.exclude);
}

TEST(ConfigLoader, AutoResetsAnOptionalValue)
{
    const auto load = parseConfig("[charge]\nnominal_charge_current = auto\n", "f.ini");
    ASSERT_TRUE(load.ok());
    EXPECT_FALSE(load.config.aggregation.nominalChargeCurrent);
}

TEST(ConfigLoader, EffectiveConfigRoundTrips)
{
    const auto first = parseConfig("[charge]\nnominal_charge_current = 150\n[imbalance]\ncell_alarms = none\n", "f.ini");
    ASSERT_TRUE(first.ok());
    const auto second = parseConfig(formatConfig(first.config), "printed.ini");
    ASSERT_TRUE(second.ok()) << testing::PrintToString(describe(second));
    EXPECT_EQ(formatConfig(second.config), formatConfig(first.config));
    EXPECT_TRUE(second.config.aggregation.imbalance.cellAlarms.empty());
}

}  // namespace
}  // namespace bagg

// Every ```ini example in README.md is a configuration the daemon accepts as written: README's
// examples cannot drift from the keys and values the loader knows.
TEST(ConfigLoader, EveryIniExampleInTheReadmeIsValid)
{
    std::ifstream readme(std::string(BAGG_SOURCE_DIR) + "/README.md");
    ASSERT_TRUE(readme) << "README.md not found";
    std::string line, block;
    bool inIni = false;
    int blocks = 0, lineNo = 0, start = 0;
    while (std::getline(readme, line)) {
        ++lineNo;
        if (!inIni && line == "```ini") {
            inIni = true;
            start = lineNo;
            block.clear();
        } else if (inIni && line == "```") {
            inIni = false;
            ++blocks;
            const auto load = bagg::parseConfig(block, "README.md example at line " + std::to_string(start));
            for (const auto& e : load.errors) ADD_FAILURE() << e.describe();
        } else if (inIni) {
            block += line + "\n";
        }
    }
    EXPECT_GE(blocks, 2) << "the README's configuration examples";
}

TEST(ConfigLoader, PackSectionsOverrideOnePackEach)
{
    const auto load = bagg::parseConfig("[pack \"serial:HQ2210\"]\n"
                                        "soc = ignore\n"
                                        "max_charge_voltage = 55.2\n"
                                        "charge_current_over = temperature\n"
                                        "charge_current_table = 0:0, 5:20,\n"
                                        "\t15:100\n"
                                        "[pack \"name:Bank 2\"]\n"
                                        "installed_capacity = 280\n",
                                        "t.ini");
    ASSERT_TRUE(load.ok()) << load.errors.front().describe();
    const auto& o = load.config.batteries.overrides;
    ASSERT_EQ(o.size(), 2u);
    EXPECT_EQ(o[0].selector, "serial:HQ2210");
    EXPECT_EQ(o[0].ignored, std::vector<bagg::Quantity>{bagg::Quantity::Soc});
    ASSERT_EQ(o[0].fixed.size(), 1u);
    EXPECT_EQ(o[0].fixed[0], std::make_pair(bagg::Quantity::ChargeVoltageLimit, 55.2));
    ASSERT_TRUE(o[0].chargeCurrent);
    EXPECT_EQ(o[0].chargeCurrent->over, bagg::Quantity::Temperature);
    EXPECT_EQ(o[0].chargeCurrent->points, (std::vector<std::pair<double, double>>{{0, 0}, {5, 20}, {15, 100}}));
    EXPECT_EQ(o[1].fixed[0], std::make_pair(bagg::Quantity::InstalledCapacity, 280.0));

    // What --check-config prints reads back the same.
    const auto again = bagg::parseConfig(bagg::formatConfig(load.config), "printed");
    ASSERT_TRUE(again.ok()) << again.errors.front().describe();
    EXPECT_EQ(again.config.batteries.overrides.size(), 2u);
    EXPECT_EQ(again.config.batteries.overrides[0].chargeCurrent, o[0].chargeCurrent);
    EXPECT_EQ(again.config.batteries.overrides[1].fixed, o[1].fixed);
}

TEST(ConfigLoader, PairSectionsMergeAMonitorIntoItsPack)
{
    const auto load = bagg::parseConfig("[sources]\nmonitor_topology = per_pack\n"
                                        "[pair \"Bank 1\"]\npack = serial:HQ1\nmonitor = com.victronenergy.battery.ttyS7\n"
                                        "values = soc, current\n",
                                        "t.ini");
    ASSERT_TRUE(load.ok()) << load.errors.front().describe();
    ASSERT_EQ(load.config.batteries.pairs.size(), 1u);
    const auto& p = load.config.batteries.pairs[0];
    EXPECT_EQ(p.name, "Bank 1");
    EXPECT_EQ(p.monitor, "com.victronenergy.battery.ttyS7");
    EXPECT_EQ(p.fromMonitor, (std::vector<bagg::Quantity>{bagg::Quantity::Soc, bagg::Quantity::Current}));
    EXPECT_TRUE(load.config.sources.perPackMonitors);
    const auto again = bagg::parseConfig(bagg::formatConfig(load.config), "printed");
    ASSERT_TRUE(again.ok()) << again.errors.front().describe();
    EXPECT_EQ(again.config.batteries.pairs[0].fromMonitor, p.fromMonitor);
}

TEST(ConfigLoader, PackAndPairSectionsAreCheckedWithLineAndKey)
{
    const auto load = bagg::parseConfig("[pack \"HQ2210\"]\n"                       // 1: not a selector
                                        "soc = 50\n"                                // 2
                                        "[pack \"serial:A\"]\n"                     // 3
                                        "soc = 50\n"                                // 4: measured: ignore only
                                        "max_charge_current = lots\n"               // 5
                                        "charge_current_table = 55:10, 54:20\n"    // 6: not rising
                                        "colour = red\n"                            // 7
                                        "discharge_current_over = voltage\n"        // 8: no table (cross-check)
                                        "[pair \"x\"]\n"                            // 9
                                        "pack = serial:A\n"                         // 10: no monitor (cross-check)
                                        "values = soc, max_charge_current\n"        // 11
                                        "[sources]\n"                               // 12
                                        "monitor_topology = per_pack\n"             // 13
                                        "soc = monitor\n",                          // 14
                                        "bad.ini");
    std::vector<std::string> got;
    for (const auto& e : load.errors) got.push_back(e.describe());
    const std::vector<std::string> want = {
        "bad.ini:2: [pack \"HQ2210\"] soc: [pack] section: 'HQ2210' is not a selector: "
        "com.victronenergy.battery.<name>, name:<CustomName> or serial:<Serial>",
        "bad.ini:4: [pack \"serial:A\"] soc: '50': a measured value can only be 'ignore' (its BMS gets it wrong)",
        "bad.ini:5: [pack \"serial:A\"] max_charge_current: 'lots' is not a number and not 'ignore'",
        "bad.ini:6: [pack \"serial:A\"] charge_current_table: 54 after 55: the points must rise",
        "bad.ini:7: [pack \"serial:A\"] colour: unknown key 'colour' in a [pack] section (keys: soc, voltage, current, "
        "power, temperature, capacity, consumed_amphours, time_to_go, min_cell_voltage, max_cell_voltage, "
        "installed_capacity, cells_per_battery, max_charge_voltage, max_charge_current, max_discharge_current, "
        "battery_low_voltage, charge_current_table, charge_current_over, discharge_current_table, "
        "discharge_current_over)",
        "bad.ini:8: [pack \"serial:A\"] discharge_current_over: without a discharge_current_table",
        "bad.ini:10: [pair \"x\"]: a pair needs both 'pack' and 'monitor'",
        "bad.ini:11: [pair \"x\"] values: 'max_charge_current' is not a measured value (soc, current, power, "
        "consumed_amphours, capacity, time_to_go, voltage, temperature)",
        "bad.ini:13: [sources] monitor_topology: with per_pack monitors each shunt reaches the bank through its pair: "
        "soc and current = packs",
    };
    EXPECT_EQ(got, want);
}

TEST(ConfigLoader, PairsClaimEachPackAndMonitorOnce)
{
    const auto load = bagg::parseConfig("[pair \"a\"]\npack = serial:A\nmonitor = serial:A\n"        // 1-3
                                        "[pair \"b\"]\npack = serial:B\nmonitor = name:Shunt\n"      // 4-6
                                        "[pair \"c\"]\npack = serial:B\nmonitor = name:Shunt\n"      // 7-9
                                        "[pair \"d\"]\npack = serial:D\nmonitor = ttyS7\n"           // 10-12
                                        "[pack name:Bank 3]\nsoc = ignore\n",                          // 13-14
                                        "t.ini");
    std::vector<std::string> got;
    for (const auto& e : load.errors) got.push_back(e.describe());
    const std::vector<std::string> want = {
        "t.ini:3: [pair \"a\"] monitor: the same selector as 'pack': a pack cannot be its own monitor",
        "t.ini:8: [pair \"c\"] pack: 'serial:B' is already paired in [pair \"b\"]",
        "t.ini:9: [pair \"c\"] monitor: 'name:Shunt' is already the monitor of [pair \"b\"]",
        "t.ini:12: [pair \"d\"] monitor: 'ttyS7' is not a selector: com.victronenergy.battery.<name>, "
        "name:<CustomName> or serial:<Serial>",
        "t.ini:14: [pack name:Bank 3] soc: unknown section [pack name:Bank 3]; quote its name: [pack \"name:Bank 3\"]",
    };
    EXPECT_EQ(got, want);
}

TEST(ConfigLoader, ADirectoryIsNotAConfigurationFile)
{
    const auto load = bagg::loadConfigFile(std::string(BAGG_SOURCE_DIR) + "/config");
    ASSERT_EQ(load.errors.size(), 1u);
    EXPECT_EQ(load.errors[0].message, "is a directory, not a configuration file");
    EXPECT_FALSE(load.fileMissing);
}

TEST(ConfigLoader, NumbersPrintAsWrittenAndADecimalCommaIsNamed)
{
    const auto load = bagg::parseConfig("[aggregation]\ninstalled_capacity = 1000000\n[service]\nrecompute_delay = 0.001\n"
                                        "[charge]\nmax_charge_voltage = 56.45\n",
                                        "t.ini");
    ASSERT_TRUE(load.ok());
    const auto text = bagg::formatConfig(load.config);
    EXPECT_NE(text.find("installed_capacity = 1000000  ; Ah"), std::string::npos) << text;
    EXPECT_NE(text.find("recompute_delay = 0.001  ; s"), std::string::npos);
    EXPECT_NE(text.find("max_charge_voltage = 56.45  ; V"), std::string::npos);

    const auto moved = bagg::parseConfig("[counter]\nmonitor = name:Shunt\n", "t.ini");
    ASSERT_EQ(moved.errors.size(), 1u);
    EXPECT_EQ(moved.errors[0].message, "unknown key 'monitor' in [counter]; `monitor` is a key of [roles], [sources]");

    const auto comma = bagg::parseConfig("[charge]\nmax_charge_voltage = 56,4\n[imbalance]\nhysteresis = 2,5\n", "t.ini");
    ASSERT_EQ(comma.errors.size(), 2u);
    EXPECT_EQ(comma.errors[0].message, "'56,4' has a decimal comma: write 56.4");
    EXPECT_EQ(comma.errors[1].message, "'2,5' has a decimal comma: write 2.5");
}
