#include "coalescing_event.h"

namespace bagg {

CoalescingEvent::CoalescingEvent(EventLoop& loop, std::chrono::microseconds interval, std::function<void()> callback)
    : loop_(loop),
      interval_(interval),
      callback_(std::move(callback)),
      timer_(loop, [this] { run(); }),
      idle_(loop, [this] { run(); })
{
}

void CoalescingEvent::trigger()
{
    if (timer_.pending()) return;
    const auto now = loop_.now();
    if (lastRun_ == std::chrono::microseconds::min() || now >= lastRun_ + interval_) idle_.trigger();
    else timer_.scheduleAt(lastRun_ + interval_);
}

void CoalescingEvent::run()
{
    lastRun_ = loop_.now();
    callback_();
}

}  // namespace bagg
