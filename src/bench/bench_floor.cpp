// bagg-bench-floor: the least any aggregator built on our stack (sdbus-c++, sd-event, the same
// libraries) can cost for the benchmark's traffic, to read the daemon's figures against. It takes
// the aggregate's name and receives exactly what the daemon receives (one match per battery
// service, keyed on its unique name), but does nothing with the packs' signals; only the probe's /Soc is decoded and echoed in one ItemsChanged per loop turn, so that the
// probe can time it. What the daemon costs above this is its own work.
//
//   bagg-bench-floor        (runs until SIGTERM)

#include "dbus/bus_dispatcher.h"
#include "dbus/venus_names.h"
#include "dbus/busitem_exporter.h"
#include "dbus/busitem_wire.h"
#include "dbus/name_watcher.h"
#include "event/event_loop.h"
#include "packs/battery_paths.h"

#include <sdbus-c++/sdbus-c++.h>

#include <csignal>
#include <map>
#include <string>

namespace {

constexpr const char* kProbe = "com.victronenergy.battery.zprobe";

}  // namespace

int main()
{
    bagg::EventLoop loop;
    auto bus = sdbus::createSystemBusConnection();
    bagg::BusDispatcher dispatch(loop, *bus, [&](const std::string&) { loop.exit(3); });
    bagg::BusItemExporter exporter(*bus, {true, false});
    const bagg::BatteryPath& socRow = bagg::batteryPath(bagg::Quantity::Soc);
    const auto soc = exporter.add(std::string(socRow.path), bagg::Invalid{}, socRow.format);
    exporter.publish();
    bus->requestName(bagg::kAggregateService);

    bagg::DeferEvent publish(loop, [&] { exporter.publish(); });  // only when /Soc changed
    std::map<std::string, sdbus::Slot> matches;  // per battery service, on its unique name
    bagg::NameWatcher watcher(
        *bus, bagg::kBatteryNamespace,
        [&](const std::string& name, const std::string& owner) {
            if (name == bagg::kAggregateService) return;
            const bool isProbe = name == kProbe;
            matches[name] = bus->addMatch(
                "type='signal',sender='" + owner + "',interface='" + bagg::kBusItemInterface + "'",
                [&, isProbe](sdbus::Message& msg) {
                    if (isProbe && msg.getMemberName() == "ItemsChanged")
                        bagg::visitItems(msg, [&](std::string_view path, const bagg::Decoded& v) {
                            if (path == socRow.path) exporter.set(soc, v.value);
                        });
                    publish.trigger();
                });
        },
        [&](const std::string& name) { matches.erase(name); });
    bagg::SignalEvent term(loop, SIGTERM, [&] { loop.exit(0); });
    bagg::SignalEvent intr(loop, SIGINT, [&] { loop.exit(0); });
    return loop.run();
}
