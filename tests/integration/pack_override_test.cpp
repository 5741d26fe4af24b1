// [pack "<selector>"] and [pair "<name>"] on a real private bus: one BMS's wrong values corrected
// before aggregation, a limit table for a pack without usable limits, and a pack's own shunt merged
// into it and shown as that one pack. The limit guard checks every published CCL/DCL.

#include "aggregator_fixture.h"

#include <cmath>

namespace bagg::test {
namespace {

constexpr const char* kShunt = "com.victronenergy.battery.simshunt";

class PackSectionsOnTheBus : public AggregatorFixture {
protected:
    std::string config(const std::string& extra)
    {
        return std::string(kFixedInstance) + "state_file =\n[charge]\ncurrent_feedback = false\n" + extra;
    }
    // The /Batteries/<slot>/ of `service`, or -1 (slots are made as services are first seen).
    int slotOf(const std::string& service)
    {
        for (int slot = 0;; ++slot) {
            Value v;
            try {
                v = aggregateValue("/Batteries/" + std::to_string(slot) + "/Service");
            } catch (const sdbus::Error&) {
                return -1;  // no such slot: none shows it
            }
            if (v == text(service)) return slot;
        }
    }
};

TEST_F(PackSectionsOnTheBus, OneBmsWrongValuesAreCorrected)
{
    // Sim 1 publishes a CVL of 56.8 V its cells cannot take and a SOC that is wrong; Sim 2 has no
    // usable CCL, and the owner gives it a table over its voltage.
    startSim({"--packs", "2", "--no-drift", "--soc", "60,70", "--period-ms", "200"});
    startDaemon(config("[pack \"com.victronenergy.battery.sim1\"]\nmax_charge_voltage = 55.2\nsoc = ignore\n"
                       "[pack \"name:Sim 2\"]\nmax_charge_current = ignore\ncharge_current_table = 40:80, 60:10\n"));
    ASSERT_TRUE(waitAggregate("/System/NrOfBatteries", integer(2)));
    EXPECT_TRUE(waitAggregate("/Info/MaxChargeVoltage", num(55.2)));
    EXPECT_EQ(aggregateValue("/Soc"), num(70)) << "Sim 1's SOC is ignored: Sim 2's";
    const double volts = *asNumber(client_.getValue(sim(2), "/Dc/0/Voltage"));
    const double table = 80.0 + (10.0 - 80.0) * (volts - 40.0) / 20.0;
    // The count rule: the lowest CCL (the table's, below Sim 1's 50 A) times two.
    EXPECT_TRUE(client_.waitFor([&] {
        const auto ccl = asNumber(aggregateValue("/Info/MaxChargeCurrent"));
        return ccl && std::abs(*ccl - 2 * table) < 0.11;
    })) << "CCL " << ::testing::PrintToString(aggregateValue("/Info/MaxChargeCurrent")) << ", table " << table;
    // Sim 2's pack row shows what counts.
    const int slot = slotOf(sim(2));
    ASSERT_GE(slot, 0);
    EXPECT_NEAR(*asNumber(aggregateValue("/Batteries/" + std::to_string(slot) + "/MaxChargeCurrent")), table, 0.051);

    // The table follows the voltage; a CCL the BMS itself lowers below it still wins.
    ASSERT_EQ(client_.setValue(sim(2), "/Dc/0/Voltage", sdbus::Variant(58.0)), 0);
    EXPECT_TRUE(waitAggregate("/Info/MaxChargeCurrent", num(2 * 17.0)));
}

TEST_F(PackSectionsOnTheBus, APacksOwnShuntIsMergedIntoItAndShownAsThatPack)
{
    startSim({"--packs", "2", "--no-drift", "--soc", "60,70", "--monitor", "--monitor-soc", "42", "--period-ms", "200"});
    startDaemon(config("[sources]\nmonitor_topology = per_pack\n"
                       "[pair \"Bank 1\"]\npack = com.victronenergy.battery.sim1\nmonitor = " +
                       std::string(kShunt) + "\n"));
    ASSERT_TRUE(waitAggregate("/Soc", num(42))) << "Sim 1's SOC is its shunt's";
    EXPECT_EQ(aggregateValue("/System/NrOfBatteries"), integer(2));
    EXPECT_EQ(slotOf(kShunt), -1) << "the shunt is part of its pack, not a row of its own";
    const int slot = slotOf(sim(1));
    ASSERT_GE(slot, 0);
    EXPECT_EQ(aggregateValue("/Batteries/" + std::to_string(slot) + "/Soc"), num(42));
    EXPECT_EQ(aggregateValue("/Info/SocSource"), text("packs")) << "no bank shunt with per-pack shunts";

    // Its current too: the shunt measures what flows into Sim 1.
    ASSERT_EQ(client_.setValue(kShunt, "/Dc/0/Current", sdbus::Variant(-12.0)), 0);
    ASSERT_EQ(client_.setValue(sim(1), "/Dc/0/Current", sdbus::Variant(-9.0)), 0);
    ASSERT_EQ(client_.setValue(sim(2), "/Dc/0/Current", sdbus::Variant(-5.0)), 0);
    EXPECT_TRUE(waitAggregate("/Dc/0/Current", num(-17)));

    // The shunt leaves: the BMS's own values again (its SOC 60 %), and still one row for the pair.
    ASSERT_EQ(client_.setValue(kSimControl, "/Monitor/Present", sdbus::Variant(std::int32_t{0})), 0);
    EXPECT_TRUE(waitAggregate("/Soc", num(60)));
    EXPECT_TRUE(waitAggregate("/Dc/0/Current", num(-14)));
    EXPECT_EQ(aggregateValue("/System/NrOfBatteries"), integer(2));
    ASSERT_EQ(client_.setValue(kSimControl, "/Monitor/Present", sdbus::Variant(std::int32_t{1})), 0);
    EXPECT_TRUE(waitAggregate("/Soc", num(42)));
    EXPECT_EQ(slotOf(kShunt), -1);
}

}  // namespace
}  // namespace bagg::test
