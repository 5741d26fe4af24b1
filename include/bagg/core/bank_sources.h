#pragma once
// Where the bank's SOC and current come from: the packs' BMSes (the default), or a battery monitor
// (a BMV, SmartShunt or Lynx Shunt on the bank's main cable, which measures the whole bank and
// whose SOC owners trust more than a BMS's). Pure: the packs' aggregate, the monitors the bus edge
// sees, the configuration and the time in; the published SOC and current, and why, out.
// Also the current measured by the Victron devices at the battery (current = victron), for BMSes
// whose current sensors are poor, and the time to go to the ESS minimum SOC.
//
// A monitor never vouches for anything: limits, cells and alarms always come from the packs (safety
// rules 1 and 5). Only these values can come from it:
//   soc = monitor      /Soc, /ConsumedAmphours, /TimeToGo and /Capacity
//   soc = counter      the same from our own Coulomb counter (coulomb_counter.h) over the
//                      published current
//   current = monitor  /Dc/0/Current and /Dc/0/Power
//   current = victron  the same, summed from the inverter/chargers and chargers (below)
// A monitor that goes away, stops answering or loses a value (a SmartShunt has no SOC until its
// first synchronisation) is held like a pack (safety rule 4): its last SOC counts for
// `reconnect_grace`, then the packs' SOC does. Its current is not held: the packs measure the bank
// current at this moment, and a held one would be stale, so the current falls back at once.

#include "bagg/core/aggregate.h"
#include "bagg/core/coulomb_counter.h"
#include "bagg/core/instant.h"
#include "bagg/core/pack_snapshot.h"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace bagg {

enum class SocSource { Packs, Monitor, Counter };
enum class CurrentSource { Packs, Monitor, Victron };

// [sources] in the configuration.
struct SourcesConfig {
    SocSource soc = SocSource::Packs;
    CurrentSource current = CurrentSource::Packs;
    // Which monitor, when the bus has several (selectors as in [batteries]); the bus edge matches
    // them. Empty: the only monitor on the bus.
    std::vector<std::string> monitor;
    // current = victron: subtract what the DC loads measure (com.victronenergy.dcload, dcsystem),
    // when they are on the battery side of the chargers' measurement.
    bool subtractDcLoads = false;
    // monitor_topology = per_pack: each shunt measures one pack and is merged into it ([pair]);
    // none is a source for the bank.
    bool perPackMonitors = false;
    CounterConfig counter;  // soc = counter
    // A monitor SOC that differs from the packs' by more than this (%-points) for this long is a
    // warning (logged, in `status` and /Info/SocSource), never an alarm: one of the two needs a
    // synchronisation, and the owner should know which to trust.
    double socDisagreement = 10.0;
    Duration socDisagreementTime = std::chrono::minutes(5);
};

// One battery monitor as the bus edge sees it now.
struct MonitorReading {
    std::string label;       // "SmartShunt (ttyS7)"
    bool reachable = false;  // on the bus, read, answering and connected
    std::string health;      // why not, for the reason shown: "unresponsive", "disconnected", ...
    bool selected = true;    // matches [sources] monitor (true when that is empty)
    PackSnapshot values;     // Soc, Current, Power, ConsumedAmphours, TimeToGo, Capacity; absent when invalid
};

// A Victron device's DC current at the battery, as systemcalc sums it for /Dc/Battery/Current
// (dbus_systemcalc.py): chargers and inverter/chargers positive while they charge the battery
// (vebus, multi, inverter, solarcharger, charger, dcdc, alternator, fuelcell); a DC load or DC
// system positive while it consumes.
struct DcDeviceCurrent {
    std::string service;  // com.victronenergy.solarcharger.ttyS2
    std::optional<double> current;  // A, its /Dc/0/Current; absent: invalid or not read yet
    bool consumer = false;          // dcload, dcsystem: subtracted
};

// What the bus edge sees for the choice.
struct SourceInputs {
    std::vector<MonitorReading> monitors;
    std::vector<DcDeviceCurrent> victron;  // every Victron device of the kinds above (current = victron)
    // ESS is on the GX (com.victronenergy.hub4), and its minimum SOC (%, com.victronenergy.settings
    // /Settings/CGwacs/BatteryLife/MinimumSocLimit): /TimeToGo runs to it, not to 0 %, as the GX's
    // own battery monitor does. Without ESS, or with a minimum outside 0 ... 100 %, to 0 %.
    bool essPresent = false;
    std::optional<double> essMinimumSoc;
    // Every battery service on the bus at start has been read: until then the bank is partial, and
    // nothing is seeded from it (the Coulomb counter).
    bool settled = true;
};

// What the choice remembers between two calls. Plain data.
struct SourceMemory {
    std::string monitor;                  // label of the monitor last used
    struct SocValues {
        std::optional<double> soc, consumedAmphours, timeToGo, capacity;
    };
    std::optional<SocValues> lastSoc;     // its last good SOC values: what is held
    std::optional<Instant> socLostSince;  // when its SOC stopped being usable
    std::optional<Instant> disagreeSince;
    CounterMemory counter;                // soc = counter
};

struct SourceReport {
    // /Info/SocSource and /Info/CurrentSource: "packs", "monitor SmartShunt", or why not
    // ("packs: monitor SmartShunt gone for longer than reconnect_grace").
    std::string soc, current;
    // The monitor's SOC has differed from the packs' by more than socDisagreement for
    // socDisagreementTime: the warning text ("monitor SmartShunt 62 % vs packs 80 %"), else empty.
    std::string disagreement;
    // soc = counter: what happened to it (seeded, restored, synchronised, a gap), to log; and
    // whether its charge should be written to the state file now.
    std::vector<std::string> counterEvents;
    bool saveCounter = false;
};

// Replaces the SOC and current values of `bank` (the packs' aggregate) as configured. `grace`:
// [batteries] reconnect_grace. Monitors not selected are ignored; more than one selected is
// ambiguous and none is used (the reason says so). Always returns where each value came from.
SourceReport applySources(AggregateResult& bank, const SourceInputs& inputs, const SourcesConfig& config,
                          Duration grace, SourceMemory& memory, Instant now);

// The bank's time to go (s) from `soc` down to `floorSoc` (%) of `installedCapacity` (Ah) while
// discharging at `current` (A, negative): 0 at or below the floor; absent while charging or idle,
// as a BMV publishes it.
std::optional<double> timeToGo(const std::optional<double>& soc, const std::optional<double>& installedCapacity,
                               const std::optional<double>& current, double floorSoc = 0.0);

}  // namespace bagg
