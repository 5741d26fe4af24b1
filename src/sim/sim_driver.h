#pragma once
// One simulated BMS driver on the bus: its own connection (as a real driver process has), its
// BusItem exporter, and the faults a test injects: leaving the bus (a driver restart) and hanging
// (a stuck driver keeps its name and answers nothing). Every path is writable; a SetValue sets
// and publishes the value and pins it, so that the simulation no longer writes it (a test's way to
// inject an alarm or a fault). The --packs and --bank modes both publish through one of these.

#include "sim_options.h"

#include "dbus/bus_dispatcher.h"
#include "dbus/busitem_exporter.h"
#include "event/event_loop.h"

#include <sdbus-c++/IConnection.h>

#include <memory>
#include <set>
#include <string>

namespace bagg::sim {

class SimDriver {
public:
    SimDriver(EventLoop& loop, const SimOptions& options, std::string serviceName);
    SimDriver(const SimDriver&) = delete;
    SimDriver& operator=(const SimDriver&) = delete;

    const std::string& serviceName() const { return serviceName_; }
    BusItemExporter& exporter() { return exporter_; }
    const BusItemExporter& exporter() const { return exporter_; }

    // Adds a path, writable (a SetValue pins it).
    void add(const std::string& path, const Value& initial, PathFormat format);
    // Sets a path unless a test pinned it.
    void set(const std::string& path, const Value& v);
    bool pinned(const std::string& path) const { return pinned_.count(path) > 0; }

    // Adds <prefix>Service (its bus name), <prefix>Present (0 takes it off the bus, 1 back) and
    // <prefix>Frozen (1 hangs it, 0 recovers) to the sim's control service.
    void addControls(BusItemExporter& control, const std::string& prefix);

    bool setPresent(bool present);  // leaves the bus (releases the name) or comes back
    bool present() const { return present_; }
    void setFrozen(bool frozen);    // keeps its name, answers and publishes nothing: a hung driver
    bool frozen() const { return frozen_; }

private:
    std::string serviceName_;
    bool present_ = false;
    bool frozen_ = false;
    std::set<std::string> pinned_;
    std::unique_ptr<sdbus::IConnection> connection_;
    BusDispatcher dispatcher_;
    BusItemExporter exporter_;
};

}  // namespace bagg::sim
