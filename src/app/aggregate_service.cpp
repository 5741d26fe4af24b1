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

// The aggregate's numbers, each read from its field of the result.
struct NumberPath {
    const char* path;
    PathFormat format;
    std::optional<double> AggregateResult::*field;
};
const NumberPath kNumberPaths[] = {
    {"/Soc", kPercent, &AggregateResult::soc},
    {"/Dc/0/Voltage", kVolts, &AggregateResult::voltage},
    {"/Dc/0/Current", kAmps, &AggregateResult::current},
    {"/Dc/0/Power", kWatts, &AggregateResult::power},
    {"/Dc/0/Temperature", kCelsius, &AggregateResult::temperature},
    {"/Capacity", kAmpHours, &AggregateResult::capacity},
    {"/InstalledCapacity", kAmpHours, &AggregateResult::installedCapacity},
    {"/ConsumedAmphours", kAmpHours, &AggregateResult::consumedAmphours},
    {"/TimeToGo", kSeconds, &AggregateResult::timeToGo},
    {"/Info/MaxChargeVoltage", kVolts, &AggregateResult::maxChargeVoltage},
    {"/Info/MaxChargeCurrent", kAmps, &AggregateResult::maxChargeCurrent},
    {"/Info/MaxDischargeCurrent", kAmps, &AggregateResult::maxDischargeCurrent},
    {"/Info/BatteryLowVoltage", kVolts, &AggregateResult::batteryLowVoltage},
    {"/Imbalance/SocSpread", kPercent, &AggregateResult::socSpread},
};

struct CountPath {
    const char* path;
    int AggregateResult::*field;
};
const CountPath kCountPaths[] = {
    {"/System/NrOfModulesOnline", &AggregateResult::modulesOnline},
    {"/System/NrOfModulesOffline", &AggregateResult::modulesOffline},
    {"/System/NrOfModulesBlockingCharge", &AggregateResult::modulesBlockingCharge},
    {"/System/NrOfModulesBlockingDischarge", &AggregateResult::modulesBlockingDischarge},
    {"/System/NrOfBatteries", &AggregateResult::packsOnline},
};

// Per pack, what `dbus-battery-aggregator status` and dbus-spy users want to see of each BMS.
struct PackPath {
    const char* name;
    Quantity quantity;
    PathFormat format;
};
const PackPath kPackPaths[] = {
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
};

}  // namespace

AggregateService::AggregateService(BusItemExporter& e, int deviceInstance, Hooks hooks)
    : exporter_(e), hooks_(std::move(hooks))
{
    e.add("/Mgmt/ProcessName", std::string("dbus-battery-aggregator"), kText);
    e.add("/Mgmt/ProcessVersion", std::string(BAGG_VERSION), kText);
    e.add("/Mgmt/Connection", std::string("Aggregate of battery services"), kText);
    ids_.deviceInstance = e.add("/DeviceInstance", std::int64_t{deviceInstance}, kCount);
    e.add("/ProductId", std::int64_t{kProductId}, kCount);
    e.add("/ProductName", std::string(kProductName), kText);
    e.add("/FirmwareVersion", std::string(BAGG_VERSION), kText);
    e.add("/HardwareVersion", std::string("virtual"), kText);
    e.add("/Connected", std::int64_t{1}, kCount);
    e.add("/Serial", std::string("aggregate"), kText);
    ids_.customName = e.add("/CustomName", std::string(), kText, [this](const Value& v) {
        return hooks_.onCustomName(std::get<std::string>(v));
    });
    e.add("/LogLevel", std::string("info"), kText, [this](const Value& v) {
        return hooks_.onLogLevel(std::get<std::string>(v));
    });

    for (const auto& n : kNumberPaths) ids_.numbers.push_back(e.add(n.path, Invalid{}, n.format));
    for (std::size_t i = 0; i < kCells; ++i) {
        ids_.cellValues[i] = e.add(kCellPaths[i].value, Invalid{}, kCellPaths[i].format);
        ids_.cellIds[i] = e.add(kCellPaths[i].id, Invalid{}, kText);
    }
    ids_.cellsPerBattery = e.add("/System/NrOfCellsPerBattery", Invalid{}, kCount);
    for (const auto& c : kCountPaths) ids_.counts.push_back(e.add(c.path, Invalid{}, kCount));
    for (std::size_t a = 0; a < kAlarmCount; ++a)
        ids_.alarms[a] = e.add("/Alarms/" + std::string(alarmName(static_cast<Alarm>(a))), Invalid{}, kCount);
    ids_.chargeLimitation = e.add("/Info/ChargeLimitation", Invalid{}, kText);
    ids_.dischargeLimitation = e.add("/Info/DischargeLimitation", Invalid{}, kText);
    ids_.allowToCharge = e.add("/Io/AllowToCharge", Invalid{}, kCount);
    ids_.allowToDischarge = e.add("/Io/AllowToDischarge", Invalid{}, kCount);
    ids_.band = e.add("/Imbalance/Band", Invalid{}, kText);
    // The owner removed a pack for good: `dbus -y com.victronenergy.battery.aggregate /ForgetMissingPacks SetValue 1`
    // clears /Alarms/BmsCable for it (README "When a pack misbehaves").
    e.add("/ForgetMissingPacks", std::int64_t{0}, kCount, [this](const Value& v) {
        if (v != Value{std::int64_t{1}}) return false;
        hooks_.onForgetMissing();
        return true;
    });
}

