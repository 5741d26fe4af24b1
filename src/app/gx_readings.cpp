#include "gx_readings.h"

namespace bagg {
namespace {

constexpr const char* kDcCurrent = "/Dc/0/Current";
constexpr const char* kMinimumSoc = "/Settings/CGwacs/BatteryLife/MinimumSocLimit";

// The services whose /Dc/0/Current systemcalc adds up for the battery (dbus_systemcalc.py):
// positive while they charge it. Then the consumers, positive while they consume.
constexpr const char* kChargers[] = {"com.victronenergy.vebus",         "com.victronenergy.multi",
                                     "com.victronenergy.inverter",      "com.victronenergy.solarcharger",
                                     "com.victronenergy.charger",       "com.victronenergy.dcdc",
                                     "com.victronenergy.alternator",    "com.victronenergy.fuelcell"};
constexpr const char* kConsumers[] = {"com.victronenergy.dcload", "com.victronenergy.dcsystem"};

}  // namespace

GxReadings::GxReadings(sdbus::IConnection& connection, const SourcesConfig& config, std::function<void()> onChanged)
    : settings_(connection, "com.victronenergy.settings", {kMinimumSoc}, onChanged),
      ess_(connection, "com.victronenergy.hub4", {}, onChanged)
{
    if (config.current != CurrentSource::Victron) return;
    for (const char* ns : kChargers)
        devices_.push_back({std::make_unique<ValueFollower>(connection, ns, std::vector<std::string>{kDcCurrent}, onChanged), false});
    if (config.subtractDcLoads)
        for (const char* ns : kConsumers)
            devices_.push_back({std::make_unique<ValueFollower>(connection, ns, std::vector<std::string>{kDcCurrent}, onChanged), true});
}

void GxReadings::fill(SourceInputs& inputs) const
{
    for (const auto& kind : devices_)
        for (const auto& [service, values] : kind.follower->services())
            inputs.victron.push_back({service, values.at(kDcCurrent), kind.consumer});
    inputs.essPresent = !ess_.services().empty();
    inputs.essMinimumSoc.reset();
    for (const auto& [service, values] : settings_.services())
        if (const auto& soc = values.at(kMinimumSoc)) inputs.essMinimumSoc = soc;
}

}  // namespace bagg
