#include "event_loop.h"

#include "call_guard.h"

#include <spdlog/spdlog.h>
#include <systemd/sd-event.h>

#include <csignal>
#include <cstring>
#include <stdexcept>
#include <string>

namespace bagg {
namespace {

void check(int r, const char* what)
{
    if (r < 0) throw std::runtime_error(std::string(what) + ": " + std::strerror(-r));
}

// sd-event calls us from C: an exception must never unwind through it. A failing callback is
// logged and the loop carries on (0: the source stays), so one bad event cannot stop the service.
template <typename F>
int dispatchGuarded(const char* what, F&& f) noexcept
{
    guardedCallback(what, std::forward<F>(f));
    return 0;
}

}  // namespace

void SdEventSourceDeleter::operator()(sd_event_source* s) const
{
    sd_event_source_disable_unref(s);
}

void EventLoop::Deleter::operator()(sd_event* e) const { sd_event_unref(e); }

EventLoop::EventLoop()
{
    sd_event* e = nullptr;
    check(sd_event_new(&e), "sd_event_new");
    event_.reset(e);
}

EventLoop::~EventLoop() = default;

int EventLoop::run()
{
    const int r = sd_event_loop(event_.get());
    check(r, "sd_event_loop");
    return r;
}

void EventLoop::exit(int code)
{
    sd_event_exit(event_.get(), code);
}

std::chrono::microseconds EventLoop::now() const
{
    uint64_t usec = 0;
    check(sd_event_now(event_.get(), CLOCK_MONOTONIC, &usec), "sd_event_now");
    return std::chrono::microseconds(usec);
}

// ---- TimerEvent ----

TimerEvent::TimerEvent(EventLoop& loop, std::function<void()> callback) : loop_(loop), callback_(std::move(callback))
{
    sd_event_source* s = nullptr;
    // Accuracy 1 µs: sd-event's default (0) lets a timer slip by up to 250 ms to batch wake-ups,
    // which would add that to our latency and to the simulator's timing.
    check(sd_event_add_time(loop.raw(), &s, CLOCK_MONOTONIC, UINT64_MAX, 1, &TimerEvent::dispatch, this),
          "sd_event_add_time");
    source_.reset(s);
    sd_event_source_set_enabled(s, SD_EVENT_OFF);
}

void TimerEvent::setPriority(std::int64_t priority)
{
    sd_event_source_set_priority(source_.get(), priority);
}

void TimerEvent::schedule(std::chrono::microseconds delay)
{
    scheduleAt(loop_.now() + delay);
}

void TimerEvent::scheduleAt(std::chrono::microseconds monotonicTime)
{
    check(sd_event_source_set_time(source_.get(), static_cast<uint64_t>(monotonicTime.count())), "set_time");
    check(sd_event_source_set_enabled(source_.get(), SD_EVENT_ONESHOT), "enable timer");
}

void TimerEvent::cancel()
{
    sd_event_source_set_enabled(source_.get(), SD_EVENT_OFF);
}

bool TimerEvent::pending() const
{
    int enabled = SD_EVENT_OFF;
    sd_event_source_get_enabled(source_.get(), &enabled);
    return enabled != SD_EVENT_OFF;
}

int TimerEvent::dispatch(sd_event_source*, uint64_t, void* self)
{
    return dispatchGuarded("timer", [self] { static_cast<TimerEvent*>(self)->callback_(); });
}

// ---- DeferEvent ----

DeferEvent::DeferEvent(EventLoop& loop, std::function<void()> callback) : callback_(std::move(callback))
{
    sd_event_source* s = nullptr;
    check(sd_event_add_defer(loop.raw(), &s, &DeferEvent::dispatch, this), "sd_event_add_defer");
    source_.reset(s);
    sd_event_source_set_enabled(s, SD_EVENT_OFF);
    // Run after the bus has been drained in this iteration, so one burst of signals costs one run.
    sd_event_source_set_priority(s, SD_EVENT_PRIORITY_IDLE);
}

void DeferEvent::trigger()
{
    sd_event_source_set_enabled(source_.get(), SD_EVENT_ONESHOT);
}

void DeferEvent::cancel()
{
    sd_event_source_set_enabled(source_.get(), SD_EVENT_OFF);
}

int DeferEvent::dispatch(sd_event_source*, void* self)
{
    return dispatchGuarded("deferred", [self] { static_cast<DeferEvent*>(self)->callback_(); });
}

// ---- SignalEvent ----

SignalEvent::SignalEvent(EventLoop& loop, int signal, std::function<void()> callback) : callback_(std::move(callback))
{
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, signal);
    sigprocmask(SIG_BLOCK, &mask, nullptr);
    sd_event_source* s = nullptr;
    check(sd_event_add_signal(loop.raw(), &s, signal, &SignalEvent::dispatch, this), "sd_event_add_signal");
    source_.reset(s);
}

int SignalEvent::dispatch(sd_event_source*, const ::signalfd_siginfo*, void* self)
{
    return dispatchGuarded("signal", [self] { static_cast<SignalEvent*>(self)->callback_(); });
}

// ---- IoEvent ----

IoEvent::IoEvent(EventLoop& loop, int fd, std::uint32_t events, std::function<void(std::uint32_t)> callback)
    : callback_(std::move(callback))
{
    sd_event_source* s = nullptr;
    check(sd_event_add_io(loop.raw(), &s, fd, events, &IoEvent::dispatch, this), "sd_event_add_io");
    source_.reset(s);
}

void IoEvent::setEvents(std::uint32_t events)
{
    check(sd_event_source_set_io_events(source_.get(), events), "set_io_events");
}

void IoEvent::disable() noexcept
{
    sd_event_source_set_enabled(source_.get(), SD_EVENT_OFF);
}

void IoEvent::setPrepare(std::function<void()> prepare)
{
    prepare_ = std::move(prepare);
    check(sd_event_source_set_prepare(source_.get(), prepare_ ? &IoEvent::dispatchPrepare : nullptr), "set_prepare");
}

int IoEvent::dispatch(sd_event_source*, int, std::uint32_t revents, void* self)
{
    return dispatchGuarded("io", [self, revents] { static_cast<IoEvent*>(self)->callback_(revents); });
}

int IoEvent::dispatchPrepare(sd_event_source*, void* self)
{
    return dispatchGuarded("prepare", [self] { static_cast<IoEvent*>(self)->prepare_(); });
}

}  // namespace bagg
