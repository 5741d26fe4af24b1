// Issue 11 on a real private bus: each failing input of the issue, with its right value, as the
// aggregate publishes it. (What then reaches the inverter through Victron's systemcalc is in
// dvcc_test.cpp.) The limit guard checks every published CCL/DCL in each of these.

#include "aggregator_fixture.h"
#include "fake_pack.h"

#include <fmt/format.h>

#include <fstream>

namespace bagg::test {
namespace {

class SafeLimitsOnTheBus : public AggregatorFixture {
protected:
    std::int32_t set(int pack, const std::string& path, const sdbus::Variant& v) { return client_.setValue(sim(pack), path, v); }
    void setNumber(int pack, const std::string& path, double v) { ASSERT_EQ(set(pack, path, sdbus::Variant(v)), 0); }
    void setInt(int pack, const std::string& path, int v) { ASSERT_EQ(set(pack, path, sdbus::Variant(std::int32_t{v})), 0); }
    void invalidate(int pack, const std::string& path)
    {
        ASSERT_EQ(set(pack, path, sdbus::Variant(std::vector<std::int32_t>{})), 0);
    }
    void setPresent(int pack, bool present)
    {
        ASSERT_EQ(client_.setValue(kSimControl, "/Pack/" + std::to_string(pack) + "/Present",
                                   sdbus::Variant(std::int32_t{present ? 1 : 0})),
                  0);
    }
    std::string config(const std::string& extra, bool stateFile = false)
    {
        std::string c = "[service]\ndevice_instance = 300\n";
        c += stateFile ? "state_file = " + bus_.dir().file("state") + "\n" : "state_file =\n";
        return c + extra;
    }
    // Every value of `path` the aggregate published since recording began.
    std::vector<Value> published(const std::string& path)
    {
        std::vector<Value> out;
        for (const auto& items : client_.itemsChanged())
            if (auto it = items.find(path); it != items.end()) out.push_back(it->second);
        return out;
    }
    // Holds `what` for `d`: the predicate is checked on every message, and must never be false.
    void holdsFor(std::chrono::milliseconds d, const std::function<bool()>& what, const char* why)
    {
        const auto end = std::chrono::steady_clock::now() + d;
        client_.waitFor(
            [&] {
                EXPECT_TRUE(what()) << why;
                return std::chrono::steady_clock::now() >= end || HasFailure();
            },
            d + 1s);
    }
};

// Rule 1: every BMS driver exits. The CCL 0 only reaches the inverter if systemcalc still counts
// us as a BMS, which it does only with a CVL: the last vouched one stays, also after a restart.
TEST_F(SafeLimitsOnTheBus, NoPackOnlineKeepsTheLastCvlAlsoAfterARestart)
{
    startSim({"--packs", "3", "--soc", "70,80,90", "--no-drift", "--cvl", "56"});
    auto& first = startDaemon(config("[batteries]\nreconnect_grace = 1\n", true));
    ASSERT_TRUE(waitAggregate("/System/NrOfBatteries", integer(3)));
    ASSERT_TRUE(waitAggregate("/Info/MaxChargeVoltage", num(56.0)));
    for (int k = 1; k <= 3; ++k) setPresent(k, false);
    ASSERT_TRUE(waitAggregate("/Info/MaxDischargeCurrent", num(0.0), 5s)) << "after the grace";
    EXPECT_EQ(aggregateValue("/Info/MaxChargeVoltage"), num(56.0));
    EXPECT_EQ(aggregateValue("/Info/MaxChargeCurrent"), num(0.0));
    EXPECT_EQ(aggregateValue("/Alarms/BmsCable"), integer(2));

    // Restarted with no pack on the bus: it waits for the remembered packs for the grace, then
    // publishes the CVL kept in the state file, with no current allowed.
    ASSERT_EQ(first.stop(SIGTERM, 5s), std::optional<int>(0));
    startDaemon(config("[batteries]\nreconnect_grace = 1\n", true));
    EXPECT_EQ(aggregateValue("/Info/MaxChargeVoltage"), num(56.0));
    EXPECT_EQ(aggregateValue("/Info/MaxChargeCurrent"), num(0.0));
    EXPECT_EQ(aggregateValue("/Info/MaxDischargeCurrent"), num(0.0));
    EXPECT_EQ(aggregateValue("/Alarms/BmsCable"), integer(2)) << "the remembered packs are missing";
}

// Rule 2: all drivers restart together for a few seconds. Charging stops at once; discharging
// goes on at the last vouched DCL for the grace, then stops if nobody is back.
TEST_F(SafeLimitsOnTheBus, DriverRestartDoesNotBlackOutTheHouse)
{
    startSim({"--packs", "3", "--soc", "70,80,90", "--no-drift"});
    startDaemon(config("[batteries]\nreconnect_grace = 3\n"));
    client_.limitGuard().setReconnectGrace(3s);
    ASSERT_TRUE(waitAggregate("/Info/MaxDischargeCurrent", num(300.0)));
    client_.recordItemsChanged(kAggregate);
    for (int k = 1; k <= 3; ++k) setPresent(k, false);
    ASSERT_TRUE(waitAggregate("/Info/MaxChargeCurrent", num(0.0)));
    ASSERT_TRUE(waitAggregate("/System/NrOfBatteries", integer(0)));
    // The DCL of the last moment a pack was online: 100, 200 or 300 A, as the three drivers left
    // one after another (the limit guard checks it was vouched for then).
    const auto held = asNumber(aggregateValue("/Info/MaxDischargeCurrent"));
    ASSERT_TRUE(held);
    EXPECT_GE(*held, 100.0) << "the house keeps running";
    EXPECT_EQ(aggregateValue("/Info/DischargeLimitation"),
              text(fmt::format("no BMS online (3 reconnecting): last DCL {:g} A held", *held)));
    EXPECT_EQ(aggregateValue("/Soc"), num(70.0));
    EXPECT_EQ(aggregateValue("/Alarms/BmsCable"), integer(1));
    ASSERT_TRUE(waitAggregate("/Info/MaxDischargeCurrent", num(0.0), 6s)) << "nobody back within the grace";
    EXPECT_EQ(aggregateValue("/Alarms/BmsCable"), integer(2));
    for (const auto& soc : published("/Soc")) EXPECT_TRUE(soc == num(70.0) || soc == Value{Invalid{}}) << "no jump";

    for (int k = 1; k <= 3; ++k) setPresent(k, true);
    ASSERT_TRUE(waitAggregate("/Info/MaxDischargeCurrent", num(300.0)));
    EXPECT_TRUE(waitAggregate("/Info/MaxChargeCurrent", num(99.0)));
    EXPECT_EQ(aggregateValue("/Alarms/BmsCable"), integer(0));
}

// Rule 3: A (SOC 60) publishes [] for a while, its service still on the bus; B reads 64.
TEST_F(SafeLimitsOnTheBus, SocNeverRisesBecauseAPackWentSilent)
{
    startSim({"--packs", "2", "--soc", "60,64", "--no-drift"});
    startDaemon(config("[batteries]\nreconnect_grace = 30\n"));
    setNumber(1, "/Dc/0/Current", 20);
    setNumber(2, "/Dc/0/Current", 20);
    ASSERT_TRUE(waitAggregate("/Dc/0/Current", num(40.0)));
    client_.recordItemsChanged(kAggregate);
    invalidate(1, "/Soc");
    ASSERT_TRUE(waitAggregate("/Batteries/0/State", text("invalid")));
    EXPECT_TRUE(waitAggregate("/Info/MaxChargeCurrent", num(50.0))) << "its limits no longer count: 50 A x 1";
    holdsFor(1500ms, [&] { return aggregateValue("/Soc") == num(60.0); }, "the SOC stays 60, never 64");
    EXPECT_EQ(aggregateValue("/Dc/0/Current"), num(40.0)) << "the bank current does not halve";
    EXPECT_EQ(aggregateValue("/Alarms/BmsCable"), integer(1));
    setNumber(1, "/Soc", 60);
    ASSERT_TRUE(waitAggregate("/Batteries/0/State", text("online")));
    EXPECT_TRUE(waitAggregate("/Info/MaxChargeCurrent", num(100.0)));
    for (const auto& soc : published("/Soc")) EXPECT_EQ(soc, num(60.0));
}

// Rule 3, second input: three packs held at SOC 80 come back reading invalid values while their
// drivers start, 13 s into a 30 s grace: the SOC must stay, BmsCable must stay a warning.
TEST_F(SafeLimitsOnTheBus, PacksBackButNotReadYetKeepTheirHold)
{
    startSim({"--packs", "3", "--soc", "80,80,80", "--no-drift"});
    startDaemon(config("[batteries]\nreconnect_grace = 30\n"));
    ASSERT_TRUE(waitAggregate("/System/NrOfBatteries", integer(3)));
    for (int k = 1; k <= 3; ++k) invalidate(k, "/Soc");  // the values they will come back with
    for (int k = 1; k <= 3; ++k) setPresent(k, false);
    ASSERT_TRUE(waitAggregate("/System/NrOfBatteries", integer(0)));
    for (int k = 1; k <= 3; ++k) setPresent(k, true);
    ASSERT_TRUE(waitAggregate("/Batteries/2/State", text("invalid")));
    holdsFor(1s, [&] { return aggregateValue("/Soc") == num(80.0); }, "the held SOC");
    EXPECT_EQ(aggregateValue("/Alarms/BmsCable"), integer(1));
    EXPECT_EQ(aggregateValue("/Info/MaxChargeCurrent"), num(0.0)) << "nobody vouches while they start";
}

// Rule 4: a pack in HighCellVoltage alarm (CCL at the alarm current) with the lowest CVL hangs.
TEST_F(SafeLimitsOnTheBus, AlarmsBandAndCvlOfAHungPackDoNotVanish)
{
    startSim({"--packs", "3", "--soc", "80,80,80", "--no-drift", "--ccl", "100"});
    startDaemon(config("[batteries]\nliveness_interval = 0.3\nliveness_timeout = 0.2\nreconnect_grace = 30\n"
                       "[charge]\nnominal_charge_current = 150\n"));
    setNumber(3, "/Info/MaxChargeVoltage", 55.8);
    setInt(3, "/Alarms/HighCellVoltage", 2);
    ASSERT_TRUE(waitAggregate("/Info/MaxChargeCurrent", num(50.0)));
    ASSERT_TRUE(waitAggregate("/Info/MaxChargeVoltage", num(55.8)));
    ASSERT_EQ(client_.setValue(kSimControl, "/Pack/3/Frozen", sdbus::Variant(std::int32_t{1})), 0);
    ASSERT_TRUE(waitAggregate("/Batteries/2/State", text("unresponsive")));
    EXPECT_EQ(aggregateValue("/Alarms/HighCellVoltage"), integer(2));
    EXPECT_EQ(aggregateValue("/Alarms/CellImbalance"), integer(0)) << "a cell alarm is not an imbalance";
    EXPECT_EQ(aggregateValue("/Alarms/BmsCable"), integer(1));
    EXPECT_EQ(aggregateValue("/Info/MaxChargeCurrent"), num(50.0)) << "not 100 A";
    EXPECT_EQ(aggregateValue("/Info/MaxChargeVoltage"), num(55.8)) << "not 56.8 V: it is still in parallel";

    ASSERT_EQ(client_.setValue(kSimControl, "/Pack/3/Frozen", sdbus::Variant(std::int32_t{0})), 0);
    setPresent(3, false);  // and the same when it leaves the bus
    ASSERT_TRUE(waitAggregate("/Batteries/2/State", text("gone")));
    EXPECT_EQ(aggregateValue("/Alarms/HighCellVoltage"), integer(2));
    EXPECT_EQ(aggregateValue("/Info/MaxChargeCurrent"), num(50.0));
    EXPECT_EQ(aggregateValue("/Info/MaxChargeVoltage"), num(55.8));
}

// Rule 5: a lost pack raises BmsCable without expected_packs; a restart does not hide it; the
// owner who removed it for good clears it in one step.
TEST_F(SafeLimitsOnTheBus, ALostPackRaisesBmsCableUntilTheOwnerForgetsIt)
{
    startSim({"--packs", "3", "--soc", "80,80,80", "--no-drift"});
    auto& first = startDaemon(config("[batteries]\nreconnect_grace = 1\n", true));
    ASSERT_TRUE(waitAggregate("/System/NrOfBatteries", integer(3)));
    EXPECT_EQ(aggregateValue("/Alarms/BmsCable"), integer(0)) << "valid 0, not invalid, when nothing is missing";
    setPresent(2, false);
    ASSERT_TRUE(waitAggregate("/Alarms/BmsCable", integer(1)));
    ASSERT_TRUE(waitAggregate("/Alarms/BmsCable", integer(2), 5s));

    ASSERT_EQ(first.stop(SIGTERM, 5s), std::optional<int>(0));
    startDaemon(config("[batteries]\nreconnect_grace = 1\n", true));
    ASSERT_TRUE(waitAggregate("/Alarms/BmsCable", integer(2), 5s)) << "a restart does not hide the missing pack";
    EXPECT_EQ(aggregateValue("/System/NrOfModulesOffline"), integer(1));

    EXPECT_NE(client_.setValue(kAggregate, "/ForgetMissingPacks", sdbus::Variant(std::int32_t{2})), 0);
    EXPECT_EQ(client_.setValue(kAggregate, "/ForgetMissingPacks", sdbus::Variant(std::int32_t{1})), 0);
    ASSERT_TRUE(waitAggregate("/Alarms/BmsCable", integer(0)));
    EXPECT_EQ(aggregateValue("/System/NrOfModulesOffline"), integer(0));
    std::ifstream state(bus_.dir().file("state"));
    const std::string saved((std::istreambuf_iterator<char>(state)), {});
    EXPECT_EQ(saved.find("SIM0002"), std::string::npos) << "forgotten in the state file too:\n" << saved;
}

// Rule 6: a shunt (SOC, voltage, current, no limits) is a monitor, never a parallel pack.
TEST_F(SafeLimitsOnTheBus, AShuntNeverMultipliesTheLimitsNorAddsItsCurrent)
{
    startSim({"--packs", "2", "--soc", "80,80", "--no-drift"});
    FakePack shunt(client_, "com.victronenergy.battery.ttyO1",
                   {{"/Soc", item(sdbus::Variant(78.0))},
                    {"/Dc/0/Voltage", item(sdbus::Variant(52.0))},
                    {"/Dc/0/Current", item(sdbus::Variant(30.0))},
                    {"/ProductName", item(sdbus::Variant(std::string("SmartShunt 500A/50mV")))}});
    startDaemon(config(""));
    setNumber(1, "/Dc/0/Current", 15);
    setNumber(2, "/Dc/0/Current", 15);
    ASSERT_TRUE(waitAggregate("/Dc/0/Current", num(30.0))) << "the BMSes' 2 x 15 A, not 60 A";
    EXPECT_EQ(aggregateValue("/Info/MaxChargeCurrent"), num(100.0)) << "50 A x 2 packs, not x 3";
    EXPECT_EQ(aggregateValue("/Info/MaxDischargeCurrent"), num(200.0));
    EXPECT_EQ(aggregateValue("/System/NrOfBatteries"), integer(2));
    EXPECT_EQ(aggregateValue("/Soc"), num(80.0)) << "the shunt's 78 % is not a pack's";
    bool listed = false;
    for (int slot = 0; slot < 3; ++slot)
        if (aggregateValue("/Batteries/" + std::to_string(slot) + "/Service") == text("com.victronenergy.battery.ttyO1")) {
            EXPECT_EQ(aggregateValue("/Batteries/" + std::to_string(slot) + "/Role"), text("monitor"));
            listed = true;
        }
    EXPECT_TRUE(listed) << "status lists it, with its role";
}

TEST_F(SafeLimitsOnTheBus, OneBmsAndAShuntIsOnePack)
{
    startSim({"--packs", "1", "--soc", "80", "--no-drift"});
    FakePack shunt(client_, "com.victronenergy.battery.ttyO1",
                   {{"/Soc", item(sdbus::Variant(78.0))}, {"/Dc/0/Voltage", item(sdbus::Variant(52.0))},
                    {"/Dc/0/Current", item(sdbus::Variant(30.0))}});
    startDaemon(config(""));
    ASSERT_TRUE(waitAggregate("/Info/MaxChargeCurrent", num(50.0))) << "not 100";
    EXPECT_EQ(aggregateValue("/Info/MaxDischargeCurrent"), num(100.0)) << "not 200";
}

// Rule 7: dbus-serialbattery publishes AllowToCharge 0 with CCL 0 while its FET stays closed.
TEST_F(SafeLimitsOnTheBus, ABlockedPackStopsTheBankByDefault)
{
    startSim({"--packs", "2", "--soc", "99,95", "--no-drift"});
    startDaemon(config(""));
    setNumber(2, "/Info/MaxChargeCurrent", 10);
    ASSERT_TRUE(waitAggregate("/Info/MaxChargeCurrent", num(20.0)));
    setNumber(1, "/Info/MaxChargeCurrent", 0);
    setInt(1, "/Io/AllowToCharge", 0);
    ASSERT_TRUE(waitAggregate("/Info/MaxChargeCurrent", num(0.0))) << "not 10";
    // Its CCL 0 may arrive before its flag: the first reason can be "(CCL 0)".
    EXPECT_TRUE(waitAggregate("/Info/ChargeLimitation", text("Sim 1 blocks charging (AllowToCharge 0)")));
    EXPECT_EQ(aggregateValue("/Io/AllowToCharge"), integer(0));
    setNumber(1, "/Info/MaxDischargeCurrent", 0);
    setInt(1, "/Io/AllowToDischarge", 0);
    ASSERT_TRUE(waitAggregate("/Info/MaxDischargeCurrent", num(0.0))) << "not 100";
    EXPECT_TRUE(waitAggregate("/Info/DischargeLimitation", text("Sim 1 blocks discharging (AllowToDischarge 0)")));
}

TEST_F(SafeLimitsOnTheBus, AnExcludedBlockedPackThatStillTakesCurrentStopsTheBank)
{
    startSim({"--packs", "2", "--soc", "99,95", "--no-drift"});
    startDaemon(config("[charge]\nblocked_pack = exclude\n"));
    setNumber(2, "/Info/MaxChargeCurrent", 10);
    setNumber(1, "/Info/MaxChargeCurrent", 0);
    setInt(1, "/Io/AllowToCharge", 0);
    ASSERT_TRUE(waitAggregate("/Info/MaxChargeCurrent", num(10.0))) << "excluded: B alone";
    setNumber(1, "/Dc/0/Current", 12);  // its FET is closed after all
    ASSERT_TRUE(waitAggregate("/Info/MaxChargeCurrent", num(0.0), 6s));
    EXPECT_EQ(aggregateValue("/Info/ChargeLimitation"),
              text("Sim 1 blocks charging (AllowToCharge 0) but still takes current: its FET is closed"));
}

// Rule 8: a HighCellVoltage warning is a warning: the warning band, no CellImbalance alarm.
TEST_F(SafeLimitsOnTheBus, ACellWarningIsAWarning)
{
    startSim({"--packs", "2", "--soc", "80,81", "--no-drift"});
    startDaemon(config("[charge]\nnominal_charge_current = 150\n"));
    setInt(2, "/Alarms/HighCellVoltage", 1);
    ASSERT_TRUE(waitAggregate("/Info/MaxChargeCurrent", num(99.0)));
    EXPECT_EQ(aggregateValue("/Alarms/CellImbalance"), integer(0));
    EXPECT_EQ(aggregateValue("/Alarms/HighCellVoltage"), integer(1));
    EXPECT_EQ(aggregateValue("/Imbalance/Band"), text("warning"));
}

// Rule 9: an older CAN-bus BMS driver publishes instance 512 without a settings entry.
TEST_F(SafeLimitsOnTheBus, NeverTakesAnInstanceAnotherBatteryPublishes)
{
    FakePack can(client_, "com.victronenergy.battery.socketcan_can0",
                 {{"/DeviceInstance", item(sdbus::Variant(std::int32_t{512}))},
                  {"/Soc", item(sdbus::Variant(80.0))},
                  {"/Dc/0/Voltage", item(sdbus::Variant(52.0))},
                  {"/Info/MaxChargeCurrent", item(sdbus::Variant(50.0))}});
    startFakeSettings();
    startDaemon("[service]\ndevice_instance = auto\nstate_file =\n");
    const Value instance = aggregateValue("/DeviceInstance");
    EXPECT_NE(instance, integer(512));
    EXPECT_EQ(instance, integer(513));
}

// Found by a new-user trial: a pack that blocks stopped blocking the moment its driver restarted.
TEST_F(SafeLimitsOnTheBus, ABlockedPackStaysBlockingWhileItsDriverRestarts)
{
    startSim({"--packs", "3", "--soc", "80,80,80", "--no-drift"});
    startDaemon(config("[batteries]\nreconnect_grace = 30\n"));
    ASSERT_TRUE(waitAggregate("/Info/MaxChargeCurrent", num(150.0)));
    setInt(2, "/Io/AllowToCharge", 0);
    ASSERT_TRUE(waitAggregate("/Info/MaxChargeCurrent", num(0.0)));
    setPresent(2, false);
    ASSERT_TRUE(waitAggregate("/Batteries/1/State", text("gone")));
    holdsFor(500ms, [&] { return aggregateValue("/Info/MaxChargeCurrent") == num(0.0); }, "still blocked while held");
    EXPECT_EQ(aggregateValue("/Info/ChargeLimitation"), text("Sim 2 blocks charging (AllowToCharge 0, held)"));
}

// Found by the same trial: every pack held, one back on the bus says less (or blocks): the held DCL
// follows it, by the same rule as online packs; and the imbalance alarm the spread raised stays.
TEST_F(SafeLimitsOnTheBus, HeldPacksThatSayLessLowerTheHeldDclAndKeepTheirAlarm)
{
    startSim({"--packs", "3", "--soc", "70,80,90", "--no-drift"});
    startDaemon(config("[batteries]\nreconnect_grace = 30\n"));
    ASSERT_TRUE(waitAggregate("/Alarms/CellImbalance", integer(1)));
    for (int k = 1; k <= 3; ++k) setInt(k, "/Connected", 0);
    ASSERT_TRUE(waitAggregate("/System/NrOfBatteries", integer(0)));
    // The DCL of the last moment a pack was online: 100, 200 or 300 A as the packs went one by one.
    EXPECT_GE(asNumber(aggregateValue("/Info/MaxDischargeCurrent")).value_or(0), 100.0);
    EXPECT_EQ(aggregateValue("/Alarms/CellImbalance"), integer(1)) << "the band the held packs' spread caused";
    EXPECT_EQ(aggregateValue("/Imbalance/Band"), text("warning"));
    setNumber(2, "/Info/MaxDischargeCurrent", 10);
    EXPECT_TRUE(waitAggregate("/Info/MaxDischargeCurrent", num(30.0))) << "lowest held DCL 10 A x 3";
    setInt(3, "/Io/AllowToDischarge", 0);
    EXPECT_TRUE(waitAggregate("/Info/MaxDischargeCurrent", num(0.0)));
}

// Found by the same trial: the CVL a pack published last must be the one kept over a restart, and a
// restart with the packs present lists each pack once.
TEST_F(SafeLimitsOnTheBus, TheLastCvlIsKeptAtStopAndARestartListsEachPackOnce)
{
    startSim({"--packs", "3", "--soc", "80,80,80", "--no-drift"});
    auto& first = startDaemon(config("[batteries]\nreconnect_grace = 1\n", true));
    ASSERT_TRUE(waitAggregate("/Info/MaxChargeVoltage", num(56.8)));
    for (int k = 1; k <= 3; ++k) setNumber(k, "/Info/MaxChargeVoltage", 52.0);
    ASSERT_TRUE(waitAggregate("/Info/MaxChargeVoltage", num(52.0)));
    ASSERT_EQ(first.stop(SIGTERM, 5s), std::optional<int>(0));

    auto& second = startDaemon(config("[batteries]\nreconnect_grace = 1\n", true));
    ASSERT_TRUE(waitAggregate("/System/NrOfBatteries", integer(3)));
    int rows = 0;
    for (const auto& [path, value] : client_.getItems(kAggregate))
        if (path.size() > 8 && path.compare(path.size() - 8, 8, "/Service") == 0 && value != Value{Invalid{}}) ++rows;
    EXPECT_EQ(rows, 3) << "each pack once, no rows of remembered packs found again";
    ASSERT_EQ(second.stop(SIGTERM, 5s), std::optional<int>(0));

    for (int k = 1; k <= 3; ++k) setPresent(k, false);
    startDaemon(config("[batteries]\nreconnect_grace = 1\n", true));
    EXPECT_EQ(aggregateValue("/Info/MaxChargeVoltage"), num(52.0)) << "not the 56.8 V of before";
}

}  // namespace
}  // namespace bagg::test
