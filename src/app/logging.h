#pragma once
// spdlog to stderr: with timestamps on a terminal, without them under daemontools (multilog
// stamps every line itself).

#include "bagg/config/config.h"

namespace bagg {

void setupLogging(LogLevel level);
void setLogLevel(LogLevel level);

}  // namespace bagg
