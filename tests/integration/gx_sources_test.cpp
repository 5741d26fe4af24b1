// [sources] with Victron's own services on the private bus: the bank current from the Victron
// devices that measure it at the battery (current = victron), and /TimeToGo to the ESS minimum
// SOC that localsettings holds. The devices are velib_python stand-ins (tests/venus/dc_device.py).

#include "venus_system.h"

#include <cmath>

namespace bagg::test {
namespace {

constexpr const char* kSolar = "com.victronenergy.solarcharger.ttyS2";
constexpr const char* kLoad = "com.victronenergy.dcload.fridge";

class GxSources : public VenusFixture {
protected:
    // Two packs of 100 Ah at SOC 60 and 70 whose BMSes both read -1 A.
    void startPacks()
    {
        startSim({"--packs", "2", "--no-drift", "--soc", "60,70", "--capacity", "100", "--period-ms", "200"});
        for (int k = 1; k <= 2; ++k) ASSERT_EQ(client_.setValue(sim(k), "/Dc/0/Current", sdbus::Variant(-1.0)), 0);
    }
    bool waitNear(const std::string& path, double expected, std::chrono::milliseconds timeout = 10s)
    {
        return client_.waitFor(
            [&] {
                const auto v = asNumber(aggregateValue(path));
                return v && std::abs(*v - expected) < 0.5;
            },
            timeout);
    }
    static std::string config(const std::string& sources)
    {
        return std::string(kFixedInstance) + "state_file =\n[sources]\n" + sources;
    }
};

TEST_F(GxSources, TheCurrentIsWhatTheVictronDevicesMeasure)
{
    startPacks();
    // The Multi inverts 30 A from the battery, the MPPT charges 12.5 A into it, the fridge's DC
    // meter sees 4 A: the battery gives 30 - 12.5 + 4 = 21.5 A (the BMSes say 2 A).
    venus_.startDcDevice(kMulti, 276, {"--current", "-30"});
    venus_.startDcDevice(kSolar, 278, {"--current", "12.5"});
    venus_.startDcDevice(kLoad, 279, {"--current", "4"});
    startDaemon(config("current = victron\nsubtract_dc_loads = true\n"));
    EXPECT_TRUE(waitNear("/Dc/0/Current", -21.5));
    EXPECT_EQ(aggregateValue("/Info/CurrentSource"), text("victron: 3 devices"));

    // The MPPT's value turns invalid: the sum would be wrong, so the packs' current, and why.
    ASSERT_EQ(client_.setValue(kSolar, "/Dc/0/Current", sdbus::Variant(std::vector<std::int32_t>{})), 0);
    EXPECT_TRUE(waitAggregate("/Info/CurrentSource",
                              text(std::string("packs: ") + kSolar + " has no valid /Dc/0/Current")));
    EXPECT_TRUE(waitNear("/Dc/0/Current", -2.0));

    // Back, and the sun comes out: the battery now charges.
    ASSERT_EQ(client_.setValue(kSolar, "/Dc/0/Current", sdbus::Variant(40.0)), 0);
    EXPECT_TRUE(waitNear("/Dc/0/Current", 6.0));
    EXPECT_EQ(aggregateValue("/Info/CurrentSource"), text("victron: 3 devices"));
}

TEST_F(GxSources, DcLoadsAreNotSubtractedUnlessConfigured)
{
    startPacks();
    venus_.startDcDevice(kSolar, 278, {"--current", "12.5"});
    venus_.startDcDevice(kLoad, 279, {"--current", "4"});
    startDaemon(config("current = victron\n"));
    EXPECT_TRUE(waitNear("/Dc/0/Current", 12.5));
    EXPECT_EQ(aggregateValue("/Info/CurrentSource"), text("victron: 1 device"));
}

TEST_F(GxSources, TimeToGoRunsToTheEssMinimumSoc)
{
    venus_.startSettings();
    startPacks();
    startDaemon(config(""));
    // Without ESS: to 0 %. 60 % of 200 Ah at 2 A: 60 h.
    EXPECT_TRUE(waitNear("/TimeToGo", 0.60 * 200 / 2 * 3600));

    // ESS with a minimum SOC of 30 %: (60 - 30) % of 200 Ah at 2 A.
    venus_.startDcDevice("com.victronenergy.hub4", 0, {"--min-soc", "30"});
    EXPECT_TRUE(waitNear("/TimeToGo", 0.30 * 200 / 2 * 3600));
    // The owner raises it in the GUI.
    venus_.setSetting("/Settings/CGwacs/BatteryLife/MinimumSocLimit", sdbus::Variant(40.0));
    EXPECT_TRUE(waitNear("/TimeToGo", 0.20 * 200 / 2 * 3600));
}

}  // namespace
}  // namespace bagg::test
