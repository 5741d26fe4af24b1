#include "pack_role.h"

#include "pack_filter.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>

namespace bagg {
namespace {

// Our own ProductId (app/aggregate_service.h): a second copy of this daemon.
constexpr int kAggregatorProductId = 0xBA60;

bool containsNoCase(std::string_view text, std::string_view word)
{
    return std::search(text.begin(), text.end(), word.begin(), word.end(), [](char a, char b) {
               return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
           }) != text.end();
}

std::string_view suffix(std::string_view service)
{
    const auto dot = service.rfind('.');
    return dot == std::string_view::npos ? service : service.substr(dot + 1);
}

bool anyMatches(const std::vector<std::string>& selectors, const PackIdentity& id)
{
    return std::any_of(selectors.begin(), selectors.end(), [&](const std::string& s) {
        return matchesEntry(s, id.service, id.customName, id.serial);
    });
}

// Victron's battery monitors on VE.Direct: BMV-700/702/700H, and the BMV-71x Smart and SmartShunt
// range (0xA380-0xA38F). VE.Can monitors (Lynx Shunt) are recognised by name.
bool monitorProductId(int id) { return (id >= 0x0203 && id <= 0x0205) || (id >= 0xA380 && id <= 0xA38F); }

}  // namespace

// BMS data: limits or cells. A shunt measures neither; a BMS whose driver has not published its
// limits yet (they are invalid for a moment at start) still shows its cells.
bool publishesBmsData(const PackSnapshot& v)
{
    for (Quantity q : {Quantity::ChargeCurrentLimit, Quantity::DischargeCurrentLimit, Quantity::ChargeVoltageLimit,
                       Quantity::MinCellVoltage, Quantity::MaxCellVoltage})
        if (v.get(q)) return true;
    return false;
}

std::string_view roleName(PackRole role)
{
    switch (role) {
    case PackRole::Pack: return "pack";
    case PackRole::Monitor: return "monitor";
    case PackRole::Aggregate: return "aggregate";
    }
    return "?";
}

RoleDecision classifyRole(const PackIdentity& id, const PackSnapshot& values, const RolesConfig& roles, bool wasPack)
{
    if (anyMatches(roles.pack, id)) return {PackRole::Pack, "configured in [roles] pack"};
    if (anyMatches(roles.monitor, id)) return {PackRole::Monitor, "configured in [roles] monitor"};
    if (anyMatches(roles.aggregate, id)) return {PackRole::Aggregate, "configured in [roles] aggregate"};

    if (id.productId == kAggregatorProductId) return {PackRole::Aggregate, "ProductId 0xBA60: dbus-battery-aggregator"};
    const auto name = suffix(id.service);
    if (containsNoCase(name, "aggregat") || containsNoCase(name, "lynxparallel"))
        return {PackRole::Aggregate, fmt::format("service name {}", id.service)};
    if (containsNoCase(id.productName, "aggregat"))
        return {PackRole::Aggregate, fmt::format("ProductName {}", id.productName)};

    for (const char* monitor : {"SmartShunt", "Smart Shunt", "BMV", "Lynx Shunt"})
        if (containsNoCase(id.productName, monitor)) return {PackRole::Monitor, fmt::format("ProductName {}", id.productName)};
    if (id.productId && monitorProductId(*id.productId))
        return {PackRole::Monitor, fmt::format("ProductId 0x{:04X}: a Victron battery monitor", *id.productId)};

    if (publishesBmsData(values)) return {PackRole::Pack, "publishes BMS data (limits or cells)"};
    if (wasPack) return {PackRole::Pack, "counted as a pack before"};
    return {PackRole::Monitor, "publishes no limits and no cells"};
}

}  // namespace bagg
