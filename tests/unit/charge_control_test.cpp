// Bank charge control (issue 13), rule by rule, on the pure core with time stepped by hand.

#include "bagg/core/aggregate.h"
#include "bagg/core/bank_cvl.h"
#include "bagg/core/cell_safety.h"
#include "bagg/core/current_share.h"
#include "bagg/core/limit_ramp.h"

#include "pack_fixtures.h"

#include <gtest/gtest.h>

#include <cmath>

namespace bagg {
namespace {

using namespace std::chrono_literals;
using test::bmsPack;

PackSnapshot pack(const std::string& label, ChargePhase phase, double cvl, double maxCell = 3.40)
{
    PackSnapshot p = bmsPack(label, 80, 50, 100);
    p.identity = "serial:" + label;
    p.chargePhase = phase;
    p.with(Quantity::ChargeVoltageLimit, cvl).with(Quantity::CellsPerBattery, 16).with(Quantity::MaxCellVoltage, maxCell);
    return p;
}

std::vector<const PackSnapshot*> ptrs(const std::vector<PackSnapshot>& packs)
{
    std::vector<const PackSnapshot*> out;
    for (const auto& p : packs) out.push_back(&p);
    return out;
}

// ---- Rule 1: the bank floats only when every pack is done --------------------------------------

// The input: A floats at 53.6 V, B still absorbs (balancing) at 55.2 V.
TEST(BankCvl, EarlyFloatDoesNotStopThePackStillAbsorbing)
{
    CvlMemory memory;
    // Both charged first: each pack's absorption voltage per cell is learnt (55.2 / 16 = 3.45 V).
    decideBankCvl(ptrs({pack("A", ChargePhase::Absorption, 55.2), pack("B", ChargePhase::Absorption, 55.2)}), {},
                  CvlMode::Bank, std::nullopt, memory);

    auto b = decideBankCvl(ptrs({pack("A", ChargePhase::Float, 53.6), pack("B", ChargePhase::Absorption, 55.2)}), {},
                           CvlMode::Bank, std::nullopt, memory);
    ASSERT_TRUE(b.cvl);
    EXPECT_DOUBLE_EQ(*b.cvl, 55.2) << "until every pack floats";
    EXPECT_EQ(b.mode, "Absorption");
    EXPECT_EQ(b.reason, "lowest CVL of the packs still charging: B 55.2 V (A done)");

    b = decideBankCvl(ptrs({pack("A", ChargePhase::Float, 53.6), pack("B", ChargePhase::Float, 53.6)}), {},
                      CvlMode::Bank, std::nullopt, memory);
    EXPECT_DOUBLE_EQ(*b.cvl, 53.6) << "once both float";
    EXPECT_EQ(b.mode, "Float");

    // cvl_mode = min: the older aggregators' rule.
    b = decideBankCvl(ptrs({pack("A", ChargePhase::Float, 53.6), pack("B", ChargePhase::Absorption, 55.2)}), {},
                      CvlMode::Min, std::nullopt, memory);
    EXPECT_DOUBLE_EQ(*b.cvl, 53.6);
}

TEST(BankCvl, AFloatingPackWhoseCellsClimbComesBackIntoTheMinimum)
{
    CvlMemory memory;
    decideBankCvl(ptrs({pack("A", ChargePhase::Absorption, 55.2)}), {}, CvlMode::Bank, std::nullopt, memory);
    struct Case {
        const char* name;
        PackSnapshot a;
        double cvl;
    };
    auto alarmed = pack("A", ChargePhase::Float, 53.6, 3.40);
    alarmed.withAlarm(Alarm::HighCellVoltage, 1);
    auto unknownLimit = pack("X", ChargePhase::Float, 53.6, 3.30);
    const std::vector<Case> cases = {
        {"cells below its limit (3.45 V): out of the minimum", pack("A", ChargePhase::Float, 53.6, 3.44), 55.2},
        {"a cell at its limit: back in", pack("A", ChargePhase::Float, 53.6, 3.45), 53.6},
        {"a HighCellVoltage warning: back in", alarmed, 53.6},
        {"no limit known for it: it stays in (the safe side)", unknownLimit, 53.6},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name);
        EXPECT_DOUBLE_EQ(*decideBankCvl(ptrs({c.a, pack("B", ChargePhase::Bulk, 55.2)}), {}, CvlMode::Bank,
                                        std::nullopt, memory).cvl, c.cvl);
    }
    // A configured cell limit ([cells] max_cell_voltage) applies to every pack.
    EXPECT_DOUBLE_EQ(*decideBankCvl(ptrs({unknownLimit, pack("B", ChargePhase::Bulk, 55.2)}), {}, CvlMode::Bank, 3.55,
                                    memory).cvl, 55.2);
}

// The same test in float transition: the bank follows the highest CVL of the packs in
// transition, but one whose cells climb bounds it. Found by trying to break it: P1 at 54.5 V, P2
// at 54.0 V with a cell at 3.60 V and a HighCellVoltage alarm got 54.5 V.
TEST(BankCvl, APackInTransitionWhoseCellsClimbBoundsTheBank)
{
    CvlMemory memory;
    for (const char* n : {"P1", "P2"})
        decideBankCvl(ptrs({pack(n, ChargePhase::Absorption, 55.2)}), {}, CvlMode::Bank, std::nullopt, memory);
    auto climbing = pack("P2", ChargePhase::FloatTransition, 54.0, 3.60);
    climbing.withAlarm(Alarm::HighCellVoltage, 2);
    struct Case {
        const char* name;
        PackSnapshot p2;
        double cvl;
        const char* reason;
    };
    const std::vector<Case> cases = {
        {"its cells below its limit: the highest", pack("P2", ChargePhase::FloatTransition, 54.0, 3.44), 54.5,
         "float transition: P1 54.5 V"},
        {"a cell above its limit and an alarm: its CVL", climbing, 54.0,
         "lowest CVL of the held or climbing packs: P2 54 V (its cells climb)"},
        {"a cell at its limit: its CVL", pack("P2", ChargePhase::FloatTransition, 54.0, 3.45), 54.0, nullptr},
        {"floating, its cells climbing: its CVL", pack("P2", ChargePhase::Float, 53.6, 3.50), 53.6, nullptr},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name);
        const auto b = decideBankCvl(ptrs({pack("P1", ChargePhase::FloatTransition, 54.5), c.p2}), {}, CvlMode::Bank,
                                     std::nullopt, memory);
        ASSERT_TRUE(b.cvl);
        EXPECT_DOUBLE_EQ(*b.cvl, c.cvl);
        if (c.reason) {
            EXPECT_EQ(b.reason, c.reason);
        }
    }
    // While another pack still charges, the reason names why a floating pack bounds the bank.
    auto floating = pack("P2", ChargePhase::Float, 53.6, 3.50);
    const auto b = decideBankCvl(ptrs({pack("P1", ChargePhase::Absorption, 55.2), floating}), {}, CvlMode::Bank,
                                 std::nullopt, memory);
    EXPECT_EQ(b.reason, "lowest CVL of the packs still charging: P2 53.6 V (its cells climb)");
}

