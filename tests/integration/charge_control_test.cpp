// Bank charge control (issue 13) with real consequences: battery-sim's physical bank
// (tests/scenarios/) is charged by its Multi within the limits the daemon publishes. Simulated time
// runs at --speed; the daemon's timers run in real time, so where they matter a test either runs
// the bank at speed 1 or scales the daemon's [recovery] times down by the speed.

#include "aggregator_fixture.h"

#include <fmt/format.h>

#include <cmath>
#include <limits>

namespace bagg::test {
namespace {

using Items = std::map<std::string, Value>;

double number(const Items& items, const std::string& path)
{
    const auto it = items.find(path);
    const auto n = it == items.end() ? std::nullopt : asNumber(it->second);
    return n ? *n : std::numeric_limits<double>::quiet_NaN();
}

std::string textOf(const Items& items, const std::string& path)
{
    const auto it = items.find(path);
    const auto* s = it == items.end() ? nullptr : std::get_if<std::string>(&it->second);
    return s ? *s : "";
}

bool stillCharging(const std::string& mode) { return mode != "Float" && mode != "Float Transition"; }

class ChargeControl : public AggregatorFixture {
protected:
    void startBank(const std::string& scenario, double speed)
    {
        startSim({"--bank", std::string(BAGG_SOURCE_DIR) + "/tests/scenarios/" + scenario, "--speed",
                  fmt::format("{:g}", speed)});
    }
    // One GetItems of the sim's control service: a consistent snapshot of one simulated tick.
    Items truth() { return client_.getItems(kSimControl); }
    void setSim(const std::string& path, double v) { ASSERT_EQ(client_.setValue(kSimControl, path, sdbus::Variant(v)), 0); }
    // The daemon's timing rules at their default pace in simulated time: its times divided by the
    // speed, its rates multiplied (the current ramp at most 100 %/s).
    static std::string timesAtSpeed(double speed)
    {
        // [charge] last: a test may add keys of its own to it.
        return fmt::format("[recovery]\ncurrent_hold = {:g}\ncurrent_ramp = {:g}\nvoltage_hold = {:g}\nvoltage_ramp = {:g}\n"
                           "[charge]\ncurrent_share_smoothing = {:g}\noverload_time = {:g}\n",
                           30.0 / speed, std::min(100.0, 2.0 * speed), 60.0 / speed, 1.0 * speed, 30.0 / speed,
                           3.0 / speed);
    }
    // The number of packs of the running scenario.
    std::int64_t packsInBank()
    {
        std::int64_t n = 0;
        for (const auto& [path, value] : truth())
            if (path.rfind("/Pack/", 0) == 0 && path.size() > 8 && path.compare(path.size() - 8, 8, "/Service") == 0) ++n;
        return n;
    }
    // Samples the sim every `period` (real time) until `done(sample)` or `bound`.
    bool sample(std::chrono::milliseconds period, std::chrono::milliseconds bound,
                const std::function<bool(const Items&)>& done)
    {
        auto last = std::chrono::steady_clock::now() - period;
        return client_.waitFor(
            [&] {
                if (std::chrono::steady_clock::now() - last < period) return false;
                last = std::chrono::steady_clock::now();
                return done(truth());
            },
            bound);
    }
};

// The input, on the bus: A floats at 53.6 V, B absorbs (balancing) at 55.2 V.
TEST_F(ChargeControl, EarlyFloatDoesNotStopThePackStillAbsorbing)
{
    startSim({"--packs", "2", "--soc", "99,97", "--no-drift"});
    startDaemon();
    auto mode = [&](int pack, const std::string& m, double cvl) {
        ASSERT_EQ(client_.setValue(sim(pack), "/Info/ChargeMode", sdbus::Variant(m)), 0);
        ASSERT_EQ(client_.setValue(sim(pack), "/Info/MaxChargeVoltage", sdbus::Variant(cvl)), 0);
    };
    mode(1, "Absorption", 55.2);
    mode(2, "Absorption", 55.2);
    ASSERT_TRUE(waitAggregate("/Info/ChargeMode", text("Absorption")));
    mode(1, "Float", 53.6);
    ASSERT_TRUE(waitAggregate("/Batteries/0/State", text("online")));
    client_.waitFor([] { return false; }, 300ms);
    EXPECT_EQ(aggregateValue("/Info/MaxChargeVoltage"), num(55.2)) << "B is still absorbing";
    EXPECT_EQ(aggregateValue("/Info/ChargeMode"), text("Absorption"));
    EXPECT_EQ(aggregateValue("/Info/ChargeVoltageLimitation"),
              text("lowest CVL of the packs still charging: Sim 2 55.2 V (Sim 1 done)"));
    mode(2, "Absorption (balancing)", 55.2);
    mode(2, "Float", 53.6);
    EXPECT_TRUE(waitAggregate("/Info/MaxChargeVoltage", num(53.6))) << "once both float";
    EXPECT_EQ(aggregateValue("/Info/ChargeMode"), text("Float"));
}

// One pack with half the resistance takes half the current. The count rule (current_feedback off)
// lets it run 50 % above its own CCL; with the feedback, no pack goes above its own CCL by more
// than 5 % for more than 5 s after the charger starts, and the bank still gets at least 90 % of
// the best feasible current. At speed 2 with every time of the daemon divided by 2, so that the
// "5 s" are seconds of the bank's (simulated) time, as an owner's seconds would be.
TEST_F(ChargeControl, NoPackAboveItsOwnCclWithTheFeedbackAndTheCountRuleAloneOverloadsOne)
{
    constexpr double kSpeed = 2;
    startBank("half-resistance.json", kSpeed);
    // Longest time any pack is above its own CCL by more than 5 %, while the charger runs.
    auto overloads = [&](std::chrono::milliseconds watch, double& worst, double& longest, double& settled) {
        std::array<std::optional<double>, 4> overSince{};
        longest = worst = 0.0;
        double bestFeasible = 0.0, bank = 0.0;
        const auto start = std::chrono::steady_clock::now();
        sample(100ms, watch + 1s, [&](const Items& s) {
            const double t = number(s, "/Sim/Time");
            for (int k = 1; k <= 3; ++k) {
                const double current = number(s, fmt::format("/Pack/{}/Current", k));
                const double ccl = number(s, fmt::format("/Pack/{}/Ccl", k));
                worst = std::max(worst, current - ccl);
                auto& since = overSince[static_cast<std::size_t>(k)];
                if (current > ccl * 1.05) {
                    if (!since) since = t;
                    longest = std::max(longest, t - *since);
                } else {
                    since.reset();
                }
            }
            bank = number(s, "/Bank/Current");
            bestFeasible = number(s, "/Bank/BestFeasibleCurrent");
            return std::chrono::steady_clock::now() - start >= watch;
        });
        settled = bank / bestFeasible;
    };

    // The count rule alone: 3 x 50 A, the low-resistance pack takes 75 A.
    auto& countRule = startDaemon(std::string(kFixedInstance) + timesAtSpeed(kSpeed) + "current_feedback = false\n");
    ASSERT_TRUE(waitAggregate("/Info/MaxChargeCurrent", num(150.0)));
    setSim("/Charger/Demand", 150);
    double worst = 0, longest = 0, settled = 0;
    overloads(8s, worst, longest, settled);
    std::cout << "count rule: worst " << worst << " A above a pack's CCL, for " << longest << " s\n";
    EXPECT_GT(worst, 20.0) << "Bank 3 far above its CCL";
    EXPECT_GT(longest, 12.0) << "and for good";
    setSim("/Charger/Demand", 0);
    ASSERT_EQ(countRule.stop(SIGTERM, 5s), std::optional<int>(0));

    // The feedback (the default), learning from scratch.
    startDaemon(std::string(kFixedInstance) + timesAtSpeed(kSpeed));
    ASSERT_TRUE(waitAggregate("/System/NrOfBatteries", integer(3)));
    setSim("/Charger/Demand", 150);
    overloads(45s, worst, longest, settled);
    std::cout << "feedback: worst " << worst << " A above a pack's CCL, longest " << longest << " s; the bank at "
              << settled * 100 << " % of the best feasible current; CCL reason: "
              << textOf({{"r", aggregateValue("/Info/ChargeLimitation")}}, "r")
              << "\n";
    EXPECT_LE(longest, 5.0) << "a pack above its CCL by more than 5 % for longer than 5 s";
    EXPECT_GE(settled, 0.9) << "the bank settled below 90 % of the best feasible current";
    EXPECT_LE(settled, 1.05);
    const auto share = asNumber(aggregateValue("/Batteries/2/CurrentShare"));
    ASSERT_TRUE(share);
    EXPECT_GT(*share, 40.0) << "the low-resistance pack's learnt share of the current";
}

// 40 % / 90 % / 90 %: a full charge ends with every pack in float, and the CVL published is never
// above the lowest CVL of a pack still charging (the bank floats only when every pack is done).
TEST_F(ChargeControl, AFullChargeOfAnUnevenBankEndsWithEveryPackInFloat)
{
    constexpr double kSpeed = 240;
    startBank("low-pack-40-90.json", kSpeed);
    startDaemon(std::string(kFixedInstance) + timesAtSpeed(kSpeed));
    ASSERT_TRUE(waitAggregate("/System/NrOfBatteries", integer(3)));
    setSim("/Charger/Demand", 150);

    double previousBound = std::numeric_limits<double>::infinity();
    int violations = 0, samples = 0;
    const bool allFloat = sample(100ms, 120s, [&](const Items& s) {
        ++samples;
        // The lowest CVL of a pack still charging, now and one sample ago (our CVL may still be
        // the one computed from the previous state of the packs).
        double bound = std::numeric_limits<double>::infinity();
        bool done = true;
        for (int k = 1; k <= 3; ++k) {
            const std::string mode = textOf(s, fmt::format("/Pack/{}/ChargeMode", k));
            if (stillCharging(mode)) bound = std::min(bound, number(s, fmt::format("/Pack/{}/Cvl", k)));
            done = done && mode == "Float";
        }
        const double ours = asNumber(aggregateValue("/Info/MaxChargeVoltage")).value_or(0.0);
        if (ours > std::max(bound, previousBound) + 0.005) {
            ++violations;
            ADD_FAILURE() << "CVL " << ours << " V above the " << bound << " V of a pack still charging, at t="
                          << number(s, "/Sim/Time");
        }
        previousBound = bound;
        return done;
    });
    const auto end = truth();
    EXPECT_TRUE(allFloat) << "after " << number(end, "/Sim/Time") << " simulated s: "
                          << textOf(end, "/Pack/1/ChargeMode") << ", " << textOf(end, "/Pack/2/ChargeMode") << ", "
                          << textOf(end, "/Pack/3/ChargeMode");
    EXPECT_EQ(violations, 0);
    EXPECT_GT(samples, 50);
    EXPECT_EQ(aggregateValue("/Info/ChargeMode"), text("Float"));
}

// No limit flaps. In every scenario, with the default recovery (scaled to the speed) and a charge
// (50 minutes) then a load, count the rises of each published limit after the first simulated quarter-hour: a
// run of rises (a ramp) is one. Fewer than kMaxRisesPerHour per simulated hour: a legitimate rise
// follows a change of state (an imbalance band left, a BMS taper ended, the float transition
// done, the load stopping), a few in a charge cycle; a flapping limit would rise every time it
// fell, dozens of times an hour.
constexpr double kMaxRisesPerHour = 6;

class NoFlapping : public ChargeControl, public ::testing::WithParamInterface<const char*> {};

TEST_P(NoFlapping, FewerThanSixRisesPerHour)
{
    constexpr double kSpeed = 240;
    startBank(GetParam(), kSpeed);
    startDaemon(std::string(kFixedInstance) + timesAtSpeed(kSpeed));
    ASSERT_TRUE(waitAggregate("/System/NrOfBatteries", integer(packsInBank())));
    client_.recordItemsChanged(kAggregate);
    setSim("/Charger/Demand", 150);

    struct Limit {
        const char* path;
        std::optional<double> last;
        bool rising = false;
        int rises = 0;
    };
    std::array<Limit, 3> limits{{{"/Info/MaxChargeCurrent", std::nullopt, false, 0},
                                 {"/Info/MaxDischargeCurrent", std::nullopt, false, 0},
                                 {"/Info/MaxChargeVoltage", std::nullopt, false, 0}}};
    std::size_t seen = 0;
    double settledAt = -1, simNow = 0;
    const double t0 = number(truth(), "/Sim/Time");
    sample(100ms, 40s, [&](const Items& s) {
        simNow = number(s, "/Sim/Time") - t0;
        if (simNow > 3000 && number(s, "/Charger/Demand") > 0) setSim("/Charger/Demand", 0), setSim("/Load/Current", 60);
        const bool counting = simNow > 900;
        if (counting && settledAt < 0) settledAt = simNow;
        for (; seen < client_.itemsChanged().size(); ++seen)
            for (auto& l : limits) {
                const auto it = client_.itemsChanged()[seen].find(l.path);
                if (it == client_.itemsChanged()[seen].end()) continue;
                const auto v = asNumber(it->second);
                if (!v) continue;
                const bool up = l.last && *v > *l.last + 1e-9;
                if (up && !l.rising && counting) ++l.rises;
                l.rising = up;
                l.last = v;
            }
        return simNow > 4800;
    });
    const double hours = (simNow - settledAt) / 3600.0;
    ASSERT_GT(hours, 1.0) << "the bank ran " << simNow << " simulated s";
    for (const auto& l : limits) {
        std::cout << GetParam() << " " << l.path << ": " << l.rises << " rises in " << hours << " h\n";
        EXPECT_LT(l.rises / hours, kMaxRisesPerHour) << l.path;
    }
}

INSTANTIATE_TEST_SUITE_P(EveryScenario, NoFlapping,
                         ::testing::Values("equal-packs.json", "mixed-capacity-100-100-200.json", "half-resistance.json",
                                           "aged-pack.json", "low-pack-40-90.json", "blocks-at-full-fet.json",
                                           "blocks-at-full-flag.json", "lto-packs.json"),
                         [](const ::testing::TestParamInfo<const char*>& param) {
                             std::string name = param.param;
                             name = name.substr(0, name.find('.'));
                             for (auto& c : name)
                                 if (c == '-') c = '_';
                             return name;
                         });

}  // namespace
}  // namespace bagg::test
