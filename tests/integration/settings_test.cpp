// Device instance and custom name through com.victronenergy.settings (fake-settings stands in for
// localsettings), and the fallback when there is no settings service.

#include "aggregator_fixture.h"

#include <signal.h>

namespace bagg::test {
namespace {

constexpr const char* kInstanceSetting = "/Settings/Devices/dbus_battery_aggregator/ClassAndVrmInstance";
constexpr const char* kNameSetting = "/Settings/Devices/dbus_battery_aggregator/CustomName";
constexpr const char* kSettings = "com.victronenergy.settings";

class Settings : public AggregatorFixture {};

TEST_F(Settings, GrantedDeviceInstanceIsPublishedAndFollowed)
{
    startFakeSettings({"--taken", "battery:512"});
    startDaemon("[service]\ndevice_instance = auto\n");
    // The name is claimed only once the instance is known: the first scan already sees the right one.
    EXPECT_EQ(aggregateValue("/DeviceInstance"), integer(513));
    EXPECT_EQ(client_.getValue(kSettings, kInstanceSetting), text("battery:513"));

    // The GUI changes the instance: we follow.
    ASSERT_EQ(client_.setValue(kSettings, kInstanceSetting, sdbus::Variant(std::string("battery:520"))), 0);
    EXPECT_TRUE(waitAggregate("/DeviceInstance", integer(520)));
}

TEST_F(Settings, CustomNameIsPersistedAndRestored)
{
    startFakeSettings();
    auto& first = startDaemon("[service]\ndevice_instance = auto\n");
    EXPECT_EQ(aggregateValue("/DeviceInstance"), integer(512));
    ASSERT_EQ(client_.setValue(kAggregate, "/CustomName", sdbus::Variant(std::string("House bank"))), 0);
    EXPECT_EQ(aggregateValue("/CustomName"), text("House bank"));
    EXPECT_TRUE(client_.waitForValue(kSettings, kNameSetting, text("House bank")));
    EXPECT_NE(client_.setValue(kAggregate, "/CustomName", sdbus::Variant(42.0)), 0) << "a name is a string";
    // A name the GUI cannot show, or not UTF-8: refused, nothing changed, and a short log line.
    const std::string huge(5000, 'x');
    EXPECT_NE(client_.setValue(kAggregate, "/CustomName", sdbus::Variant(huge)), 0);
    EXPECT_EQ(aggregateValue("/CustomName"), text("House bank"));
    EXPECT_EQ(first.log().find(std::string(100, 'x')), std::string::npos) << "the whole name logged";
    EXPECT_NE(first.log().find("… (5000 characters)"), std::string::npos) << first.log();
    EXPECT_EQ(client_.setValue(kAggregate, "/CustomName", sdbus::Variant(std::string(64, 'y'))), 0) << "64 fit";
    EXPECT_EQ(client_.setValue(kAggregate, "/CustomName", sdbus::Variant(std::string("House bank"))), 0);

    ASSERT_EQ(first.stop(SIGTERM, 5s), 0);
    ASSERT_TRUE(client_.waitFor([&] { return !client_.hasOwner(kAggregate); }));
    startDaemon("[service]\ndevice_instance = auto\n");
    EXPECT_TRUE(waitAggregate("/CustomName", text("House bank")));
}

TEST_F(Settings, WithoutSettingsServiceFallsBackAfterTheTimeout)
{
    auto& daemon = startDaemon("[service]\ndevice_instance = auto\npreferred_instance = 290\nsettings_timeout = 1\n",
                               false);
    ASSERT_TRUE(client_.waitFor([&] { return client_.hasOwner(kAggregate); }, 5s));
    EXPECT_EQ(aggregateValue("/DeviceInstance"), integer(290));
    EXPECT_NE(daemon.log().find("no answer from com.victronenergy.settings"), std::string::npos);
}

TEST_F(Settings, SettingsServiceStartingLateIsUsed)
{
    startDaemon("[service]\ndevice_instance = auto\nsettings_timeout = 1\n", false);
    ASSERT_TRUE(client_.waitFor([&] { return client_.hasOwner(kAggregate); }, 5s));
    EXPECT_EQ(aggregateValue("/DeviceInstance"), integer(512));
    startFakeSettings({"--taken", "battery:512"});
    EXPECT_TRUE(waitAggregate("/DeviceInstance", integer(513)));
}

}  // namespace
}  // namespace bagg::test
