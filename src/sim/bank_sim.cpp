#include "bank_sim.h"

#include "bank_model.h"
#include "bank_pack_service.h"
#include "bank_scenario.h"
#include "dvcc_reader.h"

#include "dbus/bus_dispatcher.h"
#include "dbus/busitem_exporter.h"
#include "event/call_guard.h"
#include "event/event_loop.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <csignal>
#include <functional>
#include <memory>
#include <vector>

namespace bagg::sim {
namespace {

constexpr const char* kControlService = "net.bagg.batterysim";
// However long the loop was held up (a loaded test machine), one tick advances the simulation
// by at most this much real time: the Multi must not run blind through minutes of simulation.
constexpr double kMaxTickSeconds = 1.0;

Value optionalNumber(const std::optional<double>& v) { return v ? Value{*v} : Value{Invalid{}}; }
Value flag(bool on) { return std::int64_t{on ? 1 : 0}; }

// The simulation on the bus: owns the model, the pack services, the Multi's reader and the
// control service; tick() is the one place where simulated time advances.
class BankSim {
public:
    BankSim(EventLoop& loop, const SimOptions& options, const BankScenario& scenario);
    BankSim(const BankSim&) = delete;
    BankSim& operator=(const BankSim&) = delete;

private:
    void addControlPaths();
    void tick();
    void publishTruth();
    void logTransitions();
    // A writable number on the control service, accepted when within [min, max].
    void addSetting(const std::string& path, double initial, PathFormat format, double min, double max,
                    std::function<void(double)> apply);

