// [sources]: the SOC and current from a battery monitor (a shunt), held like a pack when it goes
// away, falling back to the packs with the reason, and a warning when it disagrees with the packs.

#include "bagg/core/bank_sources.h"

#include <gtest/gtest.h>

using namespace bagg;
using namespace std::chrono_literals;

namespace {

constexpr Duration kGrace = 30s;
Instant at(double s) { return std::chrono::duration_cast<Instant>(std::chrono::duration<double>(s)); }

// The packs' aggregate: SOC 80 %, 52 V, 10 A charging, 200 Ah installed.
AggregateResult packsBank()
{
    AggregateResult r;
    r.soc = 80.0;
    r.voltage = 52.0;
    r.current = 10.0;
    r.power = 520.0;
    r.installedCapacity = 200.0;
    r.capacity = 160.0;
    r.consumedAmphours = -40.0;
    return r;
}

MonitorReading shunt(double soc, double current, std::string label = "SmartShunt")
{
    MonitorReading m;
    m.label = std::move(label);
    m.reachable = true;
    m.health = "online";
    m.values.with(Quantity::Soc, soc).with(Quantity::Current, current).with(Quantity::Voltage, 52.1);
    m.values.with(Quantity::ConsumedAmphours, -70.0);
    return m;
}

// The bus edge sees these monitors and nothing else.
SourceInputs only(std::vector<MonitorReading> monitors) { return SourceInputs{std::move(monitors), {}, false, std::nullopt, true}; }

SourcesConfig monitorFor(SocSource soc, CurrentSource current)
{
    SourcesConfig c;
    c.soc = soc;
    c.current = current;
    return c;
}

}  // namespace

TEST(BankSources, PacksByDefaultWhateverMonitorIsThere)
{
    auto bank = packsBank();
    SourceMemory memory;
    const auto report = applySources(bank, only({shunt(65, -20)}), SourcesConfig{}, kGrace, memory, at(0));
    EXPECT_EQ(bank.soc, 80.0);
    EXPECT_EQ(bank.current, 10.0);
    EXPECT_EQ(report.soc, "packs");
    EXPECT_EQ(report.current, "packs");
}

TEST(BankSources, SocAndCurrentFromTheMonitor)
{
    auto bank = packsBank();
    SourceMemory memory;
    const auto report = applySources(bank, only({shunt(65, -20)}), monitorFor(SocSource::Monitor, CurrentSource::Monitor),
                                     kGrace, memory, at(0));
    EXPECT_EQ(bank.soc, 65.0);
    EXPECT_EQ(bank.consumedAmphours, -70.0);
    EXPECT_DOUBLE_EQ(*bank.capacity, 130.0) << "no /Capacity from the shunt: 65 % of the 200 Ah, not the packs' 160";
    EXPECT_EQ(bank.current, -20.0);
    // The shunt publishes no power here: its current times the bank voltage.
    EXPECT_DOUBLE_EQ(*bank.power, 52.0 * -20.0);
    // No time to go from the shunt: ours, from its SOC and current (65 % of 200 Ah at 20 A).
    ASSERT_TRUE(bank.timeToGo);
    EXPECT_NEAR(*bank.timeToGo, 0.65 * 200.0 / 20.0 * 3600.0, 1e-6);
    EXPECT_EQ(report.soc, "monitor SmartShunt");
    EXPECT_EQ(report.current, "monitor SmartShunt");
    // Limits are never the monitor's: untouched.
    EXPECT_FALSE(bank.maxChargeCurrent);
}

TEST(BankSources, TheMonitorsOwnTimeToGoWins)
{
    auto bank = packsBank();
    SourceMemory memory;
    auto m = shunt(65, -20);
    m.values.with(Quantity::TimeToGo, 12345);
    applySources(bank, only({m}), monitorFor(SocSource::Monitor, CurrentSource::Packs), kGrace, memory, at(0));
    EXPECT_EQ(bank.timeToGo, 12345.0);
}

TEST(BankSources, TimeToGoFollowsThePublishedCurrent)
{
    // SOC from the packs, current from the shunt: the packs charge (+10 A) but the shunt on the
    // main cable sees the bank discharging (-40 A): the time to go is the shunt's view.
    auto bank = packsBank();
    SourceMemory memory;
    applySources(bank, only({shunt(65, -40)}), monitorFor(SocSource::Packs, CurrentSource::Monitor), kGrace, memory, at(0));
    ASSERT_TRUE(bank.timeToGo);
    EXPECT_NEAR(*bank.timeToGo, 0.80 * 200.0 / 40.0 * 3600.0, 1e-6);
}

