#pragma once
// Our own Coulomb counter ([sources] soc = counter): the bank's charge in Ah, integrated from the
// published bank current with the time passed in, synchronised to 100 % the way owners of Victron
// battery monitors know (a BMV's "charged voltage", "tail current" and "charged detection time"),
// and optionally to 0 % at a low cell voltage. Pure: the bank's values and the time in, the charge
// and what happened out; the daemon keeps the memory and persists it (state file).
//
// Rules:
// - Integration: on every call, the current of the previous call times the time since (it held
//   over that interval), charging currents times `chargeEfficiency`; a gap longer than
//   kMaxCounterGap (a stalled or suspended daemon) is not integrated, and reported. Clamped to
//   0 ... installed capacity.
// - Seed: a counter never seeded publishes nothing (never 0 %): it is seeded from the packs'
//   capacity-weighted SOC once every pack on the bus at start has been read (a bank read in part
//   would seed it from one pack's SOC and capacity).
// - Capacity: when the installed capacity changes (a pack missing beyond its grace no longer counts,
//   a pack added), the SOC is kept and the charge scaled to the new capacity: the packs of a bank
//   are at about the same SOC, and a counter clipped to the smaller bank would jump to 100 %.
// - Restore: a charge restored from the state file is taken unless it is older than `maxAge` or
//   more than `maxDifference` %-points from the packs' SOC; then it is reported and re-seeded.
// - Synchronised to 100 %: the bank voltage at or above the charged voltage with |current| below
//   the tail current for `chargedTime`; or every online pack in float or at 100 %.
// - Synchronised to 0 % (when `emptyCellVoltage` is set): the lowest cell at or below it for
//   `emptyTime` while discharging.

#include "bagg/core/instant.h"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace bagg {

inline constexpr auto kMaxCounterGap = std::chrono::seconds(5);

struct CounterConfig {
    double chargeEfficiency = 0.98;        // 0.5 ... 1: Ah stored per Ah charged
    std::optional<double> chargedVoltage;  // V; absent: the bank's CVL minus 0.2 V (a BMV's default rule)
    double tailCurrentPercent = 4.0;       // % of the installed capacity, in A (a BMV's default: 4 %)
    Duration chargedTime = std::chrono::minutes(3);  // a BMV's charged detection time
    std::optional<double> emptyCellVoltage;          // V; absent: no synchronisation to 0 %
    Duration emptyTime = std::chrono::minutes(1);
    double saveStepPercent = 0.25;                   // % of the capacity the charge moves before it is saved
    Duration maxAge = std::chrono::hours(24);        // a saved charge older than this is re-seeded
    double maxDifference = 15.0;                     // %-points from the packs' SOC beyond which it is re-seeded
};

// A charge saved in the state file.
struct SavedCharge {
    double chargeAh = 0.0;    // Ah in the bank
    double capacityAh = 0.0;  // installed capacity when saved
    Duration age{};           // how long ago it was saved (wall clock: the edge computes it)
};

// The bank as the counter needs it, from the packs' aggregate and the published current.
struct CounterInput {
    std::optional<double> current;          // A, + charging: the published bank current
    std::optional<double> voltage;          // V, the bank's
    std::optional<double> chargeVoltageLimit;  // V, the bank's CVL (for the default charged voltage)
    std::optional<double> minCellVoltage;   // V, the bank's lowest cell
    std::optional<double> installedCapacity;  // Ah
    std::optional<double> packsSoc;         // %, the packs' capacity-weighted SOC
    bool packsFull = false;                 // every online pack in float or at 100 %
    bool settled = true;                    // every pack on the bus at start has been read
};

struct CounterMemory {
    std::optional<double> chargeAh;         // absent: never seeded
    std::optional<SavedCharge> restored;    // from the state file, until it is decided on
    std::optional<double> savedAh;          // what the state file holds
    std::optional<double> capacityAh;       // the installed capacity of the last update
    std::optional<double> lastCurrent;      // A, of the previous call
    std::optional<Instant> lastUpdate;
    std::optional<Instant> chargedSince, emptySince;  // when the 100 % / 0 % condition began
    bool chargedDone = false, packsWereFull = false, emptyDone = false;  // each synchronises once per occurrence
};

struct CounterStep {
    std::optional<double> soc;       // %, absent while never seeded
    std::optional<double> chargeAh;  // Ah
    std::vector<std::string> events; // "seeded from the packs' SOC 64.0 %", "synchronised to 100 %: ..."
    bool save = false;               // the charge moved by a save step (or was seeded/synchronised): write it now
};

CounterStep updateCounter(CounterMemory& memory, const CounterInput& in, const CounterConfig& config, Instant now);

}  // namespace bagg
