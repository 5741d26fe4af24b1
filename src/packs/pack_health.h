#pragma once
// Pack health: for every battery service, whether it is a pack, whether it is online, held or
// missing, and so what it contributes to the aggregate. Pure: what the bus edge observed, the time
// and the configuration in; one verdict per pack and the aggregate's input out. Every rule about a
// pack that misbehaves lives here (README "When a pack misbehaves" explains them to owners):
//
//   health (what happened)        presence (how it counts)
//   online                        Online: everything counts
//   gone, unresponsive,           Held for `reconnect_grace` after it stopped being online (its last
//   disconnected, invalid,        SOC, capacity, current, alarms and CVL; never its CCL/DCL), then
//   connecting again              Missing (offline modules, /Alarms/BmsCable 2)
//   connecting (new), excluded,   not counted
//   a monitor or an aggregate
//   never online since start      not counted for `reconnect_grace` from when it was first seen (or
//   (new, or remembered)          from the start, for a remembered pack, which is not listed until
//                                 then: at boot the BMS drivers start after us), then Missing
//
// A pack that was online once is remembered (KnownPack, kept in the state file), so that a restart
// does not hide one that is still missing. The owner who removes a pack for good forgets it
// (forgetMissing(), /Packs/ForgetMissing).

#include "pack_role.h"
#include "pack_values.h"

#include "bagg/config/config.h"
#include "bagg/core/instant.h"
#include "bagg/core/pack_snapshot.h"

#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bagg {

enum class PackHealth {
    Connecting,    // on the bus, its first read not finished
    Online,        // read, answering, connected, SOC and voltage valid
    Unresponsive,  // its name is still owned but liveness calls go unanswered: a hung driver
    Disconnected,  // it publishes /Connected = 0
    Invalid,       // read, but its SOC or voltage is absent (implausible values count as absent)
    Excluded,      // by [batteries] include/exclude
    Gone,          // its name left the bus
    Missing,       // remembered from before a restart and not back within the grace from the start
};
std::string_view healthName(PackHealth health);        // "online", "gone", ...
// Read, answering and connected, whether or not its SOC and voltage are valid (Online, Invalid):
// a shunt not yet synchronised still measures the current.
inline bool answering(PackHealth h) { return h == PackHealth::Online || h == PackHealth::Invalid; }
std::string_view presenceName(PackPresence presence);  // "online", "held", "missing"

// One battery service as the bus edge sees it now. Services the edge no longer observes are gone.
struct PackObservation {
    const PackValues* values = nullptr;  // its values and identity; never null
    bool read = false;                 // the first read (GetItems) has finished
    bool answering = true;             // its liveness calls are answered
};

// A pack that was online once, identified by its /Serial (or, without one, its service name).
struct KnownPack {
    std::string identity;  // "serial:HQ2210" or "service:com.victronenergy.battery.ttyUSB0"
    std::string label;
    bool operator==(const KnownPack& o) const { return identity == o.identity && label == o.label; }
};

// One row of the bank, for /Batteries/<slot>/ and `status`.
struct PackVerdict {
    int slot = 0;              // stable for the daemon's life: /Batteries/<slot>/
    std::string service;       // empty for a remembered pack not seen since the start
    std::string identity;      // as in KnownPack (what memory per pack is keyed on)
    std::string label;
    PackHealth health = PackHealth::Connecting;
    PackRole role = PackRole::Pack;
    std::string roleReason;    // why it has this role ("publishes BMS data (limits or cells)")
    std::optional<PackPresence> presence;  // how it counts in the aggregate; nullopt: it does not
};

struct HealthAssessment {
    std::vector<PackVerdict> packs;  // every battery service and remembered pack, by slot
    std::vector<PackSnapshot> bank;  // the aggregate's input: the packs that count, with their presence
    // Every battery service on the bus at start has been read (or kSettleTimeout passed): until
    // then the bank is incomplete and nothing with memory (the imbalance hysteresis) may learn.
    bool settled = false;
    // The first picture is worth publishing: settled, and a pack is online, or none is
    // remembered, or remembered packs had `reconnect_grace` to come back. Publishing a bank with no
    // pack online would tell the inverter "no discharge" (DCL 0) just because we restarted first.
    bool readyToPublish = false;
    bool knownChanged = false;  // memory.known changed: persist it
};

