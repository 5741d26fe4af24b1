#pragma once
// What a battery service is to the bank. Only a *pack* (a BMS of one battery of the parallel bank)
// takes part in the aggregate: a battery monitor (a shunt) measures the whole bank or one branch,
// and another aggregator already sums packs; counting either as a pack would multiply the bank's
// limits and double its current (safety rule 5: a service that publishes no limits never counts
// as a pack).

#include "bagg/config/config.h"
#include "bagg/core/pack_snapshot.h"

#include <optional>
#include <string>
#include <string_view>

namespace bagg {

enum class PackRole {
    Pack,       // BMS data: CCL, DCL, CVL or cell voltages
    Monitor,    // a shunt or battery monitor: SOC, voltage, current, no limits
    Aggregate,  // another aggregator (or a second copy of this one): its packs are already on the bus
};
std::string_view roleName(PackRole role);  // "pack", "monitor", "aggregate"

// What a battery service says it is.
struct PackIdentity {
    std::string service;      // com.victronenergy.battery.ttyUSB0
    std::string customName;
    std::string productName;  // "SmartShunt 500A/50mV"
    std::string serial;
    std::optional<int> productId;
    bool operator==(const PackIdentity& o) const
    {
        return service == o.service && customName == o.customName && productName == o.productName &&
               serial == o.serial && productId == o.productId;
    }
    bool operator!=(const PackIdentity& o) const { return !(*this == o); }
};

struct RoleDecision {
    PackRole role = PackRole::Pack;
    std::string why;  // "configured", "ProductName SmartShunt 500A/50mV", "publishes no limits and no cells"
};

// Classifies a service from its identity and the values read so far, in this order:
//  1. [roles] pack/monitor/aggregate in the configuration (selectors as in [batteries]);
//  2. an aggregate: our own ProductId 0xBA60, a service name ending in "aggregate"/"aggregator",
//     Victron's Lynx parallel BMS (".lynxparallel"), or a ProductName containing "Aggregat";
//  3. a monitor: Victron's BMV, SmartShunt and Lynx Shunt families, by ProductName or ProductId;
//  4. a pack when it publishes BMS data (a CCL, DCL or CVL, or its min/max cell voltage); otherwise
//     a monitor.
// `wasPack`: the service has counted as a pack before (or is a remembered pack): a pack whose
// driver has not published its limits yet, or lost them for a moment, stays a pack.
// A pure function of (identity, publishesBmsData(values), roles, wasPack): callers may keep a
// decision for as long as those are the same.
RoleDecision classifyRole(const PackIdentity& identity, const PackSnapshot& values, const RolesConfig& roles,
                          bool wasPack);

// BMS data: limits or cells (what tells a pack from a shunt in step 4 above).
bool publishesBmsData(const PackSnapshot& values);

}  // namespace bagg
