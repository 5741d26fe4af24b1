#pragma once
// One pack of the simulated bank on the bus, com.victronenergy.battery.sim<k>: what its BMS
// driver (dbus-serialbattery) would publish, on its own connection as a real driver has. Paths and
// formats from packs/battery_paths.h, plus /Info/ChargeMode. update() copies the model's state in
// and publishes the changes. Like --packs mode, a SetValue on any path sets and publishes that
// value and pins it: the model no longer writes it (a test's way to inject an alarm or a fault).

#include "bank_model.h"
#include "sim_options.h"

#include "dbus/bus_dispatcher.h"
#include "dbus/busitem_exporter.h"
#include "event/event_loop.h"
#include "packs/battery_paths.h"

#include <sdbus-c++/IConnection.h>

#include <memory>
#include <set>
#include <string>

namespace bagg::sim {

class BankPackService {
public:
    BankPackService(EventLoop& loop, const SimOptions& options, int number, const BankPack& pack);
    BankPackService(const BankPackService&) = delete;
    BankPackService& operator=(const BankPackService&) = delete;

    const std::string& serviceName() const { return serviceName_; }
    // The model's values as the BMS measures and computes them; publishes what changed.
    void update(const BankPack& pack);
    bool setPresent(bool present);  // leaves the bus (releases the name) or comes back
    void setFrozen(bool frozen);    // keeps its name, answers and publishes nothing: a hung driver

private:
    void add(const std::string& path, const Value& initial, PathFormat format);
    void set(const std::string& path, const Value& v);
    void set(const BatteryPath& row, const Value& v) { set(std::string(row.path), v); }

    std::string serviceName_;
    bool present_ = false;
    bool frozen_ = false;
    std::set<std::string> pinned_;  // set through SetValue: update() leaves them alone
    std::unique_ptr<sdbus::IConnection> connection_;
    BusDispatcher dispatcher_;
    BusItemExporter exporter_;
};

}  // namespace bagg::sim
