#include "bagg/core/imbalance_policy.h"

#include <gtest/gtest.h>

#include <vector>

namespace bagg {
namespace {

struct Step {
    double spread;
    ImbalanceBand expected;
    int level;
};

// Feeds a sequence of spreads through one memory, as successive recomputes would.
void runSequence(const std::vector<Step>& steps, const ImbalanceConfig& config = {})
{
    ImbalanceMemory memory;
    for (std::size_t i = 0; i < steps.size(); ++i) {
        const auto d = decideImbalance(steps[i].spread, {}, config, memory);
        EXPECT_EQ(d.band, steps[i].expected) << "step " << i << " spread " << steps[i].spread;
        EXPECT_EQ(d.alarmLevel, steps[i].level) << "step " << i << " spread " << steps[i].spread;
    }
}

TEST(ImbalancePolicy, BandsRiseAtEachThresholdImmediately)
{
    runSequence({
        {0.0, ImbalanceBand::Balanced, 0},
        {5.0, ImbalanceBand::Balanced, 0},   // "spread <= 5 -> OK, 100 %"
        {5.1, ImbalanceBand::Reduced, 0},
        {15.0, ImbalanceBand::Reduced, 0},
        {15.1, ImbalanceBand::Warning, 1},
        {20.0, ImbalanceBand::Warning, 1},
        {20.1, ImbalanceBand::Alarm, 2},
    });
}

TEST(ImbalancePolicy, JumpStraightToAlarmFromBalanced)
{
    runSequence({{1.0, ImbalanceBand::Balanced, 0}, {35.0, ImbalanceBand::Alarm, 2}});
}

TEST(ImbalancePolicy, LeavingABandNeedsTheHysteresisMargin)
{
    // Default hysteresis 2 %-points: alarm (20) is left below 18, warning (15) below 13, reduced (5) below 3.
    runSequence({
        {21.0, ImbalanceBand::Alarm, 2},
        {19.0, ImbalanceBand::Alarm, 2},
        {18.0, ImbalanceBand::Alarm, 2},     // exactly threshold - hysteresis: not yet below
        {17.9, ImbalanceBand::Warning, 1},
        {13.5, ImbalanceBand::Warning, 1},
        {12.9, ImbalanceBand::Reduced, 0},
        {3.5, ImbalanceBand::Reduced, 0},
        {2.9, ImbalanceBand::Balanced, 0},
    });
}

TEST(ImbalancePolicy, FallingFarStepsDownSeveralBandsAtOnce)
{
    runSequence({{25.0, ImbalanceBand::Alarm, 2}, {1.0, ImbalanceBand::Balanced, 0}});
    runSequence({{25.0, ImbalanceBand::Alarm, 2}, {10.0, ImbalanceBand::Reduced, 0}});
}

TEST(ImbalancePolicy, SpreadHoveringAtAThresholdDoesNotFlap)
{
    runSequence({
        {15.2, ImbalanceBand::Warning, 1},
        {14.8, ImbalanceBand::Warning, 1},
        {15.2, ImbalanceBand::Warning, 1},
        {14.9, ImbalanceBand::Warning, 1},
    });
}

TEST(ImbalancePolicy, ZeroHysteresisLeavesAtTheThreshold)
{
    ImbalanceConfig c;
    c.hysteresis = 0.0;
    runSequence({{16.0, ImbalanceBand::Warning, 1}, {15.0, ImbalanceBand::Warning, 1}, {14.99, ImbalanceBand::Reduced, 0}},
                c);
}

TEST(ImbalancePolicy, CellAlarmForcesItsOwnBandAndReleasesAtOnce)
{
    ImbalanceConfig c;
    ImbalanceMemory memory;
    // Issue 11 rule 8: a warning (1) forces the warning band, not the alarm band, with a 1 % spread.
    auto d = decideImbalance(1.0, {1, "cell alarm HighCellVoltage (warning) on Bank 2"}, c, memory);
    EXPECT_EQ(d.band, ImbalanceBand::Warning);
    EXPECT_EQ(d.alarmLevel, 0) << "a cell alarm is not an imbalance: /Alarms/CellImbalance stays as the spread says";
    EXPECT_TRUE(d.cellAlarm);
    EXPECT_EQ(d.reason, "cell alarm HighCellVoltage (warning) on Bank 2");

    d = decideImbalance(1.0, {2, "cell alarm HighCellVoltage on Bank 2"}, c, memory);
    EXPECT_EQ(d.band, ImbalanceBand::Alarm);
    EXPECT_EQ(d.alarmLevel, 0);
    EXPECT_EQ(d.reason, "cell alarm HighCellVoltage on Bank 2");

    // Only ever raises: a spread already in the alarm band keeps its own reason and level.
    d = decideImbalance(25.0, {1, "cell alarm LowCellVoltage (warning) on Bank 1"}, c, memory);
    EXPECT_EQ(d.band, ImbalanceBand::Alarm);
    EXPECT_EQ(d.alarmLevel, 2);
    EXPECT_FALSE(d.cellAlarm);
    EXPECT_EQ(d.reason, "imbalance 25.0% > 20%");

    // The cell alarm does not feed the spread hysteresis: once it clears, the spread decides alone.
    ImbalanceMemory fresh;
    decideImbalance(1.0, {2, "cell alarm"}, c, fresh);
    d = decideImbalance(1.0, {}, c, fresh);
    EXPECT_EQ(d.band, ImbalanceBand::Balanced);
    EXPECT_FALSE(d.cellAlarm);
}

TEST(ImbalancePolicy, ReasonNamesSpreadAndThreshold)
{
    ImbalanceMemory memory;
    EXPECT_EQ(decideImbalance(17.24, {}, {}, memory).reason, "imbalance 17.2% > 15%");
    EXPECT_EQ(decideImbalance(14.0, {}, {}, memory).reason, "imbalance 14.0% > 15% (hysteresis)");
    EXPECT_EQ(decideImbalance(2.0, {}, {}, memory).reason, "");
}

TEST(ImbalancePolicy, BandCurrentFollowsTheSeedTable)
{
    const ImbalanceConfig c;
    EXPECT_DOUBLE_EQ(bandCurrent(ImbalanceBand::Balanced, 150, c), 150);
    EXPECT_DOUBLE_EQ(bandCurrent(ImbalanceBand::Reduced, 150, c), 127.5);
    EXPECT_DOUBLE_EQ(bandCurrent(ImbalanceBand::Warning, 150, c), 99);
    EXPECT_DOUBLE_EQ(bandCurrent(ImbalanceBand::Alarm, 150, c), 50);
    ImbalanceConfig fixed;
    fixed.alarmCurrent = 30;
    EXPECT_DOUBLE_EQ(bandCurrent(ImbalanceBand::Alarm, 150, fixed), 30);
    // Found by trying to break it: alarm_current = 80 with nominal auto and 2 x 50 A of BMS limits
    // gave 80 A in the alarm band against 66 A in the warning band. With nominal = auto the loader
    // cannot compare them.
    fixed.alarmCurrent = 80;
    EXPECT_DOUBLE_EQ(bandCurrent(ImbalanceBand::Warning, 100, fixed), 66);
    EXPECT_DOUBLE_EQ(bandCurrent(ImbalanceBand::Alarm, 100, fixed), 66) << "never more than the warning band";
    fixed.alarmCurrent = 500;
    EXPECT_DOUBLE_EQ(bandCurrent(ImbalanceBand::Alarm, 30, fixed), 19.8);
}

}  // namespace
}  // namespace bagg
