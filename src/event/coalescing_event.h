#pragma once
// Runs a callback once the loop has drained what is pending, at most once per `interval`, and
// never later than `interval` after the first trigger: the first trigger after a quiet spell runs
// as soon as the loop is idle (lowest priority: a burst read in one go makes one run) or when
// `interval` has passed, whichever comes first (a change must not wait while other packs' signals
// keep the bus busy: 400 of them take ~20 ms to read); triggers within `interval` of the last run
// wait for the end of that interval and run together. So a burst costs at most one run per
// `interval`, and a change is acted on within `interval` plus the run before it. A BMS driver
// publishing per path sends 25 signals for one reading: they make one run, not 25. (MPD pairs a
// DeferEvent with a CoarseTimerEvent for the same purpose.)
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
    // Runs when `interval` has passed since this trigger (or at the end of the interval after the
    // last run), not as soon as the loop is idle: for a change that is likely the first of several
    // still on their way (a BMS driver publishing per path sends one signal per changed path), so
    // that they make one run, not one for the first and one for the rest. A trigger() while this
    // waits runs with it: no later than `interval` after the first of them.
    void triggerAtDeadline();

private:
    // Arms the timer unless it is armed: true when this is the first trigger after a quiet spell.
    bool armDeadline();
    void run();

    EventLoop& loop_;
    std::chrono::microseconds interval_;
    std::function<void()> callback_;
    std::chrono::microseconds lastRun_{std::chrono::microseconds::min()};
    TimerEvent timer_;  // the deadline of a first trigger, or the end of the interval after a run
    DeferEvent idle_;   // a trigger after a quiet spell: once the loop has drained the bus
};

}  // namespace bagg