// The policy's memory between two assessments. Plain data: tests build and inspect it.
struct HealthMemory {
    struct Record {
        int slot = 0;
        std::string label;                           // as last seen
        PackHealth health = PackHealth::Connecting;
        PackRole role = PackRole::Pack;
        std::string roleReason;
        // What the role was decided on (classifyRole is pure): decided again only when that
        // changes, not for every measurement a BMS sends.
        struct RoleInputs {
            PackIdentity identity;
            bool bmsData = false;
            bool wasPack = false;
            bool operator==(const RoleInputs& o) const
            {
                return identity == o.identity && bmsData == o.bmsData && wasPack == o.wasPack;
            }
        };
        std::optional<RoleInputs> roleInputs;
        bool wasPack = false;                        // counted as a pack once: stays one
        std::optional<PackSnapshot> lastOnline;      // its values at its last online moment: what is held
        std::string identity;                        // of its last online moment
        // Scratch of assessHealth, kept to reuse their storage (it runs on every recompute):
        std::string byService;                       // "service:<its service>", set once
        std::string identityNow;                     // what it is as last assessed
        std::optional<Instant> awaySince;            // when it stopped being online
        std::optional<Instant> firstSeen;            // when it appeared, while it was never online
        std::optional<PackPresence> presence;        // as last assessed
        std::size_t bankIndex = 0;                   // its entry in the last bank, while it counts
        bool forgotten = false;                      // the owner forgot it (forgetMissing) while it was away
    };
    std::map<std::string, Record> services;  // by service name; a service stays once seen
    std::vector<KnownPack> known;            // every pack seen online, oldest first (the state file)
    std::map<std::string, int> knownSlots;   // slot of a remembered pack not seen since the start
    Instant started{};                       // when the daemon started
    bool settled = false, ready = false;     // latched
    int nextSlot = 0;
    // The last assessment can only change by the values of the packs online in it (refreshValues()):
    // settled and ready, past the grace from the start, every service online and counted or not
    // counted for good (none away, none new to a grace). Set by assessHealth(); whoever changes
    // `services` or `known` outside it clears it.
    bool steady = false;
};

// The whole bank at `now`. `observed`: every battery service on the bus, by service name, except
// those excluded by service name (never read) and our own. `initialScanDone`: ListNames answered.
// recycled, recycledVerdicts: an earlier assessment's bank and verdicts, whose storage the new one
// reuses (a recompute at 16 packs allocated 48 strings for the bank and 64 for the verdicts); their
// contents do not matter.
HealthAssessment assessHealth(const std::map<std::string, PackObservation>& observed, bool initialScanDone,
                              const BatteriesConfig& config, HealthMemory& memory, Instant now,
                              std::vector<PackSnapshot> recycled = {},
                              std::vector<PackVerdict> recycledVerdicts = {});

// The common recompute, a pack's new reading, in O(packs) comparisons and a copy per changed pack
// instead of the whole assessment (at 16 packs it was a third of a recompute): when the last
// assessment is steady (HealthMemory::steady) and no service appeared, left, or changed its
// health, label, identity or role, updates `last` (what the previous assessHealth() or
// refreshValues() with this memory returned) to the packs' values now, as assessHealth() would
// build it, and returns true (knownChanged false). Otherwise changes nothing and returns false:
// assessHealth() must run.
bool refreshValues(const std::map<std::string, PackObservation>& observed, const BatteriesConfig& config,
                   HealthMemory& memory, HealthAssessment& last);

// The owner removed packs for good: forgets every pack that is missing now (away longer than the
// grace, or remembered and not back); a held one may be a driver restarting and is kept. Returns
// their labels (empty: nothing was missing).
std::vector<std::string> forgetMissing(HealthMemory& memory);

// How long the bank waits for the services on the bus at start to answer their first read.
inline constexpr auto kSettleTimeout = std::chrono::seconds(10);

}  // namespace bagg