// A pack still charging whose BMS publishes no CVL cannot lift the bank above the floating
// packs' CVL: the lowest CVL anyone publishes bounds it, never none.
TEST(BankCvl, APackChargingWithoutACvlLeavesTheLowestPublishedOne)
{
    CvlMemory memory;
    PackSnapshot silent = pack("B", ChargePhase::Bulk, 55.2);
    silent.get(Quantity::ChargeVoltageLimit).reset();
    const auto b = decideBankCvl(ptrs({pack("A", ChargePhase::Float, 53.6, 3.30), silent}), {}, CvlMode::Bank, 3.55, memory);
    ASSERT_TRUE(b.cvl);
    EXPECT_DOUBLE_EQ(*b.cvl, 53.6);
    EXPECT_EQ(b.reason, "lowest CVL: A 53.6 V (the packs still charging publish none)");
}

TEST(BankCvl, TransitionFollowsTheHighestAndAHeldPackAlwaysBounds)
{
    CvlMemory memory;
    for (const char* n : {"A", "B"}) decideBankCvl(ptrs({pack(n, ChargePhase::Absorption, 55.2)}), {}, CvlMode::Bank, std::nullopt, memory);
    auto b = decideBankCvl(ptrs({pack("A", ChargePhase::FloatTransition, 54.6), pack("B", ChargePhase::FloatTransition, 54.2)}),
                           {}, CvlMode::Bank, std::nullopt, memory);
    EXPECT_DOUBLE_EQ(*b.cvl, 54.6);
    EXPECT_EQ(b.mode, "Float Transition");
    const auto heldPack = pack("H", ChargePhase::Float, 54.0);
    b = decideBankCvl(ptrs({pack("A", ChargePhase::Bulk, 55.2)}), ptrs({heldPack}), CvlMode::Bank, std::nullopt, memory);
    EXPECT_DOUBLE_EQ(*b.cvl, 54.0) << "a held pack is most likely still in parallel";
    // No pack says its phase: all count as charging, the plain minimum.
    auto u1 = pack("U1", ChargePhase::Unknown, 56.0), u2 = pack("U2", ChargePhase::Unknown, 55.0);
    b = decideBankCvl(ptrs({u1, u2}), {}, CvlMode::Bank, std::nullopt, memory);
    EXPECT_DOUBLE_EQ(*b.cvl, 55.0);
    EXPECT_EQ(b.mode, "");
}

