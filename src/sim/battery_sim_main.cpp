// battery-sim: N simulated BMS services and a control service, on one sd-event loop.

#include "bank_sim.h"
#include "sim_options.h"
#include "sim_monitor.h"
#include "sim_pack.h"

#include "dbus/bus_dispatcher.h"
#include "dbus/busitem_exporter.h"
#include "event/event_loop.h"

#include <fmt/format.h>
#include <sdbus-c++/Error.h>
#include <spdlog/spdlog.h>

#include <csignal>
#include <cstdlib>
#include <memory>
#include <vector>

namespace {

constexpr const char* kControlService = "net.bagg.batterysim";

int runSim(const bagg::sim::SimOptions& options)
{
    bagg::EventLoop loop;
    std::vector<std::unique_ptr<bagg::sim::SimPack>> packs;
    for (int k = 1; k <= options.packs; ++k) packs.push_back(std::make_unique<bagg::sim::SimPack>(loop, options, k));

    // The control service: /Pack/<k>/Present (0/1) takes pack k off the bus and back,
    // /Pack/<k>/Frozen (1/0) makes it hang like a stuck driver and recover.
    auto control = sdbus::createSystemBusConnection();
    bagg::BusDispatcher dispatcher(loop, *control, [&loop](const std::string&) { loop.exit(3); });
    bagg::BusItemExporter exporter(*control, {true, true});
    for (std::size_t i = 0; i < packs.size(); ++i)
        packs[i]->driver().addControls(exporter, fmt::format("/Pack/{}/", i + 1));
    std::unique_ptr<bagg::sim::SimMonitor> monitor;
    if (options.monitor) {
        monitor = std::make_unique<bagg::sim::SimMonitor>(loop, options);
        monitor->driver().addControls(exporter, "/Monitor/");
    }
    control->requestName(kControlService);

    const auto period = std::chrono::milliseconds(options.periodMs);
    const double dt = static_cast<double>(options.periodMs) / 1000.0;
    // The shunt measures what flows in the bank's cable: every pack on the bus or not.
    auto tickMonitor = [&] {
        if (!monitor) return;
        double current = 0.0, voltage = 0.0;
        for (auto& p : packs) {
            current += p->current();
            voltage += p->voltage() / static_cast<double>(packs.size());
        }
        monitor->tick(dt, current, voltage);
    };
    bagg::TimerEvent tick(loop, [&] {
        for (auto& p : packs) p->tick(dt);
        tickMonitor();
        tick.schedule(period);
    });
    // --spread: one timer per pack, pack k due (k-1)/N of the period after pack 1, on a fixed grid
    // (absolute deadlines, so the phases do not wander apart); the monitor ticks with pack 1. A
    // deadline already past (the process was stopped) moves on to the next one on the grid: no
    // burst of catch-up ticks.
    struct Phase {
        std::unique_ptr<bagg::TimerEvent> timer;
        std::chrono::microseconds due{0};
    };
    std::vector<Phase> phases(options.spread ? packs.size() : 0);
    if (options.spread) {
        const std::chrono::microseconds periodUs = period;
        const auto start = loop.now();
        for (std::size_t i = 0; i < packs.size(); ++i) {
            auto& phase = phases[i];
            phase.due = start + periodUs + periodUs * static_cast<long>(i) / static_cast<long>(packs.size());
            phase.timer = std::make_unique<bagg::TimerEvent>(loop, [&, i, periodUs] {
                auto& ph = phases[i];
                packs[i]->tick(dt);
                if (i == 0) tickMonitor();
                ph.due += periodUs;
                const auto now = loop.now();
                if (ph.due <= now) ph.due += ((now - ph.due) / periodUs + 1) * periodUs;
                ph.timer->scheduleAt(ph.due);
            });
            phase.timer->scheduleAt(phase.due);
        }
    } else {
        tick.schedule(period);
    }
    // Background traffic like a GX's inverter service: not a battery, so the aggregator must not
    // pay for it. Sent in slices every 10 ms, per-leaf PropertiesChanged like velib does.
    std::unique_ptr<sdbus::IConnection> noiseConnection;
    std::unique_ptr<bagg::BusDispatcher> noiseDispatcher;
    std::unique_ptr<bagg::BusItemExporter> noise;
    std::unique_ptr<bagg::TimerEvent> noiseTimer;
    long noiseStep = 0;
    if (options.backgroundRate > 0) {
        noiseConnection = sdbus::createSystemBusConnection();
        noiseDispatcher = std::make_unique<bagg::BusDispatcher>(loop, *noiseConnection, [&loop](const std::string&) { loop.exit(3); });
        noise = std::make_unique<bagg::BusItemExporter>(*noiseConnection, bagg::BusItemExporter::Options{false, true});
        for (int i = 0; i < 20; ++i) noise->add(fmt::format("/Ac/Out/P{}", i), 0.0, bagg::PathFormat::number(0, "W"));
        noise->publish();
        noiseConnection->requestName("com.victronenergy.vebus.sim");
        const auto perSlice = std::max(1, options.backgroundRate / 100);
        noiseTimer = std::make_unique<bagg::TimerEvent>(loop, [&, perSlice] {
            for (int i = 0; i < perSlice; ++i, ++noiseStep)
                noise->set(fmt::format("/Ac/Out/P{}", noiseStep % 20), static_cast<double>(noiseStep % 1000));
            noise->publish();
            noiseTimer->schedule(std::chrono::milliseconds(10));
        });
        noiseTimer->schedule(std::chrono::milliseconds(10));
    }
    bagg::SignalEvent term(loop, SIGTERM, [&loop] { loop.exit(0); });
    bagg::SignalEvent intr(loop, SIGINT, [&loop] { loop.exit(0); });
    spdlog::info("battery-sim: {} packs, {} publishing, period {} ms{}{}", options.packs,
                 options.batched ? "batched" : "per-path", options.periodMs, options.spread ? ", spread" : "",
                 options.drift ? "" : ", no drift");
    return loop.run();
}

}  // namespace

int main(int argc, char** argv)
{
    const auto parsed = bagg::sim::parseSimOptions(std::vector<std::string>(argv + 1, argv + argc));
    if (parsed.help) {
        fmt::print("{}", bagg::sim::simUsage());
        return 0;
    }
    if (!parsed.error.empty()) {
        fmt::print(stderr, "battery-sim: {}\n{}", parsed.error, bagg::sim::simUsage());
        return 2;
    }
    if (parsed.options.busAddress) setenv("DBUS_SYSTEM_BUS_ADDRESS", parsed.options.busAddress->c_str(), 1);
    try {
        return parsed.options.bankFile ? bagg::sim::runBank(parsed.options) : runSim(parsed.options);
    } catch (const std::exception& e) {
        spdlog::critical("battery-sim: {}", e.what());
        return 1;
    }
}