TEST(BankSources, AMonitorThatLeavesIsHeldForTheGraceThenThePacksCount)
{
    const auto config = monitorFor(SocSource::Monitor, CurrentSource::Monitor);
    SourceMemory memory;
    auto bank = packsBank();
    applySources(bank, only({shunt(65, -20)}), config, kGrace, memory, at(0));

    // Its driver restarts: it is no longer listed. The SOC stays (no jump to the packs' 80 %); the
    // current is the packs' at once (they measure it now).
    bank = packsBank();
    auto report = applySources(bank, only({}), config, kGrace, memory, at(1));
    EXPECT_EQ(bank.soc, 65.0);
    EXPECT_EQ(bank.current, 10.0);
    EXPECT_EQ(report.soc, "monitor SmartShunt (held: no monitor on the bus)");
    EXPECT_EQ(report.current, "packs: no monitor on the bus");

    bank = packsBank();
    applySources(bank, only({}), config, kGrace, memory, at(30.9));
    EXPECT_EQ(bank.soc, 65.0) << "still within the 30 s grace";

    bank = packsBank();
    report = applySources(bank, only({}), config, kGrace, memory, at(31.1));
    EXPECT_EQ(bank.soc, 80.0);
    EXPECT_EQ(report.soc, "packs: no monitor on the bus");

    // Back: its SOC counts again at once.
    bank = packsBank();
    report = applySources(bank, only({shunt(66, -20)}), config, kGrace, memory, at(40));
    EXPECT_EQ(bank.soc, 66.0);
    EXPECT_EQ(report.soc, "monitor SmartShunt");
}

TEST(BankSources, AMonitorThatLosesItsSocIsHeldThenFallsBackWithTheReason)
{
    const auto config = monitorFor(SocSource::Monitor, CurrentSource::Monitor);
    SourceMemory memory;
    auto bank = packsBank();
    applySources(bank, only({shunt(65, -20)}), config, kGrace, memory, at(0));

    auto lost = shunt(65, -21);
    lost.values.get(Quantity::Soc).reset();  // published [] (or an implausible 250 %)
    bank = packsBank();
    auto report = applySources(bank, only({lost}), config, kGrace, memory, at(5));
    EXPECT_EQ(bank.soc, 65.0);
    EXPECT_EQ(report.soc, "monitor SmartShunt (held: no valid SOC)");
    EXPECT_EQ(bank.current, -21.0) << "its current is still good";

    bank = packsBank();
    report = applySources(bank, only({lost}), config, kGrace, memory, at(36));
    EXPECT_EQ(bank.soc, 80.0);
    EXPECT_EQ(report.soc, "packs: monitor SmartShunt no valid SOC for longer than reconnect_grace");
}

TEST(BankSources, AnUnresponsiveMonitorIsHeldAndItsCurrentNotUsed)
{
    const auto config = monitorFor(SocSource::Monitor, CurrentSource::Monitor);
    SourceMemory memory;
    auto bank = packsBank();
    applySources(bank, only({shunt(65, -20)}), config, kGrace, memory, at(0));
    auto hung = shunt(65, -20);
    hung.reachable = false;
    hung.health = "unresponsive";
    bank = packsBank();
    const auto report = applySources(bank, only({hung}), config, kGrace, memory, at(3));
    EXPECT_EQ(bank.soc, 65.0);
    EXPECT_EQ(bank.current, 10.0);
    EXPECT_EQ(report.soc, "monitor SmartShunt (held: unresponsive)");
    EXPECT_EQ(report.current, "packs: monitor SmartShunt unresponsive");
}

TEST(BankSources, AShuntNeverSynchronisedGivesThePacksSocAtOnce)
{
    // A SmartShunt publishes no SOC until its first full charge: nothing to hold, the packs' SOC.
    SourceMemory memory;
    auto fresh = shunt(0, -5);
    fresh.values.get(Quantity::Soc).reset();
    auto bank = packsBank();
    const auto report = applySources(bank, only({fresh}), monitorFor(SocSource::Monitor, CurrentSource::Monitor), kGrace,
                                     memory, at(0));
    EXPECT_EQ(bank.soc, 80.0);
    EXPECT_EQ(report.soc, "packs: monitor SmartShunt no valid SOC");
    EXPECT_EQ(bank.current, -5.0);
}

