#pragma once
// A simulated battery monitor (a Victron SmartShunt) on the bank's main cable, for [sources]: a
// battery service without limits (so the aggregator classes it a monitor, never a pack) that
// measures the whole bank: its current is the packs' sum, its SOC its own coulomb count from
// --monitor-soc. Its paths are writable like a pack's (a SetValue pins one); net.bagg.batterysim
// /Monitor/Present and /Monitor/Frozen take it off the bus or hang it.

#include "sim_driver.h"

namespace bagg::sim {

inline constexpr const char* kSimMonitorService = "com.victronenergy.battery.simshunt";

class SimMonitor {
public:
    SimMonitor(EventLoop& loop, const SimOptions& options);
    SimMonitor(const SimMonitor&) = delete;
    SimMonitor& operator=(const SimMonitor&) = delete;

    SimDriver& driver() { return driver_; }
    // Advances by dt seconds with the bank's current (A, + charging) and voltage (V), and publishes.
    void tick(double dtSeconds, double bankCurrent, double bankVoltage);

private:
    double capacityAh_;
    double soc_;
    SimDriver driver_;
};

}  // namespace bagg::sim