void AggregateService::setDeviceInstance(int instance) { exporter_.set(ids_.deviceInstance, std::int64_t{instance}); }

void AggregateService::setCustomName(const std::string& name) { exporter_.set(ids_.customName, name); }

AggregateService::PackIds& AggregateService::packIds(int slot)
{
    while (static_cast<int>(packs_.size()) <= slot) {
        const std::string base = fmt::format("/Batteries/{}/", packs_.size());
        auto& e = exporter_;
        PackIds ids;
        ids.service = e.add(base + "Service", Invalid{}, kText);
        ids.name = e.add(base + "Name", Invalid{}, kText);
        ids.state = e.add(base + "State", Invalid{}, kText);
        ids.role = e.add(base + "Role", Invalid{}, kText);
        ids.presence = e.add(base + "Presence", Invalid{}, kText);
        ids.rejected = e.add(base + "RejectedValues", Invalid{}, kCount);
        for (const auto& v : kPackPaths)
            ids.values.push_back(e.add(base + v.name, Invalid{}, v.format, {}, BusItemExporter::Signals::Pulled));
        packs_.push_back(ids);
    }
    return packs_[static_cast<std::size_t>(slot)];
}

void AggregateService::update(const AggregateResult& r, const std::vector<PackEntry>& packs)
{
    auto& e = exporter_;
    for (std::size_t i = 0; i < std::size(kNumberPaths); ++i) e.set(ids_.numbers[i], num(r.*kNumberPaths[i].field));
    for (std::size_t i = 0; i < kCells; ++i) {
        e.set(ids_.cellValues[i], num(r.cells[i].value));
        e.set(ids_.cellIds[i], r.cells[i].value ? Value{r.cells[i].id} : Value{Invalid{}});
    }
    e.set(ids_.cellsPerBattery, count(r.cellsPerBattery));
    for (std::size_t i = 0; i < std::size(kCountPaths); ++i) e.set(ids_.counts[i], count(r.*kCountPaths[i].field));
    for (std::size_t a = 0; a < kAlarmCount; ++a) e.set(ids_.alarms[a], count(r.alarms[a]));
    e.set(ids_.chargeLimitation, r.chargeLimitation);
    e.set(ids_.dischargeLimitation, r.dischargeLimitation);
    e.set(ids_.allowToCharge, count(r.allowToCharge));
    e.set(ids_.allowToDischarge, count(r.allowToDischarge));
    e.set(ids_.band, r.imbalance ? Value{std::string(bandName(r.imbalance->band))} : Value{Invalid{}});

    std::vector<bool> shownNow(packs_.size());
    for (const auto& p : packs) {
        const auto& v = p.verdict;
        auto& ids = packIds(v.slot);
        shownNow.resize(packs_.size());
        shownNow[static_cast<std::size_t>(v.slot)] = true;
        const PackIds::Shown now{v.service, v.label, v.health, v.role, v.presence, p.rejectedValues};
        if (ids.shown == now) continue;
        e.set(ids.service, v.service.empty() ? Value{Invalid{}} : Value{v.service});
        e.set(ids.name, v.label.empty() ? Value{Invalid{}} : Value{v.label});
        e.set(ids.state, std::string(healthName(v.health)));
        e.set(ids.role, std::string(roleName(v.role)));
        e.set(ids.presence, v.presence ? Value{std::string(presenceName(*v.presence))} : Value{Invalid{}});
        e.set(ids.rejected, count(p.rejectedValues));
        ids.shown = now;
    }
    // A slot of a remembered pack that has been found under its service name again: nothing there now.
    for (std::size_t slot = 0; slot < packs_.size(); ++slot) {
        auto& ids = packs_[slot];
        if (shownNow[slot] || !ids.shown) continue;
        for (Id id : {ids.service, ids.name, ids.state, ids.role, ids.presence, ids.rejected}) e.set(id, Invalid{});
        for (Id id : ids.values) e.set(id, Invalid{});
        ids.shown.reset();
    }
}

void AggregateService::updatePackValues(const std::vector<PackEntry>& packs)
{
    for (const auto& p : packs) {
        const auto& ids = packIds(p.verdict.slot);
        for (std::size_t i = 0; i < std::size(kPackPaths); ++i)
            exporter_.set(ids.values[i], p.values ? num(p.values->get(kPackPaths[i].quantity)) : Value{Invalid{}});
    }
}

}  // namespace bagg
