#include "daemon.h"

#include "logging.h"

#include <sdbus-c++/Error.h>
#include <spdlog/spdlog.h>

#include <unistd.h>

#include <cmath>
#include <csignal>
#include <cstdlib>

namespace bagg {
namespace {

constexpr auto kHeartbeat = std::chrono::seconds(1);

// The backstop of the watchdog, outside the loop: if the loop itself hangs (a blocking call that
// never returns), nothing in it can notice. alarm() is re-armed at every heartbeat; when it fires we
// leave with a message and a non-zero status, and daemontools restarts us.
extern "C" void onWatchdogAlarm(int)
{
    static const char message[] = "critical watchdog: the event loop is stuck; exiting for a restart\n";
    (void)!::write(STDERR_FILENO, message, sizeof(message) - 1);
    ::_exit(5);
}

unsigned alarmSeconds(double watchdogTimeout) { return static_cast<unsigned>(std::ceil(watchdogTimeout)) + 1; }

}  // namespace

Daemon::Daemon(Config config)
    : config_(std::move(config)),
      connection_(sdbus::createSystemBusConnection()),
      dispatcher_(loop_, *connection_,
                  [this](const std::string& why) {
                      spdlog::critical("lost the D-Bus connection ({}); exiting so that the supervisor restarts us", why);
                      loop_.exit(3);
                  }),
      exporter_(*connection_, {true, config_.service.perLeafSignals}),
      service_(exporter_, config_.service.deviceInstance.value_or(config_.service.preferredInstance),
               {[this](const std::string& name) { return onCustomName(name); },
                [](const std::string& level) { return setLogLevel(level); }, [this] { onForgetMissing(); }}),
      recomputeTimer_(loop_, [this] { recompute(); }),
      recomputeNow_(loop_, [this] { recompute(); }),
      started_(loop_.now()),
      bank_(loop_, *connection_, config_, kServiceName, [this] { scheduleRecompute(); }, started_),
      deviceSettings_(loop_, *connection_, config_.service,
                      {[this](int instance) {
                           service_.setDeviceInstance(instance);
                           scheduleRecompute();
                       },
                       [this](const std::string& name) {
                           service_.setCustomName(name);
                           exporter_.publish();
                       }}),
      heartbeat_(loop_, [this] { heartbeat(); }),
      sigterm_(loop_, SIGTERM, [this] { stop(0); }),
      sigint_(loop_, SIGINT, [this] { stop(0); })
{
    exporter_.set("/LogLevel", config_.logging.level);
    exporter_.setBeforeRead([this] { service_.updatePackValues(bank_.entries()); });
    loadRuntimeState();
    struct sigaction sa {};
    sa.sa_handler = onWatchdogAlarm;
    sigaction(SIGALRM, &sa, nullptr);
}

Daemon::~Daemon()
{
    ::alarm(0);
    signal(SIGALRM, SIG_DFL);
}

int Daemon::run()
{
    recompute();
    heartbeat_.schedule(kHeartbeat);
    return loop_.run();
}

void Daemon::loadRuntimeState()
{
    const auto& file = config_.service.stateFile;
    if (file.empty()) return;
    const StateLoad load = loadState(file);
    if (!load.problem.empty())
        spdlog::error("state file {}: {}; starting from the safe default (balanced band, re-entered at once if the "
                      "spread says otherwise; no pack remembered)", file, load.problem);
    else if (!load.missing)
        spdlog::info("state from {}: imbalance band {}, {} pack(s) remembered", file,
                     static_cast<int>(load.state.imbalanceBand), load.state.knownPacks.size());
    state_.imbalance.spreadBand = load.state.imbalanceBand;
    state_.lastVouchedCvl = load.state.chargeVoltage;
    bank_.rememberPacks(load.state.knownPacks);
    savedState_ = load.state;
    savedAt_ = loop_.now();
    // A damaged file is replaced by the default at once.
    if (!load.problem.empty())
        if (const auto error = saveState(file, load.state); !error.empty()) spdlog::warn("run-time state not kept: {}", error);
}

// The name is claimed last (venus-dbus.md §1), and only once the first picture is worth showing:
// the device instance is known and free, every battery on the bus at start has been read, and a
// pack is online (or none is remembered, or remembered packs had their grace to come back).
// Claiming earlier would publish "no BMS online": DCL 0 to the inverter, because we restarted first.
void Daemon::maybeClaimName(bool readyToPublish)
{
    const auto instance = deviceSettings_.instance();
    if (nameClaimed_) {
        if (instance && bank_.deviceInstances().count(*instance) && clashLoggedFor_ != instance) {
            spdlog::error("another battery service now publishes our device instance {}: the GX cannot tell the two "
                          "apart; change one of them (Settings -> Devices)", *instance);
            clashLoggedFor_ = instance;
        }
        return;
    }
    if (!readyToPublish || !deviceSettings_.instanceFree(bank_.deviceInstances())) return;
    exporter_.publish();
    try {
        connection_->requestName(kServiceName);
    } catch (const sdbus::Error& e) {
        spdlog::critical("cannot own {}: {} (is another aggregator running?)", kServiceName, e.getMessage());
        loop_.exit(1);
        return;
    }
    nameClaimed_ = true;
    spdlog::info("{} is on the bus, device instance {}", kServiceName, *instance);
}

bool Daemon::onCustomName(const std::string& name)
{
    if (!deviceSettings_.saveCustomName(name))
        spdlog::warn("settings service absent: custom name '{}' is not persisted", name);
    return true;
}

void Daemon::onForgetMissing()
{
    const auto forgotten = bank_.forgetMissing();
    if (forgotten.empty()) spdlog::info("forget missing packs: none is missing");
    for (const auto& label : forgotten) spdlog::warn("forgot pack {}: it is no longer expected", label);
    scheduleRecompute();
}

// Once a second: health (grace periods end without any event), the watchdog, and a recompute.
void Daemon::heartbeat()
{
    heartbeat_.schedule(kHeartbeat);
    ::alarm(alarmSeconds(config_.service.watchdogTimeout));
    const auto sincePublished = loop_.now() - lastPublished_;
    if (sincePublished > fromSeconds(config_.service.watchdogTimeout)) {
        spdlog::critical("watchdog: nothing published for {} s; exiting so that the supervisor restarts us",
                         std::chrono::duration_cast<std::chrono::seconds>(sincePublished).count());
        loop_.exit(4);
        return;
    }
    scheduleRecompute();
}

// A BMS driver publishing per path sends 25 signals for one reading; they must make a bounded
// number of recomputes, not 25. A change after a quiet spell is recomputed as soon as the loop has
// drained what the bus holds (lowest priority, no timer, no second wake-up: at 10 changes a second
// the old always-armed timer was a third of our CPU). Within `recompute_delay` of the last
// recompute, changes wait for the end of that interval and go out together.
void Daemon::scheduleRecompute()
{
    if (recomputeTimer_.pending()) return;
    const auto due = lastRecompute_ + fromSeconds(config_.service.recomputeDelay);
    if (loop_.now() >= due) recomputeNow_.trigger();
    else recomputeTimer_.scheduleAt(due);
}

void Daemon::recompute()
{
    const Instant now = loop_.now();
    lastRecompute_ = now;
    const HealthAssessment& health = bank_.assess(now);
    if (health.settled && !settledLogged_) {
        settledLogged_ = true;
        spdlog::info("initial scan done: {} battery service(s)", health.packs.size());
    }
    // While packs are still being read at start, the partial bank must not wear down the memory
    // restored from the state file (hysteresis, last CVL): aggregate on a scratch copy of it.
    AggregatorState scratch = state_;
    const AggregateResult result = aggregate(health.bank, config_.aggregation, health.settled ? state_ : scratch, now);
    service_.update(result, bank_.entries());
    ++recomputes_;
    if (exporter_.pendingChanges() > 0)
        spdlog::debug("recompute #{}: {} packs online, SOC {}, CCL {} ({}), {} paths changed", recomputes_,
                      result.packsOnline, result.soc.value_or(-1), result.maxChargeCurrent.value_or(-1),
                      result.chargeLimitation, exporter_.pendingChanges());
    exporter_.publish();
    lastPublished_ = now;
    persistState();
    maybeClaimName(health.readyToPublish);
}

// Written only when worth a write to the GX's flash (stateSaveDue): a band change, a new pack, a
// CVL that moved, rarely.
void Daemon::persistState()
{
    if (config_.service.stateFile.empty()) return;
    RuntimeState now{state_.imbalance.spreadBand, std::nullopt, bank_.knownPacks()};
    if (state_.lastVouchedCvl) now.chargeVoltage = std::round(*state_.lastVouchedCvl * 1000.0) / 1000.0;
    if (!stateSaveDue(savedState_, now, loop_.now() - savedAt_)) return;
    savedState_ = now;
    savedAt_ = loop_.now();
    if (const auto error = saveState(config_.service.stateFile, now); !error.empty()) {
        if (stateWritable_) spdlog::warn("run-time state not kept: {}", error);
        stateWritable_ = false;
        return;
    }
    stateWritable_ = true;
}

void Daemon::stop(int code)
{
    spdlog::info("stopping");
    if (nameClaimed_) {
        try {
            connection_->releaseName(kServiceName);
        } catch (const sdbus::Error& e) {
            spdlog::warn("releasing {}: {}", kServiceName, e.getMessage());
        }
    }
    loop_.exit(code);
}

}  // namespace bagg
