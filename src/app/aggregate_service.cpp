#include "aggregate_service.h"

#include "bagg/version.h"

#include <fmt/format.h>

namespace bagg {
namespace {

const PathFormat kVolts = PathFormat::number(2, "V");
const PathFormat kCellVolts = PathFormat::number(3, "V");
const PathFormat kAmps = PathFormat::number(1, "A");
const PathFormat kWatts = PathFormat::number(0, "W");
const PathFormat kPercent = PathFormat::number(1, "%");
const PathFormat kCelsius = PathFormat::number(1, "°C");
const PathFormat kAmpHours = PathFormat::number(1, "Ah");
const PathFormat kSeconds = PathFormat::number(0, "s");
const PathFormat kCount = PathFormat::integer();
const PathFormat kText = PathFormat::text();

Value num(const std::optional<double>& v) { return v ? Value{*v} : Value{Invalid{}}; }
Value count(const std::optional<int>& v) { return v ? Value{std::int64_t{*v}} : Value{Invalid{}}; }
Value count(int v) { return Value{std::int64_t{v}}; }

struct CellPaths {
    const char* value;
    const char* id;
    PathFormat format;
};
constexpr std::size_t kCells = kCellExtremeCount;
const std::array<CellPaths, kCells> kCellPaths = {{
    {"/System/MinCellVoltage", "/System/MinVoltageCellId", kCellVolts},
    {"/System/MaxCellVoltage", "/System/MaxVoltageCellId", kCellVolts},
    {"/System/MinCellTemperature", "/System/MinTemperatureCellId", kCelsius},
    {"/System/MaxCellTemperature", "/System/MaxTemperatureCellId", kCelsius},
}};

const char* bandName(ImbalanceBand b)
{
    switch (b) {
    case ImbalanceBand::Balanced: return "balanced";
    case ImbalanceBand::Reduced: return "reduced";
    case ImbalanceBand::Warning: return "warning";
    case ImbalanceBand::Alarm: return "alarm";
    }
    return "?";
}

std::string alarmPath(std::size_t i) { return "/Alarms/" + std::string(alarmName(static_cast<Alarm>(i))); }

}  // namespace

AggregateService::AggregateService(BusItemExporter& e, int deviceInstance, Hooks hooks)
    : exporter_(e), hooks_(std::move(hooks))
{
    e.add("/Mgmt/ProcessName", std::string("dbus-battery-aggregator"), kText);
    e.add("/Mgmt/ProcessVersion", std::string(BAGG_VERSION), kText);
    e.add("/Mgmt/Connection", std::string("Aggregate of battery services"), kText);
    e.add("/DeviceInstance", std::int64_t{deviceInstance}, kCount);
    e.add("/ProductId", std::int64_t{kProductId}, kCount);
    e.add("/ProductName", std::string(kProductName), kText);
    e.add("/FirmwareVersion", std::string(BAGG_VERSION), kText);
    e.add("/HardwareVersion", std::string("virtual"), kText);
    e.add("/Connected", std::int64_t{1}, kCount);
    e.add("/Serial", std::string("aggregate"), kText);
    e.add("/CustomName", std::string(), kText, [this](const Value& v) {
        return hooks_.onCustomName(std::get<std::string>(v));
    });
    e.add("/LogLevel", std::string("info"), kText, [this](const Value& v) {
        return hooks_.onLogLevel(std::get<std::string>(v));
    });

    e.add("/Soc", Invalid{}, kPercent);
    e.add("/Dc/0/Voltage", Invalid{}, kVolts);
    e.add("/Dc/0/Current", Invalid{}, kAmps);
    e.add("/Dc/0/Power", Invalid{}, kWatts);
    e.add("/Dc/0/Temperature", Invalid{}, kCelsius);
    e.add("/Capacity", Invalid{}, kAmpHours);
    e.add("/InstalledCapacity", Invalid{}, kAmpHours);
    e.add("/ConsumedAmphours", Invalid{}, kAmpHours);
    e.add("/TimeToGo", Invalid{}, kSeconds);
    for (const auto& c : kCellPaths) {
        e.add(c.value, Invalid{}, c.format);
        e.add(c.id, Invalid{}, kText);
    }
    e.add("/System/NrOfCellsPerBattery", Invalid{}, kCount);
    e.add("/System/NrOfModulesOnline", Invalid{}, kCount);
    e.add("/System/NrOfModulesOffline", Invalid{}, kCount);
    e.add("/System/NrOfModulesBlockingCharge", Invalid{}, kCount);
    e.add("/System/NrOfModulesBlockingDischarge", Invalid{}, kCount);
    e.add("/System/NrOfBatteries", Invalid{}, kCount);
    for (std::size_t a = 0; a < kAlarmCount; ++a) e.add(alarmPath(a), Invalid{}, kCount);
    e.add("/Info/MaxChargeVoltage", Invalid{}, kVolts);
    e.add("/Info/MaxChargeCurrent", Invalid{}, kAmps);
    e.add("/Info/MaxDischargeCurrent", Invalid{}, kAmps);
    e.add("/Info/BatteryLowVoltage", Invalid{}, kVolts);
    e.add("/Info/ChargeLimitation", Invalid{}, kText);
    e.add("/Info/DischargeLimitation", Invalid{}, kText);
    e.add("/Io/AllowToCharge", Invalid{}, kCount);
    e.add("/Io/AllowToDischarge", Invalid{}, kCount);
    e.add("/Imbalance/SocSpread", Invalid{}, kPercent);
    e.add("/Imbalance/Band", Invalid{}, kText);
}

void AggregateService::setDeviceInstance(int instance) { exporter_.set("/DeviceInstance", std::int64_t{instance}); }

void AggregateService::setCustomName(const std::string& name) { exporter_.set("/CustomName", name); }

namespace {

// Per pack, what `dbus-battery-aggregator status` and dbus-spy users want to see of each BMS.
struct PackPath {
    const char* name;
    Quantity quantity;
    PathFormat format;
};
const std::array<PackPath, 10> kPackPaths = {{
    {"Soc", Quantity::Soc, kPercent},
    {"Voltage", Quantity::Voltage, kVolts},
    {"Current", Quantity::Current, kAmps},
    {"Temperature", Quantity::Temperature, kCelsius},
    {"MinCellVoltage", Quantity::MinCellVoltage, kCellVolts},
    {"MaxCellVoltage", Quantity::MaxCellVoltage, kCellVolts},
    {"MaxChargeCurrent", Quantity::ChargeCurrentLimit, kAmps},
    {"MaxDischargeCurrent", Quantity::DischargeCurrentLimit, kAmps},
    {"AllowToCharge", Quantity::AllowToCharge, kCount},
    {"AllowToDischarge", Quantity::AllowToDischarge, kCount},
}};

}  // namespace

// The order of a slot's paths: these four, then kPackPaths.
enum PackText { kServicePath, kNamePath, kStatePath, kRejectedPath, kFirstValuePath };

void AggregateService::addPackPaths()
{
    const std::string base = fmt::format("/Batteries/{}/", packPaths_.size());
    std::vector<std::string> paths = {base + "Service", base + "Name", base + "State", base + "RejectedValues"};
    exporter_.add(paths[kServicePath], Invalid{}, kText);
    exporter_.add(paths[kNamePath], Invalid{}, kText);
    exporter_.add(paths[kStatePath], Invalid{}, kText);
    exporter_.add(paths[kRejectedPath], Invalid{}, kCount);
    for (const auto& p : kPackPaths) {
        paths.push_back(base + p.name);
        exporter_.add(paths.back(), Invalid{}, p.format, {}, BusItemExporter::Signals::ItemsChangedOnly);
    }
    packPaths_.push_back(std::move(paths));
}

void AggregateService::update(const AggregateResult& r, const std::vector<PackEntry>& packs, bool packValues)
{
    auto& e = exporter_;
    e.set("/Soc", num(r.soc));
    e.set("/Dc/0/Voltage", num(r.voltage));
    e.set("/Dc/0/Current", num(r.current));
    e.set("/Dc/0/Power", num(r.power));
    e.set("/Dc/0/Temperature", num(r.temperature));
    e.set("/Capacity", num(r.capacity));
    e.set("/InstalledCapacity", num(r.installedCapacity));
    e.set("/ConsumedAmphours", num(r.consumedAmphours));
    e.set("/TimeToGo", num(r.timeToGo));
    for (std::size_t i = 0; i < kCells; ++i) {
        e.set(kCellPaths[i].value, num(r.cells[i].value));
        e.set(kCellPaths[i].id, r.cells[i].value ? Value{r.cells[i].id} : Value{Invalid{}});
    }
    e.set("/System/NrOfCellsPerBattery", count(r.cellsPerBattery));
    e.set("/System/NrOfModulesOnline", count(r.modulesOnline));
    e.set("/System/NrOfModulesOffline", count(r.modulesOffline));
    e.set("/System/NrOfModulesBlockingCharge", count(r.modulesBlockingCharge));
    e.set("/System/NrOfModulesBlockingDischarge", count(r.modulesBlockingDischarge));
    e.set("/System/NrOfBatteries", count(r.packsOnline));
    for (std::size_t a = 0; a < kAlarmCount; ++a) e.set(alarmPath(a), count(r.alarms[a]));
    e.set("/Info/MaxChargeVoltage", num(r.maxChargeVoltage));
    e.set("/Info/MaxChargeCurrent", num(r.maxChargeCurrent));
    e.set("/Info/MaxDischargeCurrent", num(r.maxDischargeCurrent));
    e.set("/Info/BatteryLowVoltage", num(r.batteryLowVoltage));
    e.set("/Info/ChargeLimitation", r.chargeLimitation);
    e.set("/Info/DischargeLimitation", r.dischargeLimitation);
    e.set("/Io/AllowToCharge", count(r.maxChargeCurrent.value_or(1.0) > 0.0 ? 1 : 0));
    e.set("/Io/AllowToDischarge", count(r.maxDischargeCurrent.value_or(1.0) > 0.0 ? 1 : 0));
    e.set("/Imbalance/SocSpread", num(r.socSpread));
    e.set("/Imbalance/Band", r.packsOnline > 0 ? Value{std::string(bandName(r.imbalance.band))} : Value{Invalid{}});

    for (const auto& p : packs) {
        while (static_cast<int>(packPaths_.size()) <= p.slot) addPackPaths();
        const auto& paths = packPaths_[static_cast<std::size_t>(p.slot)];
        e.set(paths[kServicePath], p.service);
        e.set(paths[kNamePath], p.label.empty() ? Value{Invalid{}} : Value{p.label});
        e.set(paths[kStatePath], std::string(statusName(p.status)));
        e.set(paths[kRejectedPath], count(p.rejectedValues));
        if (!packValues) continue;
        for (std::size_t i = 0; i < kPackPaths.size(); ++i)
            e.set(paths[kFirstValuePath + i], p.values ? num(p.values->get(kPackPaths[i].quantity)) : Value{Invalid{}});
    }
}

}  // namespace bagg

