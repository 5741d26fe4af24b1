#include "battery_bank.h"

#include "pack_filter.h"

#include <spdlog/spdlog.h>

namespace bagg {

const char* statusName(PackStatus s)
{
    switch (s) {
    case PackStatus::Connecting: return "connecting";
    case PackStatus::Online: return "online";
    case PackStatus::Disconnected: return "disconnected";
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
    k.reader = std::make_unique<PackReader>(loop_, connection_, service, owner, config_.aggregation.plausibility,
                                            onChanged_);
    reaper_.trigger();
    onChanged_();
}

void BatteryBank::onVanished(const std::string& service)
{
    auto it = packs_.find(service);
    if (it == packs_.end() || !it->second.reader) return;
    Known& k = it->second;
    spdlog::warn("battery {} ({}) left the bus", k.reader->state().label(), service);
    if (k.reader->ready()) {
        k.lastSeen = k.reader->state().snapshot();
        k.lastSeen->online = false;
    }
    retired_.push_back(std::move(k.reader));
    reaper_.trigger();
    onChanged_();
}

bool BatteryBank::included(const PackReader& r) const
{
    const auto& s = r.state();
    return isIncluded(config_.batteries, s.service(), s.customName(), s.serial());
}

PackStatus BatteryBank::status(const Known& k) const
{
    if (!k.reader) return PackStatus::Gone;
    if (!included(*k.reader)) return PackStatus::Excluded;
    if (!k.reader->ready()) return PackStatus::Connecting;
    return k.reader->state().connected() ? PackStatus::Online : PackStatus::Disconnected;
}

std::vector<PackSnapshot> BatteryBank::snapshots() const
{
    std::vector<PackSnapshot> out;
    out.reserve(packs_.size());
    for (const auto& [service, k] : packs_) {
        switch (status(k)) {
        case PackStatus::Online: out.push_back(k.reader->state().snapshot()); break;
        case PackStatus::Disconnected:
            out.push_back(k.reader->state().snapshot());
            out.back().online = false;
            break;
        case PackStatus::Gone:
            if (k.lastSeen) out.push_back(*k.lastSeen);
            break;
        default: break;
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
        e.status = status(k);
        if (k.reader) {
            e.label = k.reader->state().label();
            e.rejectedValues = k.reader->state().rejectedValues();
            if (e.status == PackStatus::Online) e.values = &k.reader->state().snapshot();
        } else if (k.lastSeen) {
            e.label = k.lastSeen->label;
        }
        out.push_back(std::move(e));
    }
    return out;
}

}  // namespace bagg