TEST(BankSources, SeveralMonitorsNeedASelector)
{
    const auto config = monitorFor(SocSource::Monitor, CurrentSource::Monitor);
    SourceMemory memory;
    auto bank = packsBank();
    auto report = applySources(bank, only({shunt(65, -20, "Shunt A"), shunt(50, -3, "Shunt B")}), config, kGrace, memory, at(0));
    EXPECT_EQ(bank.soc, 80.0);
    EXPECT_EQ(report.soc, "packs: 2 monitors (Shunt A, Shunt B): choose one with [sources] monitor");

    // [sources] monitor = name:Shunt B: the edge marks only B selected.
    auto selector = config;
    selector.monitor = {"name:Shunt B"};
    auto a = shunt(65, -20, "Shunt A");
    a.selected = false;
    bank = packsBank();
    report = applySources(bank, only({a, shunt(50, -3, "Shunt B")}), selector, kGrace, memory, at(1));
    EXPECT_EQ(bank.soc, 50.0);
    EXPECT_EQ(report.soc, "monitor Shunt B");

    // B leaves the bus: held as any monitor that leaves, then the reason.
    bank = packsBank();
    report = applySources(bank, only({a}), selector, kGrace, memory, at(100));
    EXPECT_EQ(report.soc, "monitor Shunt B (held: no monitor matches [sources] monitor)");
    bank = packsBank();
    report = applySources(bank, only({a}), selector, kGrace, memory, at(131));
    EXPECT_EQ(report.soc, "packs: no monitor matches [sources] monitor");
}

TEST(BankSources, ADifferentMonitorHoldsNothingOfTheOld)
{
    const auto config = monitorFor(SocSource::Monitor, CurrentSource::Packs);
    SourceMemory memory;
    auto bank = packsBank();
    applySources(bank, only({shunt(65, -20, "Old")}), config, kGrace, memory, at(0));
    auto other = shunt(0, 0, "New");
    other.values.get(Quantity::Soc).reset();
    bank = packsBank();
    const auto report = applySources(bank, only({other}), config, kGrace, memory, at(1));
    EXPECT_EQ(bank.soc, 80.0);
    EXPECT_EQ(report.soc, "packs: monitor New no valid SOC");
}

TEST(BankSources, ADisagreementIsAWarningOnlyAfterItLasts)
{
    auto config = monitorFor(SocSource::Monitor, CurrentSource::Packs);
    config.socDisagreement = 10.0;
    config.socDisagreementTime = 300s;
    SourceMemory memory;
    auto bank = packsBank();  // packs 80 %
    EXPECT_EQ(applySources(bank, only({shunt(69, 0)}), config, kGrace, memory, at(0)).disagreement, "");
    bank = packsBank();
    EXPECT_EQ(applySources(bank, only({shunt(69, 0)}), config, kGrace, memory, at(299)).disagreement, "");
    bank = packsBank();
    EXPECT_EQ(applySources(bank, only({shunt(69, 0)}), config, kGrace, memory, at(300)).disagreement,
              "monitor SmartShunt SOC 69.0 % vs packs 80.0 %");
    // Within the margin again: gone at once, and the time starts over.
    bank = packsBank();
    EXPECT_EQ(applySources(bank, only({shunt(71, 0)}), config, kGrace, memory, at(301)).disagreement, "");
    bank = packsBank();
    EXPECT_EQ(applySources(bank, only({shunt(60, 0)}), config, kGrace, memory, at(302)).disagreement, "");
    // Exactly at the margin is agreement.
    bank = packsBank();
    EXPECT_EQ(applySources(bank, only({shunt(70, 0)}), config, kGrace, memory, at(1000)).disagreement, "");
}

TEST(BankSources, TheDisagreementIsCheckedWhateverTheSource)
{
    // soc = packs with a shunt on the bus: the owner still wants to know the two drifted apart.
    SourcesConfig config;
    config.socDisagreementTime = 0s;
    SourceMemory memory;
    auto bank = packsBank();
    EXPECT_NE(applySources(bank, only({shunt(40, 0)}), config, kGrace, memory, at(0)).disagreement, "");
    EXPECT_EQ(bank.soc, 80.0);
}

