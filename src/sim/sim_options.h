#pragma once
// battery-sim's command line.

#include <optional>
#include <string>
#include <vector>

namespace bagg::sim {

struct SimOptions {
    int packs = 3;
    std::optional<std::string> busAddress;
    bool batched = false;   // --publish batched: ItemsChanged on /; per-path: PropertiesChanged per leaf
    int periodMs = 1000;
    bool drift = true;
    bool spread = false;       // --spread: pack k publishes at its own phase, (k-1)/N of the period after pack 1
    std::vector<double> socs;  // per pack; missing ones get a default
    double capacityAh = 100.0;
    double ccl = 50.0, dcl = 100.0, cvl = 56.8;
    int churn = 0;             // --churn K: K more paths per pack change every period (load for the benchmark)
    int cells = 0;             // --cells K: each pack also publishes /Voltages/Cell1..K, all moved every period
    bool monitor = false;      // --monitor: a SmartShunt-like battery monitor on the bank (sim_monitor.h)
    double monitorSoc = 50.0;  // --monitor-soc: its SOC to start with
    int backgroundRate = 0;    // --background-rate R: a non-battery service sending R signals a second
    // --bank FILE: a physical bank from a scenario file instead of the --packs services (bank_sim.h).
    std::optional<std::string> bankFile;
    double speed = 1.0;        // --speed N: simulated seconds per real second (bank only)
    bool periodGiven = false;  // --period-ms was given (the bank publishes every 200 ms otherwise)
    std::string dvccService = "com.victronenergy.battery.aggregate";  // --dvcc-service: whose limits the Multi follows
};

struct SimOptionsParse {
    SimOptions options;
    std::string error;
    bool help = false;
};

SimOptionsParse parseSimOptions(const std::vector<std::string>& args);
std::string simUsage();

}  // namespace bagg::sim
