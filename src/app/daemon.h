#pragma once
// The running service: one sd-event loop, one bus connection, the battery readers feeding the
// pure core, and the aggregate published as com.victronenergy.battery.aggregate.

#include "aggregate_service.h"
#include "battery_bank.h"
#include "device_settings.h"
#include "state_file.h"

#include "bagg/config/config.h"
#include "bagg/core/aggregate.h"
#include "dbus/bus_dispatcher.h"
#include "dbus/busitem_exporter.h"
#include "event/event_loop.h"

#include <sdbus-c++/IConnection.h>

#include <memory>
#include <optional>
#include <string>

namespace bagg {

class Daemon {
public:
    explicit Daemon(Config config);
    ~Daemon();
    Daemon(const Daemon&) = delete;
    Daemon& operator=(const Daemon&) = delete;

    // Runs until SIGTERM/SIGINT (returns 0) or a fatal error (returns non-zero).
    int run();

private:
    void recompute();
    void scheduleRecompute();
    void heartbeat();
    void loadRuntimeState();
    void persistState();
    void maybeClaimName(bool readyToPublish);
    bool onCustomName(const std::string& name);
    void onForgetMissing();
    void stop(int code);

    Config config_;
    EventLoop loop_;
    std::unique_ptr<sdbus::IConnection> connection_;
    BusDispatcher dispatcher_;
    BusItemExporter exporter_;
    AggregateService service_;
    AggregatorState state_;
    TimerEvent recomputeTimer_;  // a change within recompute_delay of the last recompute
    DeferEvent recomputeNow_;    // a change after a quiet spell: once the loop has drained the bus
    Instant started_;
    BatteryBank bank_;
    DeviceSettings deviceSettings_;
    TimerEvent heartbeat_;
    Instant lastPublished_{0};
    Instant lastRecompute_{0};
    bool settledLogged_ = false;
    RuntimeState savedState_;
    Instant savedAt_{0};
    bool stateWritable_ = true;
    SignalEvent sigterm_;
    SignalEvent sigint_;
    bool nameClaimed_ = false;
    std::optional<int> clashLoggedFor_;  // a battery service that appeared later with our instance
    int recomputes_ = 0;
};

}  // namespace bagg
