#pragma once
// The paths of com.victronenergy.battery.aggregate: the mandatory device paths, every aggregate
// value of the core, the limitation reasons and one diagnostics subtree per pack.

#include "dbus/venus_names.h"
#include "battery_bank.h"

#include "bagg/core/aggregate.h"
#include "dbus/busitem_exporter.h"

#include <array>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace bagg {

inline constexpr const char* kProductName = "Battery Aggregator";
// 0xBA60: not one of the DVCC quirk ids (venus-dbus.md §2), nor serialbattery's 0xBA77 or 0xBA44.
inline constexpr int kProductId = 0xBA60;

class AggregateService {
public:
    struct Hooks {
        std::function<bool(const std::string&)> onCustomName;  // false: refuse
        std::function<bool(const std::string&)> onLogLevel;    // false: not a level
        std::function<void()> onForgetMissing;                 // /ForgetMissingPacks SetValue 1
    };

    // deferMeasurements: the bank's measurements (voltage, current, power, temperatures, cells,
    // consumed Ah, time to go, SOC spread) are BusItemExporter::Signals::Measured, the owner
    // calling publishMeasured() at a bounded rate; otherwise signalled with every recompute.
    AggregateService(BusItemExporter& exporter, int deviceInstance, Hooks hooks, bool deferMeasurements);
    AggregateService(const AggregateService&) = delete;  // hands [this] callbacks to the exporter
    AggregateService& operator=(const AggregateService&) = delete;

    void setDeviceInstance(int instance);
    void setCustomName(const std::string& name);
    // Stores the result, where its SOC and current come from, and the packs' identity and health;
    // the caller publishes.
    void update(const AggregateResult& result, const SourceReport& sources, const std::vector<PackEntry>& packs);
    // The packs' own values under /Batteries/<n>/: they change with every BMS update, so they are
    // not signalled but brought up to date when someone reads them (status, dbus -y ... GetValue).
    void updatePackValues(const std::vector<PackEntry>& packs);

private:
    using Id = BusItemExporter::Id;
    struct PackIds {
        Id service{}, name{}, health{}, role{}, presence{}, rejected{}, currentShare{};
        std::vector<Id> values;  // kPackValues
        // What was last stored: identity and health rarely change, so they are set only when they do
        // (at 64 packs, setting them on every recompute would cost more than the rest of it).
        struct Shown {
            std::string service, label;
            PackHealth health;
            PackRole role;
            std::optional<PackPresence> presence;
            int rejected;
            // Compared on every recompute, so without building a Shown (two strings) to compare.
            bool sameAs(const PackVerdict& v, int rejectedValues) const
            {
                return service == v.service && label == v.label && health == v.health && role == v.role &&
                       presence == v.presence && rejected == rejectedValues;
            }
        };
        std::optional<Shown> shown;
    };
    PackIds& packIds(int slot);  // adds the slot's paths the first time

    BusItemExporter& exporter_;
    Hooks hooks_;
    struct {
        Id deviceInstance{}, customName{}, cellsPerBattery{}, chargeLimitation{}, dischargeLimitation{};
        Id chargeVoltageLimitation{}, chargeMode{}, socSource{}, currentSource{}, warnings{};
        Id balancing{}, allowToBalance{};
        Id allowToCharge{}, allowToDischarge{}, band{}, socSpread{}, packsOnline{};
        std::vector<Id> numbers, counts;  // kNumberPaths, kCountPaths
        std::array<Id, kCellExtremeCount> cellValues{}, cellIds{};
        std::array<Id, kAlarmCount> alarms{};
    } ids_;
    std::vector<PackIds> packs_;  // per slot
    std::map<std::string, double> currentShares_;  // by pack identity, as of the last update
};

}  // namespace bagg
