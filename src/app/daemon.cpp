#include "daemon.h"

#include "custom_name.h"
#include "logging.h"

#include <sdbus-c++/Error.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <csignal>

namespace bagg {

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
               {[this](const std::string& name) {
                    if (const auto problem = customNameProblem(name); !problem.empty()) {
                        spdlog::warn("CustomName '{}' refused: {}", shortenedForLog(name), problem);
                        return false;
                    }
                    if (!deviceSettings_.saveCustomName(name))
                        spdlog::warn("settings service absent: custom name '{}' is not persisted", name);
                    return true;
                },
                [](const std::string& name) {
                    const auto level = logLevelFromName(name);
                    if (level) setLogLevel(*level);
                    return level.has_value();
                },
                [this] {
                    const auto forgotten = bank_.forgetMissing();
                    if (forgotten.empty()) spdlog::info("forget missing packs: none is missing");
                    for (const auto& label : forgotten) spdlog::warn("forgot pack {}: it is no longer expected", label);
                    recompute_.trigger();
                }},
               config_.service.measurementSignalInterval.count() > 0),
      stateFile_(config_.service.stateFile),
      recompute_(loop_, config_.service.recomputeDelay, [this] { recompute(); }),
      started_(loop_.now()),
      bank_(loop_, *connection_, config_.batteries, config_.aggregation.plausibility, kAggregateService,
            [this](Urgency u) { u == Urgency::Prompt ? recompute_.trigger() : recompute_.triggerAtDeadline(); },
            started_),
      gx_(*connection_, config_.sources, [this] { recompute_.trigger(); }),
      deviceSettings_(loop_, *connection_, config_.service,
                      {[this](int instance) {
                           service_.setDeviceInstance(instance);
                           recompute_.trigger();
                       },
                       [this](const std::string& name) {
                           service_.setCustomName(name);
                           exporter_.publish();
                       }}),
      watchdog_(loop_, config_.service.watchdogTimeout, [this] { recompute_.trigger(); }),
      packSignals_(loop_,
                   [this] {
                       service_.updatePackValues(bank_.entries());
                       exporter_.publishSlow();
                       packSignals_.schedule(config_.service.packSignalInterval);
                   }),
      measurementSignals_(loop_, [this] { exporter_.publishMeasured(); }),
      counterTick_(loop_,
                   [this] {
                       recompute_.trigger();
                       counterTick_.schedule(std::chrono::seconds(1));
                   }),
      sigterm_(loop_, SIGTERM, [this] { stop(0); }),
      sigint_(loop_, SIGINT, [this] { stop(0); })
{
    exporter_.set("/LogLevel", std::string(logLevelName(config_.logging.level)));
    exporter_.setBeforeRead([this] { service_.updatePackValues(bank_.entries()); });
    const RuntimeState saved = stateFile_.load(started_);
    memory_.imbalance.spreadBand = saved.imbalanceBand;
    memory_.lastVouchedCvl = saved.chargeVoltage;
    memory_.shares.shares = saved.currentShares;
    bank_.rememberPacks(saved.knownPacks);
    if (saved.counter) {
        loadedCounter_ = saved.counter;
        // Wall-clock age: a clock set back (a GX without a battery-backed clock, before NTP) gives
        // no age, and then only the difference from the packs' SOC decides.
        const auto age = std::chrono::seconds(std::max<std::int64_t>(0, std::time(nullptr) - saved.counter->savedAt));
        sourceMemory_.counter.restored = SavedCharge{saved.counter->chargeAh, saved.counter->capacityAh, age};
    }
    if (config_.sources.soc == SocSource::Counter) counterTick_.schedule(std::chrono::seconds(1));
    packSignals_.schedule(config_.service.packSignalInterval);
}

int Daemon::run()
{
    recompute();
    watchdog_.start();
    return loop_.run();
}

