// bagg-bench-probe: the benchmark's eye on the bus. It owns one more battery pack whose SOC it
// changes (always the lowest, so the aggregate /Soc follows it) and times each change until the
// aggregator's ItemsChanged carries it; meanwhile it counts the BusItem signals on the bus by
// sender: battery packs (into the aggregator), the aggregator (out of it), everything else.
//
//   bagg-bench-probe --seconds 60 --interval-ms 100
// Prints key=value lines: samples, latency_p50_ms, latency_p99_ms, latency_max_ms, in_per_s,
// out_per_s, other_per_s.
//   bagg-bench-probe --count
// Only counts (no pack of its own, nothing sent), from the moment it prints "ready" (its match is
// on the bus) until SIGTERM; then prints in=, out=, other= (signals, not rates). The bench's live
// profile divides the instructions of its window by `in`.

#include "dbus/bus_dispatcher.h"
#include "dbus/venus_names.h"
#include "dbus/busitem_wire.h"
#include "dbus/busitem_exporter.h"
#include "event/event_loop.h"
#include "packs/battery_paths.h"

#include <fmt/format.h>
#include <sdbus-c++/sdbus-c++.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cmath>
#include <chrono>
#include <cstdlib>
#include <set>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Counts {
    long in = 0, out = 0, other = 0;
};

double percentile(std::vector<double> v, double p)
{
    if (v.empty()) return -1;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

}  // namespace

int main(int argc, char** argv)
{
    double seconds = 60;
    int intervalMs = 100;
    bool countOnly = false;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--count") countOnly = true;
        else if (a == "--seconds" && i + 1 < argc) seconds = std::atof(argv[++i]);
        else if (a == "--interval-ms" && i + 1 < argc) intervalMs = std::atoi(argv[++i]);
    }
    bagg::EventLoop loop;
    auto packBus = sdbus::createSystemBusConnection();
    auto watchBus = sdbus::createSystemBusConnection();
    bagg::BusDispatcher packDispatch(loop, *packBus, [&](const std::string&) { loop.exit(3); });
    bagg::BusDispatcher watchDispatch(loop, *watchBus, [&](const std::string&) { loop.exit(3); });

    // Who is who: the aggregator's and the battery packs' unique names.
    auto dbus = sdbus::createProxy(*watchBus, "org.freedesktop.DBus", "/org/freedesktop/DBus");
    auto owner = [&](const std::string& name) {
        std::string o;
        dbus->callMethod("GetNameOwner").onInterface("org.freedesktop.DBus").withArguments(name).storeResultsTo(o);
        return o;
    };
    std::vector<std::string> names;
    dbus->callMethod("ListNames").onInterface("org.freedesktop.DBus").storeResultsTo(names);
    const std::string aggregate = owner(bagg::kAggregateService);
    std::set<std::string> packs{packBus->getUniqueName()};
    for (const auto& n : names)
        if (n.rfind("com.victronenergy.battery.", 0) == 0 && n != bagg::kAggregateService) packs.insert(owner(n));

    bagg::BusItemExporter probe(*packBus, {true, false});
    auto add = [&](const bagg::BatteryPath& row, const bagg::Value& v) { probe.add(std::string(row.path), v, row.format); };
    add(bagg::batteryPath(bagg::Quantity::Soc), 9.9);
    add(bagg::batteryPath(bagg::Quantity::Voltage), 53.0);
    add(bagg::batteryPath(bagg::Quantity::ChargeCurrentLimit), 50.0);
    add(bagg::batteryPath(bagg::Quantity::DischargeCurrentLimit), 100.0);
    add(bagg::batteryPath(bagg::PackMeta::ProductName), std::string("bench probe"));
    const std::string socPath(bagg::quantityPath(bagg::Quantity::Soc));
    if (!countOnly) {
        probe.publish();
        packBus->requestName("com.victronenergy.battery.zprobe");
    }

    Counts counts;
    std::vector<double> latencies;
    double pending = -1;
    Clock::time_point sentAt;
    bool measuring = countOnly;
    auto match = watchBus->addMatch(std::string("type='signal',interface='") + bagg::kBusItemInterface + "'", [&](sdbus::Message& msg) {
        const std::string sender = msg.getSender();
        if (sender == aggregate) {
            if (measuring) ++counts.out;
            if (pending < 0 || msg.getMemberName() != "ItemsChanged") return;
            for (const auto& pv : bagg::decodeItems(msg))
                if (pv.path == socPath && bagg::asNumber(pv.value.value) == pending) {
                    latencies.push_back(std::chrono::duration<double, std::milli>(Clock::now() - sentAt).count());
                    pending = -1;
                }
        } else if (measuring) {
            ++(packs.count(sender) ? counts.in : counts.other);
        }
    });

    if (countOnly) {
        bagg::SignalEvent term(loop, SIGTERM, [&] { loop.exit(0); });
        bagg::SignalEvent intr(loop, SIGINT, [&] { loop.exit(0); });
        std::printf("ready\n");
        std::fflush(stdout);
        const int code = loop.run();
        fmt::print("in={}\nout={}\nother={}\n", counts.in, counts.out, counts.other);
        return code;
    }

    int step = 0;
    bagg::TimerEvent tick(loop, [&] {
        tick.schedule(std::chrono::milliseconds(intervalMs));
        pending = 5.0 + (step++ % 49) * 0.1;  // 5.0 .. 9.8 %: below every simulated pack
        pending = std::round(pending * 10) / 10;
        sentAt = Clock::now();
        probe.set(socPath, pending);
        probe.publish();
    });
    // Let the aggregator read the probe before timing anything.
    bagg::TimerEvent start(loop, [&] {
        measuring = true;
        latencies.clear();
        tick.schedule(std::chrono::milliseconds(intervalMs));
    });
    start.schedule(std::chrono::seconds(2));
    bagg::TimerEvent stop(loop, [&] { loop.exit(0); });
    stop.schedule(std::chrono::microseconds(static_cast<long long>((seconds + 2) * 1e6)));
    const int code = loop.run();

    fmt::print("samples={}\nlatency_p50_ms={:.3f}\nlatency_p99_ms={:.3f}\nlatency_max_ms={:.3f}\n", latencies.size(),
               percentile(latencies, 0.5), percentile(latencies, 0.99),
               latencies.empty() ? -1.0 : *std::max_element(latencies.begin(), latencies.end()));
    fmt::print("in_per_s={:.1f}\nout_per_s={:.1f}\nother_per_s={:.1f}\n", static_cast<double>(counts.in) / seconds, static_cast<double>(counts.out) / seconds,
               static_cast<double>(counts.other) / seconds);
    return code;
}
