#pragma once
// Values as the old Python aggregators read them, and the pieces every importer shares.

#include "import/import_config.h"
#include "import/import_writer.h"
#include "import/old_ini.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bagg {

// trim() (config/ini_text.h) with line ends as well: values in old files may hold them.
std::string trimmed(std::string_view s);
std::string lowerCase(std::string_view s);
std::string upperCase(std::string_view s);

// configparser's getboolean: 1/yes/true/on and 0/no/false/off, any case.
std::optional<bool> configparserBool(std::string_view text);
// dbus-aggregate-batteries' get_bool_from_config compares with "true" (any case); anything else
// is False there. Here only True and False are taken, so that a typo is not silently False.
std::optional<bool> trueOrFalse(std::string_view text);
// Python float(): one finite number, blanks around allowed ("nan"/"inf" refused: never meant).
std::optional<double> pythonFloat(std::string_view text);
// Python int(): a whole number written without a fraction.
std::optional<long> pythonInt(std::string_view text);
// dbus-aggregate-batteries' get_list_from_config: lines, ';' comments and trailing commas dropped,
// comma-separated numbers. nullopt when an item is not a number.
std::optional<std::vector<double>> numberList(std::string_view text);

// A name for one of our lists (exclude, include, monitor): not empty, and no ',' ';' or control
// character, which our lists cannot hold. Returns the reason when it cannot be written.
std::string listNameProblem(std::string_view name);

// "[Battery] capacity = 450.0 (line 12)" or "OWN_SOC = True (line 40)" when `withSection` is false.
std::string optionLabel(const OldIniOption& o, bool withSection);

// Each importer: the options of one old format, into `out`; problems that stop the import into
// `errors`. Every option of the input gets a comment (a key's reason, or a dropped line).
void importBmsAggregator(const OldIni& ini, ImportWriter& out, std::vector<ImportProblem>& errors);
void importAggregateBatteries(const OldIni& ini, ImportWriter& out, std::vector<ImportProblem>& errors);
// `text` is JSON starting with '{'; broken JSON is an error with nlohmann's line and column.
void importBatteryAggregator(std::string_view text, ImportWriter& out, std::vector<ImportProblem>& errors);

}  // namespace bagg
