#include "status_model.h"

#include "packs/battery_paths.h"

#include <algorithm>
#include <cstdlib>
#include <string_view>

namespace bagg {
namespace {

class Items {
public:
    explicit Items(const std::map<std::string, Value>& items) : items_(items) {}
    std::optional<double> number(std::string_view path) const
    {
        const auto it = items_.find(std::string(path));
        return it == items_.end() ? std::nullopt : asNumber(it->second);
    }
    std::optional<double> number(Quantity q) const { return number(quantityPath(q)); }
    std::string text(std::string_view path) const
    {
        const auto it = items_.find(std::string(path));
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
    m.customName = items.text(batteryPath(PackMeta::CustomName).path);
    m.deviceInstance = items.number(batteryPath(PackMeta::DeviceInstance).path);
    m.packsOnline = items.number("/System/NrOfBatteries");
    m.soc = items.number(Quantity::Soc);
    m.voltage = items.number(Quantity::Voltage);
    m.current = items.number(Quantity::Current);
    m.power = items.number(Quantity::Power);
    m.temperature = items.number(Quantity::Temperature);
    m.cvl = items.number(Quantity::ChargeVoltageLimit);
    m.ccl = items.number(Quantity::ChargeCurrentLimit);
    m.dcl = items.number(Quantity::DischargeCurrentLimit);
    m.spread = items.number("/Imbalance/SocSpread");
    m.batteryLowVoltage = items.number(Quantity::BatteryLowVoltage);
    m.capacity = items.number(Quantity::Capacity);
    m.installedCapacity = items.number(Quantity::InstalledCapacity);
    m.timeToGo = items.number(Quantity::TimeToGo);
    m.band = items.text("/Imbalance/Band");
    m.chargeLimitation = items.text("/Info/ChargeLimitation");
    m.dischargeLimitation = items.text("/Info/DischargeLimitation");
    m.chargeVoltageLimitation = items.text("/Info/ChargeVoltageLimitation");
    m.chargeMode = items.text("/Info/ChargeMode");
    m.socSource = items.text("/Info/SocSource");
    m.currentSource = items.text("/Info/CurrentSource");
    const std::string warnings = items.text("/Info/Warnings");
    for (std::string_view rest = warnings; !rest.empty();) {
        const auto end = rest.find("; ");
        m.warnings.emplace_back(rest.substr(0, end));
        rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 2);
    }

    for (std::size_t a = 0; a < kAlarmCount; ++a) {
        const auto alarm = static_cast<Alarm>(a);
        const auto level = items.number(batteryPath(alarm).path);
        if (level && *level >= 1) m.alarms.emplace_back(alarmName(alarm), static_cast<int>(*level));
    }
    std::sort(m.alarms.begin(), m.alarms.end());  // by name

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
        // The aggregate names a pack's value after the last component of its path.
        const auto value = [&](Quantity q) { return items.number(base + std::string(leafName(quantityPath(q)))); };
        r.soc = value(Quantity::Soc);
        r.voltage = value(Quantity::Voltage);
        r.current = value(Quantity::Current);
        r.temperature = value(Quantity::Temperature);
        r.minCell = value(Quantity::MinCellVoltage);
        r.maxCell = value(Quantity::MaxCellVoltage);
        r.ccl = value(Quantity::ChargeCurrentLimit);
        r.dcl = value(Quantity::DischargeCurrentLimit);
        r.allowCharge = value(Quantity::AllowToCharge);
        r.allowDischarge = value(Quantity::AllowToDischarge);
        r.rejectedValues = items.number(base + "RejectedValues");
        // A slot of a remembered pack found again under its service name is blank: nothing to show.
        if (r.service.empty() && r.label.empty()) continue;
        m.packs.push_back(std::move(r));
    }
    return m;
}

}  // namespace bagg
