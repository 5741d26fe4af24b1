#pragma once
// The pure aggregation: packs, configuration and the time in, one virtual battery out. No D-Bus,
// no clock, no I/O; the only memory between calls is AggregatorMemory.
//
// What each pack contributes depends on its presence (packs/pack_health.h):
//   Online   everything
//   Held     its last SOC, capacity, current, alarms, cell alarms and CVL (and its voltage,
//            temperature and cells while no pack is online); never its CCL or DCL
//   Missing  offline modules and /Alarms/BmsCable 2

#include "bagg/core/aggregation_config.h"
#include "bagg/core/bank_cvl.h"
#include "bagg/core/bank_limit.h"
#include "bagg/core/cell_safety.h"
#include "bagg/core/current_share.h"
#include "bagg/core/imbalance_policy.h"
#include "bagg/core/instant.h"
#include "bagg/core/pack_snapshot.h"

#include <array>
#include <map>
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
    std::optional<int> cellsPerBattery;     // the most of any pack
    std::optional<int> balancing, allowToBalance;  // /Balancing, /Io/AllowToBalance: 1 when any pack's is
    // Things the owner should know that are not alarms ("cells per battery differ: ..."): logged,
    // in `status` and on /Info/Warnings.
    std::vector<std::string> warnings;
    int modulesOnline = 0, modulesOffline = 0, modulesBlockingCharge = 0, modulesBlockingDischarge = 0;
    std::array<std::optional<int>, kAlarmCount> alarms{};

    std::optional<double> maxChargeVoltage, maxChargeCurrent, maxDischargeCurrent, batteryLowVoltage;
    std::string chargeLimitation, dischargeLimitation;  // why the CCL / DCL is what it is
    std::string chargeVoltageLimitation;                // why the CVL is what it is
    std::string chargeMode;                             // the bank's: "Bulk" ... "Float"; empty: unknown
    int allowToCharge = 0, allowToDischarge = 0;        // /Io/AllowTo*: 1 while the limit is above 0

    std::optional<double> packsSoc;   // the packs' capacity-weighted SOC (seeds the Coulomb counter)
    bool packsFull = false;           // every online pack in float or at 100 % (synchronises it)
    std::optional<double> socSpread;  // highest minus lowest SOC, %-points
    std::optional<ImbalanceDecision> imbalance;  // none while no pack counts
    // Each online pack's learnt share of the bank current in the direction it flows (charge when
    // idle), by identity: /Batteries/<n>/CurrentShare.
    std::map<std::string, double> currentShares;
};

// The memory between two calls; the daemon keeps the values marked (state file) over restarts.
struct AggregatorMemory {
    ImbalanceMemory imbalance;              // the band hysteresis (state file)
    std::optional<double> lastVouchedCvl;   // V: the packs' CVL when one last published one (state file)
    std::optional<double> lastVouchedDcl;   // A: the DCL when a pack was last online
    BlockWatches blockedCharge, blockedDischarge;
    CvlMemory cvl;                         // the packs' cell limits (bank_cvl.h)
    ShareMemory shares;                    // current shares (current_share.h; shares in the state file)
    CellNetMemory cells;                   // the cell-voltage net (cell_safety.h)
    RampMemory cclRamp, dclRamp, cvlRamp;  // recovery without flapping (limit_ramp.h)
};

// now: for the rules that need time (a blocked pack that still takes current for 3 s).
AggregateResult aggregate(const std::vector<PackSnapshot>& packs, const AggregationConfig& config,
                          AggregatorMemory& memory, Instant now);

}  // namespace bagg
