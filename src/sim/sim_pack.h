#pragma once
// One simulated BMS service of --packs mode, com.victronenergy.battery.sim<k>: values that drift
// on a slow sine (or stand still with --no-drift), published through a SimDriver.

#include "sim_driver.h"
#include "sim_options.h"

#include "bagg/core/quantity.h"
#include "event/event_loop.h"

#include <string>
#include <vector>

namespace bagg::sim {

class SimPack {
public:
    SimPack(EventLoop& loop, const SimOptions& options, int number);  // number: 1..N
    SimPack(const SimPack&) = delete;
    SimPack& operator=(const SimPack&) = delete;

    SimDriver& driver() { return driver_; }
    double current() const { return number(Quantity::Current); }  // A, as last published (or set)
    double voltage() const { return number(Quantity::Voltage); }  // V
    // Advances the simulation by dt seconds (drift unless --no-drift, --churn paths, --cells) and publishes.
    void tick(double dtSeconds);

private:
    double number(Quantity q) const;
    void drift(Quantity q, double value);  // unless the path was set through SetValue
    void churn();
    void moveCells();  // --cells: each /Voltages/Cell<i> by more than its resolution


    const SimOptions& options_;
    int number_;
    double time_ = 0.0;
    long churnStep_ = 0;
    std::vector<std::string> cellPaths_;  // /Voltages/Cell1..K (--cells)
    SimDriver driver_;
};

}  // namespace bagg::sim