// ---- Rule 2: no pack above its own CCL --------------------------------------------------------

// Three packs with CCL 50 A; A has half the resistance and takes 50 % of the current.
TEST(CurrentShare, ThePackThatTakesMoreBoundsTheBank)
{
    ShareMemory memory;
    auto a = pack("A", ChargePhase::Bulk, 55.2), b = pack("B", ChargePhase::Bulk, 55.2), c = pack("C", ChargePhase::Bulk, 55.2);
    a.with(Quantity::Current, 70);
    b.with(Quantity::Current, 40);
    c.with(Quantity::Current, 40);
    const std::vector<PackSnapshot> bank = {a, b, c};
    const auto packs = ptrs(bank);
    for (int t = 0; t <= 300; t += 5) learnShares(packs, 30s, memory, std::chrono::seconds(t));
    EXPECT_NEAR(*shareOf(memory, "serial:A", CurrentDirection::Charge), 70.0 / 150.0, 1e-3);
    const auto fb = feedbackLimit(packs, CurrentDirection::Charge, 150, {}, {}, 150, memory, 300s);
    ASSERT_TRUE(fb.predicted);
    EXPECT_NEAR(*fb.predicted, 50.0 / (70.0 / 150.0), 0.1) << "A's CCL over A's share: 107 A, not 150 A";
    EXPECT_EQ(fb.predictedReason.substr(0, 26), "A takes 47 % of the curren");
    // The reason names the pack that binds wherever it stands in the bank.
    const std::vector<PackSnapshot> reordered = {b, a, c};
    const auto again = feedbackLimit(ptrs(reordered), CurrentDirection::Charge, 150, {}, {}, 150, memory, 300s);
    EXPECT_EQ(again.predictedReason.substr(0, 26), "A takes 47 % of the curren");
}

TEST(CurrentShare, SharesAreLearntOnlyFromAMeaningfulCurrentAndClamped)
{
    ShareMemory memory;
    auto a = pack("A", ChargePhase::Bulk, 55.2), b = pack("B", ChargePhase::Bulk, 55.2);
    std::vector<PackSnapshot> bank = {a, b};
    bank[0].with(Quantity::Current, 3);
    bank[1].with(Quantity::Current, 0.5);
    learnShares(ptrs(bank), 30s, memory, 0s);
    EXPECT_FALSE(shareOf(memory, "serial:A", CurrentDirection::Charge)) << "3.5 A at rest is noise";
    bank[0].with(Quantity::Current, 100);
    bank[1].with(Quantity::Current, 0);
    learnShares(ptrs(bank), 30s, memory, 1s);
    EXPECT_NEAR(*shareOf(memory, "serial:A", CurrentDirection::Charge), 0.5 + 0.5 * (1 - std::exp(-1.0 / 30)), 1e-9)
        << "from an equal share, one second of a 30 s time constant towards 1.0";
    for (int t = 2; t <= 600; ++t) learnShares(ptrs(bank), 30s, memory, std::chrono::seconds(t));
    const auto fb = feedbackLimit(ptrs(bank), CurrentDirection::Charge, 100, {}, {}, 100, memory, 600s);
    // A's share 1.0: A's CCL / 1.0 = 50; B's share 0 is clamped to half an equal share (0.25): 200.
    EXPECT_NEAR(*fb.predicted, 50.0, 0.01);
    // Discharging is learnt apart.
    EXPECT_FALSE(shareOf(memory, "serial:A", CurrentDirection::Discharge));
}

