#pragma once
// One table of every configuration key: how to parse it into Config and how to print it back.
// The loader, the --check-config printer and the documentation test all walk this table.

#include "bagg/config/config.h"

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace bagg {

struct KeySpec {
    std::string_view section;
    std::string_view name;
    // Returns an error message, empty on success. Leaves Config untouched on error.
    std::function<std::string(std::string_view value, Config& config)> parse;
    std::function<std::string(const Config& config)> print;
    bool list = false;  // comma-separated; may continue on indented lines
};

const std::vector<KeySpec>& configSchema();
const std::vector<std::string_view>& configSections();

}  // namespace bagg
