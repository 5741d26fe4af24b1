#pragma once
// The physical bank of `battery-sim --bank`: packs in parallel on one DC bus, each a string of
// cells with its own SOC and open-circuit voltage, an internal resistance and a BMS (pack_bms.h);
// and the charger/inverter that plays a Victron Multi under DVCC. Pure: simulated seconds in,
// state out; no D-Bus, no clock. tests/unit/sim_test.cpp drives it with tables.
//
// Per step of dt simulated seconds (advance() cuts a long interval into steps of at most maxStep):
//   1. The Multi picks the bank current from what it read of the controlling BMS (DvccLimits):
//        charger on (demand > 0):  I = min(demand, CCL), reduced so that the bus stays at or below
//                                  the CVL (constant voltage, as a real Multi regulates); no CVL or
//                                  CCL read: no charging;
//        charger off, load > 0:    I = -min(load, DCL); no DCL read: no discharge.
//   2. Kirchhoff at the common bus: every pack whose FET conducts in that direction is a source EMF_i
//      behind R_i, so  I_i = (V - EMF_i) / R_i  and  V = (I_bank + sum EMF_i/R_i) / sum (1/R_i)
//      over the conducting packs. A pack with its charge FET open takes no charge current (its
//      discharge still flows); with its discharge FET open it gives none.
//   3. Each cell's SOC integrates I_i (over the pack's true capacity: nameplate x state of health),
//      less the balancer's bleed; its voltage is OCV(SOC) + I_i x r_j, with r_j = R/cells x
//      factor(SOC) (a cell's resistance rises near empty and near full). EMF_i = sum of the OCVs,
//      R_i = sum of the r_j: the pack's resistance for the next step.
//   4. Each BMS measures (coulombs, protection) and, every poll interval, computes its limits.

#include "curve.h"
#include "pack_bms.h"

#include <optional>
#include <string>
#include <vector>

namespace bagg::sim {

struct PackSpec {
    std::string name;            // its CustomName
    int cells = 16;              // in series
    Curve cellOcv = lfpCellOcv();
    double capacityAh = 100.0;   // nameplate: what the BMS counts with and publishes
    double sohPercent = 100.0;   // state of health: the cells really hold capacityAh x sohPercent / 100
    double resistanceOhm = 0.015;  // the whole pack at mid SOC: cells, busbars, BMS FETs, cables
    Curve resistanceFactor = cellResistanceFactor();  // each cell's resistance over its SOC, x resistanceOhm/cells
    double soc = 50.0;           // % at the start: the cells' mean, and what the BMS starts counting from
    double cellSpread = 0.0;     // %-points of SOC from the lowest to the highest cell, spread evenly
    double temperature = 25.0;   // °C, constant
    double currentOffset = 0.0;  // A the BMS's shunt reads above the true current
    BmsConfig bms;

    double trueCapacityAh() const { return capacityAh * sohPercent / 100.0; }
    std::vector<std::string> validate() const;
};

// What the Multi last read from the controlling BMS; nullopt = not read (service absent, invalid).
struct DvccLimits {
    std::optional<double> cvl, ccl, dcl;
};

// What the sim's Multi is asked to do.
struct ChargerInput {
    double demand = 0.0;  // A it would put into the battery (the grid is there); 0 = charger off
    double load = 0.0;    // A the loads draw from the battery while the charger is off
};

// From `at` simulated seconds on: the given demand and/or load (the others stay).
struct ProfileStep {
    double at = 0.0;
    std::optional<double> demand, load;
};

enum class ChargerMode {
    Off,             // no demand, no load
    NoLimits,        // no CVL/CCL (charging) or DCL (discharging) read: nothing flows
    Blocked,         // CCL (or DCL) is 0
    CurrentLimited,  // charging at min(demand, CCL)
    VoltageLimited,  // charging, held at the CVL
    Inverting,       // feeding the load from the battery
};
const char* chargerModeName(ChargerMode mode);  // "off", "no limits", "blocked", "current limited", ...

// One pack of the bank: its specification, its BMS and its physical state.
struct BankPack {
    PackSpec spec;
    std::vector<double> cellSoc;    // %, each cell, of the true capacity
    std::vector<double> cellVolts;  // V, each cell, with the IR drop of `current`
    double current = 0.0;           // A, + charging: the true current through the pack
    double emf = 0.0;               // V, sum of the cells' open-circuit voltages
    double resistance = 0.0;        // ohm, sum of the cells' present resistances
    PackBms bms;
    double sincePoll = 0.0;         // s since its BMS's driver last polled

    double soc() const;             // %, the true SOC: mean of the cells
    double voltage() const;         // V, at its terminals (sum of the cell voltages)
    double measuredCurrent() const { return current + spec.currentOffset; }
    // I_i at bus voltage v: (v - EMF_i)/R_i, cut to 0 in a direction whose FET is open.
    double currentAt(double busVoltage) const;
};

// Extremes since the start (or since reset()), for tests: what happened between two publishes.
struct BankStats {
    double maxCellVoltage = 0.0;  // V, any cell of any pack
    double minCellVoltage = 1e9;  // V
    double maxOverCcl = 0.0;      // A, the most any pack's current exceeded its own BMS's CCL
    double maxChargeOverDvcc = 0.0;  // A, the most the bank's charge current exceeded the CCL read
    void reset() { *this = BankStats{}; }
};

class BankModel {
public:
    // maxStep: the longest physics step in simulated seconds (stable well below the fastest time
    // constant, R x dQ/dV at the top of an LFP curve: a few seconds).
    explicit BankModel(std::vector<PackSpec> packs, double maxStep = 0.25);

    // Runs `seconds` of simulated time with the Multi using `limits` throughout.
    void advance(double seconds, const DvccLimits& limits);

    ChargerInput& charger() { return charger_; }
    const ChargerInput& charger() const { return charger_; }
    void setProfile(std::vector<ProfileStep> profile);

    double time() const { return time_; }
    const std::vector<BankPack>& packs() const { return packs_; }
    double busVoltage() const { return busVoltage_; }
    bool busConnected() const { return busConnected_; }  // some pack conducts
    double bankCurrent() const { return bankCurrent_; }  // A into the bank (+ charging)
    ChargerMode chargerMode() const { return chargerMode_; }
    double soc() const;  // %, the bank's true SOC (capacity-weighted)
    BankStats& stats() { return stats_; }

    // Total current into the packs at bus voltage v (sum of each pack's currentAt).
    double bankCurrentAt(double busVoltage) const;
    // The bus voltage at which the packs take `current`; it is cut to what they can take (0 when
    // every FET in that direction is open): .current says what flows.
    struct Bus {
        double voltage;
        double current;
        bool connected;
    };
    Bus solveBus(double current) const;
    // The largest bank charge current at which no pack exceeds its own BMS's present CCL, from the
    // current sharing as it is now: V* = min over charge-conducting packs of (EMF_i + CCL_i x R_i),
    // and the bank current at V* (0 if that is negative: some pack is over its CCL even at rest).
    double bestFeasibleChargeCurrent() const;

private:
    void step(double dt, const DvccLimits& limits);
    double chargerCurrent(const DvccLimits& limits);
    void applyProfile();

    std::vector<BankPack> packs_;
    double maxStep_;
    double time_ = 0.0;
    ChargerInput charger_;
    std::vector<ProfileStep> profile_;
    std::size_t nextProfileStep_ = 0;
    double busVoltage_ = 0.0;
    bool busConnected_ = true;
    double bankCurrent_ = 0.0;
    ChargerMode chargerMode_ = ChargerMode::Off;
    BankStats stats_;
};

}  // namespace bagg::sim