// Found by trying to break it: packs exchanging current (one discharging into the others while
// the bank takes a few amps) gave shares of 100 %, 100 % and 0 %, and the demo's balanced
// 3 x 50 A bank a CCL of 67 A ("Sim 1 takes 74 % of the current") at 5 A of charge. Their CCLs
// allow 150 A, and nothing measured says otherwise.
TEST(CurrentShare, PacksExchangingCurrentTeachNoShare)
{
    for (const auto& currents : std::vector<std::vector<double>>{{20, 20, -34}, {6.9, 3.4, -5.0}, {-30, -30, 55}}) {
        ShareMemory memory;
        std::vector<PackSnapshot> bank = {pack("A", ChargePhase::Bulk, 55.2), pack("B", ChargePhase::Bulk, 55.2),
                                          pack("C", ChargePhase::Bulk, 55.2)};
        for (std::size_t i = 0; i < bank.size(); ++i) bank[i].with(Quantity::Current, currents[i]);
        for (int t = 0; t <= 300; t += 5) learnShares(ptrs(bank), 30s, memory, std::chrono::seconds(t));
        for (const char* id : {"serial:A", "serial:B", "serial:C"}) {
            EXPECT_FALSE(shareOf(memory, id, CurrentDirection::Charge)) << id << " at " << currents[0];
            EXPECT_FALSE(shareOf(memory, id, CurrentDirection::Discharge)) << id << " at " << currents[0];
        }
        EXPECT_FALSE(feedbackLimit(ptrs(bank), CurrentDirection::Charge, 150, {}, {}, 150, memory, 300s).predicted)
            << "the count rule stands: 3 x 50 A";
    }
    // A pack at rest beside a charging bank, within a BMS's offset, does not stop learning.
    ShareMemory memory;
    std::vector<PackSnapshot> bank = {pack("A", ChargePhase::Bulk, 55.2), pack("B", ChargePhase::Bulk, 55.2)};
    bank[0].with(Quantity::Current, 40);
    bank[1].with(Quantity::Current, -0.4);
    for (int t = 0; t <= 300; t += 5) learnShares(ptrs(bank), 30s, memory, std::chrono::seconds(t));
    EXPECT_NEAR(*shareOf(memory, "serial:A", CurrentDirection::Charge), 1.0, 0.01);
}

TEST(CurrentShare, APackAboveItsOwnLimitFor3SecondsDeratesTheBankAtOnceAndItRecovers)
{
    ShareMemory memory;
    RecoveryConfig recovery;  // hold 30 s, 2 % of nominal per second
    auto a = pack("A", ChargePhase::Bulk, 55.2), b = pack("B", ChargePhase::Bulk, 55.2);
    a.with(Quantity::Current, 60);  // 20 % above its 50 A
    b.with(Quantity::Current, 40);
    std::vector<PackSnapshot> bank = {a, b};
    const auto packs = ptrs(bank);
    EXPECT_FALSE(feedbackLimit(packs, CurrentDirection::Charge, 100, {}, recovery, 100, memory, 0s).guard);
    EXPECT_FALSE(feedbackLimit(packs, CurrentDirection::Charge, 100, {}, recovery, 100, memory, 2s).guard);
    auto fb = feedbackLimit(packs, CurrentDirection::Charge, 100, {}, recovery, 100, memory, 3s);
    ASSERT_TRUE(fb.guard);
    EXPECT_NEAR(*fb.guard, 100.0 * 50.0 / 60.0, 1e-9) << "the bank current scaled by A's CCL / A's current";
    EXPECT_EQ(fb.guardReason, "A at 60.0 A > its CCL 50 A");

    // The overload is gone: held for 30 s, then back at 2 A/s, and then not there at all.
    bank[0].with(Quantity::Current, 45);
    fb = feedbackLimit(packs, CurrentDirection::Charge, 100, {}, recovery, 100, memory, 10s);
    EXPECT_NEAR(*fb.guard, 83.33, 0.01);
    EXPECT_EQ(fb.guardReason, "recovering from an overload (held before rising)");
    fb = feedbackLimit(packs, CurrentDirection::Charge, 100, {}, recovery, 100, memory, 45s);  // 30 s from 10 s, then 5 s
    EXPECT_NEAR(*fb.guard, 83.33 + 2 * 5, 0.01);
    fb = feedbackLimit(packs, CurrentDirection::Charge, 100, {}, recovery, 100, memory, 60s);
    EXPECT_FALSE(fb.guard) << "recovered: no term of its own any more";
}

