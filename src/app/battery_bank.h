#pragma once
// The set of battery services on the bus and the health of each: one PackReader per service that
// may take part, the last state of packs that are away, and a stable diagnostics slot
// (/Batteries/<n>) per service. Decides how each pack takes part in the aggregate (PackPresence):
// a pack that left or stopped answering is held for `reconnect_grace`, then dropped.

#include "bagg/config/config.h"
#include "bagg/core/pack_snapshot.h"
#include "dbus/name_watcher.h"
#include "dbus/pack_reader.h"
#include "event/event_loop.h"

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace bagg {

inline constexpr const char* kBatteryNamespace = "com.victronenergy.battery";

enum class PackStatus { Connecting, Online, Unresponsive, Disconnected, Invalid, Excluded, Gone };
const char* statusName(PackStatus s);

struct PackEntry {
    int slot = 0;
    std::string service;
    std::string label;
    PackStatus status = PackStatus::Connecting;
    PackPresence presence = PackPresence::Offline;
    const PackSnapshot* values = nullptr;  // the pack's current values while it is online, else null
    int rejectedValues = 0;                // values refused as garbage since it appeared
};

class BatteryBank {
public:
    // ownName: our own service, never read. onChanged: something that feeds the aggregate changed.
    BatteryBank(EventLoop& loop, sdbus::IConnection& connection, const Config& config, std::string ownName,
                std::function<void()> onChanged);
    BatteryBank(const BatteryBank&) = delete;
    BatteryBank& operator=(const BatteryBank&) = delete;

    // Re-evaluates every pack's health at `now` (monotonic): call before snapshots()/entries().
    void refresh(std::chrono::microseconds now);
    // The packs of the aggregate with their presence; excluded and never-read packs are left out.
    std::vector<PackSnapshot> snapshots() const;
    std::vector<PackEntry> entries() const;
    // Every battery that was on the bus at start has been read: until then the bank is incomplete
    // and nothing with memory (the imbalance hysteresis) should learn from it.
    bool settled() const;

private:
    struct Known {
        int slot = 0;
        std::unique_ptr<PackReader> reader;    // null: gone
        std::optional<PackSnapshot> lastGood;  // its values when it stopped being online: held while away
        std::string serial;                    // its /Serial while online, to recognise it under a new name
        std::optional<std::chrono::microseconds> awaySince;
        PackStatus status = PackStatus::Connecting;
        PackPresence presence = PackPresence::Offline;
    };

    void onAppeared(const std::string& service, const std::string& owner);
    void onVanished(const std::string& service);
    PackStatus evaluate(const Known& k) const;

    EventLoop& loop_;
    sdbus::IConnection& connection_;
    const Config& config_;
    std::string ownName_;
    std::function<void()> onChanged_;
    std::map<std::string, Known> packs_;
    std::vector<std::unique_ptr<PackReader>> retired_;  // destroyed in the next loop turn, not in a callback
    DeferEvent reaper_;
    NameWatcher watcher_;  // last: its callbacks use everything above
};

}  // namespace bagg
