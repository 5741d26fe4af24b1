#pragma once
// One pack's simulated BMS, as dbus-serialbattery (1.x, linear mode) runs it over a JK-style BMS
// board. Pure: it is given the pack's cell voltages and current and the simulated time, and says
// what the driver would publish (CCL, DCL, CVL, /Info/ChargeMode, /Balancing, AllowTo*) and what
// the board does with its FETs. No D-Bus, no clock.
//
// Two rates, as on a GX: the board (measure(), every physics step) counts coulombs and opens its
// FETs at once on a cell over/under voltage; the driver (poll(), every `pollInterval` simulated
// seconds, serialbattery polls once a second) computes the limits and the charge mode.

#include "curve.h"

#include <optional>
#include <string>
#include <vector>

namespace bagg::sim {

// What a BMS does when its pack is full (besides tapering its CCL).
enum class BlockAtFull {
    None,  // only the CCL taper: serialbattery's own behaviour (AllowToCharge 0 only when the CCL reaches 0)
    Flag,  // CCL 0 and AllowToCharge 0 while full, but the charge FET stays closed: the pack stays in
           // parallel and still takes its share of any charge current (a CAN BMS's "charge disable")
    Fet,   // the same, and the charge FET opens: the pack takes no charge current at all
};

enum class ChargeMode { Bulk, Absorption, FloatTransition, Float };
const char* chargeModeName(ChargeMode mode);  // "Bulk", "Absorption", "Float Transition", "Float"

// The driver's settings; the names follow serialbattery's config.ini where it has one.
// Defaults: real-world LFP as serialbattery ships it, except where said.
struct BmsConfig {
    double maxChargeCurrent = 50.0;      // A, MAX_BATTERY_CHARGE_CURRENT
    double maxDischargeCurrent = 100.0;  // A, MAX_BATTERY_DISCHARGE_CURRENT
    double maxCellVoltage = 3.45;        // V, MAX_CELL_VOLTAGE: absorption, CVL = cells × this (55.2 V for 16s)
    double floatCellVoltage = 3.375;     // V, FLOAT_CELL_VOLTAGE: 54.0 V for 16s
    double minCellVoltage = 2.90;        // V, MIN_CELL_VOLTAGE: /Info/BatteryLowVoltage = cells × this
    // The board's own protection (a JK BMS's OVP/UVP): the FET opens at once, closes at recovery.
    double cellOvervoltage = 3.65, cellOvervoltageRecovery = 3.55;
    double cellUndervoltage = 2.50, cellUndervoltageRecovery = 2.90;
    // Fraction of the max current over the highest cell's voltage (CELL_VOLTAGES_WHILE_CHARGING /
    // MAX_CHARGE_CURRENT_CV_FRACTION). Default: serialbattery 1.0's steps (3.45 V 50 %, 3.50 V 5 %,
    // 3.55 V 0) starting at 3.40 V, linear in between.
    Curve chargeCellVoltageTaper{{{3.40, 1.0}, {3.45, 0.5}, {3.50, 0.05}, {3.55, 0.0}}};
    // Over the BMS's SOC (SOC_WHILE_CHARGING): serialbattery 1.0's table, on by default there.
    Curve chargeSocTaper{{{91, 1.0}, {95, 0.5}, {98, 0.2}, {100, 0.1}}};
    // Over the lowest cell's voltage and over the SOC, for the DCL (serialbattery 1.0's tables).
    Curve dischargeCellVoltageTaper{{{2.70, 0.0}, {2.80, 0.1}, {2.90, 0.5}, {3.10, 1.0}}};
    Curve dischargeSocTaper{{{5, 0.1}, {11, 0.2}, {13, 0.5}, {20, 1.0}}};
    // A new CCL/DCL is published only every this many seconds, or at once when it moves by this
    // percentage or drops to 0 (LINEAR_RECALCULATION_EVERY, _ON_PERC_CHANGE); one at 0 comes back
    // only above this fraction of the max (CHARGE_CURRENT_RECOVERY_THRESHOLD_PERCENT): stepwise limits.
    double recalculationEvery = 60.0;
    double recalculationOnChangePercent = 33.0;
    double currentRecoveryFraction = 0.015;
    // Absorption (linear mode): its timer starts once the pack voltage is at cells × maxCellVoltage and
    // the cells are within cellDiffKeepMaxVoltageUntil; it restarts while they differ by more than
    // cellDiffTimeRestart; after maxVoltageTime the CVL goes to float. Back to bulk (max voltage
    // allowed again) below socLevelToResetVoltageLimit or with cells apart by cellDiffToResetVoltageLimit.
    double maxVoltageTime = 900.0;  // s, MAX_VOLTAGE_TIME_SEC
    double cellDiffKeepMaxVoltageUntil = 0.010, cellDiffTimeRestart = 0.013, cellDiffToResetVoltageLimit = 0.080;
    double socLevelToResetVoltageLimit = 80.0;  // %
    double floatTransitionRate = 0.001;         // V/s the CVL falls from absorption to float (0.01 V per 10 s)
    // Also end absorption once the pack current is at or below this (A; 0 = off, as in serialbattery).
    double tailCurrent = 0.0;
    // The P-controller of serialbattery's linear mode: with a cell above maxCellVoltage the CVL is
    // the pack voltage minus the sum of the excesses, so that the runner cell is pulled back.
    // serialbattery has it on; here it is off unless a scenario asks: it ratchets the CVL down
    // (each poll starts from the voltage the last CVL allowed) for as long as one cell rests a few
    // mV above maxCellVoltage, and with no relaxation in this model that can be for ever.
    bool cvlCellPenalty = false;
    BlockAtFull blockAtFull = BlockAtFull::None;
    // "Full" for blockAtFull: the highest cell at or above fullCellVoltage, or the BMS's SOC at
    // 100 %; no longer full once the SOC is below fullReleaseSoc and the highest cell below
    // fullReleaseCellVoltage (both: a block that lifts as soon as the cells relax would flap).
    double fullCellVoltage = 3.50, fullReleaseSoc = 95.0, fullReleaseCellVoltage = 3.40;
    // The balancer bleeds every cell more than balanceTrigger above the lowest, at balancerCurrent,
    // while the highest cell is at or above balanceStartVoltage (/Balancing = 1).
    double balanceStartVoltage = 3.40, balanceTrigger = 0.010, balancerCurrent = 1.0;
    double pollInterval = 1.0;  // s between driver updates
    // Publish the charge mode as serialbattery writes it ("Bulk (Linear Mode)", "Bulk Dynamic
    // (Linear Mode)") instead of the bare "Bulk": for readers that must match on the prefix.
    bool chargeModeSuffix = false;