// Shares a little off equal (the packs' currents arrive one by one) do not move the limit.
TEST(CurrentShare, NoiseAroundEqualSharesLeavesTheRatioRule)
{
    AggregatorMemory memory;
    const auto cfg = test::instantRecovery();
    auto a = bmsPack("A", 80, 50, 100), b = bmsPack("B", 80, 50, 100);
    a.identity = "serial:A";
    b.identity = "serial:B";
    a.with(Quantity::Current, 20.3);
    b.with(Quantity::Current, 19.7);
    AggregateResult r;
    for (int t = 0; t <= 600; t += 10) r = aggregate({a, b}, cfg, memory, std::chrono::seconds(t));
    EXPECT_DOUBLE_EQ(*r.maxChargeCurrent, 100.0) << "shares 0.5075/0.4925: 98.5 A would be noise";
    EXPECT_EQ(r.chargeLimitation, "BMS A CCL 50 A × 2");
    EXPECT_NEAR(r.currentShares.at("serial:A"), 0.5075, 1e-3);
}

// ---- Rule 3: recover without flapping ---------------------------------------------------------

TEST(LimitRamp, DownAtOnceUpAfterTheHoldAtTheRate)
{
    RampMemory m;
    EXPECT_DOUBLE_EQ(rampLimit(100, 30s, 2, m, 0s).value, 100) << "the first value as it is";
    EXPECT_DOUBLE_EQ(rampLimit(60, 30s, 2, m, 1s).value, 60) << "down at once";
    auto r = rampLimit(100, 30s, 2, m, 2s);
    EXPECT_DOUBLE_EQ(r.value, 60);
    EXPECT_EQ(r.state, Ramped::State::Held);
    EXPECT_DOUBLE_EQ(rampLimit(100, 30s, 2, m, 31s).value, 60) << "29 s into the hold";
    EXPECT_DOUBLE_EQ(rampLimit(100, 30s, 2, m, 32s).value, 60);
    r = rampLimit(100, 30s, 2, m, 42s);
    EXPECT_DOUBLE_EQ(r.value, 80) << "10 s at 2 A/s";
    EXPECT_EQ(r.state, Ramped::State::Ramping);
    EXPECT_EQ(r.note(2, "A"), " (rising 2 A/s)");
    EXPECT_DOUBLE_EQ(rampLimit(70, 30s, 2, m, 43s).value, 70) << "a twitch down: at once";
    EXPECT_DOUBLE_EQ(rampLimit(100, 30s, 2, m, 44s).value, 70) << "and a new hold before rising again";
    r = rampLimit(100, 30s, 2, m, 200s);
    EXPECT_DOUBLE_EQ(r.value, 100);
    EXPECT_EQ(r.state, Ramped::State::Steady);
}

TEST(LimitRamp, ARiseWithinTheDeadbandIsNotMade)
{
    RampMemory m;
    rampLimit(100, 0s, 0, m, 0s, 2.0);
    EXPECT_DOUBLE_EQ(rampLimit(101.5, 0s, 0, m, 1s, 2.0).value, 100) << "a learnt share creeping up: not a rise";
    EXPECT_DOUBLE_EQ(rampLimit(102.5, 0s, 0, m, 2s, 2.0).value, 102.5) << "a real one";
    EXPECT_DOUBLE_EQ(rampLimit(101, 0s, 0, m, 3s, 2.0).value, 101) << "down at once, however small";
}

// A twitching BMS limit (50 <-> 48 A every 5 s) makes one step down, not a saw.
TEST(LimitRamp, ATwitchingLimitDoesNotFlap)
{
    AggregatorMemory memory;
    AggregationConfig cfg;
    int increases = 0;
    double last = 0;
    for (int t = 0; t < 600; t += 5) {
        auto a = bmsPack("A", 80, (t / 5) % 2 ? 48 : 50, 100);
        const auto r = aggregate({a}, cfg, memory, std::chrono::seconds(t));
        if (t > 0 && *r.maxChargeCurrent > last) ++increases;
        last = *r.maxChargeCurrent;
    }
    EXPECT_EQ(increases, 0) << "held at 48 A: every rise comes back down within the hold";
    EXPECT_DOUBLE_EQ(last, 48);
}

// ---- Rule 4: the cell-voltage safety net ------------------------------------------------------

TEST(CellSafety, OffUntilAChemistryIsSet)
{
    EXPECT_FALSE(cellLimits({}));
    CellsConfig lfp;
    lfp.chemistry = CellsConfig::Chemistry::Lfp;
    lfp.maxCellVoltage = 3.50;
    const auto l = cellLimits(lfp);
    ASSERT_TRUE(l);
    EXPECT_DOUBLE_EQ(l->maxCellVoltage, 3.50) << "configured over the preset";
    EXPECT_DOUBLE_EQ(l->cellDiffMax, 0.05) << "the preset's";
}

