#pragma once
// One pack of the simulated bank on the bus, com.victronenergy.battery.sim<k>: what its BMS
// driver (dbus-serialbattery) would publish, on its own connection as a real driver has. Paths and
// formats from packs/battery_paths.h, plus /Info/ChargeMode. update() copies the model's state in
// and publishes the changes through a SimDriver: a SetValue on any path pins it, and the model no
// longer writes it (a test's way to inject an alarm or a fault).

#include "bank_model.h"
#include "sim_driver.h"
#include "sim_options.h"

#include "event/event_loop.h"
#include "packs/battery_paths.h"

namespace bagg::sim {

class BankPackService {
public:
    BankPackService(EventLoop& loop, const SimOptions& options, int number, const BankPack& pack);
    BankPackService(const BankPackService&) = delete;
    BankPackService& operator=(const BankPackService&) = delete;

    SimDriver& driver() { return driver_; }
    // The model's values as the BMS measures and computes them; publishes what changed.
    void update(const BankPack& pack);

private:
    void set(const BatteryPath& row, const Value& v) { driver_.set(std::string(row.path), v); }

    SimDriver driver_;
};

}  // namespace bagg::sim