namespace {

SourceInputs victron(std::vector<DcDeviceCurrent> devices)
{
    SourceInputs in;
    in.victron = std::move(devices);
    return in;
}

}  // namespace

TEST(BankSources, VictronCurrentIsTheSumOfTheChargersAndInverters)
{
    // A Multi inverting 30 A out of the battery, an MPPT charging 12.5 A in: the battery gives 17.5 A.
    const auto config = monitorFor(SocSource::Packs, CurrentSource::Victron);
    SourceMemory memory;
    auto bank = packsBank();  // the BMSes say +10 A: their sensors are poor
    const auto report = applySources(bank,
                                     victron({{"com.victronenergy.vebus.ttyS3", -30.0, false},
                                              {"com.victronenergy.solarcharger.ttyS2", 12.5, false},
                                              {"com.victronenergy.dcsystem.lights", 4.0, true}}),
                                     config, kGrace, memory, at(0));
    EXPECT_DOUBLE_EQ(*bank.current, -17.5);
    EXPECT_DOUBLE_EQ(*bank.power, 52.0 * -17.5);
    EXPECT_EQ(report.current, "victron: 2 devices");
    ASSERT_TRUE(bank.timeToGo) << "the time to go follows the published current";
    EXPECT_NEAR(*bank.timeToGo, 0.80 * 200.0 / 17.5 * 3600.0, 1e-6);
}

TEST(BankSources, VictronCurrentSubtractsDcLoadsWhenConfigured)
{
    auto config = monitorFor(SocSource::Packs, CurrentSource::Victron);
    config.subtractDcLoads = true;
    SourceMemory memory;
    auto bank = packsBank();
    const auto report = applySources(bank,
                                     victron({{"com.victronenergy.solarcharger.ttyS2", 12.5, false},
                                              {"com.victronenergy.dcload.fridge", 4.0, true}}),
                                     config, kGrace, memory, at(0));
    EXPECT_DOUBLE_EQ(*bank.current, 8.5);
    EXPECT_EQ(report.current, "victron: 2 devices");
}

TEST(BankSources, VictronCurrentFallsBackToThePacksWhenADeviceHasNone)
{
    const auto config = monitorFor(SocSource::Packs, CurrentSource::Victron);
    SourceMemory memory;
    auto bank = packsBank();
    auto report = applySources(bank,
                               victron({{"com.victronenergy.vebus.ttyS3", -30.0, false},
                                        {"com.victronenergy.solarcharger.ttyS2", std::nullopt, false}}),
                               config, kGrace, memory, at(0));
    EXPECT_EQ(bank.current, 10.0);
    EXPECT_EQ(report.current, "packs: com.victronenergy.solarcharger.ttyS2 has no valid /Dc/0/Current");

    bank = packsBank();
    report = applySources(bank, victron({{"com.victronenergy.dcload.fridge", 4.0, true}}), config, kGrace, memory, at(1));
    EXPECT_EQ(bank.current, 10.0);
    EXPECT_EQ(report.current, "packs: no Victron charger or inverter on the bus");
}

TEST(BankSources, TimeToGoRunsToTheEssMinimumSoc)
{
    SourceMemory memory;
    auto bank = packsBank();
    bank.current = -20.0;
    SourceInputs in;
    in.essMinimumSoc = 30.0;
    applySources(bank, in, SourcesConfig{}, kGrace, memory, at(0));
    EXPECT_NEAR(*bank.timeToGo, 0.80 * 200.0 / 20.0 * 3600.0, 1e-6) << "the setting alone: no ESS, to 0 %";

    in.essPresent = true;
    bank = packsBank();
    bank.current = -20.0;
    applySources(bank, in, SourcesConfig{}, kGrace, memory, at(0));
    ASSERT_TRUE(bank.timeToGo);
    EXPECT_NEAR(*bank.timeToGo, (0.80 - 0.30) * 200.0 / 20.0 * 3600.0, 1e-6);

    bank = packsBank();
    bank.soc = 25.0;
    bank.current = -20.0;
    applySources(bank, in, SourcesConfig{}, kGrace, memory, at(1));
    EXPECT_EQ(bank.timeToGo, 0.0) << "below the ESS minimum: nothing left to go";

    bank = packsBank();  // charging: no time to go
    applySources(bank, in, SourcesConfig{}, kGrace, memory, at(2));
    EXPECT_FALSE(bank.timeToGo);
}
