// The daemon on battery-sim's physical bank (`battery-sim --bank`, tests/scenarios/): the sim's
// Multi charges and discharges the packs within the CVL/CCL/DCL it reads from the aggregate, so
// what we publish has physical consequences. Simulated time runs at --speed; the daemon's own
// timers run in real time (its defaults here: no timer of it matters to these tests).

#include "aggregator_fixture.h"

#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <set>

namespace bagg::test {
namespace {

class BankOnTheBus : public AggregatorFixture {
protected:
    static constexpr const char* kConfig = "[service]\ndevice_instance = 300\nstate_file =\n";

    void startBank(const std::string& scenario, const std::string& speed)
    {
        startSim({"--bank", std::string(BAGG_SOURCE_DIR) + "/tests/scenarios/" + scenario, "--speed", speed});
    }
    // One GetItems: a consistent snapshot of one tick of the simulation.
    std::map<std::string, Value> sim() { return client_.getItems(kSimControl); }
    static double number(const std::map<std::string, Value>& items, const std::string& path)
    {
        const auto it = items.find(path);
        const auto n = it == items.end() ? std::nullopt : asNumber(it->second);
        return n ? *n : std::numeric_limits<double>::quiet_NaN();
    }
    static std::string textOf(const std::map<std::string, Value>& items, const std::string& path)
    {
        const auto it = items.find(path);
        const auto* s = it == items.end() ? nullptr : std::get_if<std::string>(&it->second);
        return s ? *s : "";
    }
    void setSim(const std::string& path, double v) { ASSERT_EQ(client_.setValue(kSimControl, path, sdbus::Variant(v)), 0); }
    double simNumber(const std::string& path) { return number(sim(), path); }
};

bool containsNear(const std::set<double>& values, double v)
{
    return std::any_of(values.begin(), values.end(), [v](double x) { return std::abs(x - v) < 0.005; });
}

// Issue 13: 40/90/90 %, the daemon's default rules, the Multi asked for 150 A. Every CCL the
// charger works with is one the aggregate published, the bank never takes more than it, the
// charger follows the CCL as the imbalance band and the BMSes move it, and the bank ends in float
// transition with the charger following the falling CVL.
TEST_F(BankOnTheBus, TheMultiChargesTheBankWithinOurLimitsToFloat)
{
    startBank("low-pack-40-90.json", "120");
    startDaemon(kConfig);
    ASSERT_TRUE(waitAggregate("/System/NrOfBatteries", integer(3)));
    client_.recordItemsChanged(kAggregate);
    std::set<double> published;  // every CCL the aggregate published since
    if (const auto ccl = asNumber(aggregateValue("/Info/MaxChargeCurrent"))) published.insert(*ccl);
    std::size_t seen = 0;
    auto collect = [&] {
        for (; seen < client_.itemsChanged().size(); ++seen) {
            const auto& items = client_.itemsChanged()[seen];
            if (const auto it = items.find("/Info/MaxChargeCurrent"); it != items.end())
                if (const auto ccl = asNumber(it->second)) published.insert(*ccl);
        }
    };

    setSim("/Charger/Demand", 150);
    std::set<double> followed;  // the CCLs the charger charged with
    double maxBank = 0.0;
    int samples = 0;
    auto lastSample = std::chrono::steady_clock::now() - 1s;
    const bool floating = client_.waitFor(
        [&] {
            collect();
            if (std::chrono::steady_clock::now() - lastSample < 100ms) return false;
            lastSample = std::chrono::steady_clock::now();
            const auto s = sim();
            ++samples;
            const double bank = number(s, "/Bank/Current"), ccl = number(s, "/Charger/Ccl");
            const std::string mode = textOf(s, "/Charger/Mode");
            if (bank > 0.0) {  // (before its first read the Multi has no CCL, and charges nothing)
                EXPECT_LE(bank, ccl + 0.01) << "more than the CCL the Multi read, at t=" << number(s, "/Sim/Time");
            }
            if (mode == "current limited" || mode == "voltage limited") followed.insert(ccl);
            maxBank = std::max(maxBank, bank);
            for (int k = 1; k <= 3; ++k) {
                const auto charge = textOf(s, fmt::format("/Pack/{}/ChargeMode", k));
                if (charge != "Float Transition" && charge != "Float") return false;
            }
            return true;
        },
        150s);
    const auto end = sim();
    ASSERT_TRUE(floating) << "after " << number(end, "/Sim/Time") << " simulated s: bank SOC " << number(end, "/Bank/Soc")
                          << " %, modes " << textOf(end, "/Pack/1/ChargeMode") << ", "
                          << textOf(end, "/Pack/2/ChargeMode") << ", " << textOf(end, "/Pack/3/ChargeMode");
    EXPECT_GT(samples, 50);
    EXPECT_GT(maxBank, 40.0) << "it charged";
    for (int k = 1; k <= 3; ++k) EXPECT_GT(number(end, fmt::format("/Pack/{}/Soc", k)), 99.0) << "pack " << k;

    // The CVL falls towards float (the packs' CVLs, the lowest of them ours): the Multi follows it.
    ASSERT_TRUE(client_.waitFor(
        [&] {
            const double ours = asNumber(aggregateValue("/Info/MaxChargeVoltage")).value_or(0.0);
            const double multi = simNumber("/Charger/Cvl");
            return ours < 55.0 && std::abs(multi - ours) < 0.005;
        },
        30s))
        << "our CVL " << aggregateValue("/Info/MaxChargeVoltage").index() << ", the Multi's " << simNumber("/Charger/Cvl");

    client_.waitFor([] { return false; }, 200ms);  // the last signals in
    collect();
    EXPECT_GE(followed.size(), 3u) << "the CCL moved (imbalance band, the BMSes' tapers) and the Multi followed";
    for (double ccl : followed) EXPECT_TRUE(containsNear(published, ccl)) << "a CCL " << ccl << " A we never published";
}

// With no aggregate on the bus the Multi has no limits: no charging and no discharging; with it,
// the load is fed; when it goes, the Multi stops again at once.
TEST_F(BankOnTheBus, WithoutTheAggregateTheMultiNeitherChargesNorDischarges)
{
    startBank("equal-packs.json", "60");
    setSim("/Charger/Demand", 100);
    ASSERT_TRUE(client_.waitForValue(kSimControl, "/Charger/Mode", text("no limits")));
    EXPECT_EQ(simNumber("/Bank/Current"), 0.0);
    setSim("/Charger/Demand", 0);
    setSim("/Load/Current", 40);
    const double t0 = simNumber("/Sim/Time");
    ASSERT_TRUE(client_.waitFor([&] { return simNumber("/Sim/Time") > t0 + 30; }));
    EXPECT_EQ(sim().at("/Charger/Mode"), text("no limits"));
    EXPECT_EQ(simNumber("/Bank/Current"), 0.0);

    auto& daemon = startDaemon(kConfig);
    ASSERT_TRUE(client_.waitForValue(kSimControl, "/Charger/Mode", text("inverting")));
    EXPECT_NEAR(simNumber("/Bank/Current"), -40.0, 0.01) << "the DCL (300 A) allows the whole load";
    ASSERT_EQ(daemon.stop(SIGTERM, 5s), std::optional<int>(0));
    ASSERT_TRUE(client_.waitForValue(kSimControl, "/Charger/Mode", text("no limits"), 3s));
    EXPECT_EQ(simNumber("/Bank/Current"), 0.0);
}

}  // namespace
}  // namespace bagg::test
