#pragma once
// spdlog to stderr: with timestamps on a terminal, without them under daemontools (multilog
// stamps every line itself).

#include <string>

namespace bagg {

void setupLogging(const std::string& level);
// "debug", "info", "warning" or "error"; false for anything else (the level is then unchanged).
bool setLogLevel(const std::string& level);

}  // namespace bagg
