#pragma once
// The daemon's command line: what to run and with which files and bus.

#include "status/status_command.h"

#include <optional>
#include <string>
#include <vector>

namespace bagg {

inline constexpr const char* kDefaultConfigPath = "/data/apps/dbus-battery-aggregator/dbus-battery-aggregator.ini";

struct CommandLine {
    enum class Action { Run, CheckConfig, Status, ImportConfig, Help, Version };
    Action action = Action::Run;
    std::string configPath = kDefaultConfigPath;
    bool configGiven = false;
    std::optional<std::string> busAddress;  // absent: the system bus (DBUS_SYSTEM_BUS_ADDRESS)
    StatusOptions status;
    std::string importPath;  // import-config FILE: an older aggregator's configuration
};

struct CommandLineParse {
    CommandLine options;
    std::string error;  // non-empty: usage error
};

CommandLineParse parseCommandLine(const std::vector<std::string>& args);
std::string usageText(const std::string& program);

}  // namespace bagg
