// CoalescingEvent on a real sd-event loop: a burst of triggers is one run, a trigger after a quiet
// spell runs once the loop is idle, and a trigger never waits longer than the interval, even while
// the loop never becomes idle (a bus that keeps delivering other packs' signals). A reading that
// arrives path by path, its first path a measurement, is one run at the deadline.

#include "event/coalescing_event.h"
#include "event/event_loop.h"

#include <gtest/gtest.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <chrono>
#include <vector>

namespace bagg {
namespace {

using namespace std::chrono_literals;

TEST(CoalescingEvent, ABurstOfTriggersIsOneRunOnceTheLoopIsIdle)
{
    EventLoop loop;
    int runs = 0;
    CoalescingEvent event(loop, 50ms, [&] { ++runs; });
    TimerEvent start(loop, [&] {
        for (int i = 0; i < 25; ++i) event.trigger();
    });
    TimerEvent stop(loop, [&] { loop.exit(0); });
    start.schedule(1ms);
    stop.schedule(20ms);
    loop.run();
    EXPECT_EQ(runs, 1) << "25 triggers in one turn of the loop, well within the interval";
}

TEST(CoalescingEvent, RunsWithinTheIntervalWhileTheLoopIsNeverIdle)
{
    EventLoop loop;
    // A pipe that always has data and is never drained: its io source is due on every iteration,
    // so an idle-priority source never runs, like a bus that keeps delivering signals.
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    ASSERT_EQ(write(fds[1], "x", 1), 1);
    long busyTurns = 0;
    IoEvent busy(loop, fds[0], EPOLLIN, [&](std::uint32_t) {
        ++busyTurns;
        const auto until = std::chrono::steady_clock::now() + 100us;  // a batch of messages read
        while (std::chrono::steady_clock::now() < until) {
        }
    });
    std::chrono::microseconds triggeredAt{}, ranAt{};
    CoalescingEvent event(loop, 2ms, [&] {
        ranAt = loop.now();
        loop.exit(0);
    });
    TimerEvent start(loop, [&] {
        triggeredAt = loop.now();
        event.trigger();
    });
    TimerEvent giveUp(loop, [&] { loop.exit(1); });
    start.schedule(5ms);
    giveUp.schedule(2s);
    EXPECT_EQ(loop.run(), 0) << "the run never came while the loop was busy";
    EXPECT_GT(busyTurns, 10);
    // The deadline (2 ms) plus the batch in hand when it passed; generous for a loaded machine.
    EXPECT_LT(ranAt - triggeredAt, 50ms);
    close(fds[0]);
    close(fds[1]);
}

TEST(CoalescingEvent, TriggersSoonAfterARunWaitForTheIntervalAndRunTogether)
{
    EventLoop loop;
    std::vector<std::chrono::microseconds> runs;
    CoalescingEvent event(loop, 30ms, [&] { runs.push_back(loop.now()); });
    int ticks = 0;
    std::chrono::microseconds firstTrigger{}, lastTrigger{};
    TimerEvent tick(loop, [&] {
        if (ticks == 0) firstTrigger = loop.now();
        lastTrigger = loop.now();
        event.trigger();
        if (++ticks < 20) tick.schedule(2ms);  // 20 triggers over ~40 ms
    });
    TimerEvent stop(loop, [&] { loop.exit(0); });
    tick.schedule(1ms);
    stop.schedule(150ms);
    loop.run();
    ASSERT_GE(runs.size(), 2u);
    // Counted against how far the triggers spread: a loaded machine stretches the 40 ms (a run of
    // two suites at once made four runs of 20 triggers).
    EXPECT_LE(runs.size(), static_cast<std::size_t>((lastTrigger - firstTrigger) / 30ms) + 2)
        << "at most one run per interval";
    for (std::size_t i = 1; i < runs.size(); ++i) EXPECT_GE(runs[i] - runs[i - 1], 30ms);
}

TEST(CoalescingEvent, AReadingArrivingPathByPathIsOneRunAtTheDeadline)
{
    // A driver that publishes per path: its first signal is a measurement (triggerAtDeadline), the
    // SOC (trigger) and the rest follow one by one with the loop idle in between. Were the first
    // run at idle, the first path would make a run of its own and the rest another.
    EventLoop loop;
    std::vector<std::chrono::microseconds> runs;
    CoalescingEvent event(loop, 200ms, [&] { runs.push_back(loop.now()); });
    std::chrono::microseconds first{}, last{};
    int paths = 0;
    TimerEvent path(loop, [&] {
        if (paths == 0) first = loop.now();
        last = loop.now();
        if (paths == 4)
            event.trigger();
        else
            event.triggerAtDeadline();
        if (++paths < 9) path.schedule(1ms);  // 9 paths over ~8 ms
    });
    TimerEvent stop(loop, [&] { loop.exit(0); });
    path.schedule(1ms);
    stop.schedule(1s);
    loop.run();
    ASSERT_GE(runs.size(), 1u);
    EXPECT_GE(runs[0] - first, 200ms) << "not before the deadline: the rest of the reading was on its way";
    // Unless a loaded machine stretched the ~8 ms of the reading past the deadline.
    if (last - first < 200ms) {
        EXPECT_EQ(runs.size(), 1u) << "one reading, one run";
    }
}

}  // namespace
}  // namespace bagg
