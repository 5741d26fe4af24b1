#pragma once
// One simulated BMS service, com.victronenergy.battery.sim<k>, on its own bus connection (as a
// real driver process has), published through the project's own BusItem exporter.

#include "sim_options.h"

#include "bagg/core/quantity.h"
#include "dbus/bus_dispatcher.h"
#include "dbus/busitem_exporter.h"
#include "event/event_loop.h"

#include <sdbus-c++/IConnection.h>

#include <memory>
#include <set>
#include <string>

namespace bagg::sim {

class SimPack {
public:
    SimPack(EventLoop& loop, const SimOptions& options, int number);  // number: 1..N
    SimPack(const SimPack&) = delete;
    SimPack& operator=(const SimPack&) = delete;

    const std::string& serviceName() const { return serviceName_; }
    // Advances the simulation by dt seconds (drift unless --no-drift, --churn paths) and publishes.
    void tick(double dtSeconds);
    // Leaves the bus (releases the name) or comes back.
    bool setPresent(bool present);
    bool present() const { return present_; }
    // A frozen pack keeps its name but answers nothing and publishes nothing: a hung driver.
    void setFrozen(bool frozen);

private:
    double number(Quantity q) const;
    void drift(Quantity q, double value);  // unless the path was set through SetValue
    void churn();

    std::string serviceName_;
    const SimOptions& options_;
    int number_;
    double time_ = 0.0;
    long churnStep_ = 0;
    bool present_ = false;
    bool frozen_ = false;
    std::set<std::string> userSet_;  // paths set through SetValue: drift leaves them alone
    std::unique_ptr<sdbus::IConnection> connection_;
    BusDispatcher dispatcher_;
    BusItemExporter exporter_;
};

}  // namespace bagg::sim
