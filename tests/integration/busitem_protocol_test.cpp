// Our service speaks the Venus OS BusItem protocol exactly (venus-dbus.md §1-3): what the dbus CLI,
// systemcalc and dbus-flashmq rely on.

#include "aggregator_fixture.h"

namespace bagg::test {
namespace {

class BusItemProtocol : public AggregatorFixture {};

TEST_F(BusItemProtocol, GetItemsHasEveryMandatoryPathWithValueAndText)
{
    startSim({"--packs", "2", "--soc", "60,64", "--no-drift"});
    startDaemon();
    ASSERT_TRUE(waitAggregate("/System/NrOfBatteries", integer(2)));
    const auto items = client_.getItems(kAggregate);
    for (const char* p : {"/Mgmt/ProcessName", "/Mgmt/ProcessVersion", "/Mgmt/Connection", "/DeviceInstance",
                          "/ProductId", "/ProductName", "/FirmwareVersion", "/HardwareVersion", "/Connected",
                          "/CustomName", "/Serial", "/Info/MaxChargeVoltage", "/Info/ChargeLimitation",
                          "/Info/DischargeLimitation", "/System/NrOfBatteries", "/Batteries/0/Service",
                          "/Batteries/1/State", "/Alarms/CellImbalance", "/Alarms/Contactor"})
        EXPECT_EQ(items.count(p), 1u) << p;
    // What systemcalc needs to list us as a battery and a BMS.
    EXPECT_EQ(items.at("/Connected"), integer(1));
    EXPECT_EQ(items.at("/ProductName"), text("Battery Aggregator"));
    EXPECT_EQ(items.at("/Mgmt/Connection"), text("Aggregate of battery services"));
    EXPECT_EQ(items.at("/DeviceInstance"), integer(300));
    EXPECT_EQ(items.at("/ProductId"), integer(0xBA60));
    EXPECT_EQ(items.at("/Info/MaxChargeVoltage"), num(56.8));
    EXPECT_EQ(items.at("/Batteries/1/Service"), text(sim(2)));
}

TEST_F(BusItemProtocol, TextsCarryUnitsAndInvalidIsAnEmptyIntArray)
{
    startSim({"--packs", "2", "--soc", "60,64", "--no-drift"});
    startDaemon();
    ASSERT_TRUE(waitAggregate("/System/NrOfBatteries", integer(2)));
    EXPECT_EQ(client_.getText(kAggregate, "/Soc"), "60.0%");
    EXPECT_EQ(client_.getText(kAggregate, "/Info/MaxChargeVoltage"), "56.80V");
    EXPECT_EQ(client_.getText(kAggregate, "/Dc/0/Current"), "0.0A");

    // Not discharging: TimeToGo is invalid, which on the wire is a variant holding an empty `ai`.
    auto proxy = sdbus::createProxy(client_.connection(), kAggregate, "/TimeToGo");
    proxy->finishRegistration();
    sdbus::Variant v;
    proxy->callMethod("GetValue").onInterface(kBusItemInterface).storeResultsTo(v);
    EXPECT_EQ(v.peekValueType(), "ai");
    EXPECT_TRUE(v.get<std::vector<std::int32_t>>().empty());
    EXPECT_EQ(client_.getText(kAggregate, "/TimeToGo"), "---");
}

TEST_F(BusItemProtocol, NodesReturnTheirSubtreeWithRelativeKeys)
{
    startSim({"--packs", "1", "--soc", "55", "--no-drift"});
    startDaemon();
    ASSERT_TRUE(waitAggregate("/Soc", num(55.0)));
    const auto dc = client_.nodeValue(kAggregate, "/Dc");
    EXPECT_EQ(dc.count("0/Voltage"), 1u);
    EXPECT_EQ(dc.count("0/Current"), 1u);
    EXPECT_EQ(dc.size(), 4u) << "Voltage, Current, Power, Temperature";
    const auto dc0 = client_.nodeValue(kAggregate, "/Dc/0");
    EXPECT_EQ(dc0.at("Voltage"), aggregateValue("/Dc/0/Voltage"));
    const auto root = client_.nodeValue(kAggregate, "/");
    EXPECT_EQ(root.at("Soc"), num(55.0));
    EXPECT_EQ(root.count("Dc/0/Current"), 1u);
}

TEST_F(BusItemProtocol, EveryObjectIntrospectsWithBusItemMethods)
{
    startSim({"--packs", "1", "--no-drift"});
    startDaemon();
    ASSERT_TRUE(waitAggregate("/System/NrOfBatteries", integer(1)));
    std::set<std::string> objects = {"/", "/Dc", "/Dc/0", "/Info", "/Alarms", "/Batteries", "/Batteries/0"};
    for (const auto& [path, value] : client_.getItems(kAggregate)) objects.insert(path);
    for (const auto& path : objects) {
        const auto xml = client_.introspect(kAggregate, path);
        EXPECT_NE(xml.find("<interface name=\"com.victronenergy.BusItem\">"), std::string::npos) << path;
        EXPECT_NE(xml.find("<method name=\"GetValue\">"), std::string::npos) << path;
        EXPECT_NE(xml.find("<method name=\"GetText\">"), std::string::npos) << path;
        // sd-bus's mark of a method only root and our own user may call: any user may call ours.
        EXPECT_EQ(xml.find("org.freedesktop.systemd1.Privileged"), std::string::npos) << path;
    }
    EXPECT_NE(client_.introspect(kAggregate, "/").find("<method name=\"GetItems\">"), std::string::npos);
    EXPECT_NE(client_.introspect(kAggregate, "/").find("<signal name=\"ItemsChanged\">"), std::string::npos);
    const auto leaf = client_.introspect(kAggregate, "/Soc");
    EXPECT_NE(leaf.find("<method name=\"SetValue\">"), std::string::npos);
    EXPECT_NE(leaf.find("<signal name=\"PropertiesChanged\">"), std::string::npos);
}

TEST_F(BusItemProtocol, SetValueIsRefusedWhereNotWritableAndChangesNothing)
{
    startSim({"--packs", "1", "--soc", "55", "--no-drift"});
    startDaemon();
    ASSERT_TRUE(waitAggregate("/Soc", num(55.0)));
    EXPECT_NE(client_.setValue(kAggregate, "/Soc", sdbus::Variant(99.0)), 0);
    EXPECT_NE(client_.setValue(kAggregate, "/Info/MaxChargeCurrent", sdbus::Variant(500.0)), 0);
    EXPECT_NE(client_.setValue(kAggregate, "/DeviceInstance", sdbus::Variant(std::int32_t{1})), 0);
    EXPECT_EQ(aggregateValue("/Soc"), num(55.0));
    EXPECT_EQ(aggregateValue("/Info/MaxChargeCurrent"), num(50.0));
    EXPECT_EQ(aggregateValue("/DeviceInstance"), integer(300));

    // /LogLevel takes the four level names, nothing else.
    EXPECT_EQ(client_.setValue(kAggregate, "/LogLevel", sdbus::Variant(std::string("debug"))), 0);
    EXPECT_EQ(aggregateValue("/LogLevel"), text("debug"));
    EXPECT_NE(client_.setValue(kAggregate, "/LogLevel", sdbus::Variant(std::string("loud"))), 0);
    EXPECT_NE(client_.setValue(kAggregate, "/LogLevel", sdbus::Variant(3.0)), 0);
    EXPECT_EQ(aggregateValue("/LogLevel"), text("debug"));
    // Invalid (an empty `ai`) where a text belongs: refused with a return code, not an error reply.
    const sdbus::Variant invalid(std::vector<std::int32_t>{});
    EXPECT_NE(client_.setValue(kAggregate, "/LogLevel", invalid), 0);
    EXPECT_NE(client_.setValue(kAggregate, "/CustomName", invalid), 0);
    EXPECT_EQ(aggregateValue("/LogLevel"), text("debug"));
}

TEST_F(BusItemProtocol, StringsForNumericPathsAreCoercedAsTheDbusCliSendsThem)
{
    // The battery-sim packs use the same exporter, and their paths are writable.
    startSim({"--packs", "1", "--soc", "55", "--no-drift"});
    EXPECT_EQ(client_.setValue(sim(1), "/Soc", sdbus::Variant(std::string("60"))), 0);
    EXPECT_EQ(client_.getValue(sim(1), "/Soc"), num(60.0));
    EXPECT_NE(client_.setValue(sim(1), "/Soc", sdbus::Variant(std::string("abc"))), 0);
    EXPECT_EQ(client_.getValue(sim(1), "/Soc"), num(60.0));
    EXPECT_EQ(client_.setValue(sim(1), "/Io/AllowToCharge", sdbus::Variant(std::string("0"))), 0);
    EXPECT_EQ(client_.getValue(sim(1), "/Io/AllowToCharge"), num(0.0));
}

}  // namespace
}  // namespace bagg::test
