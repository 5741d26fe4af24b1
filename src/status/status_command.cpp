#include "status_command.h"
#include "dbus/venus_names.h"

#include "bagg/core/strict_number.h"
#include "status_model.h"
#include "status_render.h"

#include "dbus/busitem_wire.h"

#include <fmt/format.h>
#include <sdbus-c++/sdbus-c++.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
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

// The width lines are fitted to: the terminal's columns; $COLUMNS when set; else, not on a terminal
// (a pipe, a log file), no limit: nothing is cut for a script or a log.
std::size_t terminalWidth()
{
    winsize size{};
    if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col >= 40) return size.ws_col;
    if (const char* env = std::getenv("COLUMNS"))
        if (const auto n = parseStrictNumber(env); n && *n >= 40 && *n <= 1000) return static_cast<std::size_t>(*n);
    return isatty(STDOUT_FILENO) ? 80 : 100000;
}

bool colourWanted()
{
    const char* noColour = std::getenv("NO_COLOR");
    return isatty(STDOUT_FILENO) && !(noColour && *noColour);
}

}  // namespace

// Draws `text` over the previous picture without clearing the screen first (no flicker over a slow
// SSH link): from the top-left corner, each line cleared to its end, then everything below.
std::string redrawInPlace(const std::string& text)
{
    std::string out = "\033[H";
    std::size_t start = 0;
    while (start < text.size()) {
        const auto nl = text.find('\n', start);
        const auto end = nl == std::string::npos ? text.size() : nl;
        out += text.substr(start, end - start) + "\033[K";
        if (nl == std::string::npos) break;
        out += "\n";
        start = nl + 1;
    }
    return out + "\033[J";
}

int runStatus(const StatusOptions& o)
{
    if (o.busAddress) setenv("DBUS_SYSTEM_BUS_ADDRESS", o.busAddress->c_str(), 1);
    const bool tty = isatty(STDOUT_FILENO);
    if (!o.watch) {
        try {
            auto bus = sdbus::createSystemBusConnection();
            if (!aggregatorRunning(*bus)) {
                fmt::print(stderr, "dbus-battery-aggregator is not running: {} is not on the bus\n", kAggregateService);
                return 1;
            }
            const StatusModel model = buildStatus(kAggregateService, readItems(*bus));
            fmt::print("{}", o.json ? renderStatusJson(model, false) : renderStatusText(model, colourWanted(), terminalWidth()));
        } catch (const sdbus::Error& e) {
            fmt::print(stderr, "cannot read {}: {}\n", kAggregateService, e.getMessage());
            return 1;
        }
        return 0;
    }
    // --watch: only Ctrl-C (or --count) ends it. A daemon that restarts (svc -t after a change of
    // configuration), a read that times out, even the bus going away: it says so, waits, and
    // carries on when the daemon is back.
    std::unique_ptr<sdbus::IConnection> bus;
    std::string waitingFor;  // what it is waiting for, as last said ("" while showing the bank)
    bool everShown = false;  // with --count: exit 1 when the daemon was never reached
    for (int shown = 0; o.count == 0 || shown < o.count; ++shown) {
        if (shown > 0) std::this_thread::sleep_for(std::chrono::duration<double>(o.interval));
        std::string why;
        try {
            if (!bus) bus = sdbus::createSystemBusConnection();
            if (aggregatorRunning(*bus)) {
                const StatusModel model = buildStatus(kAggregateService, readItems(*bus));
                std::string text = o.json ? renderStatusJson(model, true) : renderStatusText(model, colourWanted(), terminalWidth());
                if (tty && !o.json) text = redrawInPlace(text);
                else if (!o.json && shown > 0) text = "\n" + text;
                fmt::print("{}", text);
                std::fflush(stdout);
                waitingFor.clear();
                everShown = true;
                continue;
            }
            why = fmt::format("dbus-battery-aggregator not running ({} is not on the bus)", kAggregateService);
        } catch (const sdbus::Error& e) {
            why = fmt::format("cannot read {}: {}", kAggregateService, e.getMessage());
            if (e.getName() == "org.freedesktop.DBus.Error.Disconnected" || e.getName() == "org.freedesktop.DBus.Error.FileNotFound" ||
                e.getName() == "org.freedesktop.DBus.Error.NoServer")
                bus.reset();  // the bus itself went away: connect again next time
        }
        if (why == waitingFor) continue;
        waitingFor = why;
        // In place on a terminal; on stderr otherwise, so that --json stays one object per line.
        if (tty && !o.json) fmt::print("{}", redrawInPlace(why + " - waiting (Ctrl-C stops)\n"));
        else fmt::print(stderr, "{} - waiting\n", why);
        std::fflush(stdout);
    }
    return everShown ? 0 : 1;
}

}  // namespace bagg