    // Problems with these settings (a message each), empty when they are consistent.
    std::vector<std::string> validate() const;
};

struct BmsMeasurement {
    std::vector<double> cellVolts;  // V, each cell as the BMS reads it (with the present current's IR drop)
    double current = 0.0;           // A, + charging, as the BMS's shunt reads it
};

struct BmsAlarms {  // 0 ok, 1 warning, 2 alarm
    int highCellVoltage = 0;  // 1 within 0.05 V of the board's OVP, 2 while it is tripped
    int lowCellVoltage = 0;   // 1 within 0.2 V of the board's UVP, 2 while it is tripped
    int lowSoc = 0;           // 1 below 10 %, 2 below 5 %
};

class PackBms {
public:
    // cells: in series; capacityAh: what the BMS counts with (the nameplate); soc: its SOC to start with.
    PackBms(BmsConfig config, int cells, double capacityAh, double soc, const BmsMeasurement& first);

    // The board, every physics step: coulomb counting, OVP/UVP, block at full.
    void measure(const BmsMeasurement& m, double dt);
    // The driver, every config().pollInterval: limits, charge mode, balancing. `now`: simulated s.
    void poll(const BmsMeasurement& m, double now);

    double ccl() const { return ccl_; }
    double dcl() const { return dcl_; }
    double cvl() const { return cvl_; }
    // serialbattery publishes AllowToCharge 0 exactly when its CCL is 0 (and its FET stays closed).
    bool allowToCharge() const { return ccl_ > 0.0; }
    bool allowToDischarge() const { return dcl_ > 0.0; }
    bool chargeFetClosed() const { return !overvoltage_ && !(config_.blockAtFull == BlockAtFull::Fet && full_); }
    bool dischargeFetClosed() const { return !undervoltage_; }
    bool balancing() const { return balancing_; }
    bool full() const { return full_; }
    ChargeMode mode() const { return mode_; }
    std::string modeText() const;
    double soc() const { return soc_; }  // the BMS's SOC: coulombs over the nameplate capacity
    BmsAlarms alarms() const;
    // Seconds the absorption timer has run; nullopt while it does not run.
    std::optional<double> absorptionTime(double now) const;
    double maxBatteryVoltage() const { return config_.maxCellVoltage * cells_; }
    double floatVoltage() const { return config_.floatCellVoltage * cells_; }
    double minBatteryVoltage() const { return config_.minCellVoltage * cells_; }
    const BmsConfig& config() const { return config_; }

private:
    void readCells(const BmsMeasurement& m);
    void updateCurrents(const BmsMeasurement& m, double now);
    void updateChargeMode(const BmsMeasurement& m, double now);

    BmsConfig config_;
    int cells_;
    double capacityAh_;
    double soc_;
    double maxCell_ = 0.0, minCell_ = 0.0;
    bool overvoltage_ = false, undervoltage_ = false, full_ = false;
    double ccl_ = 0.0, dcl_ = 0.0, cvl_ = 0.0;
    double cclSetAt_ = 0.0, dclSetAt_ = 0.0;
    bool first_ = true;
    bool allowMaxVoltage_ = true;
    std::optional<double> maxVoltageStart_;
    double transitionStart_ = 0.0, transitionFrom_ = 0.0;
    bool penaltyActive_ = false;
    bool balancing_ = false;
    ChargeMode mode_ = ChargeMode::Bulk;
};

}  // namespace bagg::sim
