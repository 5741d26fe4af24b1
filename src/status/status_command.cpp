#include "status_command.h"
#include "dbus/venus_names.h"

#include "status_model.h"
#include "status_render.h"

#include "dbus/busitem_wire.h"

#include <fmt/format.h>
#include <sdbus-c++/sdbus-c++.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>

namespace bagg {
namespace {

constexpr auto kTimeout = std::chrono::seconds(2);

bool aggregatorRunning(sdbus::IConnection& bus)
{
    auto proxy = sdbus::createProxy(bus, "org.freedesktop.DBus", "/org/freedesktop/DBus");
    bool has = false;
    proxy->callMethod("NameHasOwner").onInterface("org.freedesktop.DBus").withArguments(std::string(kAggregateService))
        .withTimeout(kTimeout).storeResultsTo(has);
    return has;
}

std::map<std::string, Value> readItems(sdbus::IConnection& bus)
{
    auto proxy = sdbus::createProxy(bus, kAggregateService, "/");
    auto call = proxy->createMethodCall(kBusItemInterface, "GetItems");
    auto reply = proxy->callMethod(call, std::chrono::duration_cast<std::chrono::microseconds>(kTimeout).count());
    std::map<std::string, Value> items;
    for (auto& pv : decodeItems(reply)) items[pv.path] = std::move(pv.value.value);
    return items;
}

bool colourWanted()
{
    const char* noColour = std::getenv("NO_COLOR");
    return isatty(STDOUT_FILENO) && !(noColour && *noColour);
}

}  // namespace

int runStatus(const StatusOptions& o)
{
    if (o.busAddress) setenv("DBUS_SYSTEM_BUS_ADDRESS", o.busAddress->c_str(), 1);
    const bool tty = isatty(STDOUT_FILENO);
    try {
        auto bus = sdbus::createSystemBusConnection();
        for (int shown = 0; o.count == 0 || shown < o.count; ++shown) {
            if (!aggregatorRunning(*bus)) {
                fmt::print(stderr, "dbus-battery-aggregator is not running: {} is not on the bus\n", kAggregateService);
                return 1;
            }
            const StatusModel model = buildStatus(kAggregateService, readItems(*bus));
            std::string text = o.json ? renderStatusJson(model) : renderStatusText(model, colourWanted());
            if (o.watch && tty && !o.json) text = "\033[H\033[2J" + text;  // redraw in place
            else if (o.watch && shown > 0) text = "\n" + text;
            fmt::print("{}", text);
            std::fflush(stdout);
            if (!o.watch) break;
            std::this_thread::sleep_for(std::chrono::duration<double>(o.interval));
        }
    } catch (const sdbus::Error& e) {
        fmt::print(stderr, "cannot read {}: {}\n", kAggregateService, e.getMessage());
        return 1;
    }
    return 0;
}

}  // namespace bagg
