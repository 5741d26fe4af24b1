#include "battery_paths.h"

#include <unordered_map>

namespace bagg {
namespace {

// Resolutions as Victron's services publish them (README "The D-Bus service").
constexpr PathFormat kPackVolts = PathFormat::number(2, "V");
constexpr PathFormat kCellVolts = PathFormat::number(3, "V");
constexpr PathFormat kAmps = PathFormat::number(1, "A");
constexpr PathFormat kWatts = PathFormat::number(0, "W");
constexpr PathFormat kPercent = PathFormat::number(1, "%");
constexpr PathFormat kCelsius = PathFormat::number(1, "°C");
constexpr PathFormat kAmpHours = PathFormat::number(1, "Ah");
constexpr PathFormat kSeconds = PathFormat::number(0, "s");
constexpr PathFormat kInteger = PathFormat::integer();  // counts, 0/1 flags, alarm levels 0/1/2
constexpr PathFormat kText = PathFormat::text();

using K = BatteryPath::Kind;
constexpr BatteryPath row(std::string_view path, Quantity q, PathFormat f) { return {path, K::Quantity, index(q), f}; }
constexpr BatteryPath row(std::string_view path, CellExtreme c) { return {path, K::CellId, index(c), kText}; }
constexpr BatteryPath row(std::string_view path, Alarm a) { return {path, K::Alarm, index(a), kInteger}; }
constexpr BatteryPath row(std::string_view path, PackMeta m, PathFormat f)
{
    return {path, K::Meta, static_cast<std::size_t>(m), f};
}

// Ordered by kind, then in the order of each enum: batteryPath() indexes it (checked below).
constexpr std::array<BatteryPath, kBatteryPathCount> kRows = {{
    row("/Soc", Quantity::Soc, kPercent),
    row("/Dc/0/Voltage", Quantity::Voltage, kPackVolts),
    row("/Dc/0/Current", Quantity::Current, kAmps),
    row("/Dc/0/Power", Quantity::Power, kWatts),
    row("/Dc/0/Temperature", Quantity::Temperature, kCelsius),
    row("/Capacity", Quantity::Capacity, kAmpHours),
    row("/InstalledCapacity", Quantity::InstalledCapacity, kAmpHours),
    row("/ConsumedAmphours", Quantity::ConsumedAmphours, kAmpHours),
    row("/TimeToGo", Quantity::TimeToGo, kSeconds),
    row("/Info/MaxChargeCurrent", Quantity::ChargeCurrentLimit, kAmps),
    row("/Info/MaxDischargeCurrent", Quantity::DischargeCurrentLimit, kAmps),
    row("/Info/MaxChargeVoltage", Quantity::ChargeVoltageLimit, kPackVolts),
    row("/Info/BatteryLowVoltage", Quantity::BatteryLowVoltage, kPackVolts),
    row("/System/MinCellVoltage", Quantity::MinCellVoltage, kCellVolts),
    row("/System/MaxCellVoltage", Quantity::MaxCellVoltage, kCellVolts),
    row("/System/MinCellTemperature", Quantity::MinCellTemperature, kCelsius),
    row("/System/MaxCellTemperature", Quantity::MaxCellTemperature, kCelsius),
    row("/System/NrOfCellsPerBattery", Quantity::CellsPerBattery, kInteger),
    row("/System/NrOfModulesOnline", Quantity::ModulesOnline, kInteger),
    row("/System/NrOfModulesOffline", Quantity::ModulesOffline, kInteger),
    row("/System/NrOfModulesBlockingCharge", Quantity::ModulesBlockingCharge, kInteger),
    row("/System/NrOfModulesBlockingDischarge", Quantity::ModulesBlockingDischarge, kInteger),
    row("/Io/AllowToCharge", Quantity::AllowToCharge, kInteger),
    row("/Io/AllowToDischarge", Quantity::AllowToDischarge, kInteger),
    row("/Io/AllowToBalance", Quantity::AllowToBalance, kInteger),
    row("/Balancing", Quantity::Balancing, kInteger),
    row("/Connected", Quantity::Connected, kInteger),

    row("/System/MinVoltageCellId", CellExtreme::MinVoltage),
    row("/System/MaxVoltageCellId", CellExtreme::MaxVoltage),
    row("/System/MinTemperatureCellId", CellExtreme::MinTemperature),
    row("/System/MaxTemperatureCellId", CellExtreme::MaxTemperature),

    row("/Alarms/LowVoltage", Alarm::LowVoltage),
    row("/Alarms/HighVoltage", Alarm::HighVoltage),
    row("/Alarms/LowCellVoltage", Alarm::LowCellVoltage),
    row("/Alarms/HighCellVoltage", Alarm::HighCellVoltage),
    row("/Alarms/LowSoc", Alarm::LowSoc),
    row("/Alarms/HighChargeCurrent", Alarm::HighChargeCurrent),
    row("/Alarms/HighDischargeCurrent", Alarm::HighDischargeCurrent),
    row("/Alarms/HighCurrent", Alarm::HighCurrent),
    row("/Alarms/CellImbalance", Alarm::CellImbalance),
    row("/Alarms/InternalFailure", Alarm::InternalFailure),
    row("/Alarms/HighChargeTemperature", Alarm::HighChargeTemperature),
    row("/Alarms/LowChargeTemperature", Alarm::LowChargeTemperature),
    row("/Alarms/HighTemperature", Alarm::HighTemperature),
    row("/Alarms/LowTemperature", Alarm::LowTemperature),
    row("/Alarms/LowStarterVoltage", Alarm::LowStarterVoltage),
    row("/Alarms/HighStarterVoltage", Alarm::HighStarterVoltage),
    row("/Alarms/MidVoltage", Alarm::MidVoltage),
    row("/Alarms/BmsCable", Alarm::BmsCable),
    row("/Alarms/FuseBlown", Alarm::FuseBlown),
    row("/Alarms/HighInternalTemperature", Alarm::HighInternalTemperature),
    row("/Alarms/StateOfHealth", Alarm::StateOfHealth),
    row("/Alarms/Contactor", Alarm::Contactor),

    row("/CustomName", PackMeta::CustomName, kText),
    row("/ProductName", PackMeta::ProductName, kText),
    row("/Serial", PackMeta::Serial, kText),
    row("/ProductId", PackMeta::ProductId, kInteger),
    row("/DeviceInstance", PackMeta::DeviceInstance, kInteger),
    row("/Info/ChargeMode", PackMeta::ChargeMode, kText),

}};

constexpr std::size_t kCellIdBase = kQuantityCount;
constexpr std::size_t kAlarmBase = kCellIdBase + kCellExtremeCount;
constexpr std::size_t kMetaBase = kAlarmBase + kAlarmCount;

constexpr bool rowsInOrder()
{
    const struct {
        K kind;
        std::size_t base, count;
    } sections[] = {{K::Quantity, 0, kQuantityCount},
                    {K::CellId, kCellIdBase, kCellExtremeCount},
                    {K::Alarm, kAlarmBase, kAlarmCount},
                    {K::Meta, kMetaBase, kPackMetaCount}};
    for (const auto& s : sections)
        for (std::size_t i = 0; i < s.count; ++i)
            if (kRows[s.base + i].kind != s.kind || kRows[s.base + i].index != i) return false;
    return true;
}
static_assert(rowsInOrder(), "each row of kRows must stand at its kind's base + its enum value");

}  // namespace

const BatteryPath& batteryPath(Quantity q) { return kRows[index(q)]; }
const BatteryPath& cellIdPath(CellExtreme c) { return kRows[kCellIdBase + index(c)]; }
const BatteryPath& batteryPath(Alarm a) { return kRows[kAlarmBase + index(a)]; }
const BatteryPath& batteryPath(PackMeta m) { return kRows[kMetaBase + static_cast<std::size_t>(m)]; }

const std::array<BatteryPath, kBatteryPathCount>& batteryPaths() { return kRows; }

const BatteryPath* findPackPath(std::string_view path)
{
    using Map = std::unordered_map<std::string_view, const BatteryPath*>;
    static const Map map = [] {
        Map m;
        for (const auto& r : kRows)
            m.emplace(r.path, &r);
        return m;
    }();
    const auto it = map.find(path);
    return it == map.end() ? nullptr : it->second;
}

Urgency urgencyOf(const BatteryPath& row)
{
    if (row.kind == BatteryPath::Kind::CellId) return Urgency::WithReading;
    if (row.kind != BatteryPath::Kind::Quantity) return Urgency::Prompt;  // alarms, identity, charge mode
    switch (static_cast<Quantity>(row.index)) {
    case Quantity::Soc:
    case Quantity::ChargeCurrentLimit:
    case Quantity::DischargeCurrentLimit:
    case Quantity::ChargeVoltageLimit:
    case Quantity::BatteryLowVoltage:
    case Quantity::ModulesOnline:
    case Quantity::ModulesOffline:
    case Quantity::ModulesBlockingCharge:
    case Quantity::ModulesBlockingDischarge:
    case Quantity::AllowToCharge:
    case Quantity::AllowToDischarge:
    case Quantity::Connected: return Urgency::Prompt;
    default: return Urgency::WithReading;
    }
}

}  // namespace bagg
