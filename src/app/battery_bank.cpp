#include "battery_bank.h"

#include "packs/pack_filter.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace bagg {

BatteryBank::BatteryBank(EventLoop& loop, sdbus::IConnection& connection, const BatteriesConfig& config,
                         const PlausibilityConfig& plausibility, std::string ownName, std::function<void(Urgency)> onChanged,
                         Instant started)
    : loop_(loop),
      connection_(connection),
      config_(config),
      plausibility_(plausibility),
      ownName_(std::move(ownName)),
      onChanged_(std::move(onChanged)),
      reaper_(loop, [this] { retired_.clear(); }),
      watcher_(
          connection, kBatteryNamespace,
          [this](const std::string& name, const std::string& owner) { onAppeared(name, owner); },
          [this](const std::string& name) { onVanished(name); })
{
    memory_.started = started;
}

void BatteryBank::onAppeared(const std::string& service, const std::string& owner)
{
    if (service == ownName_ || isExcludedByServiceName(config_, service)) return;
    auto& reader = readers_[service];
    if (reader && reader->uniqueName() == owner) return;  // ListNames and NameOwnerChanged both told us
    if (reader) retired_.push_back(std::move(reader));
    spdlog::info("battery {} appeared ({})", service, owner);
    reader = std::make_unique<PackReader>(loop_, connection_, service, owner, plausibility_,
                                          LivenessConfig{config_.livenessInterval, config_.livenessTimeout}, onChanged_,
                                          &config_.overrides);
    reaper_.trigger();
    onChanged_(Urgency::Prompt);
}

void BatteryBank::onVanished(const std::string& service)
{
    auto it = readers_.find(service);
    if (it == readers_.end()) return;
    spdlog::warn("battery {} ({}) left the bus", it->second->values().label(), service);
    retired_.push_back(std::move(it->second));
    readers_.erase(it);
    reaper_.trigger();
    onChanged_(Urgency::Prompt);
}

std::set<std::string> BatteryBank::mergePairs()
{
    merged_.clear();
    if (config_.pairs.empty()) return {};
    std::map<std::string, PairCandidate> services;
    for (const auto& [service, reader] : readers_)
        services.emplace(service, PairCandidate{&reader->values(), reader->ready() && !reader->unresponsive() &&
                                                                       reader->values().connected()});
    PairedPacks paired = pairPacks(services, config_.pairs);
    merged_ = std::move(paired.merged);
    return std::move(paired.monitors);
}

const PackValues& BatteryBank::valuesOf(const std::string& service, const PackReader& reader) const
{
    const auto it = merged_.find(service);
    return it == merged_.end() ? reader.values() : it->second;
}

void BatteryBank::observe()
{
    const std::set<std::string> paired = mergePairs();
    // Both maps are ordered by service: one walk updates observed_ in place, erasing what left.
    auto o = observed_.begin();
    for (const auto& [service, reader] : readers_) {
        if (paired.count(service)) {
            // Part of its pack now: forgotten as a service of its own (it never was a pack).
            if (const auto rec = memory_.services.find(service); rec != memory_.services.end() && !rec->second.wasPack) {
                memory_.services.erase(rec);
                memory_.steady = false;
            }
            continue;
        }
        while (o != observed_.end() && o->first < service) o = observed_.erase(o);
        if (o == observed_.end() || o->first != service) o = observed_.emplace_hint(o, service, PackObservation{});
        o->second = PackObservation{&valuesOf(service, *reader), reader->ready(), !reader->unresponsive()};
        ++o;
    }
    observed_.erase(o, observed_.end());
}

