// [sources] on a real private bus: battery-sim's SmartShunt-like monitor as the source of the SOC
// and the current, held like a pack when it goes away or loses its SOC, then the packs' values
// with the reason on /Info/SocSource. The limit guard checks every published CCL/DCL: a monitor
// never vouches for any.

#include "aggregator_fixture.h"
#include "fake_pack.h"

namespace bagg::test {
namespace {

constexpr const char* kShunt = "com.victronenergy.battery.simshunt";

class SourcesOnTheBus : public AggregatorFixture {
protected:
    void SetUp() override
    {
        // Two packs at SOC 60 and 70 (the bank's SOC is the lowest, 60), a shunt at 42.
        startSim({"--packs", "2", "--no-drift", "--soc", "60,70", "--monitor", "--monitor-soc", "42", "--period-ms",
                  "200"});
    }
    void setShunt(const std::string& path, const sdbus::Variant& v) { ASSERT_EQ(client_.setValue(kShunt, path, v), 0); }
    void setPack(int pack, const std::string& path, double v)
    {
        ASSERT_EQ(client_.setValue(sim(pack), path, sdbus::Variant(v)), 0);
    }
    void setShuntPresent(bool present)
    {
        ASSERT_EQ(client_.setValue(kSimControl, "/Monitor/Present", sdbus::Variant(std::int32_t{present ? 1 : 0})), 0);
    }
    // `dbus-battery-aggregator status` as the owner runs it: its output.
    std::string status()
    {
        auto& p = start("status-" + std::to_string(processes_.size()), {daemonPath(), "status"});
        EXPECT_EQ(p.waitExit(5s), std::optional<int>(0));
        return p.log();
    }
    static std::string config(const std::string& sources)
    {
        return std::string(kFixedInstance) + "state_file =\n[batteries]\nreconnect_grace = 3\n[sources]\n" + sources;
    }
};

TEST_F(SourcesOnTheBus, TheShuntIsAMonitorAndThePacksSocIsTheDefault)
{
    startDaemon(config(""));
    ASSERT_TRUE(waitAggregate("/Soc", num(60)));
    EXPECT_EQ(aggregateValue("/System/NrOfBatteries"), integer(2)) << "the shunt is not a pack";
    EXPECT_EQ(aggregateValue("/Info/SocSource"), text("packs"));
    EXPECT_EQ(aggregateValue("/Info/CurrentSource"), text("packs"));
    bool shownAsMonitor = false;
    for (int slot = 0; slot < 3; ++slot)
        if (aggregateValue("/Batteries/" + std::to_string(slot) + "/Service") == text(kShunt))
            shownAsMonitor = aggregateValue("/Batteries/" + std::to_string(slot) + "/Role") == text("monitor");
    EXPECT_TRUE(shownAsMonitor);
}

TEST_F(SourcesOnTheBus, SocAndCurrentFromTheShuntLimitsFromThePacks)
{
    startDaemon(config("soc = monitor\ncurrent = monitor\n"));
    ASSERT_TRUE(waitAggregate("/Soc", num(42)));
    EXPECT_EQ(aggregateValue("/Info/SocSource"), text("monitor Sim Shunt"));
    const auto ccl = aggregateValue("/Info/MaxChargeCurrent");
    // The packs' limits: 2 x 50 A, reduced to 85 % for the packs' SOC spread of 10 points (the
    // imbalance is the packs', whatever the shunt says).
    EXPECT_EQ(ccl, num(85));

    // The packs discharge at 10 + 6 A; the shunt on the main cable sees 25 A (a DC load beside them).
    setPack(1, "/Dc/0/Current", -10);
    setPack(2, "/Dc/0/Current", -6);
    setShunt("/Dc/0/Current", sdbus::Variant(-25.0));
    setShunt("/Dc/0/Power", sdbus::Variant(-1300.0));
    EXPECT_TRUE(waitAggregate("/Dc/0/Current", num(-25)));
    EXPECT_TRUE(waitAggregate("/Dc/0/Power", num(-1300)));
    EXPECT_EQ(aggregateValue("/Info/CurrentSource"), text("monitor Sim Shunt"));
    // Its own time to go, published while it discharges.
    setShunt("/TimeToGo", sdbus::Variant(7200.0));
    EXPECT_TRUE(waitAggregate("/TimeToGo", num(7200)));
}

TEST_F(SourcesOnTheBus, AShuntThatLeavesIsHeldForTheGraceThenThePacksCount)
{
    startDaemon(config("soc = monitor\ncurrent = monitor\n"));
    setPack(1, "/Dc/0/Current", -10);
    setPack(2, "/Dc/0/Current", -6);
    setShunt("/Dc/0/Current", sdbus::Variant(-25.0));
    ASSERT_TRUE(waitAggregate("/Dc/0/Current", num(-25)));
    ASSERT_TRUE(waitAggregate("/Soc", num(42)));

    // Its driver restarts: the SOC does not jump to the packs' 60 %, the current is the packs' sum.
    setShuntPresent(false);
    EXPECT_TRUE(waitAggregate("/Info/SocSource", text("monitor Sim Shunt (held: no monitor on the bus)")));
    EXPECT_EQ(aggregateValue("/Soc"), num(42));
    EXPECT_TRUE(waitAggregate("/Dc/0/Current", num(-16)));
    EXPECT_EQ(aggregateValue("/Info/CurrentSource"), text("packs: no monitor on the bus"));

    // Not back within reconnect_grace (3 s): the packs' SOC, and why.
    EXPECT_TRUE(waitAggregate("/Info/SocSource", text("packs: no monitor on the bus"), 6s));
    EXPECT_EQ(aggregateValue("/Soc"), num(60));

    setShuntPresent(true);
    EXPECT_TRUE(waitAggregate("/Soc", num(42)));
    EXPECT_TRUE(waitAggregate("/Dc/0/Current", num(-25)));
}

TEST_F(SourcesOnTheBus, AShuntThatLosesItsSocKeepsItsCurrentAndFallsBackForTheSoc)
{
    startDaemon(config("soc = monitor\ncurrent = monitor\n"));
    setShunt("/Dc/0/Current", sdbus::Variant(-25.0));
    ASSERT_TRUE(waitAggregate("/Soc", num(42)));
    ASSERT_TRUE(waitAggregate("/Dc/0/Current", num(-25)));

    setShunt("/Soc", sdbus::Variant(std::vector<std::int32_t>{}));  // invalid, as before a synchronisation
    EXPECT_TRUE(waitAggregate("/Info/SocSource", text("monitor Sim Shunt (held: no valid SOC)")));
    EXPECT_EQ(aggregateValue("/Soc"), num(42));
    EXPECT_EQ(aggregateValue("/Dc/0/Current"), num(-25));
    EXPECT_TRUE(waitAggregate("/Info/SocSource",
                              text("packs: monitor Sim Shunt no valid SOC for longer than reconnect_grace"), 6s));
    EXPECT_EQ(aggregateValue("/Soc"), num(60));
    EXPECT_EQ(aggregateValue("/Info/CurrentSource"), text("monitor Sim Shunt"));

    // An implausible SOC is no SOC either.
    setShunt("/Soc", sdbus::Variant(250.0));
    setShunt("/Soc", sdbus::Variant(55.0));
    EXPECT_TRUE(waitAggregate("/Soc", num(55)));
}

TEST_F(SourcesOnTheBus, AShuntFarFromThePacksIsAWarning)
{
    startDaemon(config("soc = monitor\nsoc_disagreement = 10\nsoc_disagreement_time = 1\n"));
    // Shunt 42 %, packs 60 %: 18 points apart for more than a second.
    EXPECT_TRUE(client_.waitFor(
        [&] { return aggregateValue("/Info/Warnings") == text("monitor Sim Shunt SOC 42.0 % vs packs 60.0 %"); }));
    EXPECT_EQ(aggregateValue("/Alarms/LowSoc"), integer(0)) << "a warning for the owner, not an alarm";
    const std::string shown = status();
    EXPECT_NE(shown.find("SOC from monitor Sim Shunt; current from packs"), std::string::npos) << shown;
    EXPECT_NE(shown.find("Warning: monitor Sim Shunt SOC 42.0 % vs packs 60.0 %"), std::string::npos) << shown;
    setShunt("/Soc", sdbus::Variant(58.0));
    EXPECT_TRUE(waitAggregate("/Info/Warnings", Value{Invalid{}}));
}

TEST_F(SourcesOnTheBus, TwoMonitorsNeedASelector)
{
    // A second monitor on the same bus (a BMV on the starter battery's branch, say): which one
    // measures the bank is the owner's call, never a guess.
    FakePack bmv(client_, "com.victronenergy.battery.ttyS9",
                 {{"/ProductName", item(sdbus::Variant(std::string("BMV-712 Smart")))},
                  {"/CustomName", item(sdbus::Variant(std::string("House BMV")))},
                  {"/Soc", item(sdbus::Variant(90.0))},
                  {"/Dc/0/Voltage", item(sdbus::Variant(52.0))},
                  {"/Dc/0/Current", item(sdbus::Variant(-1.0))}});
    auto& first = startDaemon(config("soc = monitor\n"));
    EXPECT_TRUE(client_.waitFor([&] {
        const auto v = aggregateValue("/Info/SocSource");
        return std::holds_alternative<std::string>(v) &&
               std::get<std::string>(v).rfind("packs: 2 monitors (", 0) == 0;
    }));
    EXPECT_EQ(aggregateValue("/Soc"), num(60));
    EXPECT_EQ(first.stop(SIGTERM, std::chrono::seconds(5)), std::optional<int>(0));
    ASSERT_TRUE(client_.waitFor([&] { return !client_.hasOwner(kAggregate); }));

    startDaemon(config("soc = monitor\nmonitor = name:House BMV\n"));
    EXPECT_TRUE(waitAggregate("/Soc", num(90)));
    EXPECT_EQ(aggregateValue("/Info/SocSource"), text("monitor House BMV"));
}

}  // namespace
}  // namespace bagg::test
