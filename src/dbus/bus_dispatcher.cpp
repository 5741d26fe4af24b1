#include "bus_dispatcher.h"

#include <sdbus-c++/Error.h>
#include <spdlog/spdlog.h>
#include <sys/epoll.h>

#include <cstdint>

namespace bagg {
namespace {

// Bound the work of one dispatch so that a flood on the bus cannot starve timers (a recompute's
// deadline waits for the batch in hand: 64 messages are 1-2 ms here); what is left makes the bus
// timeout 0 and we come straight back after the other sources had their turn.
constexpr int kMaxMessagesPerDispatch = 64;

}  // namespace

BusDispatcher::BusDispatcher(EventLoop& loop, sdbus::IConnection& connection,
                             std::function<void(const std::string&)> onFatal)
    : connection_(connection),
      onFatal_(std::move(onFatal)),
      io_(loop, connection.getEventLoopPollData().fd, EPOLLIN, [this](std::uint32_t) { process(); }),
      timeout_(loop, [this] { process(); })
{
    io_.setPrepare([this] { prepare(); });
}

void BusDispatcher::setPaused(bool paused)
{
    paused_ = paused;
    if (paused) {
        io_.setEvents(0);
        timeout_.cancel();
    }
}

void BusDispatcher::prepare()
{
    if (failed_ || paused_) return;
    try {
        const auto poll = connection_.getEventLoopPollData();
        // poll(2) and epoll share the values of IN/OUT on Linux.
        io_.setEvents(static_cast<std::uint32_t>(poll.events));
        if (poll.timeout_usec == UINT64_MAX) timeout_.cancel();
        else timeout_.scheduleAt(std::chrono::microseconds(poll.timeout_usec));
    } catch (const std::exception& e) {
        fail(e.what());
    }
}

void BusDispatcher::process()
{
    if (failed_ || paused_) return;
    try {
        for (int i = 0; i < kMaxMessagesPerDispatch && connection_.processPendingRequest(); ++i) {
        }
    } catch (const std::exception& e) {
        fail(e.what());
    }
}

void BusDispatcher::fail(const std::string& why)
{
    // sd-bus may have closed the fd already: only calls that cannot throw here.
    failed_ = true;
    io_.disable();
    timeout_.cancel();
    onFatal_(why);
}

}  // namespace bagg