const HealthAssessment& BatteryBank::assess(Instant now)
{
    observe();
    // A pack's new reading, the common case: nothing but values changed, and nothing to log.
    if (refreshValues(observed_, config_, memory_, assessment_)) return assessment_;
    std::vector<PackVerdict> before = std::move(assessment_.packs);
    assessment_ = assessHealth(observed_, watcher_.initialScanDone(), config_, memory_, now,
                               std::move(assessment_.bank), std::move(spareVerdicts_));

    // Log what changed: a pack's health or how it counts. Packs keep their order (by service),
    // so the same index is nearly always the same pack.
    for (std::size_t i = 0; i < assessment_.packs.size(); ++i) {
        const auto& p = assessment_.packs[i];
        const auto same = [&p](const PackVerdict& b) { return b.service == p.service && b.label == p.label; };
        const auto was = i < before.size() && same(before[i]) ? before.begin() + static_cast<std::ptrdiff_t>(i)
                                                              : std::find_if(before.begin(), before.end(), same);
        if (was != before.end() && was->health == p.health && was->presence == p.presence) continue;
        if (p.health == PackHealth::Connecting && !p.presence) continue;
        const std::string where = p.service.empty() ? "remembered" : p.service;
        if (p.role != PackRole::Pack)
            spdlog::info("battery {} ({}): {}, a {} ({}): not a pack of the bank", p.label, where,
                         healthName(p.health), roleName(p.role), p.roleReason);
        else if (!p.presence)
            spdlog::info("battery {} ({}): {}, not counted", p.label, where, healthName(p.health));
        else if (*p.presence == PackPresence::Online)
            spdlog::info("battery {} ({}): online, counted", p.label, where);
        else if (*p.presence == PackPresence::Held)
            spdlog::warn("battery {} ({}): {}, held for reconnect_grace", p.label, where, healthName(p.health));
        else if (p.service.empty())
            spdlog::warn("battery {} (remembered): not back within reconnect_grace of the start: missing, "
                         "/Alarms/BmsCable", p.label);
        else
            spdlog::warn("battery {} ({}): {} for longer than reconnect_grace: missing, /Alarms/BmsCable", p.label,
                         where, healthName(p.health));
    }
    spareVerdicts_ = std::move(before);  // the next assessment's storage
    return assessment_;
}

std::vector<PackEntry> BatteryBank::entries() const
{
    std::vector<PackEntry> out;
    out.reserve(assessment_.packs.size());
    for (const auto& v : assessment_.packs) {
        PackEntry e{&v, nullptr, 0};
        if (const auto it = readers_.find(v.service); it != readers_.end()) {
            e.rejectedValues = it->second->values().rejectedValues();
            if (v.health == PackHealth::Online) e.values = &valuesOf(v.service, *it->second).snapshot();
        }
        if (!e.values && v.presence == PackPresence::Held)
            if (const auto rec = memory_.services.find(v.service); rec != memory_.services.end() && rec->second.lastOnline)
                e.values = &*rec->second.lastOnline;
        out.push_back(std::move(e));
    }
    return out;
}

std::vector<MonitorReading> BatteryBank::monitors(const std::vector<std::string>& selectors) const
{
    std::vector<MonitorReading> out;
    for (const auto& v : assessment_.packs) {
        if (v.role != PackRole::Monitor || v.health == PackHealth::Excluded) continue;
        const auto it = readers_.find(v.service);
        if (it == readers_.end()) continue;  // left the bus: the source policy holds what it had
        const PackValues& values = it->second->values();
        const bool reachable = answering(v.health);
        const bool selected = selectors.empty() || std::any_of(selectors.begin(), selectors.end(), [&](const auto& s) {
            return matchesEntry(s, v.service, values.customName(), values.serial());
        });
        out.push_back({v.label, reachable, std::string(healthName(v.health)), selected, values.snapshot()});
    }
    return out;
}

std::set<int> BatteryBank::deviceInstances() const
{
    std::set<int> out;
    for (const auto& [service, reader] : readers_)
        if (const auto& instance = reader->values().deviceInstance()) out.insert(*instance);
    return out;
}

bool BatteryBank::publishesInstance(int instance) const
{
    return std::any_of(readers_.begin(), readers_.end(),
                       [&](const auto& r) { return r.second->values().deviceInstance() == instance; });
}

}  // namespace bagg
