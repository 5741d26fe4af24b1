#pragma once
// The named sections of the configuration: [pack "<selector>"] (per-pack overrides) and
// [pair "<name>"] (a monitor merged into its pack). Their keys are parsed and printed here; the
// loader hands over every key of a section whose name has this form.

#include "bagg/config/config.h"

#include <string>
#include <string_view>
#include <vector>

namespace bagg {

enum class NamedSection { None, Pack, Pair };

// `pack "serial:HQ2210"` -> Pack, its argument "serial:HQ2210". An argument is quoted, not empty.
NamedSection namedSection(std::string_view section, std::string& argument);

// Applies `name = value` of the section to `config` (the section's entry is created by the first
// key). Returns an error message, empty on success.
std::string parseNamedKey(NamedSection kind, const std::string& argument, std::string_view name, std::string_view value,
                          Config& config);

// A selector as [batteries] takes it: com.victronenergy.battery.<x>, name:<x> or serial:<x>.
// Returns why not, empty when it is one.
std::string selectorProblem(std::string_view selector);

// Every [pack "..."] and [pair "..."] section as INI text, as parseNamedKey reads it back.
std::string formatNamedSections(const Config& config);

// The value names of a pack's values as overrides and pairs write them ("soc", "max_charge_current").
std::string_view packValueName(Quantity q);

}  // namespace bagg
