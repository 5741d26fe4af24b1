#pragma once
// Runs a callback once the loop has drained what is pending, at most once per `interval`: the
// first trigger after a quiet spell runs as soon as the loop is idle (lowest priority, no timer,
// no second wake-up), triggers within `interval` of the last run wait for the end of that interval
// and run together. A BMS driver publishing per path sends 25 signals for one reading: they make
// one run, not 25. (MPD pairs a DeferEvent with a CoarseTimerEvent for the same purpose.)
// Registers `this` with sd-event: neither copied nor moved.

#include "event_loop.h"

#include <chrono>
#include <functional>

namespace bagg {

class CoalescingEvent {
public:
    CoalescingEvent(EventLoop& loop, std::chrono::microseconds interval, std::function<void()> callback);
    CoalescingEvent(const CoalescingEvent&) = delete;
    CoalescingEvent& operator=(const CoalescingEvent&) = delete;

    void trigger();

private:
    void run();

    EventLoop& loop_;
    std::chrono::microseconds interval_;
    std::function<void()> callback_;
    std::chrono::microseconds lastRun_{std::chrono::microseconds::min()};
    TimerEvent timer_;  // a trigger within `interval` of the last run
    DeferEvent idle_;   // a trigger after a quiet spell: once the loop has drained the bus
};

}  // namespace bagg
