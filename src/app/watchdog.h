#pragma once
// The daemon's own liveness, guarded twice, so that stale limits never stay on the bus silently:
// - in the loop, a heartbeat once a second checks that a recompute was published within
//   watchdog_timeout; if not, it logs why and exits the loop with status 4, and daemontools
//   restarts us;
// - outside it, alarm() is re-armed at every beat: if the loop itself hangs (a call that never
//   returns), SIGALRM ends the process with status 5.
// The heartbeat also drives time-based work (grace periods end without any event): onBeat.

#include "bagg/config/config.h"
#include "bagg/core/instant.h"
#include "event/event_loop.h"

#include <functional>

namespace bagg {

class Watchdog {
public:
    Watchdog(EventLoop& loop, Duration timeout, std::function<void()> onBeat);
    ~Watchdog();  // disarms the alarm and restores SIGALRM's default
    Watchdog(const Watchdog&) = delete;
    Watchdog& operator=(const Watchdog&) = delete;

    void start();                 // the first beat in one second
    void fed(Instant publishedAt) { lastFed_ = publishedAt; }

private:
    void beat();

    EventLoop& loop_;
    Duration timeout_;
    std::function<void()> onBeat_;
    Instant lastFed_{0};
    TimerEvent heartbeat_;
};

}  // namespace bagg
