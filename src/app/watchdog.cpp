#include "watchdog.h"

#include <spdlog/spdlog.h>

#include <unistd.h>

#include <csignal>

namespace bagg {
namespace {

constexpr auto kHeartbeat = std::chrono::seconds(1);

extern "C" void onWatchdogAlarm(int)
{
    static const char message[] = "critical watchdog: the event loop is stuck; exiting for a restart\n";
    (void)!::write(STDERR_FILENO, message, sizeof(message) - 1);
    ::_exit(5);
}

// The backstop fires a beat's worth later than the loop's own check would.
unsigned alarmSeconds(Duration timeout)
{
    return static_cast<unsigned>(std::chrono::ceil<std::chrono::seconds>(timeout).count()) + 1;
}

}  // namespace

Watchdog::Watchdog(EventLoop& loop, Duration timeout, std::function<void()> onBeat)
    : loop_(loop), timeout_(timeout), onBeat_(std::move(onBeat)), heartbeat_(loop, [this] { beat(); })
{
    struct sigaction sa {};
    sa.sa_handler = onWatchdogAlarm;
    sigaction(SIGALRM, &sa, nullptr);
}

Watchdog::~Watchdog()
{
    ::alarm(0);
    signal(SIGALRM, SIG_DFL);
}

void Watchdog::start()
{
    lastFed_ = std::max(lastFed_, loop_.now());
    heartbeat_.schedule(kHeartbeat);
}

void Watchdog::beat()
{
    heartbeat_.schedule(kHeartbeat);
    ::alarm(alarmSeconds(timeout_));
    const auto sincePublished = loop_.now() - lastFed_;
    if (sincePublished > timeout_) {
        spdlog::critical("watchdog: nothing published for {} s; exiting so that the supervisor restarts us",
                         std::chrono::duration_cast<std::chrono::seconds>(sincePublished).count());
        loop_.exit(4);
        return;
    }
    onBeat_();
}

}  // namespace bagg
