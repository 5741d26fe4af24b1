// bagg-bench-replay: a fixed replay of pack updates through the signal decoding, the pack values
// and the aggregation core, for callgrind: instructions per pack update is a figure that does not
// vary between runs, unlike CPU time on a shared machine.
//
//   valgrind --tool=callgrind --toggle-collect=runReplay bagg-bench-replay [updates]
// 16 packs; each update is one ItemsChanged of 25 changed paths from one pack (a real sd-bus
// message, read from the wire format), decoded and applied, followed by the aggregation the daemon
// runs after it. (The publishing side needs a bus connection and is left to the timed runs.)

#include "bagg/core/aggregate.h"
#include "dbus/busitem_wire.h"
#include "packs/pack_values.h"
#include "sim/churn_paths.h"

#include <fmt/format.h>

#include <systemd/sd-bus.h>

#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

namespace {

constexpr int kPacks = 16;
using MessagePtr = std::unique_ptr<sd_bus_message, decltype(&sd_bus_message_unref)>;

void check(int r)
{
    if (r < 0) {
        fmt::print(stderr, "sd-bus: {}\n", std::strerror(-r));
        std::exit(1);
    }
}

// One ItemsChanged body as it comes off the wire: a sealed sd-bus message, read again for every update.
MessagePtr buildSignal(sd_bus* bus, int pack, int phase)
{
    sd_bus_message* m = nullptr;
    // A plain message, as sdbus-c++ makes for variants: the body is all that is read.
    check(sd_bus_message_new(bus, &m, 0));
    check(sd_bus_message_open_container(m, 'a', "{sa{sv}}"));
    for (const bagg::BatteryPath* row : bagg::sim::churnPaths()) {
        const std::string path(row->path);
        const auto is = [row](bagg::Quantity q) { return row == &bagg::batteryPath(q); };
        check(sd_bus_message_open_container(m, 'e', "sa{sv}"));
        check(sd_bus_message_append_basic(m, 's', path.c_str()));
        check(sd_bus_message_open_container(m, 'a', "{sv}"));
        check(sd_bus_message_open_container(m, 'e', "sv"));
        check(sd_bus_message_append_basic(m, 's', "Value"));
        using Q = bagg::Quantity;
        if (row->kind == bagg::BatteryPath::Kind::CellId) {
            const std::string id = fmt::format("C{}", phase + 1);
            check(sd_bus_message_append(m, "v", "s", id.c_str()));
        } else if (row->kind == bagg::BatteryPath::Kind::Alarm || is(Q::Balancing) || is(Q::AllowToBalance)) {
            check(sd_bus_message_append(m, "v", "i", phase));
        } else {
            const double v = is(Q::Soc)                                    ? 60.0 + pack + phase * 0.1
                             : is(Q::MinCellVoltage) || is(Q::MaxCellVoltage) ? 3.3 + phase * 0.002
                                                                              : 50.0 + phase;
            check(sd_bus_message_append(m, "v", "d", v));
        }
        check(sd_bus_message_close_container(m));
        check(sd_bus_message_open_container(m, 'e', "sv"));
        check(sd_bus_message_append(m, "sv", "Text", "s", "x"));
        check(sd_bus_message_close_container(m));
        check(sd_bus_message_close_container(m));
        check(sd_bus_message_close_container(m));
    }
    check(sd_bus_message_close_container(m));
    check(sd_bus_message_seal(m, 1, 0));
    return MessagePtr(m, &sd_bus_message_unref);
}

}  // namespace

// Not static and not inlined: callgrind's --toggle-collect names it.
extern "C" __attribute__((noinline)) long runReplay(const std::vector<MessagePtr>& signals, int updates)
{
    const bagg::PlausibilityConfig limits;
    const bagg::AggregationConfig config;
    bagg::AggregatorMemory memory;
    std::vector<bagg::PackValues> packs;
    for (int p = 0; p < kPacks; ++p) packs.emplace_back(fmt::format("com.victronenergy.battery.p{}", p));
    long checksum = 0;
    for (int u = 0; u < updates; ++u) {
        const int pack = u % kPacks;
        sd_bus_message* signal = signals[static_cast<std::size_t>(pack * 2 + (u / kPacks) % 2)].get();
        sd_bus_message_rewind(signal, 1);
        bagg::visitItems(signal, [&](std::string_view path, const bagg::Decoded& value) {
            packs[static_cast<std::size_t>(pack)].apply(path, value, limits);
        });
        std::vector<bagg::PackSnapshot> snapshots;
        snapshots.reserve(packs.size());
        for (const auto& p : packs) snapshots.push_back(p.snapshot());
        const auto r = bagg::aggregate(snapshots, config, memory, bagg::Instant{u});
        checksum += static_cast<long>(r.maxChargeCurrent.value_or(0.0));
    }
    return checksum;
}

int main(int argc, char** argv)
{
    const int updates = argc > 1 ? std::atoi(argv[1]) : 1600;
    sd_bus* bus = nullptr;
    // A bus object that is never connected, as sdbus-c++ keeps for its plain messages: sd-bus only
    // wants it out of its initial state to make messages.
    check(sd_bus_new(&bus));
    check(sd_bus_set_address(bus, "unix:path=/dev/null"));
    sd_bus_start(bus);
    std::vector<MessagePtr> signals;
    for (int p = 0; p < kPacks; ++p)
        for (int phase = 0; phase < 2; ++phase) signals.push_back(buildSignal(bus, p, phase));
    const long checksum = runReplay(signals, updates);
    fmt::print("updates={} checksum={}\n", updates, checksum);
    signals.clear();
    sd_bus_unref(bus);
    return 0;
}
