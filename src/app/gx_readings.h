#pragma once
// What the aggregate reads of the GX besides the batteries, for [sources] (core/bank_sources.h):
// the DC current every Victron charger and inverter/charger measures at the battery (only with
// current = victron: otherwise their busy signals are not even subscribed to), and the ESS minimum
// SOC that /TimeToGo runs to while ESS (com.victronenergy.hub4) is on the bus. Wiring only.

#include "bagg/core/bank_sources.h"
#include "dbus/value_follower.h"

#include <functional>
#include <memory>
#include <vector>

namespace bagg {

class GxReadings {
public:
    GxReadings(sdbus::IConnection& connection, const SourcesConfig& config, std::function<void()> onChanged);
    GxReadings(const GxReadings&) = delete;
    GxReadings& operator=(const GxReadings&) = delete;

    // Fills inputs.victron and inputs.essMinimumSoc.
    void fill(SourceInputs& inputs) const;

private:
    struct Kind {
        std::unique_ptr<ValueFollower> follower;
        bool consumer;
    };
    std::vector<Kind> devices_;
    ValueFollower settings_, ess_;
};

}  // namespace bagg
