#pragma once
// Per-pack overrides ([pack "<selector>"]): what the owner corrects of one BMS's values before
// they reach the aggregate. Pure: the values the BMS published and the override in, the values
// that count out. Only the configured override that matches a pack applies (the first, in file
// order); health is still judged on what the BMS itself publishes (a pack whose SOC is ignored is
// not "invalid" for that).

#include "bagg/config/config.h"
#include "bagg/core/pack_snapshot.h"

#include <string>
#include <vector>

namespace bagg {

// The override for this pack, or nullptr (selectors as in [batteries]).
const PackOverride* findOverride(const std::vector<PackOverride>& overrides, const std::string& service,
                                 const std::string& customName, const std::string& serial);

// `raw` with the override applied:
//  - an ignored value is absent;
//  - a limit (CVL, CCL, DCL) is at most the configured one, or that one when the BMS publishes none;
//    a battery-low voltage at least the configured one; installed capacity and cells per battery
//    are replaced;
//  - a current table gives a CCL (DCL) at the pack's present voltage or temperature, which only
//    lowers the BMS's own (or stands in for none); without that measurement it gives nothing.
PackSnapshot applyOverride(const PackSnapshot& raw, const PackOverride& override);

// A table's current (A) at x: linear between points, the end values beyond them.
double tableCurrent(const PackOverride::Table& table, double x);

}  // namespace bagg
