#include "packs/battery_paths.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <utility>

namespace bagg {
namespace {

using Kind = BatteryPath::Kind;
using FormatKind = PathFormat::Kind;

template <typename E>
void expectOneRowEach(std::size_t count, Kind kind, const BatteryPath& (*rowOf)(E))
{
    std::map<std::size_t, int> rows;
    for (const auto& r : batteryPaths())
        if (r.kind == kind) ++rows[r.index];
    EXPECT_EQ(rows.size(), count);
    for (std::size_t i = 0; i < count; ++i) {
        EXPECT_EQ(rows[i], 1) << "kind " << static_cast<int>(kind) << " index " << i;
        const BatteryPath& r = rowOf(static_cast<E>(i));
        EXPECT_EQ(r.kind, kind);
        EXPECT_EQ(r.index, i);
    }
}

TEST(BatteryPaths, EveryQuantityCellAlarmAndIdentityHasExactlyOneRow)
{
    expectOneRowEach<Quantity>(kQuantityCount, Kind::Quantity, &batteryPath);
    expectOneRowEach<CellExtreme>(kCellExtremeCount, Kind::CellId, &cellIdPath);
    expectOneRowEach<Alarm>(kAlarmCount, Kind::Alarm, &batteryPath);
    expectOneRowEach<PackMeta>(kPackMetaCount, Kind::Meta, &batteryPath);
}

TEST(BatteryPaths, PathsAreUniqueAbsoluteAndAlarmsNamedAsTheCoreNamesThem)
{
    std::set<std::string_view> seen;
    for (const auto& r : batteryPaths()) {
        EXPECT_TRUE(seen.insert(r.path).second) << r.path << " twice";
        ASSERT_FALSE(r.path.empty());
        EXPECT_EQ(r.path.front(), '/') << r.path;
        EXPECT_EQ(r.path.find("//"), std::string_view::npos) << r.path;
        EXPECT_NE(r.path.back(), '/') << r.path;
    }
    for (std::size_t i = 0; i < kAlarmCount; ++i) {
        const auto a = static_cast<Alarm>(i);
        EXPECT_EQ(batteryPath(a).path, "/Alarms/" + std::string(alarmName(a)));
    }
}

bool isCountOrFlag(Quantity q)
{
    switch (q) {
    case Quantity::CellsPerBattery:
    case Quantity::ModulesOnline:
    case Quantity::ModulesOffline:
    case Quantity::ModulesBlockingCharge:
    case Quantity::ModulesBlockingDischarge:
    case Quantity::AllowToCharge:
    case Quantity::AllowToDischarge:
    case Quantity::AllowToBalance:
    case Quantity::Balancing:
    case Quantity::Connected: return true;
    default: return false;
    }
}

TEST(BatteryPaths, EachFormatIsTheKindOfItsValue)
{
    for (const auto& r : batteryPaths()) {
        SCOPED_TRACE(std::string(r.path));
        switch (r.kind) {
        case Kind::Alarm: EXPECT_EQ(r.format.kind, FormatKind::Integer); break;  // levels 0/1/2
        case Kind::CellId: EXPECT_EQ(r.format.kind, FormatKind::Text); break;    // "C7"
        case Kind::Quantity:
            EXPECT_EQ(r.format.kind, isCountOrFlag(static_cast<Quantity>(r.index)) ? FormatKind::Integer : FormatKind::Number);
            break;
        case Kind::Meta: {
            const auto m = static_cast<PackMeta>(r.index);
            const bool number = m == PackMeta::ProductId || m == PackMeta::DeviceInstance;
            EXPECT_EQ(r.format.kind, number ? FormatKind::Integer : FormatKind::Text);
            break;
        }
        }
        if (r.format.kind != FormatKind::Number) {
            EXPECT_STREQ(r.format.unit, "");
            continue;
        }
        // The resolutions we publish (README "The D-Bus service"): one per unit, cells finer.
        const std::map<std::string, int> decimals = {{"V", 2}, {"A", 1}, {"W", 0}, {"%", 1}, {"°C", 1}, {"Ah", 1}, {"s", 0}};
        ASSERT_TRUE(decimals.count(r.format.unit)) << "unit '" << r.format.unit << "'";
        const bool cellVoltage = r.kind == Kind::Quantity && (static_cast<Quantity>(r.index) == Quantity::MinCellVoltage ||
                                                              static_cast<Quantity>(r.index) == Quantity::MaxCellVoltage);
        EXPECT_EQ(r.format.decimals, cellVoltage ? 3 : decimals.at(r.format.unit));
    }
}

TEST(BatteryPaths, TheReaderFindsEveryPathItReadsAndNothingElse)
{
    for (const auto& r : batteryPaths())
        EXPECT_EQ(findPackPath(r.path), &r) << r.path;
    for (std::string_view other : {"", "/", "/Soc/", "/soc", "/Dc/0", "/Alarms/", "/Alarms/Nonsense", "/Mgmt/ProcessName"})
        EXPECT_EQ(findPackPath(other), nullptr) << other;
    // A path that is not a literal (as the decoder hands them over) finds the same row.
    const std::string soc = std::string("/S") + "oc";
    EXPECT_EQ(findPackPath(soc), &batteryPath(Quantity::Soc));
    EXPECT_EQ(quantityPath(Quantity::ChargeCurrentLimit), "/Info/MaxChargeCurrent");
}

TEST(BatteryPaths, CellExtremesPairAValueWithAnId)
{
    const std::pair<CellExtreme, std::pair<std::string_view, std::string_view>> cells[] = {
        {CellExtreme::MinVoltage, {"/System/MinCellVoltage", "/System/MinVoltageCellId"}},
        {CellExtreme::MaxVoltage, {"/System/MaxCellVoltage", "/System/MaxVoltageCellId"}},
        {CellExtreme::MinTemperature, {"/System/MinCellTemperature", "/System/MinTemperatureCellId"}},
        {CellExtreme::MaxTemperature, {"/System/MaxCellTemperature", "/System/MaxTemperatureCellId"}},
    };
    for (const auto& [cell, paths] : cells) {
        EXPECT_EQ(batteryPath(cellQuantity(cell)).path, paths.first);
        EXPECT_EQ(cellIdPath(cell).path, paths.second);
    }
}

TEST(BatteryPaths, WhatTheInverterActsOnIsPromptAMeasurementWaitsForItsReading)
{
    // Prompt: recomputed as soon as the bus is drained. The SOC, every limit and flag DVCC passes
    // on, what makes a pack count or not, every alarm and the identity.
    for (Quantity q : {Quantity::Soc, Quantity::ChargeCurrentLimit, Quantity::DischargeCurrentLimit,
                       Quantity::ChargeVoltageLimit, Quantity::BatteryLowVoltage, Quantity::AllowToCharge,
                       Quantity::AllowToDischarge, Quantity::ModulesBlockingCharge, Quantity::ModulesBlockingDischarge,
                       Quantity::ModulesOnline, Quantity::ModulesOffline, Quantity::Connected})
        EXPECT_EQ(urgencyOf(batteryPath(q)), Urgency::Prompt) << quantityPath(q);
    for (std::size_t a = 0; a < kAlarmCount; ++a)
        EXPECT_EQ(urgencyOf(batteryPath(static_cast<Alarm>(a))), Urgency::Prompt) << batteryPath(static_cast<Alarm>(a)).path;
    for (std::size_t m = 0; m < kPackMetaCount; ++m)
        EXPECT_EQ(urgencyOf(batteryPath(static_cast<PackMeta>(m))), Urgency::Prompt) << batteryPath(static_cast<PackMeta>(m)).path;
    // A measurement: within recompute_delay, together with the rest of the driver's reading.
    for (Quantity q : {Quantity::Voltage, Quantity::Current, Quantity::Power, Quantity::Temperature, Quantity::Capacity,
                       Quantity::ConsumedAmphours, Quantity::TimeToGo, Quantity::MinCellVoltage, Quantity::MaxCellVoltage,
                       Quantity::Balancing})
        EXPECT_EQ(urgencyOf(batteryPath(q)), Urgency::WithReading) << quantityPath(q);
    EXPECT_EQ(urgencyOf(cellIdPath(CellExtreme::MaxVoltage)), Urgency::WithReading);
}

TEST(BatteryPaths, LeafNameIsTheLastComponent)
{
    EXPECT_EQ(leafName("/Dc/0/Voltage"), "Voltage");
    EXPECT_EQ(leafName("/Soc"), "Soc");
    EXPECT_EQ(leafName("Soc"), "Soc");
}

}  // namespace
}  // namespace bagg