void Daemon::recompute()
{
    const Instant now = loop_.now();
    const HealthAssessment& health = bank_.assess(now);
    if (health.settled && !settledLogged_) {
        settledLogged_ = true;
        spdlog::info("initial scan done: {} battery service(s) on the bus", bank_.servicesOnBus());
    }
    // While packs are still being read at start, the partial bank must not wear down the memory
    // restored from the state file (hysteresis, last CVL): aggregate on a scratch copy of it.
    // (Copied only then: the memory's maps are most of what a recompute would otherwise copy.)
    std::optional<AggregatorMemory> scratch;
    if (!health.settled) scratch = memory_;
    AggregateResult result = aggregate(health.bank, config_.aggregation, scratch ? *scratch : memory_, now);
    // With per-pack shunts ([pair]), none measures the whole bank: none is a source for it.
    SourceInputs inputs{config_.sources.perPackMonitors ? std::vector<MonitorReading>{}
                                                        : bank_.monitors(config_.sources.monitor),
                        {}, false, std::nullopt, health.settled};
    gx_.fill(inputs);
    const SourceReport sources =
        applySources(result, inputs, config_.sources, config_.batteries.reconnectGrace, sourceMemory_, now);
    logSources(sources);
    for (const auto& e : sources.counterEvents) spdlog::info("Coulomb counter: {}", e);
    if (sources.saveCounter) stateFile_.flush(runtimeState());
    logWarnings(result.warnings);
    if (!sources.disagreement.empty()) result.warnings.push_back(sources.disagreement);
    service_.update(result, sources, bank_.entries());
    if (exporter_.pendingChanges() > 0)
        spdlog::debug("recompute: {} packs online, SOC {}, CCL {} ({}), {} paths changed", result.packsOnline,
                      result.soc.value_or(-1), result.maxChargeCurrent.value_or(-1), result.chargeLimitation,
                      exporter_.pendingChanges());
    exporter_.publish();
    // Measurements not carried by that signal go out within the interval after the first of
    // them changed, however many packs publish in between.
    if (exporter_.pendingMeasured() == 0)
        measurementSignals_.cancel();
    else if (!measurementSignals_.pending())
        measurementSignals_.schedule(config_.service.measurementSignalInterval);
    watchdog_.fed(now);

    const int short_ = std::max(0, config_.aggregation.expectedPacks - result.packsOnline - result.packsHeld);
    if (short_ != shortOfExpected_) {
        if (short_ > 0)
            spdlog::warn("expected_packs = {}, but {} pack(s) are there: /Alarms/BmsCable", config_.aggregation.expectedPacks,
                         config_.aggregation.expectedPacks - short_);
        else
            spdlog::info("all {} expected packs are there", config_.aggregation.expectedPacks);
        shortOfExpected_ = short_;
    }
    stateFile_.save(runtimeState(), now);
    claimNameWhenReady(health.readyToPublish);
}

void Daemon::logSources(const SourceReport& now)
{
    // "packs" is the default and needs no line; a monitor or a fallback from it does.
    if (now.soc != sources_.soc && !(sources_.soc.empty() && now.soc == "packs"))
        spdlog::info("SOC from {}", now.soc);
    if (now.current != sources_.current && !(sources_.current.empty() && now.current == "packs"))
        spdlog::info("current from {}", now.current);
    if (now.disagreement.empty() != sources_.disagreement.empty()) {
        if (!now.disagreement.empty())
            spdlog::warn("{}: differ by more than soc_disagreement for soc_disagreement_time; one of them needs a "
                         "synchronisation (a full charge)", now.disagreement);
        else
            spdlog::info("monitor and packs agree on the SOC again");
    }
    sources_ = now;
}

void Daemon::logWarnings(const std::vector<std::string>& now)
{
    for (const auto& w : now)
        if (std::find(warnings_.begin(), warnings_.end(), w) == warnings_.end()) spdlog::warn("{}", w);
    warnings_ = now;
}

RuntimeState Daemon::runtimeState() const
{
    RuntimeState state{memory_.imbalance.spreadBand, std::nullopt, bank_.knownPacks(), memory_.shares.shares, std::nullopt};
    if (memory_.lastVouchedCvl) state.chargeVoltage = std::round(*memory_.lastVouchedCvl * 1000.0) / 1000.0;
    const auto& counter = sourceMemory_.counter;
    if (counter.chargeAh && counter.capacityAh)
        state.counter = RuntimeState::Counter{std::round(*counter.chargeAh * 10000.0) / 10000.0,
                                              std::round(*counter.capacityAh * 1000.0) / 1000.0, std::time(nullptr)};
    else if (counter.restored)
        state.counter = loadedCounter_;  // not decided on yet: kept as it was
    return state;
}

// The name is claimed last (venus-dbus.md §1), and only once the first picture is worth showing:
// the device instance is known and free, every battery on the bus at start has been read, and a
// pack is online (or none is remembered, or remembered packs had their grace to come back).
// Claiming earlier would publish "no BMS online": DCL 0 to the inverter, because we restarted first.
void Daemon::claimNameWhenReady(bool readyToPublish)
{
    const auto instance = deviceSettings_.instance();
    if (nameClaimed_) {
        if (instance && clashLoggedFor_ != instance && bank_.publishesInstance(*instance)) {
            spdlog::error("device instance {} is also published by another battery service: the GX cannot tell the "
                          "two apart; give one of them a free instance (Settings -> Devices)", *instance);
            clashLoggedFor_ = instance;
        }
        return;
    }
    if (!readyToPublish || !deviceSettings_.instanceFree(bank_.deviceInstances())) return;
    exporter_.publish();
    try {
        connection_->requestName(kAggregateService);
    } catch (const sdbus::Error& e) {
        spdlog::critical("cannot own {}: {} (is another aggregator running?)", kAggregateService, e.getMessage());
        loop_.exit(1);
        return;
    }
    nameClaimed_ = true;
    // A fixed instance that clashes was logged by instanceFree() already.
    if (bank_.publishesInstance(*instance)) clashLoggedFor_ = instance;
    spdlog::info("{} is on the bus, device instance {}", kAggregateService, *instance);
}

void Daemon::stop(int code)
{
    spdlog::info("stopping");
    stateFile_.flush(runtimeState());
    if (nameClaimed_) {
        try {
            connection_->releaseName(kAggregateService);
        } catch (const sdbus::Error& e) {
            spdlog::warn("releasing {}: {}", kAggregateService, e.getMessage());
        }
    }
    loop_.exit(code);
}

}  // namespace bagg
