#include "packs/pack_role.h"

#include <gtest/gtest.h>

namespace bagg {
namespace {

PackSnapshot withLimits()
{
    PackSnapshot s;
    s.with(Quantity::Soc, 80).with(Quantity::ChargeCurrentLimit, 50);
    return s;
}

PackSnapshot withoutLimits()
{
    PackSnapshot s;
    s.with(Quantity::Soc, 80).with(Quantity::Voltage, 52).with(Quantity::Current, 10);
    return s;
}

TEST(PackRole, Table)
{
    struct Case {
        const char* name;
        PackIdentity id;
        PackSnapshot values;
        bool wasPack;
        PackRole role;
    };
    const std::string b = "com.victronenergy.battery.";
    const std::vector<Case> cases = {
        {"a BMS with limits", {b + "ttyUSB0", "", "JK BMS", "", 0xBA77}, withLimits(), false, PackRole::Pack},
        {"a SmartShunt by name", {b + "ttyO1", "", "SmartShunt 500A/50mV", "", std::nullopt}, withoutLimits(), false,
         PackRole::Monitor},
        {"a BMV by product id", {b + "ttyO2", "", "", "", 0xA381}, withoutLimits(), false, PackRole::Monitor},
        {"a Lynx Shunt", {b + "socketcan_can0_vi0_uc1", "", "Lynx Shunt VE.Can", "", std::nullopt}, withoutLimits(),
         false, PackRole::Monitor},
        {"anything without limits", {b + "mqtt_1", "", "MQTT battery", "", std::nullopt}, withoutLimits(), false,
         PackRole::Monitor},
        {"a pack that lost its limits for a moment", {b + "ttyUSB0", "", "JK BMS", "", 0xBA77}, withoutLimits(), true,
         PackRole::Pack},
        {"a BMS whose limits are not published yet, but its cells are",
         {b + "ttyUSB1", "", "JK BMS", "", 0xBA77}, PackSnapshot(withoutLimits()).with(Quantity::MaxCellVoltage, 3.35),
         false, PackRole::Pack},
        {"a second copy of this daemon", {b + "agg2", "", "", "", 0xBA60}, withLimits(), false, PackRole::Aggregate},
        {"dbus-aggregate-batteries", {b + "aggregate", "", "", "", std::nullopt}, withLimits(), false,
         PackRole::Aggregate},
        {"BatteryAggregator", {b + "aggregator", "", "Battery Aggregator", "", 0}, withLimits(), false,
         PackRole::Aggregate},
        {"Victron's Lynx parallel BMS", {b + "lynxparallel0", "", "", "", std::nullopt}, withLimits(), false,
         PackRole::Aggregate},
        {"an aggregator publishing limits is still an aggregate", {b + "x", "", "BMS Aggregator", "", std::nullopt},
         withLimits(), true, PackRole::Aggregate},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name);
        EXPECT_EQ(classifyRole(c.id, c.values, {}, c.wasPack).role, c.role);
    }
}

TEST(PackRole, ConfigurationForcesARole)
{
    RolesConfig roles;
    roles.pack = {"name:Bank 3"};
    roles.monitor = {"serial:HQ9"};
    roles.aggregate = {"com.victronenergy.battery.virtual1"};
    const std::string b = "com.victronenergy.battery.";
    auto d = classifyRole({b + "mqtt", "Bank 3", "", "", std::nullopt}, withoutLimits(), roles, false);
    EXPECT_EQ(d.role, PackRole::Pack);
    EXPECT_EQ(d.why, "configured in [roles] pack");
    EXPECT_EQ(classifyRole({b + "ttyUSB0", "", "", "HQ9", std::nullopt}, withLimits(), roles, true).role,
              PackRole::Monitor);
    EXPECT_EQ(classifyRole({b + "virtual1", "", "", "", std::nullopt}, withLimits(), roles, false).role,
              PackRole::Aggregate);
}

}  // namespace
}  // namespace bagg
