// battery-sim's physical bank on its own (links only bagg_sim_model: no D-Bus, no clock): the
// curves, the serialbattery-like BMS, Kirchhoff at the common bus, the Multi's CC/CV, and the
// scenario files of tests/scenarios. Simulated time is stepped by hand.

#include "bank_model.h"
#include "bank_scenario.h"
#include "curve.h"
#include "pack_bms.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <numeric>

namespace bagg::sim {
namespace {

// A 16s LFP pack of 100 Ah at `soc` with no cell spread; `mohm` its resistance at mid SOC.
PackSpec pack(double soc, double mohm = 15.0, double capacityAh = 100.0)
{
    PackSpec s;
    s.name = "P";
    s.soc = soc;
    s.resistanceOhm = mohm / 1000.0;
    s.capacityAh = capacityAh;
    s.bms.maxChargeCurrent = 50.0;
    s.bms.maxDischargeCurrent = 100.0;
    return s;
}

// What the daemon would publish with ratio_method = count and nothing else: the lowest CVL, the
// lowest CCL and DCL times the number of packs. Enough to let the Multi charge the bank here.
DvccLimits countLimits(const BankModel& m)
{
    DvccLimits l;
    double cvl = 1e9, ccl = 1e9, dcl = 1e9;
    for (const auto& p : m.packs()) {
        cvl = std::min(cvl, p.bms.cvl());
        ccl = std::min(ccl, p.bms.ccl());
        dcl = std::min(dcl, p.bms.dcl());
    }
    const auto n = static_cast<double>(m.packs().size());
    l.cvl = cvl;
    l.ccl = ccl * n;
    l.dcl = dcl * n;
    return l;
}

// Runs the bank with countLimits() recomputed every simulated second, until done() or `seconds`.
template <typename Done>
bool runUntil(BankModel& m, double seconds, Done done)
{
    for (double t = 0; t < seconds; t += 1.0) {
        m.advance(1.0, countLimits(m));
        if (done()) return true;
    }
    return false;
}

DvccLimits limits(std::optional<double> cvl, std::optional<double> ccl, std::optional<double> dcl)
{
    return DvccLimits{cvl, ccl, dcl};
}

// ---- Curves ----

TEST(SimCurve, InterpolatesClampsAndExtrapolates)
{
    const Curve c({{0, 0}, {10, 1}, {20, 3}});
    EXPECT_DOUBLE_EQ(c.clamped(5), 0.5);
    EXPECT_DOUBLE_EQ(c.clamped(15), 2.0);
    EXPECT_DOUBLE_EQ(c.clamped(-5), 0.0) << "a taper holds its end values";
    EXPECT_DOUBLE_EQ(c.clamped(25), 3.0);
    EXPECT_DOUBLE_EQ(c.extrapolated(25), 4.0) << "an OCV curve continues its end segment";
    EXPECT_DOUBLE_EQ(c.extrapolated(-5), -0.5);
    EXPECT_THROW(Curve({{0, 0}, {0, 1}}), std::invalid_argument);
    EXPECT_THROW(Curve({{0, 0}}), std::invalid_argument);
}

TEST(SimCurve, LfpCellRestsAt345WhenFullAndRisesBeyond)
{
    const auto ocv = lfpCellOcv();
    EXPECT_TRUE(ocv.increasing());
    EXPECT_NEAR(ocv.clamped(50), 3.305, 1e-9);
    EXPECT_NEAR(ocv.clamped(100), 3.45, 1e-9);
    EXPECT_GT(ocv.extrapolated(100.5), 3.5) << "an overcharged cell climbs";
    EXPECT_TRUE(ltoCellOcv().increasing());
    EXPECT_TRUE(namedCellOcv("nimh").empty());
}

// ---- The BMS ----

BmsConfig immediate()  // limits published at once (no 60 s recalculation interval)
{
    BmsConfig c;
    c.recalculationEvery = 0.0;
    return c;
}

BmsMeasurement cells(double volts, double current = 0.0, int n = 16)
{
    return {std::vector<double>(static_cast<std::size_t>(n), volts), current};
}

TEST(SimBms, ChargeCurrentTapersOverTheHighestCellAndTheSoc)
{
    struct Row {
        double maxCell, soc, ccl;
    };
    // Defaults: 50 A; cell 3.40 V 100 %, 3.45 V 50 %, 3.50 V 5 %, 3.55 V 0; SOC 91 % 100 %, 95 % 50 %, 98 % 20 %, 100 % 10 %.
    for (const Row& r : {Row{3.30, 50, 50.0}, Row{3.40, 50, 50.0}, Row{3.425, 50, 37.5}, Row{3.45, 50, 25.0},
                         Row{3.50, 50, 2.5}, Row{3.55, 50, 0.0}, Row{3.60, 50, 0.0}, Row{3.30, 93, 37.5},
                         Row{3.30, 98, 10.0}, Row{3.30, 100, 5.0}, Row{3.45, 98, 10.0}}) {
        auto m = cells(3.30);
        m.cellVolts[7] = r.maxCell;
        PackBms bms(immediate(), 16, 100.0, r.soc, m);
        EXPECT_NEAR(bms.ccl(), r.ccl, 1e-9) << "cell " << r.maxCell << " V, SOC " << r.soc;
        EXPECT_EQ(bms.allowToCharge(), r.ccl > 0) << "serialbattery: AllowToCharge 0 exactly when the CCL is 0";
        EXPECT_TRUE(bms.chargeFetClosed()) << "the taper is the driver's: the FET stays closed";
    }
}

TEST(SimBms, DischargeCurrentTapersOverTheLowestCellAndTheSoc)
{
    struct Row {
        double minCell, soc, dcl;
    };
    // Defaults: 100 A; cell 2.70 V 0, 2.80 V 10 %, 2.90 V 50 %, 3.10 V 100 %; SOC 5 % 10 %, 11 % 20 %, 13 % 50 %, 20 % 100 %.
    for (const Row& r : {Row{3.30, 50, 100.0}, Row{3.00, 50, 75.0}, Row{2.90, 50, 50.0}, Row{2.80, 50, 10.0},
                         Row{2.70, 50, 0.0}, Row{3.30, 13, 50.0}, Row{3.30, 5, 10.0}}) {
        auto m = cells(3.30);
        m.cellVolts[3] = r.minCell;
        PackBms bms(immediate(), 16, 100.0, r.soc, m);
        EXPECT_NEAR(bms.dcl(), r.dcl, 1e-9) << "cell " << r.minCell << " V, SOC " << r.soc;
        EXPECT_EQ(bms.allowToDischarge(), r.dcl > 0);
    }
}

TEST(SimBms, LimitsChangeStepwiseLikeSerialbattery)
{
    PackBms bms(BmsConfig{}, 16, 100.0, 50.0, cells(3.30));  // 60 s, 33 %, recovery above 1.5 %
    ASSERT_EQ(bms.ccl(), 50.0);
    bms.poll(cells(3.41), 10.0);  // raw 45 A: -10 %, within 33 %: waits for the minute
    EXPECT_EQ(bms.ccl(), 50.0);
    bms.poll(cells(3.41), 60.0);
    EXPECT_NEAR(bms.ccl(), 45.0, 1e-9);
    bms.poll(cells(3.46), 61.0);  // raw 20.5 A: more than 33 % down: at once
    EXPECT_NEAR(bms.ccl(), 20.5, 1e-9);
    bms.poll(cells(3.56), 62.0);  // 0: at once
    EXPECT_EQ(bms.ccl(), 0.0);
    EXPECT_FALSE(bms.allowToCharge());
    bms.poll(cells(3.54), 63.0);  // raw 0.5 A < 1.5 % of 50 A: stays blocked
    EXPECT_EQ(bms.ccl(), 0.0);
    bms.poll(cells(3.52), 64.0);  // raw 1.5 A: back
    EXPECT_NEAR(bms.ccl(), 1.5, 1e-9);
}

TEST(SimBms, BoardOpensItsChargeFetAtOvervoltageAndClosesAtRecovery)
{
    PackBms bms(immediate(), 16, 100.0, 99.0, cells(3.45));
    auto m = cells(3.45);
    m.cellVolts[0] = 3.66;
    bms.measure(m, 0.1);
    EXPECT_FALSE(bms.chargeFetClosed());
    EXPECT_EQ(bms.alarms().highCellVoltage, 2);
    bms.poll(m, 1.0);
    EXPECT_EQ(bms.ccl(), 0.0);
    m.cellVolts[0] = 3.56;  // below OVP, above its recovery
    bms.measure(m, 0.1);
    EXPECT_FALSE(bms.chargeFetClosed());
    m.cellVolts[0] = 3.55;
    bms.measure(m, 0.1);
    EXPECT_TRUE(bms.chargeFetClosed());
    EXPECT_TRUE(bms.dischargeFetClosed());
}

TEST(SimBms, CountsCoulombsOverTheNameplate)
{
    PackBms bms(immediate(), 16, 100.0, 50.0, cells(3.30));
    bms.measure(cells(3.30, 20.0), 1800.0);  // 10 Ah into 100 Ah
    EXPECT_NEAR(bms.soc(), 60.0, 1e-9);
    bms.measure(cells(3.30, -200.0), 3600.0);
    EXPECT_EQ(bms.soc(), 0.0) << "clamped";
}

TEST(SimBms, ChargeModeNamesAndSerialbatterySuffix)
{
    EXPECT_STREQ(chargeModeName(ChargeMode::FloatTransition), "Float Transition");
    BmsConfig c = immediate();
    c.chargeModeSuffix = true;
    c.cvlCellPenalty = true;
    auto m = cells(3.40);
    m.cellVolts[0] = 3.50;  // above max_cell_voltage: the P-controller lowers the CVL
    PackBms bms(c, 16, 100.0, 90.0, m);
    EXPECT_EQ(bms.modeText(), "Bulk Dynamic (Linear Mode)");
    EXPECT_NEAR(bms.cvl(), 15 * 3.40 + 3.50 - 0.05, 1e-9) << "pack voltage minus the excess";
}

// ---- Kirchhoff at the common bus ----

TEST(SimBank, HalfResistancePackTakesTwiceTheShareAndCurrentsSumToTheBank)
{
    BankModel m({pack(50, 15), pack(50, 15), pack(50, 7.5)});
    const auto bus = m.solveBus(100.0);
    EXPECT_NEAR(bus.current, 100.0, 1e-9);
    double sum = 0.0, g = 0.0, weighted = 0.0;
    for (const auto& p : m.packs()) {
        const double i = (bus.voltage - p.emf) / p.resistance;  // I_i = (V - EMF_i)/R_i
        EXPECT_NEAR(p.currentAt(bus.voltage), i, 1e-9);
        sum += i;
        g += 1.0 / p.resistance;
        weighted += p.emf / p.resistance;
    }
    EXPECT_NEAR(sum, 100.0, 1e-6);
    EXPECT_NEAR(bus.voltage, (100.0 + weighted) / g, 1e-9) << "V = (I + sum EMF/R) / sum 1/R";
    EXPECT_NEAR(m.packs()[2].currentAt(bus.voltage), 50.0, 1e-6);
    EXPECT_NEAR(m.packs()[0].currentAt(bus.voltage), 25.0, 1e-6);

    // The Multi charging at 100 A: the packs measure the same shares.
    m.charger().demand = 100.0;
    m.advance(1.0, limits(55.2, 150.0, 300.0));
    EXPECT_NEAR(m.bankCurrent(), 100.0, 1e-9);
    EXPECT_EQ(m.chargerMode(), ChargerMode::CurrentLimited);
    EXPECT_NEAR(m.packs()[2].current, 50.0, 0.1);
    EXPECT_NEAR(m.packs()[0].current + m.packs()[1].current + m.packs()[2].current, 100.0, 1e-6);
}

TEST(SimBank, BestFeasibleCurrentPutsTheMostLoadedPackAtItsOwnCcl)
{
    BankModel m({pack(50, 15), pack(50, 15), pack(50, 7.5)});
    const double best = m.bestFeasibleChargeCurrent();
    EXPECT_NEAR(best, 100.0, 1e-6) << "pack 3 takes half: at 100 A it is at its 50 A";
    const auto bus = m.solveBus(best);
    double worst = -1e9;
    for (const auto& p : m.packs()) worst = std::max(worst, p.currentAt(bus.voltage) - p.bms.ccl());
    EXPECT_NEAR(worst, 0.0, 1e-6);

    BankModel equal({pack(50), pack(50), pack(50)});
    EXPECT_NEAR(equal.bestFeasibleChargeCurrent(), 150.0, 1e-6);
}

TEST(SimBank, PacksAtDifferentSocExchangeCurrentAtRest)
{
    BankModel m({pack(40), pack(90), pack(90)});
    m.advance(1.0, {});
    EXPECT_EQ(m.chargerMode(), ChargerMode::Off);
    EXPECT_NEAR(m.bankCurrent(), 0.0, 1e-9);
    const auto& p = m.packs();
    EXPECT_GT(p[0].current, 10.0) << "the full packs charge the empty one";
    EXPECT_LT(p[1].current, -5.0);
    EXPECT_NEAR(p[0].current + p[1].current + p[2].current, 0.0, 1e-6);
}

TEST(SimBank, FortyAndNinetyPercentConvergeWithoutLosingCharge)
{
    BankModel m({pack(40), pack(90), pack(90)});
    auto charge = [&] {
        double ah = 0.0;
        for (const auto& p : m.packs()) ah += p.soc() * p.spec.trueCapacityAh() / 100.0;
        return ah;
    };
    const double before = charge();
    m.advance(4 * 3600.0, {});
    const double spread = m.packs()[1].soc() - m.packs()[0].soc();
    EXPECT_LT(spread, 3.0) << "after 4 h at rest";
    EXPECT_GT(spread, 0.0) << "converging from above, never crossing";
    EXPECT_NEAR(charge(), before, 0.01) << "Ah only move between the packs";
    EXPECT_NEAR(m.soc(), 220.0 / 3.0, 0.01);
}

// ---- The Multi ----

TEST(SimMulti, ChargesAtTheLowerOfDemandAndCcl)
{
    BankModel m({pack(50), pack(50)});
    m.charger().demand = 200.0;
    m.advance(1.0, limits(55.2, 60.0, 200.0));
    EXPECT_NEAR(m.bankCurrent(), 60.0, 1e-9);
    EXPECT_EQ(m.chargerMode(), ChargerMode::CurrentLimited);
    m.charger().demand = 30.0;
    m.advance(1.0, limits(55.2, 60.0, 200.0));
    EXPECT_NEAR(m.bankCurrent(), 30.0, 1e-9);
}

TEST(SimMulti, HoldsTheBusAtTheCvl)
{
    BankModel m({pack(50), pack(50), pack(50, 7.5)});
    const double cvl = m.busVoltage() + 0.3;  // below what 150 A would need
    m.charger().demand = 150.0;
    m.advance(0.25, limits(cvl, 150.0, 300.0));
    EXPECT_EQ(m.chargerMode(), ChargerMode::VoltageLimited);
    EXPECT_NEAR(m.busVoltage(), cvl, 1e-6);
    EXPECT_GT(m.bankCurrent(), 0.0);
    EXPECT_LT(m.bankCurrent(), 150.0);
    for (int i = 0; i < 3 * 3600; ++i) {
        m.advance(1.0, limits(cvl, 150.0, 300.0));
        ASSERT_LE(m.busVoltage(), cvl + 1e-6);
    }
    EXPECT_LT(m.bankCurrent(), 20.0) << "the current tails off at constant voltage";

    // A CVL below the packs' EMF: the Multi charges nothing; it cannot pull the bank down.
    m.advance(1.0, limits(cvl - 2.0, 150.0, 300.0));
    EXPECT_EQ(m.bankCurrent(), 0.0);
    EXPECT_GT(m.busVoltage(), cvl - 2.0);
}

TEST(SimMulti, WithoutLimitsNeitherChargesNorDischarges)
{
    struct Row {
        double demand, load;
        DvccLimits limits;
        double current;
        ChargerMode mode;
    };
    for (const Row& r : {
             Row{100, 0, {}, 0.0, ChargerMode::NoLimits},
             Row{100, 0, limits(55.2, std::nullopt, 100.0), 0.0, ChargerMode::NoLimits},
             Row{100, 0, limits(std::nullopt, 100.0, 100.0), 0.0, ChargerMode::NoLimits},
             Row{100, 0, limits(55.2, 0.0, 100.0), 0.0, ChargerMode::Blocked},
             Row{0, 50, {}, 0.0, ChargerMode::NoLimits},
             Row{0, 50, limits(55.2, 100.0, 0.0), 0.0, ChargerMode::Blocked},
             Row{0, 50, limits(55.2, 100.0, 20.0), -20.0, ChargerMode::Inverting},
             Row{0, 50, limits(std::nullopt, std::nullopt, 300.0), -50.0, ChargerMode::Inverting},
             Row{0, 0, limits(55.2, 100.0, 100.0), 0.0, ChargerMode::Off},
         }) {
        BankModel m({pack(50), pack(50)});
        m.charger() = {r.demand, r.load};
        m.advance(1.0, r.limits);
        EXPECT_NEAR(m.bankCurrent(), r.current, 1e-9) << "demand " << r.demand << " load " << r.load;
        EXPECT_EQ(m.chargerMode(), r.mode) << chargerModeName(m.chargerMode());
    }
}

TEST(SimMulti, ProfileStepsApplyInSimulatedTime)
{
    BankModel m({pack(50)});
    m.setProfile({{600, std::nullopt, 20.0}, {0, 40.0, std::nullopt}, {300, 0.0, std::nullopt}});
    EXPECT_EQ(m.charger().demand, 40.0) << "the step at 0 applies at once";
    m.advance(299.0, limits(55.2, 100, 100));
    EXPECT_NEAR(m.bankCurrent(), 40.0, 1e-9);
    m.advance(2.0, limits(55.2, 100, 100));
    EXPECT_EQ(m.chargerMode(), ChargerMode::Off);
    m.advance(300.0, limits(55.2, 100, 100));
    EXPECT_NEAR(m.bankCurrent(), -20.0, 1e-9);
}

// ---- Whole charges ----

TEST(SimBank, FullChargeGoesBulkAbsorptionFloatTransitionFloat)
{
    BankModel m({pack(90), pack(90), pack(90)});
    m.charger().demand = 150.0;
    std::vector<ChargeMode> seen{ChargeMode::Bulk};
    const bool floated = runUntil(m, 4 * 3600.0, [&] {
        const auto mode = m.packs()[0].bms.mode();
        if (mode != seen.back()) seen.push_back(mode);
        return std::all_of(m.packs().begin(), m.packs().end(),
                           [](const auto& p) { return p.bms.mode() == ChargeMode::Float; });
    });
    ASSERT_TRUE(floated) << "after " << m.time() << " s: " << m.packs()[0].bms.modeText();
    EXPECT_EQ(seen, (std::vector<ChargeMode>{ChargeMode::Bulk, ChargeMode::Absorption, ChargeMode::FloatTransition,
                                             ChargeMode::Float}));
    for (const auto& p : m.packs()) {
        EXPECT_NEAR(p.bms.cvl(), 54.0, 1e-9);
        EXPECT_GT(p.soc(), 99.5);
        EXPECT_NEAR(p.bms.soc(), 100.0, 0.05) << "serialbattery sets 100 % at the end of absorption";
    }
    EXPECT_LT(m.stats().maxCellVoltage, 3.50) << "balanced cells never reach the knee";
    EXPECT_LE(m.stats().maxChargeOverDvcc, 1e-9) << "the Multi never charged above the CCL it read";
}

TEST(SimBank, AbsorptionWaitsForBalancedCellsAndFloatReturnsToBulkBelowItsSoc)
{
    PackSpec spread = pack(97);
    spread.cellSpread = 1.0;  // the highest cell 0.5 %-points ahead of the mean
    BankModel m({spread});
    m.charger().demand = 50.0;
    bool balanced = false;
    const bool absorbing = runUntil(m, 6 * 3600.0, [&] {
        const auto& p = m.packs()[0];
        balanced = balanced || p.bms.balancing();
        return p.bms.mode() == ChargeMode::Absorption;
    });
    ASSERT_TRUE(absorbing) << m.packs()[0].bms.modeText();
    const auto& cellVolts = m.packs()[0].cellVolts;
    const auto [lo, hi] = std::minmax_element(cellVolts.begin(), cellVolts.end());
    EXPECT_LE(*hi - *lo, 0.010) << "the absorption timer starts only with the cells within 10 mV";
    EXPECT_TRUE(balanced) << "the balancer brought them there";
    EXPECT_GT(m.time(), 1800.0) << "not before the balancer had time to work";

    BankModel f({pack(95)});
    f.charger().demand = 50.0;
    ASSERT_TRUE(runUntil(f, 4 * 3600.0, [&] { return f.packs()[0].bms.mode() == ChargeMode::Float; }));
    f.charger() = {0.0, 50.0};  // discharge: back to bulk below 80 %
    ASSERT_TRUE(runUntil(f, 4 * 3600.0, [&] { return f.packs()[0].bms.mode() == ChargeMode::Bulk; }));
    EXPECT_LT(f.packs()[0].bms.soc(), 80.0);
    EXPECT_GT(f.packs()[0].bms.soc(), 79.0);
    EXPECT_NEAR(f.packs()[0].bms.cvl(), 55.2, 1e-9);
}

TEST(SimBank, TheCellThatRunsAheadReachesItsLimitFirst)
{
    PackSpec runner = pack(95);
    runner.cellSpread = 2.0;
    BankModel m({pack(95), runner});
    m.charger().demand = 100.0;
    // Charge at a fixed CVL (3.475 V a cell on average) and CCL, with no BMS in the loop, until
    // the runner's highest cell is at 3.55 V.
    const auto fixed = limits(55.6, 40.0, 100.0);
    for (int i = 0; i < 4 * 3600 && m.packs()[1].bms.ccl() > 0; ++i) m.advance(1.0, fixed);
    const auto& even = m.packs()[0];
    const auto& ahead = m.packs()[1];
    EXPECT_EQ(ahead.bms.ccl(), 0.0) << "its highest cell reached 3.55 V";
    EXPECT_FALSE(ahead.bms.allowToCharge());
    EXPECT_TRUE(ahead.bms.chargeFetClosed()) << "serialbattery blocks by flag";
    EXPECT_GT(even.bms.ccl(), 0.0) << "the balanced pack is not there yet";
    EXPECT_LT(*std::max_element(even.cellVolts.begin(), even.cellVolts.end()), 3.50);
    EXPECT_TRUE(ahead.bms.balancing());
}

TEST(SimBank, AgedPackFillsFasterThanItsBmsCountsAndTakesLess)
{
    PackSpec aged = pack(50);
    aged.sohPercent = 80.0;
    aged.resistanceOhm *= 1.6;
    BankModel m({pack(50), aged});
    m.charger().demand = 60.0;
    m.advance(1800.0, limits(55.2, 100.0, 100.0));
    const auto& fresh = m.packs()[0];
    const auto& old = m.packs()[1];
    EXPECT_LT(old.current, fresh.current) << "its resistance grew";
    EXPECT_GT(old.soc(), old.bms.soc() + 1.0) << "its BMS counts over the nameplate";
    EXPECT_NEAR(fresh.soc(), fresh.bms.soc(), 0.05);
}

TEST(SimBank, APackThatBlocksByFlagStillTakesCurrentOneWithItsFetDoesNot)
{
    for (const auto block : {BlockAtFull::Flag, BlockAtFull::Fet}) {
        PackSpec blocker = pack(60);
        blocker.bms.blockAtFull = block;
        blocker.bms.fullCellVoltage = 3.33;  // "full" already under this charge current
        blocker.bms.fullReleaseCellVoltage = 3.30;
        BankModel m({pack(60), blocker});
        m.charger().demand = 60.0;
        m.advance(5.0, limits(55.2, 60.0, 100.0));  // fixed limits: the Multi charges on regardless
        const auto& p = m.packs()[1];
        ASSERT_TRUE(p.bms.full());
        EXPECT_EQ(p.bms.ccl(), 0.0);
        EXPECT_FALSE(p.bms.allowToCharge());
        if (block == BlockAtFull::Flag) {
            EXPECT_TRUE(p.bms.chargeFetClosed());
            EXPECT_GT(p.current, 20.0) << "still in parallel: its share";
            EXPECT_GT(m.stats().maxOverCcl, 20.0);
        } else {
            EXPECT_FALSE(p.bms.chargeFetClosed());
            EXPECT_EQ(p.current, 0.0);
            EXPECT_NEAR(m.packs()[0].current, 60.0, 1e-6) << "the other pack takes it all";
        }
        // It discharges through the open charge FET's diode, as a real one does.
        m.charger() = {0.0, 40.0};
        m.advance(1.0, limits(55.2, 60.0, 100.0));
        EXPECT_LT(p.current, 0.0);
    }
}

// ---- Scenario files ----

TEST(SimScenario, EveryFileInTestsScenariosLoadsAndRuns)
{
    int files = 0;
    for (const auto& entry : std::filesystem::directory_iterator(BAGG_SOURCE_DIR "/tests/scenarios")) {
        if (entry.path().extension() != ".json") continue;
        ++files;
        const auto load = loadBankScenario(entry.path().string());
        ASSERT_TRUE(load.scenario) << (load.errors.empty() ? "" : load.errors.front());
        EXPECT_FALSE(load.scenario->name.empty()) << entry.path();
        EXPECT_FALSE(load.scenario->description.empty()) << entry.path();
        BankModel m(load.scenario->packs);
        m.charger().demand = 100.0;
        EXPECT_NO_THROW(m.advance(60.0, countLimits(m))) << entry.path();
        EXPECT_GT(m.bankCurrent(), 0.0) << entry.path();
    }
    EXPECT_GE(files, 6);
}

TEST(SimScenario, PackDefaultsMergeUnderEachPack)
{
    const auto load = parseBankScenario(R"({
        // comments are allowed
        "name": "t",
        "pack_defaults": { "capacity_ah": 200, "resistance_mohm": 10, "bms": { "max_charge_current": 80 } },
        "packs": [ { "soc": 40 },
                   { "name": "Old", "soh_percent": 80, "resistance_growth": 1.5,
                     "bms": { "block_at_full": "flag" }, "ocv": [[0, 3.0], [100, 3.4]] } ],
        "charger": { "demand": 20, "profile": [ { "at": 60, "load": 10 } ] }
    })");
    ASSERT_TRUE(load.scenario) << load.errors.front();
    const auto& s = *load.scenario;
    ASSERT_EQ(s.packs.size(), 2u);
    EXPECT_EQ(s.packs[0].name, "Bank 1");
    EXPECT_EQ(s.packs[0].capacityAh, 200.0);
    EXPECT_EQ(s.packs[0].soc, 40.0);
    EXPECT_EQ(s.packs[1].name, "Old");
    EXPECT_NEAR(s.packs[1].resistanceOhm, 0.015, 1e-12);
    EXPECT_EQ(s.packs[1].bms.maxChargeCurrent, 80.0) << "the defaults' bms merged under the pack's";
    EXPECT_EQ(s.packs[1].bms.blockAtFull, BlockAtFull::Flag);
    EXPECT_EQ(s.packs[1].trueCapacityAh(), 160.0);
    EXPECT_NEAR(s.packs[1].cellOcv.clamped(50), 3.2, 1e-9);
    EXPECT_EQ(s.charger.demand, 20.0);
    ASSERT_EQ(s.profile.size(), 1u);
    EXPECT_EQ(s.profile[0].load, std::optional<double>(10.0));
    EXPECT_EQ(s.profile[0].demand, std::nullopt);
}

TEST(SimScenario, MistakesAreErrorsThatSayWhere)
{
    struct Row {
        const char* text;
        const char* error;
    };
    for (const Row& r : {
             Row{R"({"packs": [{"capacity": 100}]})", "packs[0].capacity: unknown key"},
             Row{R"({"packs": [{"soc": "50"}]})", "packs[0].soc: must be a number"},
             Row{R"({"packs": [{"soc": 150}]})", "packs[0]: soc must be within 0..100"},
             Row{R"({"packs": [{"bms": {"block_at_full": "yes"}}]})", "packs[0].bms.block_at_full: must be"},
             Row{R"({"packs": [{"bms": {"max_cell_voltage": 3.7}}]})",
                 "packs[0]: bms: max_cell_voltage must be below cell_overvoltage"},
             Row{R"({"packs": [{"ocv": [[0, 3.3], [50, 3.2], [100, 3.4]]}]})", "packs[0]: ocv must rise strictly"},
             Row{R"({"packs": [{"ocv": "nimh"}]})", "packs[0].ocv: unknown curve 'nimh'"},
             Row{R"({"packs": [{"resistance_growth": 0.5}]})", "packs[0].resistance_growth: must be >= 1"},
             Row{R"({"packs": []})", "packs: must be a list of 1 to 16 packs"},
             Row{R"({"packs": [{}], "charger": {"profile": [{"at": 5, "demand": -1}]}})",
                 "charger.profile[0].demand: must be >= 0"},
             Row{R"({"packs": [{}], "speed": 60})", "speed: unknown key"},
             Row{R"({"packs": [{}],)", "not valid JSON"},
         }) {
        const auto load = parseBankScenario(r.text);
        EXPECT_FALSE(load.scenario) << r.text;
        const bool found = std::any_of(load.errors.begin(), load.errors.end(),
                                       [&](const std::string& e) { return e.find(r.error) != std::string::npos; });
        EXPECT_TRUE(found) << r.text << "\n  wanted: " << r.error << "\n  got: "
                           << (load.errors.empty() ? "no error" : load.errors.front());
    }
}

}  // namespace
}  // namespace bagg::sim
