#include "logging.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

namespace bagg {

void setupLogging(const std::string& level)
{
    auto logger = spdlog::stderr_color_st("dbus-battery-aggregator");
    if (isatty(STDERR_FILENO)) logger->set_pattern("%Y-%m-%d %H:%M:%S.%e %^%-7l%$ %v");
    else logger->set_pattern("%-7l %v");
    spdlog::set_default_logger(logger);
    setLogLevel(level);
}

bool setLogLevel(const std::string& level)
{
    spdlog::level::level_enum l;
    if (level == "debug") l = spdlog::level::debug;
    else if (level == "info") l = spdlog::level::info;
    else if (level == "warning") l = spdlog::level::warn;
    else if (level == "error") l = spdlog::level::err;
    else return false;
    spdlog::set_level(l);
    return true;
}

}  // namespace bagg
