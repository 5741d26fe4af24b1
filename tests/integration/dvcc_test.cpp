// Our limits reach the inverter/charger through Victron's real dbus-systemcalc-py with DVCC on:
// localsettings, systemcalc and a Multi stand-in on the private bus with our daemon, the aggregate
// selected as battery monitor (and so, with BmsInstance automatic, as the controlling BMS).
//
// What systemcalc writes into the Multi (delegates/dvcc.py, no solar chargers, no DC system, no
// user limits): MaxChargeVoltage and MaxDischargeCurrent as the BMS publishes them,
// MaxChargeCurrent as round(CCL) (Python: half to even, an integer); see dvccRound().

#include "venus_system.h"

#include <chrono>
#include <cmath>
#include <iostream>
#include <optional>

namespace bagg::test {
namespace {

using Clock = std::chrono::steady_clock;

std::string show(const Value& v) { return ::testing::PrintToString(v); }

class Dvcc : public VenusFixture {
protected:
    // A GX with DVCC on: localsettings, systemcalc (before any battery), the Multi.
    void startGx()
    {
        venus_.startSettings();
        venus_.startSystemcalc();
        venus_.startMulti();
        venus_.enableDvcc();
    }

    // Our daemon with its device instance from localsettings, selected as the battery monitor.
    void startAndSelectAggregate(std::int64_t batteries)
    {
        startDaemon("[service]\ndevice_instance = auto\n");
        ASSERT_TRUE(waitAggregate("/System/NrOfBatteries", integer(batteries)));
        const auto instance = asNumber(aggregateValue("/DeviceInstance"));
        ASSERT_TRUE(instance.has_value());
        venus_.selectBatteryMonitor(static_cast<std::int64_t>(*instance));
        ASSERT_TRUE(client_.waitFor([&] { return venus_.system("/ActiveBmsService") == text(kAggregate); }, 10s))
            << "systemcalc's controlling BMS is " << show(venus_.system("/ActiveBmsService"));
    }

    // The Multi's BOL limits equal what our aggregate publishes. Both are read afresh on every
    // poll, so a limit of ours that is still settling is not taken for a wrong one.
    void expectMultiHasOurLimits()
    {
        struct Pair {
            const char* ours;
            const char* bol;
            bool rounded;
        };
        for (const Pair& p : {Pair{"/Info/MaxChargeVoltage", "MaxChargeVoltage", false},
                              Pair{"/Info/MaxChargeCurrent", "MaxChargeCurrent", true},
                              Pair{"/Info/MaxDischargeCurrent", "MaxDischargeCurrent", false}}) {
            auto expected = [&]() -> std::optional<double> {
                const auto ours = asNumber(aggregateValue(p.ours));
                if (ours && p.rounded) return dvccRound(*ours);
                return ours;
            };
            const bool equal = client_.waitFor(
                [&] {
                    const auto e = expected();
                    return e && asNumber(venus_.multiLimit(p.bol)) == e;
                },
                kDvccBound);
            EXPECT_TRUE(equal) << "the Multi's " << p.bol << " is " << show(venus_.multiLimit(p.bol)) << ", our "
                               << p.ours << " " << show(aggregateValue(p.ours));
        }
    }
};

TEST_F(Dvcc, SimPacksAggregateIsTheControllingBmsAndItsLimitsReachTheMulti)
{
    startGx();
    startSim({"--packs", "3", "--soc", "70,80,90", "--no-drift"});
    ASSERT_NO_FATAL_FAILURE(startAndSelectAggregate(3));
    EXPECT_EQ(venus_.system("/ActiveBmsService"), text(kAggregate));
    expectMultiHasOurLimits();
    EXPECT_EQ(venus_.system("/Control/BmsParameters"), integer(1)) << "systemcalc says it writes BMS parameters";
}

TEST_F(Dvcc, VelibBmsStandInsAggregateReachesTheMulti)
{
    startGx();
    venus_.startBms("ttyUSB0", 1, {"--set", "/Soc=80", "--set", "/Info/MaxChargeCurrent=60"});
    venus_.startBms("ttyUSB1", 2, {"--set", "/Soc=78", "--set", "/Info/MaxChargeCurrent=40"});
    ASSERT_NO_FATAL_FAILURE(startAndSelectAggregate(2));
    expectMultiHasOurLimits();

    // A driver's SetValue is published (PropertiesChanged) and travels stand-in -> our daemon ->
    // systemcalc -> Multi.
    const Value before = aggregateValue("/Info/MaxChargeCurrent");
    ASSERT_EQ(client_.setValue("com.victronenergy.battery.ttyUSB1", "/Info/MaxChargeCurrent", sdbus::Variant(10.0)), 0);
    ASSERT_TRUE(client_.waitFor([&] { return aggregateValue("/Info/MaxChargeCurrent") != before; }))
        << "our CCL did not follow the stand-in's";
    expectMultiHasOurLimits();
}

TEST_F(Dvcc, ImbalanceStepLowersTheMultisChargeCurrentWithinOneDvccPeriod)
{
    startGx();
    startSim({"--packs", "3", "--soc", "70,80,90", "--no-drift"});
    ASSERT_NO_FATAL_FAILURE(startAndSelectAggregate(3));
    expectMultiHasOurLimits();
    auto ours = [&] { return asNumber(aggregateValue("/Info/MaxChargeCurrent")).value_or(std::nan("")); };
    const double before = ours();

    // Pack 1 from 70 to 65 % SOC: a wider spread, so a lower CCL.
    ASSERT_EQ(client_.setValue(sim(1), "/Soc", sdbus::Variant(65.0)), 0);
    ASSERT_TRUE(client_.waitFor([&] { return ours() != before; }));
    const auto changed = Clock::now();
    const bool followed = client_.waitFor(
        [&] { return asNumber(venus_.multiLimit("MaxChargeCurrent")) == dvccRound(ours()); }, kDvccBound);
    const auto latency = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - changed);
    ASSERT_TRUE(followed) << "the Multi's MaxChargeCurrent stayed " << show(venus_.multiLimit("MaxChargeCurrent"))
                          << ", ours is " << ours();
    const double after = ours();
    ASSERT_LT(after, before) << "the step must lower our CCL";
    std::cout << "CCL " << before << " -> " << after << " A reached the Multi after " << latency.count() << " ms\n";
    RecordProperty("latency_ms", static_cast<int>(latency.count()));
    // One DVCC period, plus 1 s for the D-Bus round trips and a late timer on a loaded machine.
    EXPECT_LE(latency.count(), std::chrono::milliseconds(kDvccPeriod + 1s).count()) << "ms";
}

}  // namespace
}  // namespace bagg::test
