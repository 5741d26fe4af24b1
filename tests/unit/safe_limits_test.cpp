// What the aggregate publishes when something is wrong (issue 11): each failing input of the issue
// as a table row with its right value, on the pure core with time passed in.

#include "bagg/core/aggregate.h"

#include "pack_fixtures.h"

#include <gtest/gtest.h>

namespace bagg {
namespace {

using test::bmsPack;
using namespace std::chrono_literals;

PackSnapshot as(PackSnapshot p, PackPresence presence)
{
    p.presence = presence;
    return p;
}

void expectNear(const std::optional<double>& actual, double expected, const char* what)
{
    ASSERT_TRUE(actual.has_value()) << what << " is invalid";
    EXPECT_NEAR(*actual, expected, 1e-9) << what;
}

// Rule 1: three packs with CVL 56 V, then every driver exits. CCL 0 only reaches the inverter if
// systemcalc still counts us as a BMS, and it counts only a battery with a CVL.
TEST(SafeLimits, NoPackOnlineKeepsTheLastVouchedCvlWithZeroCurrents)
{
    AggregatorMemory memory;
    AggregationConfig cfg = test::instantRecovery();
    std::vector<PackSnapshot> bank;
    for (const char* name : {"A", "B", "C"}) bank.push_back(bmsPack(name, 80, 100, 200).with(Quantity::ChargeVoltageLimit, 56.0));
    auto r = aggregate(bank, cfg, memory, 0s);
    expectNear(r.maxChargeVoltage, 56.0, "cvl");

    for (auto& p : bank) p.presence = PackPresence::Missing;
    r = aggregate(bank, cfg, memory, 60s);
    expectNear(r.maxChargeVoltage, 56.0, "the last vouched CVL stays published");
    expectNear(r.maxChargeCurrent, 0, "ccl");
    expectNear(r.maxDischargeCurrent, 0, "dcl");
    EXPECT_EQ(r.alarms[index(Alarm::BmsCable)], 2);

    r = aggregate({}, cfg, memory, 61s);
    expectNear(r.maxChargeVoltage, 56.0, "also with no battery service at all");

    cfg.maxChargeVoltage = 55.0;
    expectNear(aggregate({}, cfg, memory, 62s).maxChargeVoltage, 55.0, "capped by max_charge_voltage");

    // After a restart: the CVL kept in the state file.
    AggregatorMemory restarted;
    restarted.lastVouchedCvl = 55.6;
    expectNear(aggregate({}, test::instantRecovery(), restarted, 0s).maxChargeVoltage, 55.6, "from the state file");
    EXPECT_FALSE(aggregate({}, AggregationConfig{}, *std::make_unique<AggregatorMemory>(), 0s).maxChargeVoltage)
        << "never any CVL and none configured: nothing to vouch for";
}

// Rule 2: every driver restarts for ~12 s (a GX firmware check). Charging stops at once; the DCL
// stays at the last vouched (derated) value while the packs are held, then goes to 0.
TEST(SafeLimits, DriverRestartHoldsTheLastDclNotTheHouseDark)
{
    AggregatorMemory memory;
    const AggregationConfig cfg = test::instantRecovery();
    std::vector<PackSnapshot> bank = {bmsPack("A", 80, 50, 100), bmsPack("B", 80, 50, 100), bmsPack("C", 80, 50, 100)};
    auto r = aggregate(bank, cfg, memory, 0s);
    expectNear(r.maxDischargeCurrent, 300, "dcl online");

    // One pack goes first: derated to the two visible BMSes.
    bank[2].presence = PackPresence::Held;
    r = aggregate(bank, cfg, memory, 1s);
    expectNear(r.maxDischargeCurrent, 200, "derated");

    // All held: no BMS vouches for charging; discharging goes on at the last vouched value.
    for (auto& p : bank) p.presence = PackPresence::Held;
    r = aggregate(bank, cfg, memory, 2s);
    expectNear(r.maxChargeCurrent, 0, "ccl at once");
    expectNear(r.maxDischargeCurrent, 200, "dcl held at the last vouched, derated value");
    EXPECT_EQ(r.dischargeLimitation, "no BMS online (3 reconnecting): last DCL 200 A held");
    EXPECT_EQ(r.allowToCharge, 0);
    EXPECT_EQ(r.allowToDischarge, 1);
    expectNear(r.soc, 80, "soc held");

    // Never more than the held packs allow together, by the same rule as online ones: one back on
    // the bus with a lower DCL lowers it (count: lowest DCL x packs), one that blocks stops it.
    for (auto& p : bank) p.presence = PackPresence::Held;
    bank[0].with(Quantity::DischargeCurrentLimit, 10);
    r = aggregate(bank, cfg, memory, 3s);
    expectNear(r.maxDischargeCurrent, 30, "min(last vouched 200, lowest held DCL 10 x 3)");
    EXPECT_EQ(r.dischargeLimitation, "no BMS online (3 reconnecting): last DCL 30 A held");
    bank[1].with(Quantity::AllowToDischarge, 0);
    r = aggregate(bank, cfg, memory, 4s);
    expectNear(r.maxDischargeCurrent, 0, "a held pack that blocks stops it");
    EXPECT_EQ(r.dischargeLimitation, "B blocks discharging (AllowToDischarge 0)");
    AggregationConfig exclude = cfg;
    exclude.blockedPack = BlockedPackPolicy::Exclude;
    expectNear(aggregate(bank, exclude, memory, 5s).maxDischargeCurrent, 20, "exclude: lowest 10 x 2 others");
    for (auto& p : bank) p.with(Quantity::DischargeCurrentLimit, 100).with(Quantity::AllowToDischarge, 1);

    // The grace is over and nobody is back: 0.
    for (auto& p : bank) p.presence = PackPresence::Missing;
    r = aggregate(bank, cfg, memory, 40s);
    expectNear(r.maxDischargeCurrent, 0, "dcl after the grace");
    EXPECT_EQ(r.dischargeLimitation, "no battery online");

    // Back online, then all held again: held at the new value, not the old one.
    for (auto& p : bank) p.presence = PackPresence::Online;
    aggregate(bank, cfg, memory, 50s);
    for (auto& p : bank) p.presence = PackPresence::Held;
    expectNear(aggregate(bank, cfg, memory, 51s).maxDischargeCurrent, 300, "held again");
}

// A pack that blocks stays blocking when its driver restarts or hangs: held, it is most likely
// still wired in parallel (found by a new-user trial: the bank's limit jumped back up).
TEST(SafeLimits, AHeldPackThatBlocksStillStopsTheBank)
{
    AggregatorMemory memory;
    const AggregationConfig cfg = test::instantRecovery();
    auto a = bmsPack("A", 80, 50, 100);
    auto b = bmsPack("B", 80, 50, 100).with(Quantity::AllowToCharge, 0);
    auto r = aggregate({a, b}, cfg, memory, 0s);
    expectNear(r.maxChargeCurrent, 0, "online block");
    r = aggregate({a, as(b, PackPresence::Held)}, cfg, memory, 1s);
    expectNear(r.maxChargeCurrent, 0, "still 0 while B is held");
    EXPECT_EQ(r.chargeLimitation, "B blocks charging (AllowToCharge 0, held)");
    r = aggregate({a, as(b, PackPresence::Missing)}, cfg, memory, 40s);
    expectNear(r.maxChargeCurrent, 50, "beyond the grace B is missing: A alone");

    // Exclude: a FET found closed stays closed while the pack is away.
    AggregationConfig exclude = test::instantRecovery();
    exclude.blockedPack = BlockedPackPolicy::Exclude;
    AggregatorMemory ex;
    auto c = bmsPack("C", 90, 50, 100);
    aggregate({a, c}, exclude, ex, 0s);
    c.with(Quantity::AllowToCharge, 0).with(Quantity::ChargeCurrentLimit, 0).with(Quantity::Current, 12);
    for (auto t : {1s, 2s, 4s}) r = aggregate({a, c}, exclude, ex, t);
    expectNear(r.maxChargeCurrent, 0, "tripped");
    r = aggregate({a, as(c, PackPresence::Held)}, exclude, ex, 5s);
    expectNear(r.maxChargeCurrent, 0, "still tripped while C is held");
}

// Rule 3: A (SOC 60) turns invalid for 15 s while B reads 64. The SOC must not rise to 64.
TEST(SafeLimits, SocNeverRisesBecauseAPackWentSilent)
{
    AggregatorMemory memory;
    auto a = bmsPack("A", 60, 50, 100).with(Quantity::Current, 20);
    auto b = bmsPack("B", 64, 50, 100).with(Quantity::Current, 20);
    auto r = aggregate({a, b}, test::instantRecovery(), memory, 0s);
    expectNear(r.soc, 60, "soc");
    expectNear(r.current, 40, "current");
    r = aggregate({as(a, PackPresence::Held), b}, test::instantRecovery(), memory, 5s);
    expectNear(r.soc, 60, "the held SOC, not 64");
    expectNear(r.current, 40, "the held pack still carries current: the bank current does not halve");
    expectNear(r.maxChargeCurrent, 50, "but its limits do not count: 50 A x 1");
}

// Rule 4: a pack with HighCellVoltage 2 (CCL at the alarm current) and CVL 55.8 hangs or leaves.
TEST(SafeLimits, AlarmsAndCvlOfAHeldPackDoNotVanish)
{
    AggregationConfig cfg = test::instantRecovery();
    cfg.nominalChargeCurrent = 150;
    AggregatorMemory memory;
    auto a = bmsPack("A", 80, 100, 100).with(Quantity::ChargeVoltageLimit, 56.0);
    auto b = bmsPack("B", 80, 100, 100).with(Quantity::ChargeVoltageLimit, 56.0);
    auto c = bmsPack("C", 80, 100, 100).with(Quantity::ChargeVoltageLimit, 55.8).withAlarm(Alarm::HighCellVoltage, 2);
    auto r = aggregate({a, b, c}, cfg, memory, 0s);
    expectNear(r.maxChargeCurrent, 50, "alarm band");
    expectNear(r.maxChargeVoltage, 55.8, "cvl");

    r = aggregate({a, b, as(c, PackPresence::Held)}, cfg, memory, 1s);
    EXPECT_EQ(r.alarms[index(Alarm::HighCellVoltage)], 2) << "its alarm is held";
    // And with every pack held: the band their spread caused stays (a trial found it vanished).
    AggregatorMemory spread;
    auto low = bmsPack("L", 70, 50, 100), high = bmsPack("H", 91, 50, 100);
    aggregate({low, high}, test::instantRecovery(), spread, 0s);
    const auto allHeld = aggregate({as(low, PackPresence::Held), as(high, PackPresence::Held)}, test::instantRecovery(), spread, 1s);
    EXPECT_EQ(allHeld.alarms[index(Alarm::CellImbalance)], 2);
    ASSERT_TRUE(allHeld.imbalance);
    EXPECT_EQ(allHeld.imbalance->band, ImbalanceBand::Alarm);
    expectNear(r.maxChargeCurrent, 50, "and the band it caused");
    expectNear(r.maxChargeVoltage, 55.8, "its CVL still bounds the bank");
    EXPECT_EQ(r.alarms[index(Alarm::BmsCable)], 1);
    EXPECT_EQ(r.alarms[index(Alarm::CellImbalance)], 0);

    r = aggregate({a, b, as(c, PackPresence::Missing)}, cfg, memory, 40s);
    EXPECT_EQ(r.alarms[index(Alarm::BmsCable)], 2) << "beyond the grace: missing";
    expectNear(r.maxChargeVoltage, 56.0, "dropped after the grace");
}

// Rule 5: BmsCable without expected_packs: 0 (valid) when all are there, 1 within the grace, 2 after.
TEST(SafeLimits, ALostPackRaisesBmsCable)
{
    const std::vector<PackSnapshot> all = {bmsPack("A", 80, 50, 100), bmsPack("B", 80, 50, 100), bmsPack("C", 80, 50, 100)};
    struct Case {
        PackPresence c;
        int bmsCable;
    };
    for (const auto& k : {Case{PackPresence::Online, 0}, Case{PackPresence::Held, 1}, Case{PackPresence::Missing, 2}}) {
        auto bank = all;
        bank[2].presence = k.c;
        AggregatorMemory memory;
        EXPECT_EQ(aggregate(bank, test::instantRecovery(), memory, 0s).alarms[index(Alarm::BmsCable)], std::optional<int>(k.bmsCable))
            << "C " << static_cast<int>(k.c);
    }
}

// Rule 7: dbus-serialbattery blocks (AllowToCharge 0) whenever its CCL is 0 while its FET stays closed.
TEST(SafeLimits, BlockedPackStopsOrIsExcludedUnlessItStillTakesCurrent)
{
    auto a = bmsPack("A", 99, 0, 100).with(Quantity::AllowToCharge, 0);
    auto b = bmsPack("B", 95, 10, 100);
    AggregationConfig cfg = test::instantRecovery();
    AggregatorMemory memory;
    auto r = aggregate({a, b}, cfg, memory, 0s);
    expectNear(r.maxChargeCurrent, 0, "stop");
    EXPECT_EQ(r.chargeLimitation, "A blocks charging (AllowToCharge 0)");

    auto empty = bmsPack("A", 1, 50, 0).with(Quantity::AllowToDischarge, 0);
    r = aggregate({empty, b}, cfg, memory, 0s);
    expectNear(r.maxDischargeCurrent, 0, "stop on the discharge side");
    EXPECT_EQ(r.dischargeLimitation, "A blocks discharging (AllowToDischarge 0)");

    auto modules = bmsPack("M", 50, 40, 100).with(Quantity::ModulesBlockingCharge, 1);
    EXPECT_EQ(aggregate({modules, b}, cfg, memory, 0s).chargeLimitation, "M blocks charging (1 module blocking)");

    // Exclude: left out while its FET is open (no current)...
    cfg.blockedPack = BlockedPackPolicy::Exclude;
    AggregatorMemory ex;
    auto a0 = bmsPack("A", 90, 50, 100);
    aggregate({a0, b}, cfg, ex, 0s);  // its limit before blocking: 50 A, threshold max(1, 1) A
    r = aggregate({a, b}, cfg, ex, 1s);
    expectNear(r.maxChargeCurrent, 10, "exclude: B alone");
    // ...but it still takes 12 A: for 3 s the bank carries on, then its FET counts as closed.
    a.with(Quantity::Current, 12);
    expectNear(aggregate({a, b}, cfg, ex, 2s).maxChargeCurrent, 10, "current for 0 s");
    expectNear(aggregate({a, b}, cfg, ex, 4s).maxChargeCurrent, 10, "current for 2 s");
    r = aggregate({a, b}, cfg, ex, 5s);
    expectNear(r.maxChargeCurrent, 0, "current for 3 s");
    EXPECT_EQ(r.chargeLimitation, "A blocks charging (AllowToCharge 0) but still takes current: its FET is closed");
    // Latched while it blocks, even when the current stops (it stopped because we stopped charging).
    a.with(Quantity::Current, 0);
    expectNear(aggregate({a, b}, cfg, ex, 6s).maxChargeCurrent, 0, "latched");
    // It stops blocking: counted again.
    a.with(Quantity::AllowToCharge, 1).with(Quantity::ChargeCurrentLimit, 20);
    expectNear(aggregate({a, b}, cfg, ex, 7s).maxChargeCurrent, 20, "min 10 A x 2");
    // A small current below 2 % of its limit (or 1 A) is measurement noise, not a closed FET.
    a.with(Quantity::AllowToCharge, 0).with(Quantity::ChargeCurrentLimit, 0).with(Quantity::Current, 0.9);
    for (auto t : {8s, 10s, 20s}) expectNear(aggregate({a, b}, cfg, ex, t).maxChargeCurrent, 10, "noise");

    // Separately per direction: exclude for charging, stop for discharging.
    cfg.blockedPack = BlockedPackPolicy::Stop;
    cfg.blockedCharge = BlockedPackPolicy::Exclude;
    AggregatorMemory mixed;
    r = aggregate({bmsPack("A", 99, 0, 0).with(Quantity::AllowToCharge, 0).with(Quantity::AllowToDischarge, 0), b}, cfg,
                  mixed, 0s);
    expectNear(r.maxChargeCurrent, 10, "charge: exclude");
    expectNear(r.maxDischargeCurrent, 0, "discharge: stop");
}

}  // namespace
}  // namespace bagg
