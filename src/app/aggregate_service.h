#pragma once
// The paths of com.victronenergy.battery.aggregate: the mandatory device paths, every aggregate
// value of the core, the limitation reasons and one diagnostics subtree per pack.

#include "battery_bank.h"

#include "bagg/core/aggregate.h"
#include "dbus/busitem_exporter.h"

#include <functional>
#include <string>
#include <vector>

namespace bagg {

inline constexpr const char* kServiceName = "com.victronenergy.battery.aggregate";
inline constexpr const char* kProductName = "Battery Aggregator";
// 0xBA60: not one of the DVCC quirk ids (venus-dbus.md §2), nor serialbattery's 0xBA77 or 0xBA44.
inline constexpr int kProductId = 0xBA60;

class AggregateService {
public:
    struct Hooks {
        std::function<bool(const std::string&)> onCustomName;  // false: refuse
        std::function<bool(const std::string&)> onLogLevel;    // false: not a level
    };

    AggregateService(BusItemExporter& exporter, int deviceInstance, Hooks hooks);

    void setDeviceInstance(int instance);
    void setCustomName(const std::string& name);
    // Stores the result; the caller publishes. The packs' identity and state always; their values
    // (which change with every BMS update) only when packValues is set, once a second.
    void update(const AggregateResult& result, const std::vector<PackEntry>& packs, bool packValues);

private:
    void addPackPaths();

    BusItemExporter& exporter_;
    Hooks hooks_;
    std::vector<std::vector<std::string>> packPaths_;  // per slot, built once: no formatting per recompute
};

}  // namespace bagg
