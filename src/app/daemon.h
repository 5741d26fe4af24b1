#pragma once
// The running service: one sd-event loop, one bus connection, the battery readers feeding the
// pure core, and the aggregate published as com.victronenergy.battery.aggregate.

#include "aggregate_service.h"
#include "battery_bank.h"
#include "state_file.h"

#include "bagg/config/config.h"
#include "bagg/core/aggregate.h"
#include "dbus/bus_dispatcher.h"
#include "dbus/busitem_exporter.h"
#include "dbus/settings_client.h"
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
    void persistState();
    void claimName(const char* why);
    void onSetting(const std::string& path, const Value& value);
    bool onCustomName(const std::string& name);
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
    BatteryBank bank_;
    SettingsClient settings_;
    TimerEvent settingsTimeout_;
    TimerEvent heartbeat_;
    std::chrono::microseconds lastPublished_{0};
    std::chrono::microseconds lastRecompute_{0};
    std::chrono::microseconds started_{0};
    bool settled_ = false;
    RuntimeState savedState_;
    bool stateWritable_ = true;
    SignalEvent sigterm_;
    SignalEvent sigint_;
    bool nameClaimed_ = false;
    int recomputes_ = 0;
};

}  // namespace bagg
