#pragma once
// Which battery services take part in the aggregate, by [batteries] include/exclude.

#include "bagg/config/config.h"

#include <string>

namespace bagg {

// An entry matches a service name exactly, "name:<CustomName>" or "serial:<Serial>".
bool matchesEntry(const std::string& entry, const std::string& service, const std::string& customName,
                  const std::string& serial);

// Included when `include` is empty or names it, and `exclude` does not.
bool isIncluded(const BatteriesConfig& config, const std::string& service, const std::string& customName,
                const std::string& serial);

// Excluded by service name alone: such a service is not even read.
bool isExcludedByServiceName(const BatteriesConfig& config, const std::string& service);

}  // namespace bagg
