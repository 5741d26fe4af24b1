#include "aggregate_service.h"

#include "bagg/version.h"
#include "packs/battery_paths.h"

#include <fmt/format.h>

namespace bagg {
namespace {

// Formats of the aggregate's own paths; battery paths take theirs from packs/battery_paths.
constexpr PathFormat kCount = PathFormat::integer();
constexpr PathFormat kText = PathFormat::text();

Value num(const std::optional<double>& v) { return v ? Value{*v} : Value{Invalid{}}; }
Value count(const std::optional<int>& v) { return v ? Value{std::int64_t{*v}} : Value{Invalid{}}; }
Value count(int v) { return Value{std::int64_t{v}}; }

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

// The aggregate's values at battery paths, each read from its field of the result. `measured`: a
// measurement that moves with every pack's reading, signalled at most every
// measurement_signal_interval (or with the next limit, SOC or alarm change); the limits, the SOC
// and the capacity the GX acts on are signalled at once.
struct NumberPath {
    const BatteryPath& row;
    std::optional<double> AggregateResult::*field;
    bool measured;
};
const NumberPath kNumberPaths[] = {
    {batteryPath(Quantity::Soc), &AggregateResult::soc, false},
    {batteryPath(Quantity::Voltage), &AggregateResult::voltage, true},
    {batteryPath(Quantity::Current), &AggregateResult::current, true},
    {batteryPath(Quantity::Power), &AggregateResult::power, true},
    {batteryPath(Quantity::Temperature), &AggregateResult::temperature, true},
    {batteryPath(Quantity::Capacity), &AggregateResult::capacity, true},
    {batteryPath(Quantity::InstalledCapacity), &AggregateResult::installedCapacity, false},
    {batteryPath(Quantity::ConsumedAmphours), &AggregateResult::consumedAmphours, true},
    {batteryPath(Quantity::TimeToGo), &AggregateResult::timeToGo, true},
    {batteryPath(Quantity::ChargeVoltageLimit), &AggregateResult::maxChargeVoltage, false},
    {batteryPath(Quantity::ChargeCurrentLimit), &AggregateResult::maxChargeCurrent, false},
    {batteryPath(Quantity::DischargeCurrentLimit), &AggregateResult::maxDischargeCurrent, false},
    {batteryPath(Quantity::BatteryLowVoltage), &AggregateResult::batteryLowVoltage, false},
};

struct CountPath {
    Quantity quantity;
    int AggregateResult::*field;
};
constexpr CountPath kCountPaths[] = {
    {Quantity::ModulesOnline, &AggregateResult::modulesOnline},
    {Quantity::ModulesOffline, &AggregateResult::modulesOffline},
    {Quantity::ModulesBlockingCharge, &AggregateResult::modulesBlockingCharge},
    {Quantity::ModulesBlockingDischarge, &AggregateResult::modulesBlockingDischarge},
};

// Per pack, what `dbus-battery-aggregator status` and dbus-spy users want to see of each BMS:
// /Batteries/<n>/<last component of the quantity's path> ("Voltage", "MaxChargeCurrent"), in its format.
constexpr Quantity kPackValues[] = {
    Quantity::Soc,
    Quantity::Voltage,
    Quantity::Current,
    Quantity::Temperature,
    Quantity::MinCellVoltage,
    Quantity::MaxCellVoltage,
    Quantity::ChargeCurrentLimit,
    Quantity::DischargeCurrentLimit,
    Quantity::AllowToCharge,
    Quantity::AllowToDischarge,
};

// Adds a battery path of ours, typed and rounded as its row says.
BusItemExporter::Id add(BusItemExporter& e, const BatteryPath& row, const Value& initial,
                        BusItemExporter::SetHandler onSet = {},
                        BusItemExporter::Signals signals = BusItemExporter::Signals::Both)
{
    return e.add(std::string(row.path), initial, row.format, std::move(onSet), signals);
}

}  // namespace

AggregateService::AggregateService(BusItemExporter& e, int deviceInstance, Hooks hooks, bool deferMeasurements)
    : exporter_(e), hooks_(std::move(hooks))
{
    using Signals = BusItemExporter::Signals;
    const Signals measurement = deferMeasurements ? Signals::Measured : Signals::Both;
    e.add("/Mgmt/ProcessName", std::string("dbus-battery-aggregator"), kText);
    e.add("/Mgmt/ProcessVersion", std::string(BAGG_VERSION), kText);
    e.add("/Mgmt/Connection", std::string("Aggregate of battery services"), kText);
    ids_.deviceInstance = add(e, batteryPath(PackMeta::DeviceInstance), std::int64_t{deviceInstance});
    add(e, batteryPath(PackMeta::ProductId), std::int64_t{kProductId});
    add(e, batteryPath(PackMeta::ProductName), std::string(kProductName));
    e.add("/FirmwareVersion", std::string(BAGG_VERSION), kText);
    e.add("/HardwareVersion", std::string("virtual"), kText);
    add(e, batteryPath(Quantity::Connected), std::int64_t{1});
    add(e, batteryPath(PackMeta::Serial), std::string("aggregate"));
    ids_.customName = add(e, batteryPath(PackMeta::CustomName), std::string(), [this](const Value& v) {
        return hooks_.onCustomName(std::get<std::string>(v));
    });
    e.add("/LogLevel", std::string("info"), kText, [this](const Value& v) {
        return hooks_.onLogLevel(std::get<std::string>(v));
    });

    for (const auto& n : kNumberPaths)
        ids_.numbers.push_back(add(e, n.row, Invalid{}, {}, n.measured ? measurement : Signals::Both));
    // SOC points, at the SOC's resolution (the band it puts the bank in is signalled at once).
    ids_.socSpread = e.add("/Imbalance/SocSpread", Invalid{}, batteryPath(Quantity::Soc).format, {}, measurement);
    for (std::size_t i = 0; i < kCellExtremeCount; ++i) {
        const auto cell = static_cast<CellExtreme>(i);
        ids_.cellValues[i] = add(e, batteryPath(cellQuantity(cell)), Invalid{}, {}, measurement);
        ids_.cellIds[i] = add(e, cellIdPath(cell), Invalid{}, {}, measurement);
    }
    ids_.cellsPerBattery = add(e, batteryPath(Quantity::CellsPerBattery), Invalid{});
    for (const auto& c : kCountPaths) ids_.counts.push_back(add(e, batteryPath(c.quantity), Invalid{}));
    ids_.packsOnline = e.add("/System/NrOfBatteries", Invalid{}, kCount);
    for (std::size_t a = 0; a < kAlarmCount; ++a) ids_.alarms[a] = add(e, batteryPath(static_cast<Alarm>(a)), Invalid{});
    ids_.chargeLimitation = e.add("/Info/ChargeLimitation", Invalid{}, kText);
    ids_.dischargeLimitation = e.add("/Info/DischargeLimitation", Invalid{}, kText);
    ids_.chargeVoltageLimitation = e.add("/Info/ChargeVoltageLimitation", Invalid{}, kText);
    ids_.chargeMode = add(e, batteryPath(PackMeta::ChargeMode), Invalid{});
    // [sources]: where /Soc and /Dc/0/Current come from.
    ids_.socSource = e.add("/Info/SocSource", Invalid{}, kText);
    ids_.currentSource = e.add("/Info/CurrentSource", Invalid{}, kText);
    // What the owner should know that is not an alarm, "; "-separated (a shunt SOC far from the
    // packs', packs of different cell counts).
    ids_.warnings = e.add("/Info/Warnings", Invalid{}, kText);
    ids_.balancing = add(e, batteryPath(Quantity::Balancing), Invalid{});
    ids_.allowToBalance = add(e, batteryPath(Quantity::AllowToBalance), Invalid{});
    ids_.allowToCharge = add(e, batteryPath(Quantity::AllowToCharge), Invalid{});
    ids_.allowToDischarge = add(e, batteryPath(Quantity::AllowToDischarge), Invalid{});
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
        ids.health = e.add(base + "State", Invalid{}, kText);
        ids.role = e.add(base + "Role", Invalid{}, kText);
        ids.presence = e.add(base + "Presence", Invalid{}, kText);
        ids.rejected = e.add(base + "RejectedValues", Invalid{}, kCount);
        for (const Quantity q : kPackValues) {
            const BatteryPath& row = batteryPath(q);
            ids.values.push_back(
                e.add(base + std::string(leafName(row.path)), Invalid{}, row.format, {}, BusItemExporter::Signals::Slow));
        }
        // Its learnt share of the bank's current (current_feedback), in %.
        ids.currentShare = e.add(base + "CurrentShare", Invalid{}, batteryPath(Quantity::Soc).format, {},
                                 BusItemExporter::Signals::Slow);
        packs_.push_back(ids);
    }
    return packs_[static_cast<std::size_t>(slot)];
}

