// dbus-battery-aggregator: entry point. Parses the command line, loads the configuration and
// hands over to the daemon.

#include "command_line.h"
#include "daemon.h"
#include "logging.h"

#include "bagg/config/config_loader.h"
#include "bagg/version.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <cstdlib>

namespace {

int reportErrors(const bagg::ConfigLoad& load)
{
    for (const auto& e : load.errors) fmt::print(stderr, "config error: {}\n", e.describe());
    fmt::print(stderr, "{} error(s) in the configuration; refusing to start\n", load.errors.size());
    return 2;
}

}  // namespace

int main(int argc, char** argv)
{
    const std::string program = argc > 0 ? argv[0] : "dbus-battery-aggregator";
    const auto parsed = bagg::parseCommandLine(std::vector<std::string>(argv + 1, argv + argc));
    if (!parsed.error.empty()) {
        fmt::print(stderr, "{}: {}\n{}", program, parsed.error, bagg::usageText(program));
        return 2;
    }
    const auto& options = parsed.options;
    switch (options.action) {
    case bagg::CommandLine::Action::Help: fmt::print("{}", bagg::usageText(program)); return 0;
    case bagg::CommandLine::Action::Status: return bagg::runStatus(options.status);
    case bagg::CommandLine::Action::Version:
        fmt::print("dbus-battery-aggregator {} ({})\n", BAGG_VERSION, BAGG_ARCH);
        return 0;
    default: break;
    }

    const auto load = bagg::loadConfigFile(options.configPath);
    if (!load.ok()) return reportErrors(load);
    if (options.action == bagg::CommandLine::Action::CheckConfig) {
        if (load.fileMissing) {
            fmt::print(stderr, "{}: no such file\n", options.configPath);
            return 2;
        }
        fmt::print("# {}: OK. Effective configuration:\n{}", options.configPath, bagg::formatConfig(load.config));
        return 0;
    }

    bagg::setupLogging(load.config.logging.level);
    spdlog::info("dbus-battery-aggregator {} starting", BAGG_VERSION);
    if (load.fileMissing) spdlog::info("no configuration file at {}: using the defaults", options.configPath);
    else spdlog::info("configuration from {}", options.configPath);
    // sd-bus reads the system bus address from the environment; --bus is a shorthand for it.
    if (options.busAddress) setenv("DBUS_SYSTEM_BUS_ADDRESS", options.busAddress->c_str(), 1);
    try {
        bagg::Daemon daemon(load.config);
        const int code = daemon.run();
        spdlog::info("exit with status {}", code);
        return code;
    } catch (const std::exception& e) {
        spdlog::critical("fatal: {}", e.what());
        return 1;
    }
}
