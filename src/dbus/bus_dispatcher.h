#pragma once
// Drives an sdbus-c++ connection from the sd-event loop, without a thread: sdbus-c++ 1.2 has no
// attachSdEventLoop, so we do what sd-bus's own sd_bus_attach_event does: an io source on the bus
// fd and a timer for the bus's next timeout, both re-read in a prepare callback before every wait.

#include "event/event_loop.h"

#include <sdbus-c++/IConnection.h>

#include <functional>
#include <string>

namespace bagg {

class BusDispatcher {
public:
    // onFatal: the connection is broken (bus daemon gone); the owner should exit.
    BusDispatcher(EventLoop& loop, sdbus::IConnection& connection, std::function<void(const std::string&)> onFatal);
    BusDispatcher(const BusDispatcher&) = delete;
    BusDispatcher& operator=(const BusDispatcher&) = delete;

    // Stops (or resumes) processing the connection: calls to it go unanswered, like a hung process.
    // battery-sim uses it to play a frozen BMS driver.
    void setPaused(bool paused);

private:
    void prepare();
    void process();
    void fail(const std::string& why);

    sdbus::IConnection& connection_;
    std::function<void(const std::string&)> onFatal_;
    bool failed_ = false;
    bool paused_ = false;
    IoEvent io_;
    TimerEvent timeout_;
};

}  // namespace bagg