void AggregateService::update(const AggregateResult& r, const SourceReport& sources, const std::vector<PackEntry>& packs)
{
    auto& e = exporter_;
    e.set(ids_.socSource, sources.soc);
    e.set(ids_.currentSource, sources.current);
    std::string warnings;
    for (const auto& w : r.warnings) warnings += (warnings.empty() ? "" : "; ") + w;
    e.set(ids_.warnings, warnings.empty() ? Value{Invalid{}} : Value{warnings});
    e.set(ids_.balancing, count(r.balancing));
    e.set(ids_.allowToBalance, count(r.allowToBalance));
    for (std::size_t i = 0; i < std::size(kNumberPaths); ++i) e.set(ids_.numbers[i], num(r.*kNumberPaths[i].field));
    e.set(ids_.socSpread, num(r.socSpread));
    for (std::size_t i = 0; i < kCellExtremeCount; ++i) {
        e.set(ids_.cellValues[i], num(r.cells[i].value));
        e.set(ids_.cellIds[i], r.cells[i].value ? Value{r.cells[i].id} : Value{Invalid{}});
    }
    e.set(ids_.cellsPerBattery, count(r.cellsPerBattery));
    for (std::size_t i = 0; i < std::size(kCountPaths); ++i) e.set(ids_.counts[i], count(r.*kCountPaths[i].field));
    e.set(ids_.packsOnline, count(r.packsOnline));
    for (std::size_t a = 0; a < kAlarmCount; ++a) e.set(ids_.alarms[a], count(r.alarms[a]));
    e.set(ids_.chargeLimitation, r.chargeLimitation);
    e.set(ids_.dischargeLimitation, r.dischargeLimitation);
    e.set(ids_.chargeVoltageLimitation, r.chargeVoltageLimitation.empty() ? Value{Invalid{}} : Value{r.chargeVoltageLimitation});
    e.set(ids_.chargeMode, r.chargeMode.empty() ? Value{Invalid{}} : Value{r.chargeMode});
    if (currentShares_ != r.currentShares) currentShares_ = r.currentShares;  // a compare allocates nothing
    e.set(ids_.allowToCharge, count(r.allowToCharge));
    e.set(ids_.allowToDischarge, count(r.allowToDischarge));
    e.set(ids_.band, r.imbalance ? Value{std::string(bandName(r.imbalance->band))} : Value{Invalid{}});

    std::vector<bool> shownNow(packs_.size());
    for (const auto& p : packs) {
        const auto& v = *p.verdict;
        auto& ids = packIds(v.slot);
        shownNow.resize(packs_.size());
        shownNow[static_cast<std::size_t>(v.slot)] = true;
        if (ids.shown && ids.shown->sameAs(v, p.rejectedValues)) continue;
        e.set(ids.service, v.service.empty() ? Value{Invalid{}} : Value{v.service});
        e.set(ids.name, v.label.empty() ? Value{Invalid{}} : Value{v.label});
        e.set(ids.health, std::string(healthName(v.health)));
        e.set(ids.role, std::string(roleName(v.role)));
        e.set(ids.presence, v.presence ? Value{std::string(presenceName(*v.presence))} : Value{Invalid{}});
        e.set(ids.rejected, count(p.rejectedValues));
        ids.shown = PackIds::Shown{v.service, v.label, v.health, v.role, v.presence, p.rejectedValues};
    }
    // A slot of a remembered pack that has been found under its service name again: nothing there now.
    for (std::size_t slot = 0; slot < packs_.size(); ++slot) {
        auto& ids = packs_[slot];
        if (shownNow[slot] || !ids.shown) continue;
        for (Id id : {ids.service, ids.name, ids.health, ids.role, ids.presence, ids.rejected}) e.set(id, Invalid{});
        for (Id id : ids.values) e.set(id, Invalid{});
        ids.shown.reset();
    }
}

void AggregateService::updatePackValues(const std::vector<PackEntry>& packs)
{
    for (const auto& p : packs) {
        const auto& ids = packIds(p.verdict->slot);
        for (std::size_t i = 0; i < std::size(kPackValues); ++i)
            exporter_.set(ids.values[i], p.values ? num(p.values->get(kPackValues[i])) : Value{Invalid{}});
        const auto share = currentShares_.find(p.verdict->identity);
        exporter_.set(ids.currentShare, share == currentShares_.end() ? Value{Invalid{}} : Value{share->second * 100.0});
    }
}

}  // namespace bagg
