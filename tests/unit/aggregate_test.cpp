#include "bagg/core/aggregate.h"

#include "pack_fixtures.h"

#include <gtest/gtest.h>

namespace bagg {
namespace {

using test::bmsPack;
using test::pack;

AggregateResult run(const std::vector<PackSnapshot>& packs, const AggregationConfig& config = {})
{
    AggregatorMemory memory;
    return aggregate(packs, config, memory, Instant{0});
}

void expectNear(const std::optional<double>& actual, double expected, const char* what)
{
    ASSERT_TRUE(actual.has_value()) << what << " is invalid";
    EXPECT_NEAR(*actual, expected, 1e-9) << what;
}

TEST(Aggregate, ThreePacksMeasurements)
{
    const auto r = run({pack("A", 70, 52.0, -10), pack("B", 80, 52.4, -12), pack("C", 90, 52.8, -8)});
    EXPECT_EQ(r.packsOnline, 3);
    expectNear(r.soc, 70, "soc (min)");
    expectNear(r.voltage, 52.4, "voltage (mean)");
    expectNear(r.current, -30, "current (sum)");
    expectNear(r.power, 52.4 * -30, "power (mean V x sum I)");
    expectNear(r.socSpread, 20, "spread");
}

TEST(Aggregate, SocModes)
{
    auto a = pack("A", 60);
    a.with(Quantity::InstalledCapacity, 300);
    auto b = pack("B", 90);
    b.with(Quantity::InstalledCapacity, 100);
    struct Case { SocMode mode; double expected; };
    for (const auto& c : {Case{SocMode::Min, 60}, Case{SocMode::Mean, 75}, Case{SocMode::Weighted, 67.5}}) {
        AggregationConfig cfg;
        cfg.socMode = c.mode;
        expectNear(run({a, b}, cfg).soc, c.expected, "soc");
    }
    // Weighted with a pack of unknown size: the mean, not a guess.
    AggregationConfig cfg;
    cfg.socMode = SocMode::Weighted;
    expectNear(run({a, pack("C", 90)}, cfg).soc, 75, "weighted without capacity");
}

TEST(Aggregate, PowerIsSummedOnlyWhenEveryPackHasIt)
{
    auto a = pack("A", 50, 52, 10);
    auto b = pack("B", 50, 54, 10);
    a.with(Quantity::Power, 500);
    expectNear(run({a, b}).power, 53.0 * 20, "power falls back");
    b.with(Quantity::Power, 560);
    expectNear(run({a, b}).power, 1060, "power summed");
}

TEST(Aggregate, TemperatureModes)
{
    auto a = pack("A", 50);
    auto b = pack("B", 50);
    a.with(Quantity::Temperature, 20);
    b.with(Quantity::Temperature, 30);
    expectNear(run({a, b}).temperature, 25, "mean");
    AggregationConfig cfg;
    cfg.temperatureMode = TemperatureMode::Max;
    expectNear(run({a, b}, cfg).temperature, 30, "max");
}

TEST(Aggregate, CapacitiesAndTimeToGo)
{
    auto a = pack("A", 50, 52, -25);
    auto b = pack("B", 60, 52, -25);
    a.with(Quantity::Capacity, 50).with(Quantity::InstalledCapacity, 100).with(Quantity::ConsumedAmphours, -50);
    b.with(Quantity::Capacity, 120).with(Quantity::InstalledCapacity, 200).with(Quantity::ConsumedAmphours, -80);
    auto r = run({a, b});
    expectNear(r.capacity, 170, "capacity");
    expectNear(r.installedCapacity, 300, "installed");
    expectNear(r.consumedAmphours, -130, "consumed");
    // 50 % (the lowest SOC) of 300 Ah at 50 A: 3 hours.
    expectNear(r.timeToGo, 3 * 3600, "time to go");

    AggregationConfig cfg;
    cfg.installedCapacity = 400;
    r = run({a, b}, cfg);
    expectNear(r.installedCapacity, 400, "installed override");
    expectNear(r.timeToGo, 4 * 3600, "time to go with override");

    a.with(Quantity::Current, 30);
    b.with(Quantity::Current, 0);
    EXPECT_FALSE(run({a, b}).timeToGo) << "charging: time to go is invalid";
    a.with(Quantity::Current, 0);
    EXPECT_FALSE(run({a, b}).timeToGo) << "idle: time to go is invalid";
}

TEST(Aggregate, CellExtremesNameThePackAndCell)
{
    auto a = pack("Bank 1", 50);
    auto b = pack("Bank 2", 50);
    a.with(Quantity::MinCellVoltage, 3.30).withCellId(CellExtreme::MinVoltage, "C2");
    a.with(Quantity::MaxCellVoltage, 3.40).withCellId(CellExtreme::MaxVoltage, "C9");
    b.with(Quantity::MinCellVoltage, 3.21).withCellId(CellExtreme::MinVoltage, "C7");
    b.with(Quantity::MaxCellVoltage, 3.38);  // no id published
    a.with(Quantity::MinCellTemperature, 12).with(Quantity::MaxCellTemperature, 25);
    b.with(Quantity::MinCellTemperature, 10).withCellId(CellExtreme::MinTemperature, "T1");
    b.with(Quantity::MaxCellTemperature, 28);
    const auto r = run({a, b});
    expectNear(r.cells[index(CellExtreme::MinVoltage)].value, 3.21, "min cell");
    EXPECT_EQ(r.cells[index(CellExtreme::MinVoltage)].id, "Bank 2 C7");
    expectNear(r.cells[index(CellExtreme::MaxVoltage)].value, 3.40, "max cell");
    EXPECT_EQ(r.cells[index(CellExtreme::MaxVoltage)].id, "Bank 1 C9");
    EXPECT_EQ(r.cells[index(CellExtreme::MinTemperature)].id, "Bank 2 T1");
    EXPECT_EQ(r.cells[index(CellExtreme::MaxTemperature)].id, "Bank 2");
    expectNear(r.cells[index(CellExtreme::MaxTemperature)].value, 28, "max cell temperature");
}

TEST(Aggregate, CellsPerBatteryAndAWarningWhenPacksDiffer)
{
    auto a = pack("Bank 1", 50);
    auto b = pack("Bank 2", 50);
    a.with(Quantity::CellsPerBattery, 16);
    b.with(Quantity::CellsPerBattery, 16);
    auto r = run({a, b});
    EXPECT_EQ(r.cellsPerBattery, 16);
    EXPECT_TRUE(r.warnings.empty());
    // A 15-cell pack in parallel with 16-cell ones is charged to their voltage: the owner must know.
    b.with(Quantity::CellsPerBattery, 15);
    r = run({a, b, pack("Bank 3", 50)});
    EXPECT_EQ(r.cellsPerBattery, 16);
    ASSERT_EQ(r.warnings.size(), 1u);
    EXPECT_EQ(r.warnings[0], "cells per battery differ: Bank 1 16, Bank 2 15");
}

TEST(Aggregate, BalancingWhenAnyPackBalances)
{
    auto a = pack("A", 50);
    auto b = pack("B", 50);
    auto r = run({a, b});
    EXPECT_FALSE(r.balancing) << "nobody says: invalid, not 0";
    EXPECT_FALSE(r.allowToBalance);
    a.with(Quantity::Balancing, 0).with(Quantity::AllowToBalance, 0);
    b.with(Quantity::Balancing, 1).with(Quantity::AllowToBalance, 1);
    r = run({a, b});
    EXPECT_EQ(r.balancing, 1);
    EXPECT_EQ(r.allowToBalance, 1);
    b.with(Quantity::Balancing, 0).with(Quantity::AllowToBalance, 0);
    r = run({a, b});
    EXPECT_EQ(r.balancing, 0);
    EXPECT_EQ(r.allowToBalance, 0);
}

TEST(Aggregate, ModuleCountsIncludeOfflinePacks)
{
    auto a = pack("A", 50);
    a.with(Quantity::ModulesOnline, 2).with(Quantity::ModulesOffline, 1).with(Quantity::ModulesBlockingCharge, 1);
    auto b = pack("B", 50);  // publishes no module counts: one module
    auto gone = pack("C", 50);
    gone.presence = PackPresence::Missing;
    gone.with(Quantity::ModulesOnline, 3);
    auto goneUnknown = pack("D", 50);
    goneUnknown.presence = PackPresence::Missing;
    const auto r = run({a, b, gone, goneUnknown});
    EXPECT_EQ(r.modulesOnline, 3);
    EXPECT_EQ(r.modulesOffline, 1 + 3 + 1);
    EXPECT_EQ(r.modulesBlockingCharge, 1);
    EXPECT_EQ(r.modulesBlockingDischarge, 0);
    EXPECT_EQ(r.packsOnline, 2);
}

TEST(Aggregate, OfflinePacksAreNotAggregated)
{
    auto gone = pack("Gone", 10, 40, 100);
    gone.presence = PackPresence::Missing;
    const auto r = run({pack("A", 80, 52, 5), gone});
    expectNear(r.soc, 80, "soc");
    expectNear(r.voltage, 52, "voltage");
    expectNear(r.current, 5, "current");
}

TEST(Aggregate, AbsentValuesAreSkippedNotZero)
{
    auto a = pack("A", 80, 52, 5);
    PackSnapshot bare;
    bare.label = "bare";
    const auto r = run({a, bare});
    expectNear(r.soc, 80, "soc ignores the pack without one");
    expectNear(r.voltage, 52, "voltage mean over packs that have one");
    EXPECT_FALSE(r.temperature);
    EXPECT_FALSE(r.capacity);
    EXPECT_FALSE(r.cells[index(CellExtreme::MinVoltage)].value);
}

TEST(Aggregate, OnePack)
{
    const auto r = run({bmsPack("Solo", 64, 50, 100)});
    expectNear(r.soc, 64, "soc");
    expectNear(r.socSpread, 0, "spread");
    expectNear(r.maxChargeCurrent, 50, "ccl");
    expectNear(r.maxDischargeCurrent, 100, "dcl");
    EXPECT_EQ(r.alarms[index(Alarm::CellImbalance)], 0);
}

TEST(Aggregate, ZeroPacksEveryOutputInvalidAndNoCurrentAllowed)
{
    const auto r = run({});
    EXPECT_EQ(r.packsOnline, 0);
    for (const auto* v : {&r.soc, &r.voltage, &r.current, &r.power, &r.temperature, &r.capacity, &r.installedCapacity,
                          &r.consumedAmphours, &r.timeToGo, &r.maxChargeVoltage, &r.batteryLowVoltage, &r.socSpread})
        EXPECT_FALSE(v->has_value());
    for (std::size_t a = 0; a < kAlarmCount; ++a) {
        if (a != index(Alarm::BmsCable)) {
            EXPECT_FALSE(r.alarms[a].has_value()) << alarmName(static_cast<Alarm>(a));
        }
    }
    EXPECT_EQ(r.alarms[index(Alarm::BmsCable)], 2) << "no BMS at all is an alarm";
    expectNear(r.maxChargeCurrent, 0, "ccl");
    expectNear(r.maxDischargeCurrent, 0, "dcl");
    EXPECT_EQ(r.chargeLimitation, "no battery online");
}

TEST(Aggregate, AlarmsTakeTheHighestLevel)
{
    auto a = pack("A", 50);
    auto b = pack("B", 50);
    a.withAlarm(Alarm::LowVoltage, 1).withAlarm(Alarm::HighTemperature, 0);
    b.withAlarm(Alarm::LowVoltage, 2);
    const auto r = run({a, b});
    EXPECT_EQ(r.alarms[index(Alarm::LowVoltage)], 2);
    EXPECT_EQ(r.alarms[index(Alarm::HighTemperature)], 0);
    EXPECT_FALSE(r.alarms[index(Alarm::FuseBlown)].has_value()) << "no pack publishes it";
}

TEST(Aggregate, ChargeVoltageIsLowestCvlCappedByConfig)
{
    auto a = bmsPack("A", 50, 50, 50);
    auto b = bmsPack("B", 50, 50, 50);
    a.with(Quantity::ChargeVoltageLimit, 56.8);
    b.with(Quantity::ChargeVoltageLimit, 55.2);
    expectNear(run({a, b}).maxChargeVoltage, 55.2, "lowest CVL");
    AggregationConfig cfg;
    cfg.maxChargeVoltage = 54.0;
    expectNear(run({a, b}, cfg).maxChargeVoltage, 54.0, "capped");
    cfg.maxChargeVoltage = 58.0;
    expectNear(run({a, b}, cfg).maxChargeVoltage, 55.2, "cap above the BMS value does not raise it");
    expectNear(run({pack("X", 50)}, cfg).maxChargeVoltage, 58.0, "config alone when no pack publishes one");
}

TEST(Aggregate, BatteryLowVoltageIsHighestElseConfig)
{
    auto a = pack("A", 50);
    auto b = pack("B", 50);
    a.with(Quantity::BatteryLowVoltage, 46);
    b.with(Quantity::BatteryLowVoltage, 47);
    AggregationConfig cfg;
    cfg.batteryLowVoltage = 44;
    expectNear(run({a, b}, cfg).batteryLowVoltage, 47, "highest");
    expectNear(run({pack("X", 50)}, cfg).batteryLowVoltage, 44, "config");
    EXPECT_FALSE(run({pack("X", 50)}).batteryLowVoltage);
}

// The imbalance table from the seed (v1.1.0 defaults) with a fixed nominal of 150 A and packs that
// allow more than that.
struct ImbalanceCase {
    double socA, socB;
    double ccl;
    int cellImbalance;
};

TEST(Aggregate, ChargeCurrentFollowsTheImbalanceTable)
{
    AggregationConfig cfg;
    cfg.nominalChargeCurrent = 150;
    for (const auto& c : {ImbalanceCase{80, 82, 150, 0}, ImbalanceCase{80, 85, 150, 0}, ImbalanceCase{80, 86, 127.5, 0},
                          ImbalanceCase{70, 85, 127.5, 0}, ImbalanceCase{70, 86, 99, 1}, ImbalanceCase{70, 90, 99, 1},
                          ImbalanceCase{70, 91, 50, 2}}) {
        SCOPED_TRACE(testing::Message() << "SOC " << c.socA << "/" << c.socB);
        const auto r = run({bmsPack("A", c.socA, 100, 100), bmsPack("B", c.socB, 100, 100)}, cfg);
        expectNear(r.maxChargeCurrent, c.ccl, "ccl");
        EXPECT_EQ(r.alarms[index(Alarm::CellImbalance)], c.cellImbalance);
    }
}

TEST(Aggregate, ImbalanceHysteresisAcrossRecomputes)
{
    AggregationConfig cfg = test::instantRecovery();
    cfg.nominalChargeCurrent = 150;
    AggregatorMemory memory;
    auto at = [&](double spread) {
        return aggregate({bmsPack("A", 50, 100, 100), bmsPack("B", 50 + spread, 100, 100)}, cfg, memory, Instant{0});
    };
    expectNear(at(16).maxChargeCurrent, 99, "enter warning");
    expectNear(at(14).maxChargeCurrent, 99, "stay within hysteresis");
    EXPECT_EQ(at(14).alarms[index(Alarm::CellImbalance)], 1);
    expectNear(at(12.5).maxChargeCurrent, 127.5, "leave below 13");
    expectNear(at(16).maxChargeCurrent, 99, "enter again at once");
}

TEST(Aggregate, AutoNominalUsesTheBankLimit)
{
    // Three packs allowing 50 A each: nominal 150 A; spread 17 -> warning, 66 % = 99 A.
    const auto r = run({bmsPack("A", 70, 50, 50), bmsPack("B", 87, 50, 50), bmsPack("C", 80, 50, 50)});
    expectNear(r.maxChargeCurrent, 99, "ccl");
    EXPECT_EQ(r.chargeLimitation, "imbalance 17.0% > 15%: 99.0 A of 150 A");
    EXPECT_EQ(r.alarms[index(Alarm::CellImbalance)], 1);
}

TEST(Aggregate, BankLimitBelowNominalWins)
{
    AggregationConfig cfg;
    cfg.nominalChargeCurrent = 300;
    const auto r = run({bmsPack("A", 80, 50, 50), bmsPack("Bank 2", 80, 40, 50), bmsPack("C", 80, 50, 50)}, cfg);
    expectNear(r.maxChargeCurrent, 120, "ccl");
    EXPECT_EQ(r.chargeLimitation, "BMS Bank 2 CCL 40 A × 3");
}

TEST(Aggregate, NominalBelowBankLimitIsReported)
{
    AggregationConfig cfg;
    cfg.nominalChargeCurrent = 100;
    const auto r = run({bmsPack("A", 80, 50, 50), bmsPack("B", 80, 50, 50), bmsPack("C", 80, 50, 50)}, cfg);
    expectNear(r.maxChargeCurrent, 100, "ccl");
    EXPECT_EQ(r.chargeLimitation, "nominal 100 A");
}

TEST(Aggregate, CellAlarmForcesTheBandOfItsLevel)
{
    AggregationConfig cfg;
    cfg.nominalChargeCurrent = 150;
    auto b = bmsPack("Bank 2", 80, 100, 100);
    b.withAlarm(Alarm::HighCellVoltage, 1);
    // Issue 11 rule 8: a warning forces the warning band (66 %), not the alarm band, and a
    // HighCellVoltage stays a HighCellVoltage: /Alarms/CellImbalance reports imbalance only.
    auto r = run({bmsPack("A", 81, 100, 100), b}, cfg);
    expectNear(r.maxChargeCurrent, 99, "warning band");
    EXPECT_EQ(r.alarms[index(Alarm::CellImbalance)], 0) << "a 1 % spread is no imbalance";
    EXPECT_EQ(r.alarms[index(Alarm::HighCellVoltage)], 1);
    EXPECT_EQ(r.chargeLimitation, "cell alarm HighCellVoltage (warning) on Bank 2: 99.0 A of 150 A");

    b.withAlarm(Alarm::HighCellVoltage, 2);
    r = run({bmsPack("A", 81, 100, 100), b}, cfg);
    expectNear(r.maxChargeCurrent, 50, "alarm band: nominal / 3");
    EXPECT_EQ(r.alarms[index(Alarm::CellImbalance)], 0);
    EXPECT_EQ(r.alarms[index(Alarm::HighCellVoltage)], 2);
    EXPECT_EQ(r.chargeLimitation, "cell alarm HighCellVoltage on Bank 2: 50.0 A of 150 A");

    cfg.imbalance.cellAlarms = {Alarm::CellImbalance};
    expectNear(run({bmsPack("A", 80, 100, 100), b}, cfg).maxChargeCurrent, 150, "not in the configured list");
}

TEST(Aggregate, PackCellImbalanceAlarmIsKeptWhenHigher)
{
    auto b = bmsPack("B", 80, 100, 100);
    b.withAlarm(Alarm::CellImbalance, 1);
    AggregationConfig cfg;
    cfg.imbalance.cellAlarms = {};
    EXPECT_EQ(run({bmsPack("A", 80, 100, 100), b}, cfg).alarms[index(Alarm::CellImbalance)], 1);
}

TEST(Aggregate, ConfiguredAlarmCurrent)
{
    AggregationConfig cfg;
    cfg.nominalChargeCurrent = 150;
    cfg.imbalance.alarmCurrent = 30;
    expectNear(run({bmsPack("A", 50, 100, 100), bmsPack("B", 80, 100, 100)}, cfg).maxChargeCurrent, 30, "ccl");
}

TEST(Aggregate, BlockedPacks)
{
    auto blocked = bmsPack("B", 80, 50, 50);
    blocked.with(Quantity::AllowToCharge, 0).with(Quantity::AllowToDischarge, 0);
    auto r = run({bmsPack("A", 80, 50, 70), blocked});
    expectNear(r.maxChargeCurrent, 0, "stop (default): a blocking pack stops the bank");
    EXPECT_EQ(r.chargeLimitation, "B blocks charging (AllowToCharge 0)");
    EXPECT_EQ(r.allowToCharge, 0);
    expectNear(r.maxDischargeCurrent, 0, "and discharging");
    EXPECT_EQ(r.allowToDischarge, 0);

    AggregationConfig exclude;
    exclude.blockedPack = BlockedPackPolicy::Exclude;
    r = run({bmsPack("A", 80, 50, 70), blocked}, exclude);
    expectNear(r.maxChargeCurrent, 50, "exclude: one pack left to take charge");
    expectNear(r.maxDischargeCurrent, 70, "exclude: one pack left to discharge");
    EXPECT_EQ(r.allowToCharge, 1);

    exclude.nominalChargeCurrent = 100;
    r = run({blocked}, exclude);
    expectNear(r.maxChargeCurrent, 0, "every pack blocks charge");
    expectNear(r.maxDischargeCurrent, 0, "every pack blocks discharge");
    EXPECT_EQ(r.chargeLimitation, "no pack may charge (BMS blocks)");
    EXPECT_EQ(r.dischargeLimitation, "no pack may discharge (BMS blocks)");
}

TEST(Aggregate, DischargeLimitCappedByConfig)
{
    AggregationConfig cfg;
    cfg.maxDischargeCurrent = 120;
    auto r = run({bmsPack("A", 80, 50, 100), bmsPack("B", 80, 50, 100)}, cfg);
    expectNear(r.maxDischargeCurrent, 120, "capped");
    EXPECT_EQ(r.dischargeLimitation, "max_discharge_current 120 A");
    // Safety rule 1: the configuration caps, it never vouches for current no BMS allows.
    r = run({pack("A", 80), pack("B", 80)}, cfg);
    expectNear(r.maxDischargeCurrent, 0, "no BMS DCL: 0, not the configured cap");
    EXPECT_EQ(r.dischargeLimitation, "no BMS publishes a DCL");
}

TEST(Aggregate, NoCclAnywhereIsZeroEvenWithANominal)
{
    const auto r = run({pack("A", 80), pack("B", 80)});
    expectNear(r.maxChargeCurrent, 0, "nobody vouches for charging");
    EXPECT_EQ(r.chargeLimitation, "no BMS publishes a CCL");
    AggregationConfig cfg;
    cfg.nominalChargeCurrent = 80;
    expectNear(run({pack("A", 80), pack("B", 80)}, cfg).maxChargeCurrent, 0, "a nominal is no BMS");
}

PackSnapshot held(PackSnapshot p)
{
    p.presence = PackPresence::Held;
    return p;
}

TEST(Aggregate, HeldPackKeepsSocCurrentAndAlarmsButNeverItsLimits)
{
    auto a = bmsPack("A", 80, 50, 100);
    auto b = bmsPack("B", 70, 50, 100);
    auto c = bmsPack("C", 75, 50, 100);
    a.with(Quantity::Capacity, 80).with(Quantity::Current, -5).with(Quantity::Temperature, 20);
    b.with(Quantity::Capacity, 70).with(Quantity::Current, -100).with(Quantity::Temperature, 60);
    c.with(Quantity::Capacity, 75).with(Quantity::Current, -5).with(Quantity::Temperature, 20);
    b.withAlarm(Alarm::HighTemperature, 2);
    const auto r = run({a, held(b), c});
    EXPECT_EQ(r.packsOnline, 2);
    EXPECT_EQ(r.packsHeld, 1);
    expectNear(r.soc, 70, "the held pack's SOC still counts: no jump while its driver restarts");
    expectNear(r.capacity, 225, "capacity");
    expectNear(r.installedCapacity, 300, "installed capacity");
    expectNear(r.current, -110, "current: a held pack still carries its share");
    expectNear(r.temperature, 20, "temperature: measured by the online packs");
    EXPECT_EQ(r.alarms[index(Alarm::HighTemperature)], 2) << "a held pack's alarms do not vanish";
    // Limits from the two visible BMSes only: 50 A x 2, 100 A x 2 (spread 10 -> 85 % of 100 A).
    expectNear(r.maxChargeCurrent, 85, "ccl derated");
    expectNear(r.maxDischargeCurrent, 200, "dcl derated");
    EXPECT_EQ(r.modulesOffline, 1);
    EXPECT_EQ(r.alarms[index(Alarm::BmsCable)], 1) << "a pack within its grace: warning";
}

TEST(Aggregate, OnlyHeldPacksMeansNoChargingButTheSocStays)
{
    const auto r = run({held(bmsPack("A", 64, 50, 100))});
    expectNear(r.soc, 64, "soc");
    expectNear(r.maxChargeCurrent, 0, "ccl");
    expectNear(r.maxDischargeCurrent, 0, "dcl: no DCL was ever vouched before");
    EXPECT_EQ(r.chargeLimitation, "no BMS online (1 reconnecting)");
    EXPECT_EQ(r.alarms[index(Alarm::BmsCable)], 1);
    ASSERT_TRUE(r.imbalance) << "the band of the packs that count, held ones included";
    EXPECT_EQ(r.imbalance->band, ImbalanceBand::Balanced);
    EXPECT_FALSE(run({}).imbalance) << "no band while no pack counts";
}

TEST(Aggregate, ExpectedPacksRaiseBmsCableAndCountMissingModules)
{
    AggregationConfig cfg;
    cfg.expectedPacks = 3;
    struct Case {
        std::vector<PackSnapshot> packs;
        std::optional<int> bmsCable;
        int modulesOffline;
    };
    auto gone = bmsPack("C", 80, 50, 100);
    gone.presence = PackPresence::Missing;
    const std::vector<Case> cases = {
        {{bmsPack("A", 80, 50, 100), bmsPack("B", 80, 50, 100), bmsPack("C", 80, 50, 100)}, 0, 0},
        {{bmsPack("A", 80, 50, 100), bmsPack("B", 80, 50, 100), held(bmsPack("C", 80, 50, 100))}, 1, 1},
        {{bmsPack("A", 80, 50, 100), bmsPack("B", 80, 50, 100), gone}, 2, 1},
        {{bmsPack("A", 80, 50, 100), bmsPack("B", 80, 50, 100)}, 2, 1},
        {{bmsPack("A", 80, 50, 100)}, 2, 2},
    };
    for (std::size_t i = 0; i < cases.size(); ++i) {
        SCOPED_TRACE(i);
        const auto r = run(cases[i].packs, cfg);
        EXPECT_EQ(r.alarms[index(Alarm::BmsCable)], cases[i].bmsCable);
        EXPECT_EQ(r.modulesOffline, cases[i].modulesOffline);
    }
}

TEST(Aggregate, PackBmsCableAlarmIsKept)
{
    auto a = bmsPack("A", 80, 50, 100);
    a.withAlarm(Alarm::BmsCable, 2);
    EXPECT_EQ(run({a, bmsPack("B", 80, 50, 100)}).alarms[index(Alarm::BmsCable)], 2);
}

}  // namespace
}  // namespace bagg
