#pragma once
// `dbus-battery-aggregator import-config FILE`: the configuration of an older Python aggregator,
// turned into ours. A pure function: text in, our INI text and the problems out; reading the file
// and printing stay in the app (src/app/main.cpp).
//
// Three old formats are known, told apart by content (docs of each in the project seeds, quoted
// in tests/import/):
//   - BatteryAggregator (github.com/pulquero/BatteryAggregator): one JSON object,
//     /data/setupOptions/BatteryAggregator/config.json. Options from its README (seed 001) and its
//     config-schema.json (serviceName, reconnectTimeout, classes, cvlMode max_when_floating).
//   - bms-aggregator, the "Battery Aggregator for Victron Venus OS" (github.com/drurew/
//     Battery-Aggregator, /service/bms-aggregator): INI with [Battery], [ChargeLimits],
//     [ImbalanceThresholds], [BMS], [Logging], /data/bms_aggregator/config.ini since v1.1.0
//     (README and CONFIGURATION.md: seeds 000, 003; key names from its shipped config.ini).
//   - dbus-aggregate-batteries (github.com/Dr-Gigavolt/dbus-aggregate-batteries): INI with
//     UPPER_CASE options in [DEFAULT], /data/apps/dbus-aggregate-batteries/config.ini (README
//     seeds 002, 004; options and defaults from its config.default.ini; the settings.py names
//     that seed 004 mentions are recognised too).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bagg {

enum class OldAggregator { BatteryAggregator, BmsAggregator, AggregateBatteries };

// "BatteryAggregator", "bms-aggregator", "dbus-aggregate-batteries".
std::string_view oldAggregatorName(OldAggregator from);

struct ImportProblem {
    int line = 0;        // 1-based line in the old file; 0: not tied to a line
    std::string option;  // the old option ("OWN_SOC", "[Battery] capacity", "cvlMode"); may be empty
    std::string message;

    // "config.ini:12: OWN_SOC: 'maybe' is not True or False"
    std::string describe(const std::string& file) const;
};

struct ImportResult {
    std::optional<OldAggregator> from;   // the format found; absent when it is none of them
    std::string ini;                     // our configuration; empty when there are errors
    std::vector<ImportProblem> errors;   // the file cannot be converted (exit status 2)
    std::vector<ImportProblem> warnings; // converted, but a value had to be left out: worth a look

    bool ok() const { return errors.empty(); }
};

// Converts the text of an old aggregator's configuration file into our INI configuration, with a
// ';' comment on every option of the old file: the key it became, or why it has none. `fileName`
// only names the file in the output's header and in the problems.
//
// The output always loads with bagg::parseConfig without errors (each value is checked by our own
// schema, and the whole text by our loader; a value ours refuses is written commented out, with
// our loader's message, and reported as a warning).
//
// Errors (ok() false, no output): an empty file; neither a JSON object nor INI (the line inih
// stopped at); broken JSON (nlohmann's message with line and column); a JSON value or an INI
// value of the wrong type (a number that is not one, a flag that is not a boolean, a name that
// is not one of the documented ones), with its line; an INI file whose options belong to none of
// the three tools; a Python source (the versions that kept their settings in code).
ImportResult importConfig(std::string_view text, const std::string& fileName);

}  // namespace bagg