    EventLoop& loop_;
    SimOptions options_;
    BankModel model_;
    std::vector<std::unique_ptr<BankPackService>> services_;
    std::unique_ptr<sdbus::IConnection> control_;
    BusDispatcher dispatcher_;
    BusItemExporter exporter_;
    DvccReader multi_;
    TimerEvent timer_;
    std::chrono::microseconds lastTick_;
    bool paused_ = false;
    std::vector<std::string> lastModes_;
    std::vector<bool> lastChargeFet_;
    ChargerMode lastChargerMode_ = ChargerMode::Off;
};

BankSim::BankSim(EventLoop& loop, const SimOptions& options, const BankScenario& scenario)
    : loop_(loop),
      options_(options),
      model_(scenario.packs),
      control_(sdbus::createSystemBusConnection()),
      dispatcher_(loop, *control_, [&loop](const std::string&) { loop.exit(3); }),
      exporter_(*control_, {true, true}),
      multi_(*control_, options.dvccService),
      timer_(loop, [this] { guardedCallback("bank tick", [this] { tick(); }); }),
      lastTick_(loop.now())
{
    model_.charger() = scenario.charger;
    model_.setProfile(scenario.profile);
    for (std::size_t k = 0; k < model_.packs().size(); ++k) {
        services_.push_back(std::make_unique<BankPackService>(loop, options_, static_cast<int>(k + 1), model_.packs()[k]));
        lastModes_.push_back(model_.packs()[k].bms.modeText());
        lastChargeFet_.push_back(model_.packs()[k].bms.chargeFetClosed());
    }
    addControlPaths();
    publishTruth();
    control_->requestName(kControlService);
    multi_.poll();
    timer_.schedule(std::chrono::milliseconds(options_.periodMs));
}

void BankSim::addSetting(const std::string& path, double initial, PathFormat format, double min, double max,
                         std::function<void(double)> apply)
{
    exporter_.add(path, initial, format, [min, max, apply = std::move(apply)](const Value& v) {
        const auto n = asNumber(v);
        if (!n || *n < min || *n > max) return false;
        apply(*n);
        return true;
    });
}

void BankSim::addControlPaths()
{
    const auto amps = PathFormat::number(2, "A");
    const auto volts = PathFormat::number(3, "V");
    const auto percent = PathFormat::number(2, "%");
    const auto integer = PathFormat::integer();
    const auto text = PathFormat::text();
    // Commands.
    addSetting("/Charger/Demand", model_.charger().demand, PathFormat::number(1, "A"), 0, 10000,
               [this](double a) { model_.charger().demand = a; });
    addSetting("/Load/Current", model_.charger().load, PathFormat::number(1, "A"), 0, 10000,
               [this](double a) { model_.charger().load = a; });
    addSetting("/Sim/Speed", options_.speed, PathFormat::number(1, ""), 0.1, 10000, [this](double s) { options_.speed = s; });
    addSetting("/Sim/Paused", 0, integer, 0, 1, [this](double p) { paused_ = p == 1.0; });
    addSetting("/Stats/Reset", 0, integer, 0, 1, [this](double r) {
        if (r == 1.0) model_.stats().reset();
    });
    // The Multi.
    exporter_.add("/Charger/Mode", std::string(chargerModeName(model_.chargerMode())), text);
    exporter_.add("/Charger/Cvl", Invalid{}, PathFormat::number(2, "V"));
    exporter_.add("/Charger/Ccl", Invalid{}, amps);
    exporter_.add("/Charger/Dcl", Invalid{}, amps);
    // The bank's truth.
    exporter_.add("/Sim/Time", 0.0, PathFormat::number(0, "s"));
    exporter_.add("/Bank/Voltage", Invalid{}, volts);
    exporter_.add("/Bank/Current", 0.0, amps);
    exporter_.add("/Bank/Soc", 0.0, percent);
    exporter_.add("/Bank/BestFeasibleCurrent", 0.0, amps);
    exporter_.add("/Stats/MaxCellVoltage", 0.0, volts);
    exporter_.add("/Stats/MinCellVoltage", 0.0, volts);
    exporter_.add("/Stats/MaxOverCcl", 0.0, amps);
    exporter_.add("/Stats/MaxChargeOverDvcc", 0.0, amps);
    for (std::size_t k = 0; k < services_.size(); ++k) {
        const std::string prefix = fmt::format("/Pack/{}/", k + 1);
        services_[k]->driver().addControls(exporter_, prefix);
        exporter_.add(prefix + "Current", 0.0, amps);
        exporter_.add(prefix + "Soc", 0.0, percent);
        exporter_.add(prefix + "Emf", 0.0, volts);
        exporter_.add(prefix + "Resistance", 0.0, PathFormat::number(2, "mOhm"));
        exporter_.add(prefix + "MaxCellVoltage", 0.0, volts);
        exporter_.add(prefix + "MinCellVoltage", 0.0, volts);
        exporter_.add(prefix + "ChargeMode", std::string(), text);
        exporter_.add(prefix + "Ccl", 0.0, amps);
        exporter_.add(prefix + "Dcl", 0.0, amps);
        exporter_.add(prefix + "Cvl", 0.0, PathFormat::number(2, "V"));
        exporter_.add(prefix + "ChargeFet", std::int64_t{1}, integer);
        exporter_.add(prefix + "DischargeFet", std::int64_t{1}, integer);
    }
}

void BankSim::tick()
{
    timer_.schedule(std::chrono::milliseconds(options_.periodMs));
    const auto now = loop_.now();
    const double real = std::min(kMaxTickSeconds, std::chrono::duration<double>(now - lastTick_).count());
    lastTick_ = now;
    if (!paused_) model_.advance(real * options_.speed, multi_.limits());
    for (std::size_t k = 0; k < services_.size(); ++k) services_[k]->update(model_.packs()[k]);
    publishTruth();
    logTransitions();
    multi_.poll();
}

void BankSim::publishTruth()
{
    const auto& limits = multi_.limits();
    exporter_.set("/Charger/Mode", std::string(chargerModeName(model_.chargerMode())));
    exporter_.set("/Charger/Cvl", optionalNumber(limits.cvl));
    exporter_.set("/Charger/Ccl", optionalNumber(limits.ccl));
    exporter_.set("/Charger/Dcl", optionalNumber(limits.dcl));
    exporter_.set("/Charger/Demand", model_.charger().demand);  // a profile step changes them too
    exporter_.set("/Load/Current", model_.charger().load);
    exporter_.set("/Sim/Time", model_.time());
    exporter_.set("/Bank/Voltage", model_.busConnected() ? Value{model_.busVoltage()} : Value{Invalid{}});
    exporter_.set("/Bank/Current", model_.bankCurrent());
    exporter_.set("/Bank/Soc", model_.soc());
    exporter_.set("/Bank/BestFeasibleCurrent", model_.bestFeasibleChargeCurrent());
    const auto& stats = model_.stats();
    exporter_.set("/Stats/MaxCellVoltage", stats.maxCellVoltage);
    exporter_.set("/Stats/MinCellVoltage", stats.minCellVoltage);
    exporter_.set("/Stats/MaxOverCcl", stats.maxOverCcl);
    exporter_.set("/Stats/MaxChargeOverDvcc", stats.maxChargeOverDvcc);
    for (std::size_t k = 0; k < model_.packs().size(); ++k) {
        const auto& p = model_.packs()[k];
        const std::string prefix = fmt::format("/Pack/{}/", k + 1);
        const auto [lo, hi] = std::minmax_element(p.cellVolts.begin(), p.cellVolts.end());
        exporter_.set(prefix + "Current", p.current);
        exporter_.set(prefix + "Soc", p.soc());
        exporter_.set(prefix + "Emf", p.emf);
        exporter_.set(prefix + "Resistance", p.resistance * 1000.0);
        exporter_.set(prefix + "MaxCellVoltage", *hi);
        exporter_.set(prefix + "MinCellVoltage", *lo);
        exporter_.set(prefix + "ChargeMode", p.bms.modeText());
        exporter_.set(prefix + "Ccl", p.bms.ccl());
        exporter_.set(prefix + "Dcl", p.bms.dcl());
        exporter_.set(prefix + "Cvl", p.bms.cvl());
        exporter_.set(prefix + "ChargeFet", flag(p.bms.chargeFetClosed()));
        exporter_.set(prefix + "DischargeFet", flag(p.bms.dischargeFetClosed()));
    }
    exporter_.publish();
}

// One log line per change that explains a test's course: charge modes, FETs, the Multi's mode.
void BankSim::logTransitions()
{
    const double t = model_.time();
    for (std::size_t k = 0; k < model_.packs().size(); ++k) {
        const auto& p = model_.packs()[k];
        if (p.bms.modeText() != lastModes_[k]) {
            spdlog::info("t={:.0f}s {}: {} -> {} (SOC {:.1f} %, cells {:.3f}-{:.3f} V)", t, p.spec.name, lastModes_[k],
                         p.bms.modeText(), p.soc(), *std::min_element(p.cellVolts.begin(), p.cellVolts.end()),
                         *std::max_element(p.cellVolts.begin(), p.cellVolts.end()));
            lastModes_[k] = p.bms.modeText();
        }
        if (p.bms.chargeFetClosed() != lastChargeFet_[k]) {
            spdlog::info("t={:.0f}s {}: charge FET {}", t, p.spec.name, p.bms.chargeFetClosed() ? "closed" : "open");
            lastChargeFet_[k] = p.bms.chargeFetClosed();
        }
    }
    if (model_.chargerMode() != lastChargerMode_) {
        spdlog::info("t={:.0f}s multi: {} -> {} (bank {:.1f} A, {:.2f} V)", t, chargerModeName(lastChargerMode_),
                     chargerModeName(model_.chargerMode()), model_.bankCurrent(), model_.busVoltage());
        lastChargerMode_ = model_.chargerMode();
    }
}

}  // namespace

int runBank(const SimOptions& options)
{
    const auto load = loadBankScenario(*options.bankFile);
    if (!load.scenario) {
        for (const auto& e : load.errors) spdlog::error("{}", e);
        return 2;
    }
    EventLoop loop;
    BankSim sim(loop, options, *load.scenario);
    SignalEvent term(loop, SIGTERM, [&loop] { loop.exit(0); });
    SignalEvent intr(loop, SIGINT, [&loop] { loop.exit(0); });
    spdlog::info("battery-sim: bank '{}' from {}: {} packs, speed {}x, publishing every {} ms ({}), Multi follows {}",
                 load.scenario->name, *options.bankFile, load.scenario->packs.size(), options.speed, options.periodMs,
                 options.batched ? "batched" : "per-path", options.dvccService);
    return loop.run();
}

}  // namespace bagg::sim
