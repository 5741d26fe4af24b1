#pragma once
// The daemon's whole configuration, as read from the INI file. Defaults here must match the
// documented default file config/dbus-battery-aggregator.ini (a unit test checks that).

#include "bagg/core/aggregation_config.h"
#include "bagg/core/bank_sources.h"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bagg {

// Times the file gives in seconds are parsed once (config_schema.cpp) into a Duration
// (bagg/core/instant.h), the event loop's unit.

struct ServiceConfig {
    std::optional<int> deviceInstance;  // absent = "auto": ask com.victronenergy.settings
    int preferredInstance = 512;        // proposed to the settings service, and the fallback
    bool perLeafSignals = false;        // PropertiesChanged per leaf besides ItemsChanged on /
    Duration settingsTimeout = std::chrono::seconds(10);  // wait for the settings service before falling back
    Duration recomputeDelay = std::chrono::milliseconds(1);  // at most one recompute per this during a burst
    Duration watchdogTimeout = std::chrono::seconds(10);  // without a published recompute: exit for a restart
    Duration packSignalInterval = std::chrono::seconds(5);  // /Batteries/<n>/ values signalled at most this often
    // The bank's measurements (voltage, current, temperatures, ...) signalled at most this often
    // unless a limit, SOC or alarm change carries them; 0 = with every recompute.
    Duration measurementSignalInterval = std::chrono::milliseconds(250);
    std::string stateFile = "/data/apps/dbus-battery-aggregator/state";  // run-time state; empty = none
};

// Forces the role of a battery service (packs/pack_role.h); selectors as in [batteries].
struct RolesConfig {
    std::vector<std::string> pack, monitor, aggregate;
};

// [pack "<selector>"]: corrections to one pack's values before aggregation (packs/pack_override.h).
struct PackOverride {
    std::string selector;            // as in [batteries]: a service name, name:<CustomName>, serial:<Serial>
    std::vector<Quantity> ignored;   // values its BMS gets wrong: absent, as if never published
    // Values set here. A limit (CVL, CCL, DCL) only ever lowers what the BMS publishes, or stands in
    // when it publishes none (raising a BMS's limit is the one thing no configuration may do);
    // a battery-low voltage only ever raises it; installed capacity and cells per battery replace.
    std::vector<std::pair<Quantity, double>> fixed;
    // A charge or discharge current (A) over the pack's voltage (V) or temperature (°C), linear
    // between the points, flat beyond the ends; like a limit it only lowers the BMS's own.
    struct Table {
        Quantity over = Quantity::Voltage;
        std::vector<std::pair<double, double>> points;  // x rising
        bool operator==(const Table& o) const { return over == o.over && points == o.points; }
    };
    std::optional<Table> chargeCurrent, dischargeCurrent;
};

// [pair "<name>"]: a monitor (the pack's own shunt) merged into the pack it measures, shown and
// counted as that one pack (packs/pack_pair.h).
struct PackPair {
    std::string name;
    std::string pack, monitor;  // selectors
    // The values taken from the monitor while it has them; everything else is the BMS's.
    std::vector<Quantity> fromMonitor{Quantity::Soc, Quantity::Current, Quantity::Power, Quantity::ConsumedAmphours,
                                      Quantity::Capacity};
};

struct BatteriesConfig {
    // Service names, "name:<CustomName>" or "serial:<Serial>".
    std::vector<std::string> exclude;
    std::vector<std::string> include;  // empty = every battery service
    Duration reconnectGrace = std::chrono::seconds(30);  // a pack that is away is held this long
    Duration livenessInterval = std::chrono::seconds(5);  // between liveness calls to each pack
    Duration livenessTimeout = std::chrono::seconds(2);   // before a liveness call counts as failed
    RolesConfig roles;                 // [roles]
    std::vector<PackOverride> overrides;  // [pack "..."] sections, in file order
    std::vector<PackPair> pairs;          // [pair "..."] sections
};

enum class LogLevel { Debug, Info, Warning, Error };
// The names of the levels, in the file and on /LogLevel: the one list of them.
inline constexpr std::pair<std::string_view, LogLevel> kLogLevels[] = {
    {"debug", LogLevel::Debug}, {"info", LogLevel::Info}, {"warning", LogLevel::Warning}, {"error", LogLevel::Error}};
inline std::optional<LogLevel> logLevelFromName(std::string_view name)
{
    for (const auto& [text, level] : kLogLevels)
        if (text == name) return level;
    return std::nullopt;
}
inline std::string_view logLevelName(LogLevel level)
{
    for (const auto& [text, l] : kLogLevels)
        if (l == level) return text;
    return "?";
}

struct LoggingConfig {
    LogLevel level = LogLevel::Info;
};

struct Config {
    ServiceConfig service;
    BatteriesConfig batteries;
    AggregationConfig aggregation;
    SourcesConfig sources;
    LoggingConfig logging;
};

}  // namespace bagg
