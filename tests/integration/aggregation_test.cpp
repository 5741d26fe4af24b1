// The daemon aggregating battery-sim packs on a private bus: values, updates, publishing styles,
// packs leaving and returning.

#include "aggregator_fixture.h"
#include "fake_pack.h"

#include <signal.h>

namespace bagg::test {
namespace {

class Aggregation : public AggregatorFixture {
protected:
    // Three packs at SOC 70/80/90 with currents -10/-12/-8 A, no drift.
    void startThreePacks(const std::string& publish = "per-path")
    {
        startSim({"--packs", "3", "--soc", "70,80,90", "--no-drift", "--publish", publish});
        ASSERT_EQ(client_.setValue(sim(1), "/Dc/0/Current", sdbus::Variant(-10.0)), 0);
        ASSERT_EQ(client_.setValue(sim(2), "/Dc/0/Current", sdbus::Variant(-12.0)), 0);
        ASSERT_EQ(client_.setValue(sim(3), "/Dc/0/Current", sdbus::Variant(-8.0)), 0);
    }
};

TEST_F(Aggregation, ThreePacksLowestSocMeanVoltageSummedCurrentAndImbalanceTable)
{
    startThreePacks();
    // The count rule alone (current_feedback would learn the packs' unequal shares of the current
    // over minutes: charge_control tests and the bank tests cover it).
    startDaemon(std::string(kFixedInstance) + "[charge]\ncurrent_feedback = false\n");
    ASSERT_TRUE(waitAggregate("/System/NrOfBatteries", integer(3)));
    ASSERT_TRUE(waitAggregate("/Dc/0/Current", num(-30.0)));

    EXPECT_EQ(aggregateValue("/Soc"), num(70.0));
    const double v1 = *asNumber(client_.getValue(sim(1), "/Dc/0/Voltage"));
    const double v2 = *asNumber(client_.getValue(sim(2), "/Dc/0/Voltage"));
    const double v3 = *asNumber(client_.getValue(sim(3), "/Dc/0/Voltage"));
    EXPECT_NEAR(*asNumber(aggregateValue("/Dc/0/Voltage")), (v1 + v2 + v3) / 3.0, 0.0051);
    // Spread 20 %-points: warning band, 66 % of 3 x 50 A.
    EXPECT_EQ(aggregateValue("/Alarms/CellImbalance"), integer(1));
    EXPECT_EQ(aggregateValue("/Info/MaxChargeCurrent"), num(99.0));
    EXPECT_EQ(aggregateValue("/Info/MaxDischargeCurrent"), num(300.0));
    EXPECT_EQ(aggregateValue("/Info/MaxChargeVoltage"), num(56.8));
    EXPECT_EQ(aggregateValue("/Info/ChargeLimitation"), text("imbalance 20.0% > 15%: 99.0 A of 150 A"));

    // A pack's SOC change reaches the aggregate through our batched ItemsChanged.
    client_.recordItemsChanged(kAggregate);
    ASSERT_EQ(client_.setValue(sim(1), "/Soc", sdbus::Variant(85.0)), 0);
    EXPECT_TRUE(client_.waitForItemsChanged("/Soc", num(80.0)));
    // Spread 10: the warning band is left (10 < 15 - 2) for the reduced band, 85 %.
    EXPECT_TRUE(client_.waitForItemsChanged("/Info/MaxChargeCurrent", num(127.5)));
    EXPECT_EQ(aggregateValue("/Alarms/CellImbalance"), integer(0));

    // Spread 25: alarm, a third of nominal.
    ASSERT_EQ(client_.setValue(sim(2), "/Soc", sdbus::Variant(65.0)), 0);
    EXPECT_TRUE(client_.waitForItemsChanged("/Info/MaxChargeCurrent", num(50.0)));
    EXPECT_EQ(aggregateValue("/Alarms/CellImbalance"), integer(2));
}

TEST_F(Aggregation, BalancingAndPacksOfDifferentCellCounts)
{
    startThreePacks();
    startDaemon();
    ASSERT_TRUE(waitAggregate("/System/NrOfCellsPerBattery", integer(16)));
    EXPECT_EQ(aggregateValue("/Balancing"), integer(0));
    EXPECT_EQ(aggregateValue("/Info/Warnings"), Value{Invalid{}});

    ASSERT_EQ(client_.setValue(sim(2), "/Balancing", sdbus::Variant(1.0)), 0);
    EXPECT_TRUE(waitAggregate("/Balancing", integer(1)));
    EXPECT_EQ(aggregateValue("/Io/AllowToBalance"), integer(1));
    for (int k = 1; k <= 3; ++k) ASSERT_EQ(client_.setValue(sim(k), "/Io/AllowToBalance", sdbus::Variant(0.0)), 0);
    EXPECT_TRUE(waitAggregate("/Io/AllowToBalance", integer(0)));
    ASSERT_EQ(client_.setValue(sim(3), "/System/NrOfCellsPerBattery", sdbus::Variant(15.0)), 0);
    EXPECT_TRUE(waitAggregate("/Info/Warnings", text("cells per battery differ: Sim 1 16, Sim 2 16, Sim 3 15")));
}

TEST_F(Aggregation, ItemsChangedCarriesOnlyChangedValues)
{
    startThreePacks();
    startDaemon();
    ASSERT_TRUE(waitAggregate("/Dc/0/Current", num(-30.0)));
    client_.recordItemsChanged(kAggregate);
    ASSERT_EQ(client_.setValue(sim(3), "/Dc/0/Temperature", sdbus::Variant(31.0)), 0);
    ASSERT_TRUE(client_.waitForItemsChanged("/Dc/0/Temperature", num(27.0)));  // (25 + 25 + 31) / 3
    const auto& last = client_.itemsChanged().back();
    EXPECT_EQ(last.count("/Soc"), 0u) << "unchanged paths are not repeated";
    EXPECT_EQ(last.count("/Mgmt/ProcessName"), 0u);
    client_.waitFor([] { return false; }, std::chrono::milliseconds(100));  // anything sent after it arrives
    EXPECT_TRUE(client_.propertiesChangedPaths().empty()) << "per_leaf_signals is off by default";
}

// Four drivers each publishing one reading as 25 per-path signals, all at once: a bounded number of
// recomputes (measurements wait recompute_delay for the rest of their reading; changes within it
// of the last recompute go out together at its end), each one ItemsChanged, until one carries the
// final values.
TEST_F(Aggregation, ABurstOfSignalsIsAFewRecomputesNotOnePerSignal)
{
    startDaemon(std::string(kFixedInstance) + "recompute_delay = 0.05\n");
    std::vector<std::unique_ptr<FakePack>> packs;
    for (int k = 0; k < 4; ++k)
        packs.push_back(std::make_unique<FakePack>(
            client_, "com.victronenergy.battery.burst" + std::to_string(k),
            Items{{"/Soc", item(sdbus::Variant(60.0))},
                  {"/Dc/0/Voltage", item(sdbus::Variant(52.0))},
                  {"/Dc/0/Current", item(sdbus::Variant(0.0))},
                  {"/Info/MaxChargeCurrent", item(sdbus::Variant(40.0))},
                  {"/Info/MaxDischargeCurrent", item(sdbus::Variant(80.0))}}));
    ASSERT_TRUE(waitAggregate("/System/NrOfBatteries", integer(4)));
    ASSERT_TRUE(waitAggregate("/Dc/0/Current", num(0.0)));
    client_.recordItemsChanged(kAggregate);
    for (int i = 1; i <= 25; ++i)
        for (auto& pack : packs) pack->propertiesChanged("/Dc/0/Current", sdbus::Variant(-1.0 * i));
    ASSERT_TRUE(client_.waitForItemsChanged("/Dc/0/Current", num(-100.0)));
    EXPECT_LE(client_.itemsChanged().size(), 4u) << "100 signals must not make 100 publishes";
}

// A driver publishing per path sends a reading as one signal per changed path, measurements first
// (dbus-serialbattery: voltage, current, then the SOC...). The first measurement waits
// recompute_delay for the rest: one reading makes one recompute and one ItemsChanged, where a
// recompute as soon as the bus was drained made one for the first path and one for the rest.
// The counter's 1 s tick recomputes too: one that came just before the reading shortens its wait
// (at most one recompute per recompute_delay), so a reading is tried up to three times. Every
// recompute is signalled (measurement_signal_interval = 0): held back, the first path's current
// would go out with the SOC anyway and hide a split.
TEST_F(Aggregation, AReadingPublishedPathByPathIsOneRecompute)
{
    startDaemon(std::string(kFixedInstance) + "recompute_delay = 0.1\nmeasurement_signal_interval = 0\n");
    FakePack pack(client_, "com.victronenergy.battery.reading",
                  Items{{"/Soc", item(sdbus::Variant(60.0))},
                        {"/Dc/0/Voltage", item(sdbus::Variant(52.0))},
                        {"/Dc/0/Current", item(sdbus::Variant(0.0))},
                        {"/Info/MaxChargeCurrent", item(sdbus::Variant(40.0))},
                        {"/Info/MaxDischargeCurrent", item(sdbus::Variant(80.0))}});
    ASSERT_TRUE(waitAggregate("/System/NrOfBatteries", integer(1)));
    const auto pause = [this](int ms) { client_.waitFor([] { return false; }, std::chrono::milliseconds(ms)); };
    bool oneRecompute = false;
    for (int attempt = 1; attempt <= 3 && !oneRecompute; ++attempt) {
        pause(300);  // a quiet spell
        client_.recordItemsChanged(kAggregate);
        const double voltage = 52.0 - attempt;
        pack.propertiesChanged("/Dc/0/Current", sdbus::Variant(-7.0 * attempt));
        pause(5);
        pack.propertiesChanged("/Soc", sdbus::Variant(60.0 - attempt));
        pause(5);
        pack.propertiesChanged("/Dc/0/Voltage", sdbus::Variant(voltage));
        ASSERT_TRUE(client_.waitForItemsChanged("/Dc/0/Voltage", num(voltage)));
        for (const auto& items : client_.itemsChanged()) {
            if (!items.count("/Dc/0/Current") && !items.count("/Soc") && !items.count("/Dc/0/Voltage")) continue;
            oneRecompute = items.count("/Dc/0/Current") && items.count("/Soc") && items.count("/Dc/0/Voltage");
            break;
        }
    }
    EXPECT_TRUE(oneRecompute) << "the reading's three paths were split over recomputes three times";
}

// A driver without GetItems is read through GetValue on / (relative keys), then follows its signals.
TEST_F(Aggregation, ADriverWithoutGetItemsIsReadThroughGetValueOnTheRoot)
{
    startDaemon();
    FakePack pack(client_, "com.victronenergy.battery.old",
                  Items{{"/Soc", item(sdbus::Variant(42.0))},
                        {"/Dc/0/Voltage", item(sdbus::Variant(52.0))},
                        {"/Dc/0/Current", item(sdbus::Variant(-3.0))},
                        {"/Info/MaxChargeCurrent", item(sdbus::Variant(40.0))},
                        {"/Info/MaxDischargeCurrent", item(sdbus::Variant(80.0))}},
                  FakePack::Root::GetValueOnly);
    ASSERT_TRUE(waitAggregate("/System/NrOfBatteries", integer(1)));
    EXPECT_EQ(aggregateValue("/Soc"), num(42.0));
    EXPECT_EQ(aggregateValue("/Dc/0/Current"), num(-3.0));
    pack.propertiesChanged("/Soc", sdbus::Variant(41.5));
    EXPECT_TRUE(waitAggregate("/Soc", num(41.5)));
}

TEST_F(Aggregation, PerLeafSignalsWhenConfigured)
{
    startThreePacks();
    startDaemon(std::string(kFixedInstance) + "per_leaf_signals = true\n");
    ASSERT_TRUE(waitAggregate("/Dc/0/Current", num(-30.0)));
    client_.recordItemsChanged(kAggregate);
    ASSERT_EQ(client_.setValue(sim(1), "/Dc/0/Current", sdbus::Variant(-4.0)), 0);
    ASSERT_TRUE(client_.waitForItemsChanged("/Dc/0/Current", num(-24.0)));
    const auto& paths = client_.propertiesChangedPaths();
    // Sent right after the ItemsChanged: it may still be on its way.
    EXPECT_TRUE(client_.waitFor([&] { return std::find(paths.begin(), paths.end(), "/Dc/0/Current") != paths.end(); }));
    EXPECT_EQ(std::find(paths.begin(), paths.end(), "/Soc"), paths.end()) << "only changed leaves";
}

// A pack's own values under /Batteries/<n>/ change with every BMS update: read on request, always
// current, never signalled. Its state is signalled when it changes.
// Per-pack values change with every BMS update: read fresh on request, and signalled at a bounded
// rate (pack_signal_interval), so that a follower of signals only (dbus-flashmq: MQTT, VRM) sees
// them move without the bus carrying every BMS update twice.
TEST_F(Aggregation, PerPackValuesAreReadFreshAndSignalledAtABoundedRate)
{
    startThreePacks();
    // measurement_signal_interval = 0: the bank's current is signalled with every recompute, to
    // count recomputes against pack signals below.
    startDaemon(std::string(kFixedInstance) + "pack_signal_interval = 1\nmeasurement_signal_interval = 0\n");
    ASSERT_TRUE(waitAggregate("/Dc/0/Current", num(-30.0)));
    const std::string slot = "/Batteries/" + std::to_string([&] {
        for (int n = 0; n < 3; ++n)
            if (aggregateValue("/Batteries/" + std::to_string(n) + "/Service") == text(sim(2))) return n;
        return -1;
    }()) + "/";
    // As dbus-flashmq follows a service: GetItems once, then its signals only.
    auto mirror = client_.getItems(kAggregate);
    client_.recordItemsChanged(kAggregate);
    ASSERT_EQ(client_.setValue(sim(2), "/Dc/0/Current", sdbus::Variant(-2.5)), 0);
    ASSERT_TRUE(client_.waitForItemsChanged("/Dc/0/Current", num(-20.5)));
    EXPECT_EQ(aggregateValue(slot + "Current"), num(-2.5)) << "read fresh on request";
    EXPECT_TRUE(client_.waitForItemsChanged(slot + "Current", num(-2.5), 3s)) << "signalled within the interval";
    for (const auto& items : client_.itemsChanged())
        for (const auto& [path, value] : items) mirror[path] = value;
    EXPECT_EQ(mirror.at(slot + "Current"), num(-2.5));
    EXPECT_EQ(mirror.at("/Dc/0/Current"), num(-20.5));

    // Ten BMS updates in two seconds: ten recomputes signalled, the pack values at most three times.
    client_.recordItemsChanged(kAggregate);
    const auto start = std::chrono::steady_clock::now();
    for (int i = 1; i <= 10; ++i) {
        ASSERT_EQ(client_.setValue(sim(2), "/Dc/0/Current", sdbus::Variant(-2.5 - i)), 0);
        client_.waitFor([] { return false; }, 200ms);
    }
    client_.waitFor([] { return false; }, std::chrono::milliseconds(100));
    const auto elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::size_t packSignals = 0, recomputes = 0;
    for (const auto& items : client_.itemsChanged()) {
        recomputes += items.count("/Dc/0/Current");
        packSignals += items.count(slot + "Current");
    }
    EXPECT_GE(recomputes, 10u);
    EXPECT_LE(packSignals, static_cast<std::size_t>(elapsed) + 1) << "over " << elapsed << " s";

    ASSERT_EQ(client_.setValue(kSimControl, "/Pack/2/Present", sdbus::Variant(0)), 0);
    EXPECT_TRUE(client_.waitForItemsChanged(slot + "State", text("gone")));
}

// The bank's measurements move with every pack's reading: read fresh on request, signalled at most
// every measurement_signal_interval, and at once with a change the GX acts on (a limit), in the
// same ItemsChanged: a follower of signals never sees a new CCL beside a stale current.
TEST_F(Aggregation, MeasurementsAreSignalledAtABoundedRateAndWithEveryLimitChange)
{
    startThreePacks();
    startDaemon(std::string(kFixedInstance) + "measurement_signal_interval = 5\n[aggregation]\ntemperature_mode = max\n[charge]\ncurrent_feedback = false\n");
    ASSERT_TRUE(waitAggregate("/Dc/0/Current", num(-30.0)));
    ASSERT_TRUE(client_.waitFor([&] { return client_.hasOwner(kAggregate); }));
    client_.recordItemsChanged(kAggregate);
    const auto signalled = [&](const std::string& path) {
        std::vector<Value> out;
        for (const auto& items : client_.itemsChanged())
            if (const auto it = items.find(path); it != items.end()) out.push_back(it->second);
        return out;
    };

    // A current, then a limit: the limit is signalled at once, and a follower of the signals has
    // the current it was computed beside by then (in that signal or an earlier one).
    ASSERT_EQ(client_.setValue(sim(2), "/Dc/0/Current", sdbus::Variant(-2.0)), 0);
    ASSERT_TRUE(waitAggregate("/Dc/0/Current", num(-20.0)));
    const auto cclBefore = aggregateValue("/Info/MaxChargeCurrent");
    ASSERT_EQ(client_.setValue(sim(2), "/Info/MaxChargeCurrent", sdbus::Variant(10.0)), 0);
    ASSERT_TRUE(client_.waitFor([&] { return !signalled("/Info/MaxChargeCurrent").empty(); }, 3s));
    EXPECT_NE(signalled("/Info/MaxChargeCurrent").front(), cclBefore);
    std::optional<Value> currentSeen;
    for (const auto& items : client_.itemsChanged()) {
        if (const auto it = items.find("/Dc/0/Current"); it != items.end()) currentSeen = it->second;
        if (items.count("/Info/MaxChargeCurrent")) break;
    }
    EXPECT_EQ(currentSeen, num(-20.0));

    // Nothing is waiting now. A temperature alone (it feeds no limit, unlike a current, which
    // current_feedback learns from): GetValue has it at once, no signal yet; four more readings
    // within half a second: one signal, 5 s after the first, with the last.
    client_.recordItemsChanged(kAggregate);
    const auto start = std::chrono::steady_clock::now();
    ASSERT_EQ(client_.setValue(sim(2), "/Dc/0/Temperature", sdbus::Variant(31.0)), 0);
    ASSERT_TRUE(waitAggregate("/Dc/0/Temperature", num(31.0)));
    EXPECT_TRUE(signalled("/Dc/0/Temperature").empty());
    for (int i = 2; i <= 5; ++i) {
        client_.waitFor([] { return false; }, 100ms);
        ASSERT_EQ(client_.setValue(sim(2), "/Dc/0/Temperature", sdbus::Variant(30.0 + i)), 0);
    }
    ASSERT_TRUE(waitAggregate("/Dc/0/Temperature", num(35.0)));
    ASSERT_TRUE(client_.waitForItemsChanged("/Dc/0/Temperature", num(35.0), 8s));
    const double after = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_GE(after, 5.0) << "held back for the interval";
    EXPECT_EQ(signalled("/Dc/0/Temperature"), std::vector<Value>{num(35.0)});
}

// The same bank published per path (PropertiesChanged) and batched (ItemsChanged) must give the
// same aggregate.
TEST_F(Aggregation, BothPublishingStylesAggregateIdentically)
{
    const std::vector<std::string> paths = {"/Soc", "/Dc/0/Voltage", "/Dc/0/Current", "/Dc/0/Power",
                                            "/Info/MaxChargeCurrent", "/Info/MaxDischargeCurrent",
                                            "/System/MinCellVoltage", "/System/MinVoltageCellId", "/Alarms/LowVoltage",
                                            "/Alarms/CellImbalance", "/InstalledCapacity", "/Capacity"};
    std::map<std::string, std::map<std::string, Value>> results;
    for (const std::string style : {"per-path", "batched"}) {
        SCOPED_TRACE(style);
        auto& simProcess = startSim({"--packs", "3", "--soc", "70,80,90", "--no-drift", "--publish", style});
        auto& daemon = startDaemon();
        ASSERT_TRUE(waitAggregate("/System/NrOfBatteries", integer(3)));
        // Changes after the initial read travel by signal, in the style under test.
        ASSERT_EQ(client_.setValue(sim(2), "/Soc", sdbus::Variant(64.0)), 0);
        ASSERT_EQ(client_.setValue(sim(3), "/Dc/0/Current", sdbus::Variant(-20.0)), 0);
        ASSERT_EQ(client_.setValue(sim(1), "/System/MinCellVoltage", sdbus::Variant(3.101)), 0);
        ASSERT_EQ(client_.setValue(sim(3), "/Alarms/LowVoltage", sdbus::Variant(std::int32_t{1})), 0);
        ASSERT_TRUE(waitAggregate("/Alarms/LowVoltage", integer(1)));
        ASSERT_TRUE(waitAggregate("/Soc", num(64.0)));
        ASSERT_TRUE(waitAggregate("/Dc/0/Current", num(-20.0)));
        ASSERT_TRUE(waitAggregate("/System/MinCellVoltage", num(3.101)));
        for (const auto& p : paths) results[style][p] = aggregateValue(p);
        daemon.stop(SIGTERM, 5s);
        simProcess.stop(SIGTERM, 5s);
        ASSERT_TRUE(client_.waitFor([&] { return !client_.hasOwner(kSimControl) && !client_.hasOwner(kAggregate); }));
    }
    EXPECT_EQ(results["per-path"], results["batched"]);
    EXPECT_EQ(results["batched"]["/System/MinVoltageCellId"], text("Sim 1 C3"));
}

TEST_F(Aggregation, PackLeavingIsDroppedAndCountedAgainOnReturn)
{
    startThreePacks();
    // No grace: dropped at once (the grace itself is tested in fault_test.cpp).
    startDaemon(std::string(kFixedInstance) + "[batteries]\nreconnect_grace = 0\n");
    ASSERT_TRUE(waitAggregate("/System/NrOfBatteries", integer(3)));
    ASSERT_TRUE(waitAggregate("/Dc/0/Current", num(-30.0)));

    ASSERT_EQ(client_.setValue(kSimControl, "/Pack/1/Present", sdbus::Variant(std::int32_t{0})), 0);
    ASSERT_TRUE(waitAggregate("/System/NrOfBatteries", integer(2)));
    EXPECT_TRUE(waitAggregate("/Soc", num(80.0)));
    EXPECT_EQ(aggregateValue("/Dc/0/Current"), num(-20.0));
    EXPECT_EQ(aggregateValue("/System/NrOfModulesOffline"), integer(1));
    // Limits from the two packs left: 50 A x 2, and their spread of 10 %-points takes 85 % of that.
    EXPECT_EQ(aggregateValue("/Info/MaxChargeCurrent"), num(85.0));
    EXPECT_EQ(aggregateValue("/Batteries/0/State"), text("gone"));
    EXPECT_TRUE(client_.hasOwner(kAggregate)) << "the aggregate stays on the bus";

    ASSERT_EQ(client_.setValue(kSimControl, "/Pack/1/Present", sdbus::Variant(std::int32_t{1})), 0);
    ASSERT_TRUE(waitAggregate("/System/NrOfBatteries", integer(3)));
    EXPECT_TRUE(waitAggregate("/Soc", num(70.0)));
    EXPECT_EQ(aggregateValue("/Batteries/0/State"), text("online"));
    EXPECT_EQ(aggregateValue("/System/NrOfModulesOffline"), integer(0));
}

TEST_F(Aggregation, ZeroPacksServiceStaysWithNoCurrentAllowed)
{
    startDaemon();
    ASSERT_TRUE(waitAggregate("/System/NrOfBatteries", integer(0)));
    EXPECT_EQ(aggregateValue("/Soc"), Value{Invalid{}});
    EXPECT_EQ(aggregateValue("/Dc/0/Voltage"), Value{Invalid{}});
    EXPECT_EQ(aggregateValue("/Info/MaxChargeCurrent"), num(0.0));
    EXPECT_EQ(aggregateValue("/Info/MaxDischargeCurrent"), num(0.0));
    EXPECT_EQ(aggregateValue("/Connected"), integer(1));
    EXPECT_EQ(aggregateValue("/Info/ChargeLimitation"), text("no battery online"));
}

TEST_F(Aggregation, ExcludedPacksAreNotAggregated)
{
    startThreePacks();
    startDaemon(std::string(kFixedInstance) + "[batteries]\nexclude = com.victronenergy.battery.sim1, name:Sim 2\n");
    ASSERT_TRUE(waitAggregate("/System/NrOfBatteries", integer(1)));
    EXPECT_TRUE(waitAggregate("/Soc", num(90.0)));
    EXPECT_EQ(aggregateValue("/Dc/0/Current"), num(-8.0));
}

TEST_F(Aggregation, SigtermReleasesTheNameAndExitsZeroWithinASecond)
{
    auto& daemon = startDaemon();
    const auto status = daemon.stop(SIGTERM, 1s);
    ASSERT_TRUE(status.has_value()) << "still running 1 s after SIGTERM";
    EXPECT_EQ(*status, 0);
    EXPECT_FALSE(client_.hasOwner(kAggregate));
}

TEST_F(Aggregation, SecondInstanceRefusesToStart)
{
    startDaemon();
    bus_.dir().write("second.ini", kFixedInstance);
    auto& fixed = start("second", {daemonPath(), "--config", bus_.dir().file("second.ini"), "--bus", bus_.address()});
    const auto status = fixed.waitExit(5s);
    ASSERT_TRUE(status.has_value()) << "a second aggregator must not keep running";
    EXPECT_NE(*status, 0);
    EXPECT_NE(fixed.log().find("another aggregator"), std::string::npos);
}

}  // namespace
}  // namespace bagg::test
