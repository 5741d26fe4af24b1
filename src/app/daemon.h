#pragma once
// The running service, wired together: one sd-event loop, one bus connection, the battery readers
// feeding the pure core, and the aggregate published as com.victronenergy.battery.aggregate.
// What is left here is the construction order and recompute(); each other job has its own file:
// battery_bank (the packs on the bus), gx_readings (the rest of the GX [sources] reads), device_settings (instance and CustomName),
// aggregate_service (our paths), state_file (what survives a restart), watchdog.

#include "aggregate_service.h"
#include "battery_bank.h"
#include "device_settings.h"
#include "gx_readings.h"
#include "state_file.h"
#include "watchdog.h"

#include "bagg/config/config.h"
#include "bagg/core/aggregate.h"
#include "bagg/core/bank_sources.h"
#include "dbus/bus_dispatcher.h"
#include "dbus/busitem_exporter.h"
#include "event/coalescing_event.h"
#include "event/event_loop.h"

#include <sdbus-c++/IConnection.h>

#include <memory>
#include <optional>
#include <string>

namespace bagg {

class Daemon {
public:
    explicit Daemon(Config config);
    Daemon(const Daemon&) = delete;
    Daemon& operator=(const Daemon&) = delete;

    // Runs until SIGTERM/SIGINT (returns 0) or a fatal error (returns non-zero).
    int run();

private:
    void recompute();
    void logSources(const SourceReport& now);
    void logWarnings(const std::vector<std::string>& now);  // the core's, each once when it appears
    RuntimeState runtimeState() const;
    void claimNameWhenReady(bool readyToPublish);
    void stop(int code);

    Config config_;
    EventLoop loop_;
    std::unique_ptr<sdbus::IConnection> connection_;
    BusDispatcher dispatcher_;
    BusItemExporter exporter_;
    AggregateService service_;
    StateFile stateFile_;
    AggregatorMemory memory_;
    SourceMemory sourceMemory_;
    SourceReport sources_;  // as last published: its changes are logged
    std::vector<std::string> warnings_;  // the core's, as last logged
    CoalescingEvent recompute_;
    Instant started_;
    BatteryBank bank_;
    GxReadings gx_;
    DeviceSettings deviceSettings_;
    Watchdog watchdog_;
    TimerEvent packSignals_;  // /Batteries/<n>/ values signalled every pack_signal_interval
    TimerEvent measurementSignals_;  // the bank's measurements signalled within measurement_signal_interval
    TimerEvent counterTick_;  // soc = counter: integrates at least once a second
    std::optional<RuntimeState::Counter> loadedCounter_;  // kept until the counter decides on it
    SignalEvent sigterm_;
    SignalEvent sigint_;
    bool settledLogged_ = false;
    bool nameClaimed_ = false;
    std::optional<int> clashLoggedFor_;  // a battery service that appeared later with our instance
    int shortOfExpected_ = 0;            // packs missing to make expected_packs, as last logged
};

}  // namespace bagg
