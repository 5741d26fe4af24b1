#include "pack_paths.h"

#include <array>
#include <string>
#include <unordered_map>

namespace bagg {
namespace {

constexpr std::array<std::string_view, kQuantityCount> kQuantityPaths = {
    "/Soc",
    "/Dc/0/Voltage",
    "/Dc/0/Current",
    "/Dc/0/Power",
    "/Dc/0/Temperature",
    "/Capacity",
    "/InstalledCapacity",
    "/ConsumedAmphours",
    "/Info/MaxChargeCurrent",
    "/Info/MaxDischargeCurrent",
    "/Info/MaxChargeVoltage",
    "/Info/BatteryLowVoltage",
    "/System/MinCellVoltage",
    "/System/MaxCellVoltage",
    "/System/MinCellTemperature",
    "/System/MaxCellTemperature",
    "/System/NrOfCellsPerBattery",
    "/System/NrOfModulesOnline",
    "/System/NrOfModulesOffline",
    "/System/NrOfModulesBlockingCharge",
    "/System/NrOfModulesBlockingDischarge",
    "/Io/AllowToCharge",
    "/Io/AllowToDischarge",
    "/Io/AllowToBalance",
    "/Balancing",
    "/Connected",
};

constexpr std::array<std::string_view, kCellExtremeCount> kCellIdPaths = {
    "/System/MinVoltageCellId",
    "/System/MaxVoltageCellId",
    "/System/MinTemperatureCellId",
    "/System/MaxTemperatureCellId",
};

using Table = std::unordered_map<std::string_view, PackPathTarget>;

Table buildTable()
{
    static std::array<std::string, kAlarmCount> alarmPaths;  // owns the strings the table views
    Table t;
    for (std::size_t i = 0; i < kQuantityCount; ++i) t.emplace(kQuantityPaths[i], PackPathTarget{PackPathTarget::Kind::Quantity, i});
    for (std::size_t i = 0; i < kCellExtremeCount; ++i) t.emplace(kCellIdPaths[i], PackPathTarget{PackPathTarget::Kind::CellId, i});
    for (std::size_t i = 0; i < kAlarmCount; ++i) {
        alarmPaths[i] = "/Alarms/" + std::string(alarmName(static_cast<Alarm>(i)));
        t.emplace(alarmPaths[i], PackPathTarget{PackPathTarget::Kind::Alarm, i});
    }
    using K = PackPathTarget::Kind;
    t.emplace("/CustomName", PackPathTarget{K::Meta, static_cast<std::size_t>(PackMeta::CustomName)});
    t.emplace("/ProductName", PackPathTarget{K::Meta, static_cast<std::size_t>(PackMeta::ProductName)});
    t.emplace("/Serial", PackPathTarget{K::Meta, static_cast<std::size_t>(PackMeta::Serial)});
    t.emplace("/ProductId", PackPathTarget{K::Meta, static_cast<std::size_t>(PackMeta::ProductId)});
    t.emplace("/DeviceInstance", PackPathTarget{K::Meta, static_cast<std::size_t>(PackMeta::DeviceInstance)});
    return t;
}

}  // namespace

const PackPathTarget* findPackPath(std::string_view path)
{
    static const Table table = buildTable();
    const auto it = table.find(path);
    return it == table.end() ? nullptr : &it->second;
}

std::string_view quantityPath(Quantity q) { return kQuantityPaths[index(q)]; }

}  // namespace bagg
