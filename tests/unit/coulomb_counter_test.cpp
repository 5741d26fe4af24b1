// Our own Coulomb counter: integration with the time passed in, efficiency, gaps, clamping, seeding
// (never 0 % unseeded), restoring a saved charge, synchronisation to 100 % and 0 %, save steps.

#include "bagg/core/coulomb_counter.h"

#include <gtest/gtest.h>

using namespace bagg;
using namespace std::chrono_literals;

namespace {

Instant at(double s) { return std::chrono::duration_cast<Instant>(std::chrono::duration<double>(s)); }

// A 100 Ah bank at 52 V, CVL 55.2 V, lowest cell 3.3 V, packs at 50 %.
CounterInput bank(std::optional<double> current)
{
    CounterInput in;
    in.current = current;
    in.voltage = 52.0;
    in.chargeVoltageLimit = 55.2;
    in.minCellVoltage = 3.3;
    in.installedCapacity = 100.0;
    in.packsSoc = 50.0;
    return in;
}

// Calls once a second from `from` (exclusive) to `to`, as the daemon's tick does; the last step.
CounterStep run(CounterMemory& m, const CounterInput& in, const CounterConfig& c, int from, int to)
{
    CounterStep step;
    for (int t = from + 1; t <= to; ++t) step = updateCounter(m, in, c, at(t));
    return step;
}

}  // namespace

TEST(CoulombCounter, NeverPublishesAnUnseededCharge)
{
    CounterMemory m;
    auto in = bank(-10.0);
    in.packsSoc.reset();
    auto step = updateCounter(m, in, {}, at(0));
    EXPECT_FALSE(step.soc) << "no pack SOC yet: nothing, never 0 %";
    step = updateCounter(m, in, {}, at(1));
    EXPECT_FALSE(step.soc);

    in.packsSoc = 64.0;
    step = updateCounter(m, in, {}, at(2));
    ASSERT_TRUE(step.soc);
    EXPECT_DOUBLE_EQ(*step.soc, 64.0);
    EXPECT_TRUE(step.save);
    ASSERT_EQ(step.events.size(), 1u);
    EXPECT_EQ(step.events[0], "seeded from the packs' SOC 64.0 %");
}

TEST(CoulombCounter, IntegratesThePreviousCurrentWithEfficiencyOnCharge)
{
    CounterMemory m;
    CounterConfig c;
    c.chargeEfficiency = 0.9;
    updateCounter(m, bank(-10.0), c, at(0));  // seeded at 50 Ah
    // -10 A held for 360 s: -1 Ah. The last call brings the next current, +20 A.
    run(m, bank(-10.0), c, 0, 359);
    auto step = updateCounter(m, bank(20.0), c, at(360));
    EXPECT_NEAR(*step.chargeAh, 49.0, 1e-9);
    // +20 A for 180 s: +1 Ah charged, 0.9 Ah stored.
    step = run(m, bank(20.0), c, 360, 540);
    EXPECT_NEAR(*step.chargeAh, 49.9, 1e-9);
}

TEST(CoulombCounter, AGapIsNotIntegratedAndIsReported)
{
    CounterMemory m;
    updateCounter(m, bank(-50.0), {}, at(0));
    auto step = updateCounter(m, bank(-50.0), {}, at(1));
    EXPECT_NEAR(*step.chargeAh, 50.0 - 50.0 / 3600.0, 1e-9);
    step = updateCounter(m, bank(-50.0), {}, at(61));  // a stalled daemon: 60 s
    EXPECT_NEAR(*step.chargeAh, 50.0 - 50.0 / 3600.0, 1e-9);
    ASSERT_EQ(step.events.size(), 1u);
    EXPECT_EQ(step.events[0], "60.0 s without a current reading: not counted");
    // And counting goes on from there.
    step = updateCounter(m, bank(-50.0), {}, at(62));
    EXPECT_NEAR(*step.chargeAh, 50.0 - 2 * 50.0 / 3600.0, 1e-9);
}

TEST(CoulombCounter, NoCurrentNothingCounted)
{
    CounterMemory m;
    updateCounter(m, bank(std::nullopt), {}, at(0));
    const auto step = updateCounter(m, bank(std::nullopt), {}, at(3));
    EXPECT_DOUBLE_EQ(*step.chargeAh, 50.0);
}

