#include "logging.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

namespace bagg {

void setupLogging(LogLevel level)
{
    auto logger = spdlog::stderr_color_st("dbus-battery-aggregator");
    if (isatty(STDERR_FILENO)) logger->set_pattern("%Y-%m-%d %H:%M:%S.%e %^%-7l%$ %v");
    else logger->set_pattern("%-7l %v");
    spdlog::set_default_logger(logger);
    setLogLevel(level);
}

void setLogLevel(LogLevel level)
{
    switch (level) {
    case LogLevel::Debug: spdlog::set_level(spdlog::level::debug); break;
    case LogLevel::Info: spdlog::set_level(spdlog::level::info); break;
    case LogLevel::Warning: spdlog::set_level(spdlog::level::warn); break;
    case LogLevel::Error: spdlog::set_level(spdlog::level::err); break;
    }
}

}  // namespace bagg