TEST(CellSafety, TapersInterpolateAndClamp)
{
    const std::vector<TaperPoint> t = {{3.30, 1.0}, {3.45, 0.5}, {3.55, 0.0}};
    EXPECT_DOUBLE_EQ(taper(t, 3.0), 1.0);
    EXPECT_DOUBLE_EQ(taper(t, 3.375), 0.75);
    EXPECT_DOUBLE_EQ(taper(t, 3.50), 0.25);
    EXPECT_DOUBLE_EQ(taper(t, 3.70), 0.0);
}

TEST(CellSafety, ACellAboveTheLimitLowersTheCvlUntilTheCellsAreBackAndEven)
{
    CellsConfig lfp;
    lfp.chemistry = CellsConfig::Chemistry::Lfp;  // max 3.55 V, spread under 0.05 V
    const auto limits = *cellLimits(lfp);
    CellNetMemory m;
    auto a = bmsPack("A", 99, 50, 100), b = bmsPack("B", 99, 50, 100);
    a.with(Quantity::MaxCellVoltage, 3.58).with(Quantity::MinCellVoltage, 3.40);
    b.with(Quantity::MaxCellVoltage, 3.56).with(Quantity::MinCellVoltage, 3.40);
    auto net = cellSafetyNet(ptrs({a, b}), limits, 56.0, m);
    ASSERT_TRUE(net.cvlCap);
    EXPECT_NEAR(*net.cvlCap, 56.0 - 0.03 - 0.01, 1e-9) << "the bank voltage minus the summed overshoot";
    EXPECT_DOUBLE_EQ(net.cclFraction, 0.0) << "the highest cell is past the CCL table's end";
    a.with(Quantity::MaxCellVoltage, 3.50);
    b.with(Quantity::MaxCellVoltage, 3.50);
    net = cellSafetyNet(ptrs({a, b}), limits, 55.5, m);
    EXPECT_TRUE(net.cvlCap) << "back below, but the spread (0.10 V) is not under 0.05 V yet";
    a.with(Quantity::MinCellVoltage, 3.47);
    b.with(Quantity::MinCellVoltage, 3.47);
    net = cellSafetyNet(ptrs({a, b}), limits, 55.5, m);
    EXPECT_FALSE(net.cvlCap) << "released: the CVL's ramp restores it";
}

TEST(CellSafety, TheDclTaperRisesOnlyPastItsHysteresis)
{
    CellsConfig lfp;
    lfp.chemistry = CellsConfig::Chemistry::Lfp;  // 2.9 V: 50 %, 3.1 V: 100 %, hysteresis 0.05 V
    const auto limits = *cellLimits(lfp);
    CellNetMemory m;
    auto a = bmsPack("A", 10, 50, 100);
    auto at = [&](double minCell) {
        a.with(Quantity::MinCellVoltage, minCell).with(Quantity::MaxCellVoltage, minCell + 0.01);
        return cellSafetyNet(ptrs({a}), limits, 48.0, m).dclFraction;
    };
    EXPECT_DOUBLE_EQ(at(3.20), 1.0);
    EXPECT_DOUBLE_EQ(at(2.90), 0.5);
    EXPECT_DOUBLE_EQ(at(2.92), 0.5) << "a small recovery under load release: not yet";
    EXPECT_NEAR(at(3.00), 0.625, 1e-9) << "0.05 V above: the table at 2.95 V";
}

// ---- All of it together: the published limits through aggregate() -----------------------------

TEST(ChargeControl, TheCellNetAndTheRampsMeetInTheMinimum)
{
    AggregatorMemory memory;
    AggregationConfig cfg;
    cfg.cells.chemistry = CellsConfig::Chemistry::Lfp;
    auto a = bmsPack("A", 95, 100, 100);
    a.with(Quantity::MaxCellVoltage, 3.46).with(Quantity::MinCellVoltage, 3.40).with(Quantity::ChargeVoltageLimit, 55.2);
    auto r = aggregate({a}, cfg, memory, 0s);
    EXPECT_NEAR(*r.maxChargeCurrent, 100 * taper(cellLimits(cfg.cells)->cclTaper, 3.46), 1e-9);
    EXPECT_EQ(r.chargeLimitation, "highest cell 3.460 V: 41 % of nominal");
    a.with(Quantity::MaxCellVoltage, 3.30);
    r = aggregate({a}, cfg, memory, 1s);
    EXPECT_NEAR(*r.maxChargeCurrent, 41, 1e-9) << "held before rising";
    EXPECT_EQ(r.chargeLimitation, "BMS A CCL 100 A × 1 (held before rising)");
}

}  // namespace
}  // namespace bagg