TEST(CoulombCounter, ClampedToTheInstalledCapacity)
{
    CounterMemory m;
    auto in = bank(-3600.0);
    updateCounter(m, in, {}, at(0));
    auto step = updateCounter(m, in, {}, at(4));  // -4 Ah a second for 4 s... well below 0
    step = updateCounter(m, in, {}, at(8));
    step = updateCounter(m, in, {}, at(12));
    step = updateCounter(m, in, {}, at(16));
    step = updateCounter(m, in, {}, at(20));
    EXPECT_DOUBLE_EQ(*step.soc, 30.0);
    for (double t = 24; t <= 60; t += 4) step = updateCounter(m, in, {}, at(t));
    EXPECT_DOUBLE_EQ(*step.soc, 0.0);
    in.current = 3600.0;
    for (double t = 64; t <= 300; t += 4) step = updateCounter(m, in, {}, at(t));
    EXPECT_DOUBLE_EQ(*step.soc, 100.0);
}

TEST(CoulombCounter, AChangeOfCapacityKeepsTheSoc)
{
    // Three packs of 100 Ah at 82 %; one is missing beyond its grace and no longer counts: the
    // other two are at about the same SOC, so the SOC stays (not 100 % of the smaller bank), and
    // again when it is back.
    CounterMemory m;
    auto in = bank(0.0);
    in.installedCapacity = 300.0;
    in.packsSoc = 82.0;
    updateCounter(m, in, {}, at(0));
    in.installedCapacity = 200.0;
    auto step = updateCounter(m, in, {}, at(1));
    EXPECT_DOUBLE_EQ(*step.soc, 82.0);
    EXPECT_DOUBLE_EQ(*step.chargeAh, 164.0);
    EXPECT_EQ(step.events.at(0), "installed capacity 300 -> 200 Ah: SOC 82.0 % kept");
    in.installedCapacity = 300.0;
    step = updateCounter(m, in, {}, at(2));
    EXPECT_DOUBLE_EQ(*step.soc, 82.0);
}

TEST(CoulombCounter, SeededOnlyOnceEveryPackHasBeenRead)
{
    // At start the first pack read is at 80 % with 100 Ah; the bank is three packs of 100 Ah.
    CounterMemory m;
    auto in = bank(0.0);
    in.settled = false;
    in.packsSoc = 80.0;
    EXPECT_FALSE(updateCounter(m, in, {}, at(0)).soc);
    in.settled = true;
    in.packsSoc = 82.0;
    in.installedCapacity = 300.0;
    const auto step = updateCounter(m, in, {}, at(1));
    EXPECT_DOUBLE_EQ(*step.soc, 82.0);

    // A saved charge is also decided on only then.
    CounterMemory restored;
    restored.restored = SavedCharge{240.0, 300.0, std::chrono::seconds(10)};
    in.settled = false;
    EXPECT_FALSE(updateCounter(restored, in, {}, at(0)).soc);
    in.settled = true;
    EXPECT_DOUBLE_EQ(*updateCounter(restored, in, {}, at(1)).soc, 80.0);
}

TEST(CoulombCounter, SavesEachTimeItMovesBySaveStep)
{
    CounterMemory m;
    CounterConfig c;
    c.saveStepPercent = 0.25;  // 0.25 Ah of 100
    auto step = updateCounter(m, bank(36.0), c, at(0));  // +0.01 Ah a second, x 0.98
    EXPECT_TRUE(step.save) << "seeded: saved at once";
    int saves = 0;
    for (int t = 1; t <= 100; ++t) saves += updateCounter(m, bank(36.0), c, at(t)).save ? 1 : 0;
    // 100 s x 0.0098 Ah = 0.98 Ah: three steps of 0.25.
    EXPECT_EQ(saves, 3);
    EXPECT_LT(std::abs(*m.chargeAh - *m.savedAh), 0.25);
}

TEST(CoulombCounter, ARestoredChargeIsTakenWhenFreshAndCloseToThePacks)
{
    CounterMemory m;
    m.restored = SavedCharge{60.0, 100.0, 120s};
    auto in = bank(0.0);
    in.packsSoc.reset();
    auto step = updateCounter(m, in, {}, at(0));
    EXPECT_FALSE(step.soc) << "decided only once the packs' SOC is known";
    in.packsSoc = 50.0;
    step = updateCounter(m, in, {}, at(1));
    EXPECT_DOUBLE_EQ(*step.soc, 60.0);
    EXPECT_FALSE(step.save) << "the file already holds it";
    ASSERT_EQ(step.events.size(), 1u);
    EXPECT_EQ(step.events[0], "restored 60.00 % saved 120 s ago");
}

