#include "battery_bank.h"

#include "packs/pack_filter.h"

#include <spdlog/spdlog.h>

namespace bagg {
namespace {

// What the aggregate cannot do without; a pack lacking them is `invalid`.
bool hasEssentials(const PackSnapshot& s) { return s.get(Quantity::Soc) && s.get(Quantity::Voltage); }

bool away(PackStatus s)
{
    return s == PackStatus::Gone || s == PackStatus::Unresponsive || s == PackStatus::Disconnected;
}

}  // namespace

const char* statusName(PackStatus s)
{
    switch (s) {
    case PackStatus::Connecting: return "connecting";
    case PackStatus::Online: return "online";
    case PackStatus::Unresponsive: return "unresponsive";
    case PackStatus::Disconnected: return "disconnected";
    case PackStatus::Invalid: return "invalid";
    case PackStatus::Excluded: return "excluded";
    case PackStatus::Gone: return "gone";
    }
    return "?";
}

BatteryBank::BatteryBank(EventLoop& loop, sdbus::IConnection& connection, const Config& config, std::string ownName,
                         std::function<void()> onChanged)
    : loop_(loop),
      connection_(connection),
      config_(config),
      ownName_(std::move(ownName)),
      onChanged_(std::move(onChanged)),
      reaper_(loop, [this] { retired_.clear(); }),
      watcher_(
          connection, kBatteryNamespace,
          [this](const std::string& name, const std::string& owner) { onAppeared(name, owner); },
          [this](const std::string& name) { onVanished(name); })
{
}

void BatteryBank::onAppeared(const std::string& service, const std::string& owner)
{
    if (service == ownName_ || isExcludedByServiceName(config_.batteries, service)) return;
    auto [it, fresh] = packs_.try_emplace(service);
    Known& k = it->second;
    if (fresh) k.slot = static_cast<int>(packs_.size()) - 1;
    if (k.reader && k.reader->uniqueName() == owner) return;  // ListNames and NameOwnerChanged both told us
    if (k.reader) retired_.push_back(std::move(k.reader));
    spdlog::info("battery {} appeared ({})", service, owner);
    const LivenessConfig liveness{fromSeconds(config_.batteries.livenessInterval), fromSeconds(config_.batteries.livenessTimeout)};
    k.reader = std::make_unique<PackReader>(loop_, connection_, service, owner, config_.aggregation.plausibility,
                                            liveness, onChanged_);
    reaper_.trigger();
    onChanged_();
}

void BatteryBank::onVanished(const std::string& service)
{
    auto it = packs_.find(service);
    if (it == packs_.end() || !it->second.reader) return;
    Known& k = it->second;
    spdlog::warn("battery {} ({}) left the bus", k.reader->state().label(), service);
    if (k.status == PackStatus::Online) k.lastGood = k.reader->state().snapshot();  // what is held while away
    retired_.push_back(std::move(k.reader));
    reaper_.trigger();
    onChanged_();
}

PackStatus BatteryBank::evaluate(const Known& k) const
{
    if (!k.reader) return PackStatus::Gone;
    const auto& s = k.reader->state();
    if (!isIncluded(config_.batteries, s.service(), s.customName(), s.serial())) return PackStatus::Excluded;
    if (!k.reader->ready()) return PackStatus::Connecting;
    if (k.reader->unresponsive()) return PackStatus::Unresponsive;
    if (!s.connected()) return PackStatus::Disconnected;
    if (!hasEssentials(s.snapshot())) return PackStatus::Invalid;
    return PackStatus::Online;
}

void BatteryBank::refresh(std::chrono::microseconds now)
{
    const auto grace = fromSeconds(config_.batteries.reconnectGrace);
    for (auto& [service, k] : packs_) {
        const PackStatus before = k.status;
        k.status = evaluate(k);
        // The values held while it is away are those of its last online moment: taken when it stops
        // being online, not copied on every recompute. (A pack that leaves the bus is taken in onVanished.)
        if (before == PackStatus::Online && k.status != PackStatus::Online && k.reader)
            k.lastGood = k.reader->state().snapshot();
        if (k.status == PackStatus::Online) {
            k.serial = k.reader->state().serial();
            k.awaySince.reset();
            k.presence = PackPresence::Online;
        } else if (away(k.status) || (k.status == PackStatus::Connecting && k.awaySince)) {
            // Away, or back on the bus but not read yet: held while the grace lasts, if it was ever good.
            if (!k.awaySince) k.awaySince = now;
            const bool inGrace = k.lastGood && now - *k.awaySince < grace;
            if (k.presence == PackPresence::Held && !inGrace)
                spdlog::warn("battery {} ({}) away for {:g} s: dropped from the aggregate", k.lastGood->label, service,
                             config_.batteries.reconnectGrace);
            k.presence = inGrace ? PackPresence::Held : PackPresence::Offline;
        } else {
            k.presence = PackPresence::Offline;
        }
        if (k.status != before && k.status != PackStatus::Connecting)
            spdlog::info("battery {} ({}): {}",
                         k.reader ? k.reader->state().label() : k.lastGood ? k.lastGood->label : service, service,
                         statusName(k.status));
    }
    // Same /Serial online under another service name: the held entry is that pack, counted once, as the new one.
    for (auto& [service, k] : packs_) {
        if (k.presence != PackPresence::Held || k.serial.empty()) continue;
        for (const auto& [otherService, other] : packs_)
            if (otherService != service && other.status == PackStatus::Online && other.serial == k.serial)
                k.presence = PackPresence::Offline;
    }
}

bool BatteryBank::settled() const
{
    if (!watcher_.initialScanDone()) return false;
    for (const auto& [service, k] : packs_)
        if (k.status == PackStatus::Connecting) return false;
    return true;
}

std::vector<PackSnapshot> BatteryBank::snapshots() const
{
    std::vector<PackSnapshot> out;
    out.reserve(packs_.size());
    for (const auto& [service, k] : packs_) {
        if (k.status == PackStatus::Excluded) continue;
        if (k.presence == PackPresence::Online) {
            out.push_back(k.reader->state().snapshot());
        } else if (k.lastGood) {
            out.push_back(*k.lastGood);
            out.back().presence = k.presence;
        } else if (k.status != PackStatus::Connecting) {
            // Never good (invalid from the start): one offline module, no values.
            PackSnapshot s;
            s.service = service;
            s.presence = PackPresence::Offline;
            out.push_back(std::move(s));
        }
    }
    return out;
}

std::vector<PackEntry> BatteryBank::entries() const
{
    std::vector<PackEntry> out;
    out.reserve(packs_.size());
    for (const auto& [service, k] : packs_) {
        PackEntry e;
        e.slot = k.slot;
        e.service = service;
        e.status = k.status;
        e.presence = k.presence;
        if (k.reader) {
            e.label = k.reader->state().label();
            e.rejectedValues = k.reader->state().rejectedValues();
            if (k.status == PackStatus::Online) e.values = &k.reader->state().snapshot();
        } else if (k.lastGood) {
            e.label = k.lastGood->label;
        }
        out.push_back(std::move(e));
    }
    return out;
}

}  // namespace bagg
