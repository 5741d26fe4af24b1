#pragma once
// Charge and discharge limits of the aggregate: CVL, CCL (with imbalance protection), DCL,
// battery-low voltage and the /Io/AllowTo* flags, each with the reason a user reads in
// /Info/ChargeLimitation and /Info/DischargeLimitation.

#include "bagg/core/aggregate.h"

#include <optional>
#include <string>
#include <vector>

namespace bagg {

// The packs as the limits see them.
struct BankView {
    std::vector<const PackSnapshot*> online;   // their limits count
    std::vector<const PackSnapshot*> held;     // away within the grace: their blocks count, their limits not
    std::vector<const PackSnapshot*> counted;  // online and held: their CVL, alarms and SOC spread count
    std::optional<double> socSpread;
    std::optional<double> voltage;  // the bank's measured voltage (the cell net lowers the CVL from it)
};

struct ChargeLimits {
    std::optional<double> maxChargeVoltage, maxChargeCurrent, maxDischargeCurrent, batteryLowVoltage;
    std::string chargeLimitation, dischargeLimitation, chargeVoltageLimitation;
    std::string chargeMode;
    int allowToCharge = 0, allowToDischarge = 0;
    std::optional<ImbalanceDecision> imbalance;  // none while no pack counts (online or held)
};

// Rules, in README "How the bank is aggregated" and "When a pack misbehaves":
// - CVL: lowest CVL of the online and held packs (a held pack is most likely still wired in
//   parallel); while none publishes one, the last one that did (kept over restarts in the state
//   file), so that systemcalc keeps us as the controlling BMS and passes CCL 0 on (issue 11 rule 1);
//   capped by max_charge_voltage, which alone applies when no pack ever published one.
// - CCL: min(imbalance band × nominal, what the online BMSes allow together); 0 with no pack online.
// - DCL: what the online BMSes allow together, capped by max_discharge_current. With no pack online
//   but some held (a driver restart: all drivers restart together during a GX firmware check),
//   the DCL of the last moment a pack was online, until the grace ends: a 12 s driver restart
//   must not black out an off-grid house (rule 2). Then 0. Never more than the held packs allow
//   together by the same rule as online ones (their last online limits, or lower ones a pack back
//   on the bus publishes now; a held pack that blocks stops it under blocked_pack = stop).
// - A held pack that blocks (as it last did, or as it still publishes) stops the bank in that
//   direction under blocked_pack = stop: it is most likely still wired in parallel (bank_limit.h).
// - The imbalance band is decided while any pack counts, held ones included: an alarm they caused
//   does not vanish because the last online pack went silent.
ChargeLimits decideLimits(const BankView& bank, const AggregationConfig& config, AggregatorMemory& memory, Instant now);

}  // namespace bagg
