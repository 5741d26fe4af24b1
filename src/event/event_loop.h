#pragma once
// Thin RAII wrappers over sd-event: the one event loop of the process. All methods must be called
// from the thread that runs the loop (there is only one). Each source owns its sd_event_source and
// its callback; destroying the object removes the source.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>

struct sd_event;
struct sd_event_source;
struct signalfd_siginfo;

namespace bagg {

struct SdEventSourceDeleter {
    void operator()(sd_event_source* s) const;
};
using SdEventSourcePtr = std::unique_ptr<sd_event_source, SdEventSourceDeleter>;

class EventLoop {
public:
    EventLoop();
    ~EventLoop();
    EventLoop(const EventLoop&) = delete;
    EventLoop& operator=(const EventLoop&) = delete;

    // Runs until exit(); returns the code passed to exit().
    int run();
    void exit(int code);
    std::chrono::microseconds now() const;  // CLOCK_MONOTONIC, cached per loop iteration
    sd_event* raw() const { return event_.get(); }

private:
    struct Deleter {
        void operator()(sd_event* e) const;
    };
    std::unique_ptr<sd_event, Deleter> event_;
};

// A one-shot timer; schedule() again to re-arm. Cancelled on destruction.
class TimerEvent {
public:
    TimerEvent(EventLoop& loop, std::function<void()> callback);
    TimerEvent(const TimerEvent&) = delete;  // registers `this` with sd-event: never copied nor moved
    TimerEvent& operator=(const TimerEvent&) = delete;
    void schedule(std::chrono::microseconds delay);
    void scheduleAt(std::chrono::microseconds monotonicTime);
    void cancel();
    bool pending() const;
    // Before sources of a higher (numerically larger) priority that are due in the same iteration;
    // default 0, as io sources. A deadline set below 0 runs before the next batch read from the bus.
    void setPriority(std::int64_t priority);

private:
    static int dispatch(sd_event_source*, uint64_t, void* self);
    EventLoop& loop_;
    std::function<void()> callback_;
    SdEventSourcePtr source_;
};

// Runs a callback once in the next loop iteration, however often it was triggered before: the
// way to coalesce a burst of updates into one piece of work.
class DeferEvent {
public:
    DeferEvent(EventLoop& loop, std::function<void()> callback);
    DeferEvent(const DeferEvent&) = delete;  // registers `this` with sd-event: never copied nor moved
    DeferEvent& operator=(const DeferEvent&) = delete;
    void trigger();
    void cancel();

private:
    static int dispatch(sd_event_source*, void* self);
    std::function<void()> callback_;
    SdEventSourcePtr source_;
};

// Delivers SIGTERM/SIGINT etc. through the loop (the signal is blocked for the process).
class SignalEvent {
public:
    SignalEvent(EventLoop& loop, int signal, std::function<void()> callback);
    SignalEvent(const SignalEvent&) = delete;  // registers `this` with sd-event: never copied nor moved
    SignalEvent& operator=(const SignalEvent&) = delete;

private:
    static int dispatch(sd_event_source*, const ::signalfd_siginfo*, void* self);
    std::function<void()> callback_;
    SdEventSourcePtr source_;
};

// Watches one file descriptor. `prepare` (optional) runs before every wait of the loop.
class IoEvent {
public:
    IoEvent(EventLoop& loop, int fd, std::uint32_t events, std::function<void(std::uint32_t revents)> callback);
    IoEvent(const IoEvent&) = delete;  // registers `this` with sd-event: never copied nor moved
    IoEvent& operator=(const IoEvent&) = delete;
    void setEvents(std::uint32_t events);
    void disable() noexcept;  // e.g. when the fd was closed under us
    void setPrepare(std::function<void()> prepare);

private:
    static int dispatch(sd_event_source*, int fd, std::uint32_t revents, void* self);
    static int dispatchPrepare(sd_event_source*, void* self);
    std::function<void(std::uint32_t)> callback_;
    std::function<void()> prepare_;
    SdEventSourcePtr source_;
};

}  // namespace bagg
