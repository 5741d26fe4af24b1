#include "status_model.h"

#include <algorithm>
#include <cstdlib>

namespace bagg {
namespace {

class Items {
public:
    explicit Items(const std::map<std::string, Value>& items) : items_(items) {}
    std::optional<double> number(const std::string& path) const
    {
        const auto it = items_.find(path);
        return it == items_.end() ? std::nullopt : asNumber(it->second);
    }
    std::string text(const std::string& path) const
    {
        const auto it = items_.find(path);
        if (it == items_.end()) return {};
        const auto* s = std::get_if<std::string>(&it->second);
        return s ? *s : std::string();
    }

private:
    const std::map<std::string, Value>& items_;
};

// "/Batteries/3/Soc" -> 3, for every pack subtree present.
std::vector<int> packSlots(const std::map<std::string, Value>& items)
{
    std::vector<int> slots;
    const std::string prefix = "/Batteries/";
    for (auto it = items.lower_bound(prefix); it != items.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it) {
        const int slot = std::atoi(it->first.c_str() + prefix.size());
        if (slots.empty() || slots.back() != slot) slots.push_back(slot);
    }
    return slots;
}

}  // namespace

StatusModel buildStatus(const std::string& service, const std::map<std::string, Value>& raw)
{
    const Items items(raw);
    StatusModel m;
    m.service = service;
    m.customName = items.text("/CustomName");
    m.deviceInstance = items.number("/DeviceInstance");
    m.packsOnline = items.number("/System/NrOfBatteries");
    m.soc = items.number("/Soc");
    m.voltage = items.number("/Dc/0/Voltage");
    m.current = items.number("/Dc/0/Current");
    m.power = items.number("/Dc/0/Power");
    m.temperature = items.number("/Dc/0/Temperature");
    m.cvl = items.number("/Info/MaxChargeVoltage");
    m.ccl = items.number("/Info/MaxChargeCurrent");
    m.dcl = items.number("/Info/MaxDischargeCurrent");
    m.spread = items.number("/Imbalance/SocSpread");
    m.band = items.text("/Imbalance/Band");
    m.chargeLimitation = items.text("/Info/ChargeLimitation");
    m.dischargeLimitation = items.text("/Info/DischargeLimitation");

    const std::string alarms = "/Alarms/";
    for (auto it = raw.lower_bound(alarms); it != raw.end() && it->first.compare(0, alarms.size(), alarms) == 0; ++it) {
        const auto level = asNumber(it->second);
        if (level && *level >= 1) m.alarms.emplace_back(it->first.substr(alarms.size()), static_cast<int>(*level));
    }

    // Slots sort as strings ("/Batteries/10" before "/Batteries/2"): order them by number.
    auto slots = packSlots(raw);
    std::sort(slots.begin(), slots.end());
    for (const int slot : slots) {
        const std::string base = "/Batteries/" + std::to_string(slot) + "/";
        PackRow r;
        r.slot = slot;
        r.label = items.text(base + "Name");
        r.service = items.text(base + "Service");
        r.state = items.text(base + "State");
        r.role = items.text(base + "Role");
        r.presence = items.text(base + "Presence");
        r.soc = items.number(base + "Soc");
        r.voltage = items.number(base + "Voltage");
        r.current = items.number(base + "Current");
        r.temperature = items.number(base + "Temperature");
        r.minCell = items.number(base + "MinCellVoltage");
        r.maxCell = items.number(base + "MaxCellVoltage");
        r.ccl = items.number(base + "MaxChargeCurrent");
        r.dcl = items.number(base + "MaxDischargeCurrent");
        r.allowCharge = items.number(base + "AllowToCharge");
        r.allowDischarge = items.number(base + "AllowToDischarge");
        r.rejectedValues = items.number(base + "RejectedValues");
        m.packs.push_back(std::move(r));
    }
    return m;
}

}  // namespace bagg