TEST(CoulombCounter, ARestoredChargeThatIsOldOrFarIsSeededAgain)
{
    CounterConfig c;
    c.maxAge = 24h;
    c.maxDifference = 15.0;
    {
        CounterMemory m;
        m.restored = SavedCharge{60.0, 100.0, 25h};
        const auto step = updateCounter(m, bank(0.0), c, at(0));
        EXPECT_DOUBLE_EQ(*step.soc, 50.0);
        EXPECT_EQ(step.events.at(0), "the saved charge (60.0 %) is 25.0 h old: seeded again");
        EXPECT_TRUE(step.save);
    }
    {
        CounterMemory m;
        m.restored = SavedCharge{70.0, 100.0, 10s};
        const auto step = updateCounter(m, bank(0.0), c, at(0));
        EXPECT_DOUBLE_EQ(*step.soc, 50.0);
        EXPECT_EQ(step.events.at(0), "the saved charge (70.0 %) is 20.0 points from the packs' SOC 50.0 %: seeded again");
    }
    {
        // Saved for a bank of 200 Ah, now 100 Ah: the SOC is what carries over.
        CounterMemory m;
        m.restored = SavedCharge{110.0, 200.0, 10s};
        const auto step = updateCounter(m, bank(0.0), c, at(0));
        EXPECT_DOUBLE_EQ(*step.soc, 55.0);
    }
}

TEST(CoulombCounter, SynchronisedTo100LikeABmv)
{
    CounterMemory m;
    CounterConfig c;
    c.chargedTime = 180s;
    c.tailCurrentPercent = 4.0;  // 4 A of 100 Ah
    auto in = bank(3.0);
    in.voltage = 55.1;  // CVL 55.2 - 0.2 = 55.0 V charged voltage
    updateCounter(m, in, c, at(0));
    auto step = updateCounter(m, in, c, at(179));
    EXPECT_LT(*step.soc, 100.0);
    step = updateCounter(m, in, c, at(180));
    EXPECT_DOUBLE_EQ(*step.soc, 100.0);
    EXPECT_TRUE(step.save);
    EXPECT_EQ(step.events.at(0), "synchronised to 100 %: 55.10 V >= 55.00 V and 3.0 A below 4.0 A for 180 s");
    // Once per charge: the condition holding on does not log again.
    step = updateCounter(m, in, c, at(181));
    EXPECT_TRUE(step.events.empty());

    // A current above the tail restarts the detection time.
    CounterMemory m2;
    updateCounter(m2, in, c, at(0));
    auto high = in;
    high.current = 10.0;
    updateCounter(m2, high, c, at(100));
    step = updateCounter(m2, in, c, at(200));
    EXPECT_LT(*step.soc, 100.0);
    step = updateCounter(m2, in, c, at(380));
    EXPECT_DOUBLE_EQ(*step.soc, 100.0);
}

TEST(CoulombCounter, SynchronisedTo100WhenEveryPackFloats)
{
    CounterMemory m;
    auto in = bank(-5.0);
    updateCounter(m, in, {}, at(0));
    in.packsFull = true;
    auto step = updateCounter(m, in, {}, at(1));
    EXPECT_DOUBLE_EQ(*step.soc, 100.0);
    EXPECT_EQ(step.events.at(1 - 1), "synchronised to 100 %: every pack in float or at 100 %");
    // Float goes on while the house draws: the counter counts down, it is not pinned at 100 %.
    step = run(m, in, {}, 1, 361);
    EXPECT_NEAR(*step.chargeAh, 100.0 - 0.5, 1e-9);
}

TEST(CoulombCounter, SynchronisedTo0AtALowCellWhileDischarging)
{
    CounterMemory m;
    CounterConfig c;
    c.emptyCellVoltage = 2.9;
    c.emptyTime = 60s;
    auto in = bank(-20.0);
    in.minCellVoltage = 2.85;
    updateCounter(m, in, c, at(0));
    auto step = updateCounter(m, in, c, at(59));
    EXPECT_GT(*step.soc, 0.0);
    step = updateCounter(m, in, c, at(60));
    EXPECT_DOUBLE_EQ(*step.soc, 0.0);
    EXPECT_EQ(step.events.at(0), "synchronised to 0 %: lowest cell 2.850 V <= 2.900 V for 60 s while discharging");

    // Not while charging (a low cell under charge is recovering), and off by default.
    CounterMemory m2;
    in.current = 5.0;
    updateCounter(m2, in, c, at(0));
    EXPECT_GT(*updateCounter(m2, in, c, at(120)).soc, 0.0);
    CounterMemory m3;
    in.current = -20.0;
    updateCounter(m3, in, {}, at(0));
    EXPECT_GT(*updateCounter(m3, in, {}, at(120)).soc, 0.0);
}
