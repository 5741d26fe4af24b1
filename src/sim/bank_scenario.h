#pragma once
// A bank scenario file (tests/scenarios/*.json): JSON with // comments. Read strictly: an unknown
// key, a value of the wrong type or out of range is an error naming where it is
// ("packs[2].bms.max_charge_current: must be >= 0"), so that a typo never silently means a default.
//
//   {
//     "name": "...", "description": "...",
//     "pack_defaults": { <pack keys> },         // applied under every pack (objects merge)
//     "packs": [ { <pack keys> }, ... ],        // 1..16 packs, in parallel
//     "charger": { "demand": A, "load": A,      // the Multi's start values (default 0: idle)
//                  "profile": [ { "at": s, "demand": A, "load": A }, ... ] }
//   }
//   pack keys: name, cells, ocv ("lfp", "lto" or [[soc %, cell V], ...]), capacity_ah,
//              soh_percent, resistance_mohm, resistance_growth, resistance_soc_factor, soc,
//              cell_spread, temperature,
//              current_offset, bms { <BmsConfig keys, serialbattery's names in lower case> }
// Every key and its default is listed in README.md (battery-sim) and pack_bms.h / bank_model.h.

#include "bank_model.h"

#include <optional>
#include <string>
#include <vector>

namespace bagg::sim {

struct BankScenario {
    std::string name;
    std::string description;
    std::vector<PackSpec> packs;
    ChargerInput charger;
    std::vector<ProfileStep> profile;
};

struct ScenarioLoad {
    std::optional<BankScenario> scenario;  // set when errors is empty
    std::vector<std::string> errors;
};

ScenarioLoad parseBankScenario(const std::string& text);
ScenarioLoad loadBankScenario(const std::string& path);  // also: the file cannot be read

}  // namespace bagg::sim
