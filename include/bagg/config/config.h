#pragma once
// The daemon's whole configuration, as read from the INI file. Defaults here must match the
// documented default file config/dbus-battery-aggregator.ini (a unit test checks that).

#include "bagg/core/aggregation_config.h"

#include <optional>
#include <string>
#include <vector>

namespace bagg {

struct ServiceConfig {
    std::optional<int> deviceInstance;  // absent = "auto": ask com.victronenergy.settings
    int preferredInstance = 512;        // proposed to the settings service, and the fallback
    bool perLeafSignals = false;        // PropertiesChanged per leaf besides ItemsChanged on /
    double settingsTimeout = 10.0;      // s to wait for the settings service before falling back
    double recomputeDelay = 0.001;      // s: at most one recompute per this interval during a burst
    double watchdogTimeout = 10.0;      // s without a published recompute before we exit for a restart
    std::string stateFile = "/data/apps/dbus-battery-aggregator/state";  // run-time state; empty = none
};

// Forces the role of a battery service (packs/pack_role.h); selectors as in [batteries].
struct RolesConfig {
    std::vector<std::string> pack, monitor, aggregate;
};

struct BatteriesConfig {
    // Service names, "name:<CustomName>" or "serial:<Serial>".
    std::vector<std::string> exclude;
    std::vector<std::string> include;  // empty = every battery service
    double reconnectGrace = 30.0;      // s a pack that left keeps its SOC in the aggregate
    double livenessInterval = 5.0;     // s between liveness calls to each pack
    double livenessTimeout = 2.0;      // s before a liveness call counts as failed
    RolesConfig roles;                 // [roles]
};

struct LoggingConfig {
    std::string level = "info";  // debug | info | warning | error
};

struct Config {
    ServiceConfig service;
    BatteriesConfig batteries;
    AggregationConfig aggregation;
    LoggingConfig logging;
};

}  // namespace bagg
