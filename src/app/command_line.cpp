#include "command_line.h"

#include "bagg/core/strict_number.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace bagg {

CommandLineParse parseCommandLine(const std::vector<std::string>& args)
{
    CommandLineParse out;
    auto& o = out.options;
    std::size_t first = 0;
    if (!args.empty() && args[0] == "status") {
        o.action = CommandLine::Action::Status;
        first = 1;
    } else if (!args.empty() && args[0] == "import-config") {
        o.action = CommandLine::Action::ImportConfig;
        first = 1;
    }
    for (std::size_t i = first; i < args.size(); ++i) {
        const std::string& a = args[i];
        auto value = [&](const char* name) -> std::optional<std::string> {
            if (i + 1 < args.size()) return args[++i];
            out.error = fmt::format("{} needs a value", name);
            return std::nullopt;
        };
        if (a == "-h" || a == "--help") o.action = CommandLine::Action::Help;
        else if (a == "-V" || a == "--version") o.action = CommandLine::Action::Version;
        else if (a == "-c" || a == "--config" || a == "--check-config") {
            auto v = value(a.c_str());
            if (!v) return out;
            o.configPath = *v;
            o.configGiven = true;
            if (a == "--check-config") o.action = CommandLine::Action::CheckConfig;
        } else if (a == "--bus") {
            auto v = value("--bus");
            if (!v) return out;
            o.busAddress = *v;
            o.status.busAddress = *v;
        } else if (o.action == CommandLine::Action::Status && (a == "--watch" || a == "-w")) {
            o.status.watch = true;
        } else if (o.action == CommandLine::Action::Status && a == "--json") {
            o.status.json = true;
        } else if (o.action == CommandLine::Action::ImportConfig && o.importPath.empty() && !a.empty() && a[0] != '-') {
            o.importPath = a;
        } else if (o.action == CommandLine::Action::Status && (a == "--count" || a == "--interval")) {
            auto v = value(a.c_str());
            if (!v) return out;
            const auto n = parseStrictNumber(*v);
            const bool ok = a == "--count" ? n && *n >= 0 && *n <= 1e9 && *n == std::floor(*n) : n && *n >= 0.05 && *n <= 3600;
            if (!ok) {
                out.error = a == "--count" ? "--count needs a whole number of refreshes, 0 or more"
                                           : "--interval needs seconds between refreshes, 0.05 to 3600";
                return out;
            }
            if (a == "--count") o.status.count = static_cast<int>(*n);
            else o.status.interval = *n;
        } else {
            out.error = fmt::format("unknown argument '{}'", a);
            return out;
        }
    }
    const bool timing = std::any_of(args.begin(), args.end(), [](const std::string& a) {
        return a == "--count" || a == "--interval";
    });
    if (o.action == CommandLine::Action::Status && !o.status.watch && timing) {
        out.error = "--count and --interval go with --watch";
        return out;
    }
    if (o.action == CommandLine::Action::ImportConfig && o.importPath.empty())
        out.error = "import-config needs the old configuration FILE";
    return out;
}

std::string usageText(const std::string& program)
{
    return fmt::format(
        "Usage: {0} [--config FILE] [--bus ADDRESS]\n"
        "       {0} --check-config FILE\n"
        "       {0} status [--watch] [--json] [--count N] [--interval S] [--bus ADDRESS]\n"
        "       {0} import-config FILE > dbus-battery-aggregator.ini\n"
        "\n"
        "Publishes every com.victronenergy.battery.* pack on the GX D-Bus as one battery,\n"
        "com.victronenergy.battery.aggregate.\n"
        "\n"
        "  -c, --config FILE     configuration (default {1});\n"
        "                        a missing file means built-in defaults\n"
        "      --check-config FILE\n"
        "                        validate FILE, print the effective configuration, exit\n"
        "      --bus ADDRESS     D-Bus address to use instead of the system bus\n"
        "  -V, --version         print version and architecture\n"
        "\n"
        "status shows the packs and the aggregate of the running service:\n"
        "  -w, --watch           refresh until Ctrl-C, in place on a terminal; while the daemon\n"
        "                        is not running (a restart) say so and wait for it\n"
        "      --json            one JSON object (with --watch: one per line, JSON Lines)\n"
        "      --interval S      seconds between refreshes with --watch (default 1)\n"
        "      --count N         with --watch: stop after N refreshes (default: until Ctrl-C)\n"
        "      --bus ADDRESS     read the service on this D-Bus instead of the system bus\n"
        "\n"
        "import-config prints our configuration for an older aggregator's FILE, with a comment\n"
        "on every old option: BatteryAggregator's config.json, bms-aggregator's or\n"
        "dbus-aggregate-batteries' config.ini. Exit status 2 when FILE cannot be read or converted.\n"
        "  -h, --help            this text\n",
        program, kDefaultConfigPath);
}

}  // namespace bagg
