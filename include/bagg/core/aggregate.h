#pragma once
// The pure aggregation: packs and configuration in, one virtual battery out. No D-Bus, no clock,
// no I/O; the only memory between calls is AggregatorState (the imbalance hysteresis).

#include "bagg/core/aggregation_config.h"
#include "bagg/core/imbalance_policy.h"
#include "bagg/core/pack_snapshot.h"

#include <array>
#include <optional>
#include <string>
#include <vector>

namespace bagg {

struct CellExtremeResult {
    std::optional<double> value;
    std::string id;  // "Bank 2 C7": pack label and the BMS's cell id
};

struct AggregateResult {
    int packsOnline = 0;
    int packsHeld = 0;  // away within their reconnect grace

    std::optional<double> soc, voltage, current, power, temperature;
    std::optional<double> capacity, installedCapacity, consumedAmphours, timeToGo;
    std::array<CellExtremeResult, kCellExtremeCount> cells{};
    std::optional<int> cellsPerBattery;
    int modulesOnline = 0, modulesOffline = 0, modulesBlockingCharge = 0, modulesBlockingDischarge = 0;
    std::array<std::optional<int>, kAlarmCount> alarms{};

    std::optional<double> maxChargeVoltage, maxChargeCurrent, maxDischargeCurrent, batteryLowVoltage;
    std::string chargeLimitation, dischargeLimitation;  // why the CCL / DCL is what it is

    std::optional<double> socSpread;  // highest minus lowest SOC, %-points
    ImbalanceDecision imbalance;
};

struct AggregatorState {
    ImbalanceState imbalance;
};

AggregateResult aggregate(const std::vector<PackSnapshot>& packs, const AggregationConfig& config,
                          AggregatorState& state);

}  // namespace bagg
