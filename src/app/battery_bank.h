#pragma once
// The battery services on the bus: one PackReader per service that may take part, and the pure
// pack-health policy (packs/pack_health.h) that decides from what the readers see how each one
// counts. This file is wiring: it discovers services, keeps their readers alive and hands their
// observations to the policy.

#include "dbus/venus_names.h"
#include "bagg/config/config.h"
#include "dbus/name_watcher.h"
#include "dbus/pack_reader.h"
#include "event/event_loop.h"
#include "packs/pack_health.h"
#include "packs/pack_pair.h"
#include "bagg/core/bank_sources.h"

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace bagg {

// One row of the bank for /Batteries/<slot>/ and `status`: the policy's verdict and what the bus
// edge knows of the service right now.
struct PackEntry {
    const PackVerdict* verdict = nullptr;  // the bank's assessment: valid until the next assess()
    const PackSnapshot* values = nullptr;  // its live values while online; the held ones while held
    int rejectedValues = 0;                // values refused as garbage since it appeared
};

class BatteryBank {
public:
    // ownName: our own service, never read. onChanged: something that feeds the aggregate changed,
    // and how soon that must count (PackReader).
    // started: the daemon's start, from which remembered packs have their grace.
    BatteryBank(EventLoop& loop, sdbus::IConnection& connection, const BatteriesConfig& config,
                const PlausibilityConfig& plausibility, std::string ownName, std::function<void(Urgency)> onChanged,
                Instant started);
    BatteryBank(const BatteryBank&) = delete;
    BatteryBank& operator=(const BatteryBank&) = delete;

    // Assesses every pack at `now` (monotonic): call before entries().
    const HealthAssessment& assess(Instant now);
    std::vector<PackEntry> entries() const;

    // Packs seen online, in this run or remembered from earlier ones (the state file).
    const std::vector<KnownPack>& knownPacks() const { return memory_.known; }
    void rememberPacks(std::vector<KnownPack> known)
    {
        memory_.known = std::move(known);
        memory_.steady = false;  // remembered packs are judged afresh
    }
    // The owner removed packs for good; returns their labels.
    std::vector<std::string> forgetMissing() { return bagg::forgetMissing(memory_); }
    std::size_t servicesOnBus() const { return readers_.size(); }
    // The battery monitors (shunts) on the bus as the last assess() found them, for [sources];
    // `selectors`: [sources] monitor (empty: every monitor is selected).
    std::vector<MonitorReading> monitors(const std::vector<std::string>& selectors) const;
    // /DeviceInstance of every other battery service on the bus that has published one.
    std::set<int> deviceInstances() const;
    bool publishesInstance(int instance) const;  // a battery service on the bus has this device instance

private:
    std::set<std::string> mergePairs();  // [pair] (packs/pack_pair.h): fills merged_; returns the paired monitors
    void observe();                      // observed_ as the readers see their services now
    const PackValues& valuesOf(const std::string& service, const PackReader& reader) const;
    void onAppeared(const std::string& service, const std::string& owner);
    void onVanished(const std::string& service);

    EventLoop& loop_;
    sdbus::IConnection& connection_;
    const BatteriesConfig& config_;
    const PlausibilityConfig& plausibility_;
    std::string ownName_;
    std::function<void(Urgency)> onChanged_;
    std::map<std::string, std::unique_ptr<PackReader>> readers_;  // services on the bus
    HealthMemory memory_;
    std::map<std::string, PackValues> merged_;  // [pair]: a pack's values with its shunt's, by service
    // What assess() hands the policy, kept between recomputes and updated in place: built afresh,
    // it was a map node and a copied name per service on every recompute. Its pointers are valid
    // only during assess().
    std::map<std::string, PackObservation> observed_;
    HealthAssessment assessment_;
    std::vector<PackVerdict> spareVerdicts_;  // the assessment before the last: storage to reuse
    std::vector<std::unique_ptr<PackReader>> retired_;  // destroyed in the next loop turn, not in a callback
    DeferEvent reaper_;
    NameWatcher watcher_;  // last: its callbacks use everything above
};

}  // namespace bagg
