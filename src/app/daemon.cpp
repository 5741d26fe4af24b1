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

// Object path elements allow only [A-Za-z0-9_]: the process name with underscores.
constexpr const char* kSettingsRoot = "/Settings/Devices/dbus_battery_aggregator";
const std::string kInstanceSetting = std::string(kSettingsRoot) + "/ClassAndVrmInstance";
const std::string kCustomNameSetting = std::string(kSettingsRoot) + "/CustomName";

// "battery:513" -> 513
std::optional<int> parseInstance(const Value& v)
{
    const auto* s = std::get_if<std::string>(&v);
    if (!s) return std::nullopt;
    const auto colon = s->find(':');
    if (colon == std::string::npos) return std::nullopt;
    try {
        std::size_t used = 0;
        const int n = std::stoi(s->substr(colon + 1), &used);
        if (used != s->size() - colon - 1 || n < 0) return std::nullopt;
        return n;
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

std::vector<SettingsClient::Setting> settingsFor(const Config& c)
{
    std::vector<SettingsClient::Setting> out{{kCustomNameSetting, std::string()}};
    if (!c.service.deviceInstance)
        out.push_back({kInstanceSetting, "battery:" + std::to_string(c.service.preferredInstance)});
    return out;
}

constexpr auto kHeartbeat = std::chrono::seconds(1);
// A driver that never answers its first read must not keep the bank "unsettled" for ever.
constexpr auto kSettleTimeout = std::chrono::seconds(10);

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
                [](const std::string& level) { return setLogLevel(level); }}),
      recomputeTimer_(loop_, [this] { recompute(); }),
      recomputeNow_(loop_, [this] { recompute(); }),
      bank_(loop_, *connection_, config_, kServiceName, [this] { scheduleRecompute(); }),
      settings_(*connection_, kSettingsRoot, settingsFor(config_),
                [this](const std::string& path, const Value& value) { onSetting(path, value); }),
      settingsTimeout_(loop_,
                       [this] {
                           spdlog::warn("no answer from {} within {} s: using device instance {}", kSettingsService,
                                        config_.service.settingsTimeout, config_.service.preferredInstance);
                           claimName("settings timeout");
                       }),
      heartbeat_(loop_, [this] { heartbeat(); }),
      sigterm_(loop_, SIGTERM, [this] { stop(0); }),
      sigint_(loop_, SIGINT, [this] { stop(0); })
{
    exporter_.set("/LogLevel", config_.logging.level);
    exporter_.setBeforeRead([this] { service_.updatePackValues(bank_.entries()); });
    if (!config_.service.stateFile.empty()) {
        const StateLoad load = loadState(config_.service.stateFile);
        if (!load.problem.empty())
            spdlog::error("state file {}: {}; starting from the safe default (balanced band, re-entered at once "
                          "if the spread says otherwise)", config_.service.stateFile, load.problem);
        else if (!load.missing)
            spdlog::info("state from {}: imbalance band {}", config_.service.stateFile,
                         static_cast<int>(load.state.imbalanceBand));
        state_.imbalance.spreadBand = load.state.imbalanceBand;
        savedState_ = load.state;
        // A damaged file is replaced by the default at once.
        if (!load.problem.empty())
            if (const auto error = saveState(config_.service.stateFile, load.state); !error.empty())
                spdlog::warn("run-time state not kept: {}", error);
    }
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
    started_ = loop_.now();
    recompute();
    heartbeat_.schedule(kHeartbeat);
    if (config_.service.deviceInstance) {
        claimName("fixed device instance");
    } else {
        settingsTimeout_.schedule(fromSeconds(config_.service.settingsTimeout));
        spdlog::info("waiting for {} to grant a device instance", kSettingsService);
    }
    return loop_.run();
}

void Daemon::claimName(const char* why)
{
    if (nameClaimed_) return;
    settingsTimeout_.cancel();
    exporter_.publish();
    try {
        connection_->requestName(kServiceName);
    } catch (const sdbus::Error& e) {
        spdlog::critical("cannot own {}: {} (is another aggregator running?)", kServiceName, e.getMessage());
        loop_.exit(1);
        return;
    }
    nameClaimed_ = true;
    const auto& instance = exporter_.value("/DeviceInstance");
    spdlog::info("{} is on the bus, device instance {} ({})", kServiceName,
                 std::holds_alternative<std::int64_t>(instance) ? std::get<std::int64_t>(instance) : -1, why);
}

void Daemon::onSetting(const std::string& path, const Value& value)
{
    if (path == kInstanceSetting) {
        const auto instance = parseInstance(value);
        if (!instance) {
            spdlog::error("unreadable {}; keeping the device instance", path);
        } else {
            if (nameClaimed_ && exporter_.value("/DeviceInstance") != Value{std::int64_t{*instance}})
                spdlog::info("device instance changed to {}", *instance);
            service_.setDeviceInstance(*instance);
        }
        claimName("granted by the settings service");
    } else if (path == kCustomNameSetting) {
        if (const auto* name = std::get_if<std::string>(&value)) service_.setCustomName(*name);
    }
    exporter_.publish();
}

bool Daemon::onCustomName(const std::string& name)
{
    if (!settings_.write(kCustomNameSetting, name))
        spdlog::warn("settings service absent: custom name '{}' is not persisted", name);
    return true;
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
    lastRecompute_ = loop_.now();
    bank_.refresh(loop_.now());
    const auto packs = bank_.snapshots();
    if (!settled_ && (bank_.settled() || loop_.now() - started_ > kSettleTimeout)) {
        settled_ = true;
        spdlog::info("initial scan done: {} battery service(s)", packs.size());
    }
    // While packs are still being read at start, the partial bank's spread must not wear down the
    // hysteresis memory restored from the state file: aggregate on a scratch copy of the state.
    AggregatorState scratch = state_;
    const AggregateResult result = aggregate(packs, config_.aggregation, settled_ ? state_ : scratch);
    service_.update(result, bank_.entries());
    ++recomputes_;
    if (exporter_.pendingChanges() > 0)
        spdlog::debug("recompute #{}: {} packs online, SOC {}, CCL {} ({}), {} paths changed", recomputes_,
                      result.packsOnline, result.soc.value_or(-1), result.maxChargeCurrent.value_or(-1),
                      result.chargeLimitation, exporter_.pendingChanges());
    exporter_.publish();
    lastPublished_ = loop_.now();
    persistState();
}

// Written only when the state changes (rarely: a band change), to spare the GX's flash.
void Daemon::persistState()
{
    const RuntimeState now{state_.imbalance.spreadBand};
    if (config_.service.stateFile.empty() || now == savedState_) return;
    savedState_ = now;
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
