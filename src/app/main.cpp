// dbus-battery-aggregator: entry point. Parses the command line, loads the configuration and
// hands over to the daemon.

#include "command_line.h"
#include "daemon.h"
#include "logging.h"

#include "bagg/config/config_loader.h"
#include "bagg/version.h"
#include "import/import_config.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace {

int reportErrors(const bagg::ConfigLoad& load)
{
    for (const auto& e : load.errors) fmt::print(stderr, "config error: {}\n", e.describe());
    fmt::print(stderr, "{} error(s) in the configuration; refusing to start\n", load.errors.size());
    return 2;
}

// import-config FILE: the edge of the pure conversion (import/import_config.h): reads the file,
// prints our configuration on stdout and every problem on stderr.
int importConfig(const std::string& path)
{
    constexpr std::streamoff kMaxSize = 1 << 20;  // a configuration is a few kB; refuse what is not one
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
        fmt::print(stderr, "import-config: cannot read {}: a directory; give the old configuration file\n", path);
        return 2;
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        fmt::print(stderr, "import-config: cannot read {}: {}\n", path, std::strerror(errno));
        return 2;
    }
    std::stringstream text;
    text << in.rdbuf();
    if (in.bad() || text.tellp() > kMaxSize) {
        fmt::print(stderr, "import-config: cannot read {}: {}\n", path,
                   in.bad() ? "read error" : "larger than 1 MiB, not a configuration file");
        return 2;
    }
    const auto result = bagg::importConfig(text.str(), path);
    for (const auto& w : result.warnings) fmt::print(stderr, "import-config: warning: {}\n", w.describe(path));
    if (!result.ok()) {
        for (const auto& e : result.errors) fmt::print(stderr, "import-config: {}\n", e.describe(path));
        fmt::print(stderr, "import-config: {} cannot be converted; nothing printed\n", path);
        return 2;
    }
    fmt::print("{}", result.ini);
    std::fflush(stdout);
    if (std::ferror(stdout)) {
        fmt::print(stderr, "import-config: cannot write the configuration: {}\n", std::strerror(errno));
        return 2;
    }
    return 0;
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
    case bagg::CommandLine::Action::ImportConfig: return importConfig(options.importPath);
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
