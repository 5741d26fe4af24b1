#include "pack_health.h"

#include "pack_filter.h"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

namespace bagg {
namespace {

using Record = HealthMemory::Record;

// What the aggregate cannot do without: a pack lacking them is `invalid`, and held.
bool hasEssentials(const PackSnapshot& s) { return s.get(Quantity::Soc) && s.get(Quantity::Voltage); }

// What a pack on the bus is: by /Serial, else by its service (Record::byService); into `out`,
// whose storage is kept between recomputes.
void identityOf(const PackValues& s, const Record& r, std::string& out)
{
    if (s.serial().empty()) {
        out = r.byService;
    } else {
        out.assign("serial:");
        out += s.serial();
    }
}

// The same as comparing with identityOf(), without building it.
bool sameIdentity(const std::string& identity, const PackValues& s, const Record& r)
{
    if (s.serial().empty()) return identity == r.byService;
    constexpr std::string_view kBySerial = "serial:";
    const std::string_view id = identity;
    return id.size() == kBySerial.size() + s.serial().size() && id.substr(0, kBySerial.size()) == kBySerial &&
           id.substr(kBySerial.size()) == s.serial();
}

PackIdentity roleIdentity(const PackValues& s)
{
    return {s.service(), s.customName(), s.productName(), s.serial(), s.productId()};
}

// The same as comparing with roleIdentity(s), without copying four strings for every pack on every
// recompute.
bool sameRoleInputs(const HealthMemory::Record::RoleInputs& in, const PackValues& s, bool bmsData, bool wasPack)
{
    const PackIdentity& id = in.identity;
    return in.bmsData == bmsData && in.wasPack == wasPack && id.service == s.service() &&
           id.customName == s.customName() && id.productName == s.productName() && id.serial == s.serial() &&
           id.productId == s.productId();
}

// A remembered pack the configuration now leaves out is not missing: it is not wanted.
bool knownButExcluded(const KnownPack& k, const BatteriesConfig& config)
{
    const bool bySerial = k.identity.rfind("serial:", 0) == 0;
    const std::string rest = k.identity.substr(k.identity.find(':') + 1);
    return bySerial ? !isIncluded(config, "", "", rest) : !isIncluded(config, rest, "", "");
}

PackHealth healthOf(const PackObservation* obs, const BatteriesConfig& config)
{
    if (!obs) return PackHealth::Gone;
    const PackValues& s = *obs->values;
    if (!isIncluded(config, s.service(), s.customName(), s.serial())) return PackHealth::Excluded;
    if (!obs->answering) return PackHealth::Unresponsive;  // also before its first read: a driver hung at start
    if (!obs->read) return PackHealth::Connecting;
    if (!s.connected()) return PackHealth::Disconnected;
    if (!hasEssentials(s.raw())) return PackHealth::Invalid;
    return PackHealth::Online;
}

// m.known by identity: a lookup per pack instead of a scan of every remembered pack (the bank is
// assessed on every recompute; with 64 packs the scans were most of it).
using KnownIndex = std::unordered_map<std::string, std::size_t>;

KnownIndex indexKnown(const HealthMemory& m)
{
    KnownIndex index;
    index.reserve(m.known.size());
    for (std::size_t i = 0; i < m.known.size(); ++i) index.emplace(m.known[i].identity, i);
    return index;
}

void rememberOnline(HealthMemory& m, KnownIndex& index, const std::string& identity, const std::string& label,
                    bool& changed)
{
    if (const auto it = index.find(identity); it != index.end()) {
        auto& k = m.known[it->second];
        if (k.label != label) {
            k.label = label;
            changed = true;
        }
        return;
    }
    index.emplace(identity, m.known.size());
    m.known.push_back({identity, label});
    changed = true;
}

// The pack on `service` was online as `from` and is online now as `to`: its BMS changed its
// /Serial without going away (the same pack: another one would need its driver to reconnect).
// What is remembered of it follows, or `from` would be reported missing once it had its grace.
// Kept when another service is `from` now (two BMSes with the same serial).
void renameKnown(HealthMemory& m, KnownIndex& index, const std::string& service, const std::string& from,
                 const std::string& to, bool& changed)
{
    const auto it = index.find(from);
    if (it == index.end()) return;
    for (const auto& [other, o] : m.services)
        if (other != service && o.identityNow == from) return;
    if (index.count(to))
        m.known.erase(m.known.begin() + static_cast<std::ptrdiff_t>(it->second));
    else
        m.known[it->second].identity = to;
    index = indexKnown(m);
    changed = true;
}

// How a pack that is not online counts: held while its grace lasts, then missing.
std::optional<PackPresence> awayPresence(Record& r, const PackObservation* obs, bool known, Instant grace,
                                         const HealthMemory& m, Instant now)
{
    if (r.lastOnline) {
        // It was online before: a driver restart, a hang, a moment of invalid values.
        if (!r.awaySince) r.awaySince = now;
        return now - *r.awaySince < grace ? std::optional{PackPresence::Held} : std::optional{PackPresence::Missing};
    }
    // Never online since we started. Not read yet and unknown: nothing to say about it.
    const bool aPack = known || (obs && obs->read && r.role == PackRole::Pack);
    if (!aPack) return std::nullopt;
    if (!r.firstSeen) r.firstSeen = now;
    // A remembered pack had its grace from our start; a new one from when it appeared.
    const Instant since = known ? std::min(*r.firstSeen, m.started) : *r.firstSeen;
    if (now - since < grace) return std::nullopt;
    return PackPresence::Missing;
}

// A held pack's limits never count, but one still on the bus may say less than it did: its BMS now
// publishes a lower limit, or blocks. Those only ever lower what is held (aggregate.h), so they
// replace the values of its last online moment; what it does not publish now keeps those.
void takeLowerLimits(PackSnapshot& held, const PackSnapshot& now)
{
    for (Quantity q : {Quantity::ChargeCurrentLimit, Quantity::DischargeCurrentLimit, Quantity::AllowToCharge,
                       Quantity::AllowToDischarge, Quantity::ModulesBlockingCharge, Quantity::ModulesBlockingDischarge})
        if (const auto& v = now.get(q)) held.get(q) = v;
}

// Into `s`, a recycled entry: assigned whole, its strings' storage reused.
void bankEntry(const Record& r, const PackObservation* obs, const std::string& service, const std::string& label,
               PackPresence presence, PackSnapshot& s)
{
    if (r.lastOnline)
        s = *r.lastOnline;  // not a conditional expression: that would copy into a temporary first
    else
        s = PackSnapshot{};
    if (presence == PackPresence::Held && obs && obs->read) takeLowerLimits(s, obs->values->snapshot());
    s.service = service;
    s.identity = r.identity;
    if (!label.empty()) s.label = label;
    s.presence = presence;
}

// The next entry of a list built in recycled storage (the bank, the verdicts): `used` of `list`
// are taken.
template <typename T>
T& nextEntry(std::vector<T>& list, std::size_t& used)
{
    if (used == list.size()) list.emplace_back();
    return list[used++];
}

// The observation of each service in turn, for a walk over m.services: both maps are ordered by
// service name, so finding each one is a comparison or two instead of a lookup.
class ObservationWalk {
public:
    using Observed = std::map<std::string, PackObservation>;
    explicit ObservationWalk(const Observed& observed) : next_(observed.begin()), end_(observed.end()) {}
    // Null when `service` is not observed (gone). Services must come in ascending order.
    const PackObservation* of(const std::string& service)
    {
        while (next_ != end_ && next_->first < service) ++next_;
        return next_ != end_ && next_->first == service ? &next_->second : nullptr;
    }

private:
    Observed::const_iterator next_, end_;
};

}  // namespace

std::string_view healthName(PackHealth h)
{
    switch (h) {
    case PackHealth::Connecting: return "connecting";
    case PackHealth::Online: return "online";
    case PackHealth::Unresponsive: return "unresponsive";
    case PackHealth::Disconnected: return "disconnected";
    case PackHealth::Invalid: return "invalid";
    case PackHealth::Excluded: return "excluded";
    case PackHealth::Gone: return "gone";
    case PackHealth::Missing: return "missing";
    }
    return "?";
}

std::string_view presenceName(PackPresence p)
{
    switch (p) {
    case PackPresence::Online: return "online";
    case PackPresence::Held: return "held";
    case PackPresence::Missing: return "missing";
    }
    return "?";
}

HealthAssessment assessHealth(const std::map<std::string, PackObservation>& observed, bool initialScanDone,
                              const BatteriesConfig& config, HealthMemory& m, Instant now,
                              std::vector<PackSnapshot> recycled, std::vector<PackVerdict> recycledVerdicts)
{
    const Instant grace = config.reconnectGrace;
    HealthAssessment out;
    out.bank = std::move(recycled);
    out.packs = std::move(recycledVerdicts);
    std::size_t banked = 0, judged = 0;

    for (const auto& [service, obs] : observed) {
        auto [it, fresh] = m.services.try_emplace(service);
        if (fresh) it->second.slot = m.nextSlot++;
    }

    // Each service: its health, its role, and how it counts.
    KnownIndex knownIds = indexKnown(m);
    bool anyConnecting = false, anyOnline = false;
    out.packs.reserve(m.services.size() + m.known.size());
    out.bank.reserve(m.services.size() + m.known.size());
    ObservationWalk observation(observed);
    for (auto& [service, r] : m.services) {
        const PackObservation* obs = observation.of(service);
        r.health = healthOf(obs, config);
        if (obs) r.label = obs->values->label();
        const bool readNow = obs && obs->read;
        if (r.byService.empty()) r.byService = "service:" + service;
        std::string& identity = r.identityNow;
        if (readNow)
            identityOf(*obs->values, r, identity);
        else
            identity = !r.identity.empty() ? r.identity : r.byService;
        const bool isKnown = knownIds.count(identity) || knownIds.count(r.byService);
        if (readNow) {
            const bool bmsData = publishesBmsData(obs->values->snapshot()), wasPack = r.wasPack || isKnown;
            if (!r.roleInputs || !sameRoleInputs(*r.roleInputs, *obs->values, bmsData, wasPack)) {
                HealthMemory::Record::RoleInputs inputs{roleIdentity(*obs->values), bmsData, wasPack};
                const RoleDecision role = classifyRole(inputs.identity, obs->values->snapshot(), config.roles, wasPack);
                r.role = role.role;
                r.roleReason = role.why;
                r.roleInputs = std::move(inputs);
            }
        }
        if (r.health == PackHealth::Connecting) anyConnecting = true;

        if (r.health == PackHealth::Excluded || (readNow && r.role != PackRole::Pack)) {
            // Not a pack of this bank: nothing of it is held.
            r.presence.reset();
            r.lastOnline.reset();
            r.awaySince.reset();
        } else if (r.health == PackHealth::Online) {
            if (r.presence == PackPresence::Online && !r.identity.empty() && r.identity != identity)
                renameKnown(m, knownIds, service, r.identity, identity, out.knownChanged);
            r.presence = PackPresence::Online;
            r.lastOnline = obs->values->snapshot();
            r.identity = identity;
            r.wasPack = true;
            r.forgotten = false;
            r.awaySince.reset();
            r.firstSeen.reset();
            rememberOnline(m, knownIds, identity, obs->values->label(), out.knownChanged);
            anyOnline = true;
        } else {
            r.presence = awayPresence(r, obs, isKnown, grace, m, now);
        }
        if (r.forgotten) r.presence.reset();
    }

    // The same /Serial online under another service name: the away record is that pack, counted once.
    for (auto& [service, r] : m.services) {
        if (!r.presence || *r.presence == PackPresence::Online) continue;
        for (const auto& [other, o] : m.services)
            if (other != service && o.presence == PackPresence::Online && o.identityNow == r.identityNow)
                r.presence.reset();
    }

    ObservationWalk again(observed);
    for (auto& [service, r] : m.services) {
        // Assigned member by member into a recycled verdict: its strings' storage is reused.
        PackVerdict& v = nextEntry(out.packs, judged);
        v.slot = r.slot;
        v.service = service;
        v.identity = r.identityNow;
        v.label = r.label;
        v.health = r.health;
        v.role = r.role;
        v.roleReason = r.roleReason;
        v.presence = r.presence;
        if (r.presence) {
            r.bankIndex = banked;
            bankEntry(r, again.of(service), service, v.label, *r.presence, nextEntry(out.bank, banked));
        }
    }

    // Remembered packs that no service on the bus is: missing once they had their grace from our
    // start (until then nothing is said of them: at boot the BMS drivers start after us).
    const bool pastGrace = now - m.started >= grace;
    bool rememberedAway = false;  // one is not on the bus: the grace from the start still matters
    {
        // What a service on the bus is, or was last online as; or the service itself ("service:<name>").
        std::unordered_set<std::string_view> seenIds;
        seenIds.reserve(m.services.size());
        for (const auto& [service, r] : m.services) seenIds.insert(r.identityNow);
        constexpr std::string_view kByService = "service:";
        for (const auto& k : m.known) {
            const std::string_view id = k.identity;
            const bool seen = seenIds.count(id) ||
                              (id.substr(0, kByService.size()) == kByService &&
                               m.services.count(std::string(id.substr(kByService.size()))));
            if (seen || knownButExcluded(k, config)) continue;
            rememberedAway = true;
            if (!pastGrace) continue;
            auto [slot, fresh] = m.knownSlots.try_emplace(k.identity, 0);
            if (fresh) slot->second = m.nextSlot++;
            PackVerdict& v = nextEntry(out.packs, judged);
            v.slot = slot->second;
            v.service.clear();
            v.identity = k.identity;
            v.label = k.label;
            v.health = PackHealth::Missing;
            v.role = PackRole::Pack;
            v.roleReason = "remembered from an earlier run";
            v.presence = PackPresence::Missing;
            bankEntry(Record{}, nullptr, "", k.label, PackPresence::Missing, nextEntry(out.bank, banked));
        }
    }
    out.bank.resize(banked);
    out.packs.resize(judged);
    std::sort(out.packs.begin(), out.packs.end(), [](const PackVerdict& a, const PackVerdict& b) { return a.slot < b.slot; });

    if (!m.settled && ((initialScanDone && !anyConnecting) || now - m.started >= kSettleTimeout)) m.settled = true;
    if (m.settled && !m.ready && (anyOnline || m.known.empty() || pastGrace)) m.ready = true;
    out.settled = m.settled;
    out.readyToPublish = m.ready;
    // Nothing here waits for time any more: no pack is away or new (a forgotten one stays
    // uncounted), every remembered pack is on the bus or had its grace, the latches are set. And
    // no pack's role is decided again next time: one just online is counted as a pack from now on.
    m.steady = m.settled && m.ready && (pastGrace || !rememberedAway) &&
               std::all_of(m.services.begin(), m.services.end(), [](const auto& service) {
                   const Record& r = service.second;
                   if (r.presence) return *r.presence == PackPresence::Online && r.roleInputs && r.roleInputs->wasPack;
                   return r.forgotten || (!r.awaySince && !r.firstSeen);
               });
    return out;
}

bool refreshValues(const std::map<std::string, PackObservation>& observed, const BatteriesConfig& config,
                   HealthMemory& m, HealthAssessment& last)
{
    if (!m.steady) return false;
    // First only look, so that a refusal changes nothing: every service must be judged as it was.
    ObservationWalk observation(observed);
    std::size_t recorded = 0;  // services on the bus that have a record
    for (const auto& [service, r] : m.services) {
        const PackObservation* obs = observation.of(service);
        if (obs) ++recorded;
        if (healthOf(obs, config) != r.health) return false;
        if (!obs) continue;
        const PackValues& s = *obs->values;
        if (s.label() != r.label) return false;
        if (!obs->read) continue;  // its identity and role are not taken from values it has not read
        if (!sameIdentity(r.identityNow, s, r)) return false;
        const bool wasPack = r.wasPack || std::any_of(m.known.begin(), m.known.end(), [&r](const KnownPack& k) {
                                 return k.identity == r.identityNow || k.identity == r.byService;
                             });
        if (!r.roleInputs || !sameRoleInputs(*r.roleInputs, s, publishesBmsData(s.snapshot()), wasPack)) return false;
    }
    if (recorded != observed.size()) return false;  // a service with no record: new

    // Then the values of the packs online, where they changed: their held copy and their entry.
    ObservationWalk walk(observed);
    for (auto& [service, r] : m.services) {
        if (r.presence != PackPresence::Online) continue;
        const PackObservation* obs = walk.of(service);
        const PackSnapshot& now = obs->values->snapshot();
        if (*r.lastOnline == now) continue;
        r.lastOnline = now;
        bankEntry(r, obs, service, r.label, PackPresence::Online, last.bank[r.bankIndex]);
    }
    last.knownChanged = false;
    return true;
}

std::vector<std::string> forgetMissing(HealthMemory& m)
{
    // Only what is missing: a held pack may be a driver restarting right now.
    m.steady = false;
    std::vector<std::string> present;
    for (auto& [service, r] : m.services) {
        if (r.presence == PackPresence::Missing) r.forgotten = true;
        else if (r.presence) present.push_back(r.identity);
    }
    std::vector<std::string> forgotten;
    auto keep = std::remove_if(m.known.begin(), m.known.end(), [&](const KnownPack& k) {
        if (std::find(present.begin(), present.end(), k.identity) != present.end()) return false;
        forgotten.push_back(k.label.empty() ? k.identity : k.label);
        return true;
    });
    m.known.erase(keep, m.known.end());
    return forgotten;
}

}  // namespace bagg
