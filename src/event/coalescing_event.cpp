#include "coalescing_event.h"

#include <systemd/sd-event.h>

namespace bagg {

CoalescingEvent::CoalescingEvent(EventLoop& loop, std::chrono::microseconds interval, std::function<void()> callback)
    : loop_(loop),
      interval_(interval),
      callback_(std::move(callback)),
      timer_(loop, [this] { run(); }),
      idle_(loop, [this] { run(); })
{
    // A deadline that has passed runs before the next batch of messages is read from the bus.
    timer_.setPriority(SD_EVENT_PRIORITY_IMPORTANT);
}

bool CoalescingEvent::armDeadline()
{
    if (timer_.pending()) return false;
    const auto now = loop_.now();
    const bool quiet = lastRun_ == std::chrono::microseconds::min() || now >= lastRun_ + interval_;
    timer_.scheduleAt(quiet ? now + interval_ : lastRun_ + interval_);
    return quiet;
}

void CoalescingEvent::trigger()
{
    if (armDeadline()) idle_.trigger();
}

void CoalescingEvent::triggerAtDeadline() { armDeadline(); }

void CoalescingEvent::run()
{
    idle_.cancel();
    timer_.cancel();
    lastRun_ = loop_.now();
    callback_();
}

}  // namespace bagg
