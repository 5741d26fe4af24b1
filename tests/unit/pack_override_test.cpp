// [pack "<selector>"] overrides: what the owner corrects of one BMS's values before aggregation.

#include "packs/pack_override.h"
#include "packs/pack_values.h"

#include <gtest/gtest.h>

using namespace bagg;

namespace {

PackSnapshot bms()
{
    PackSnapshot s;
    s.with(Quantity::Soc, 64).with(Quantity::Voltage, 53.0).with(Quantity::Temperature, 20);
    s.with(Quantity::ChargeVoltageLimit, 58.4).with(Quantity::ChargeCurrentLimit, 100);
    s.with(Quantity::DischargeCurrentLimit, 150).with(Quantity::BatteryLowVoltage, 44);
    s.with(Quantity::InstalledCapacity, 100);
    return s;
}

PackOverride::Table table(Quantity over, std::vector<std::pair<double, double>> points)
{
    return PackOverride::Table{over, std::move(points)};
}

}  // namespace

TEST(PackOverride, IgnoredValuesAreAbsent)
{
    PackOverride o;
    o.ignored = {Quantity::Soc, Quantity::Temperature};
    const auto s = applyOverride(bms(), o);
    EXPECT_FALSE(s.get(Quantity::Soc));
    EXPECT_FALSE(s.get(Quantity::Temperature));
    EXPECT_EQ(s.get(Quantity::Voltage), 53.0);
}

TEST(PackOverride, ALimitOnlyLowersOrStandsIn)
{
    PackOverride o;
    o.fixed = {{Quantity::ChargeVoltageLimit, 55.2}, {Quantity::ChargeCurrentLimit, 200}};
    auto s = applyOverride(bms(), o);
    EXPECT_EQ(s.get(Quantity::ChargeVoltageLimit), 55.2) << "the BMS's wrong 58.4 V is fixed";
    EXPECT_EQ(s.get(Quantity::ChargeCurrentLimit), 100) << "never raised above the BMS's own";
    // A BMS that publishes none: the owner's value stands in.
    auto none = bms();
    none.get(Quantity::ChargeCurrentLimit).reset();
    s = applyOverride(none, o);
    EXPECT_EQ(s.get(Quantity::ChargeCurrentLimit), 200);
}

TEST(PackOverride, BatteryLowOnlyRisesAndSettingsReplace)
{
    PackOverride o;
    o.fixed = {{Quantity::BatteryLowVoltage, 46}, {Quantity::InstalledCapacity, 280}};
    auto s = applyOverride(bms(), o);
    EXPECT_EQ(s.get(Quantity::BatteryLowVoltage), 46);
    EXPECT_EQ(s.get(Quantity::InstalledCapacity), 280);
    o.fixed = {{Quantity::BatteryLowVoltage, 40}};
    EXPECT_EQ(applyOverride(bms(), o).get(Quantity::BatteryLowVoltage), 44);
}

TEST(PackOverride, ACurrentTableGivesLimitsToAPackWithoutUsableOnes)
{
    PackOverride o;
    o.ignored = {Quantity::ChargeCurrentLimit, Quantity::DischargeCurrentLimit};
    o.chargeCurrent = table(Quantity::Voltage, {{52.0, 100}, {55.0, 50}, {56.0, 0}});
    o.dischargeCurrent = table(Quantity::Temperature, {{-10, 0}, {0, 50}, {10, 150}});
    auto s = applyOverride(bms(), o);  // 53 V, 20 °C
    EXPECT_NEAR(*s.get(Quantity::ChargeCurrentLimit), 100 - 50.0 / 3, 1e-9);
    EXPECT_EQ(s.get(Quantity::DischargeCurrentLimit), 150) << "beyond the last point: its value";
    auto cold = bms();
    cold.with(Quantity::Temperature, -5).with(Quantity::Voltage, 56.5);
    s = applyOverride(cold, o);
    EXPECT_EQ(s.get(Quantity::ChargeCurrentLimit), 0);
    EXPECT_EQ(s.get(Quantity::DischargeCurrentLimit), 25);
    // Without the measurement the table gives nothing: no limit, so the pack vouches for nothing.
    auto blind = bms();
    blind.get(Quantity::Voltage).reset();
    EXPECT_FALSE(applyOverride(blind, o).get(Quantity::ChargeCurrentLimit));
}

TEST(PackOverride, ATableOnlyLowersTheBmsOwnLimit)
{
    PackOverride o;
    o.chargeCurrent = table(Quantity::Voltage, {{50.0, 300}});
    EXPECT_EQ(applyOverride(bms(), o).get(Quantity::ChargeCurrentLimit), 100);
}

TEST(PackOverride, TheFirstMatchingSectionApplies)
{
    std::vector<PackOverride> all(3);
    all[0].selector = "serial:HQ1";
    all[1].selector = "name:Bank 2";
    all[2].selector = "com.victronenergy.battery.ttyUSB0";
    EXPECT_EQ(findOverride(all, "com.victronenergy.battery.ttyUSB1", "Bank 2", "HQ9"), &all[1]);
    EXPECT_EQ(findOverride(all, "com.victronenergy.battery.ttyUSB0", "Bank 2", "HQ1"), &all[0]);
    EXPECT_EQ(findOverride(all, "com.victronenergy.battery.ttyUSB7", "", ""), nullptr);
}

TEST(PackOverride, PackValuesApplyItOnceTheSelectorMatchesAndKeepTheRawForHealth)
{
    std::vector<PackOverride> all(1);
    all[0].selector = "serial:HQ1";
    all[0].ignored = {Quantity::Soc};
    PackValues v("com.victronenergy.battery.ttyUSB0", &all);
    const PlausibilityConfig limits;
    v.apply("/Soc", Decoded{Value{64.0}}, limits);
    EXPECT_EQ(v.snapshot().get(Quantity::Soc), 64.0) << "no serial yet: not this pack's override";
    v.apply("/Serial", Decoded{Value{std::string("HQ1")}}, limits);
    EXPECT_FALSE(v.snapshot().get(Quantity::Soc));
    EXPECT_EQ(v.raw().get(Quantity::Soc), 64.0) << "health sees what the BMS publishes";
    v.apply("/Soc", Decoded{Value{65.0}}, limits);
    EXPECT_FALSE(v.snapshot().get(Quantity::Soc));
    EXPECT_EQ(v.raw().get(Quantity::Soc), 65.0);
}
