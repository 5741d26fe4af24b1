// [pair "<name>"]: which services pair up, and the pack's values with its own shunt's.

#include "packs/pack_pair.h"

#include <gtest/gtest.h>

using namespace bagg;

namespace {

PackValues service(const std::string& name, const std::string& customName, double soc, double current)
{
    PackValues v(name);
    const PlausibilityConfig limits;
    v.apply("/CustomName", Decoded{Value{customName}}, limits);
    v.apply("/Soc", Decoded{Value{soc}}, limits);
    v.apply("/Dc/0/Current", Decoded{Value{current}}, limits);
    v.apply("/Dc/0/Voltage", Decoded{Value{53.0}}, limits);
    v.apply("/Info/MaxChargeCurrent", Decoded{Value{100.0}}, limits);
    return v;
}

PackPair pair(std::vector<Quantity> values = {Quantity::Soc, Quantity::Current})
{
    return PackPair{"Bank 1", "name:Bank 1", "com.victronenergy.battery.ttyS7", std::move(values)};
}

}  // namespace

TEST(PackPair, ThePackTakesItsShuntsMeasurements)
{
    const auto bms = service("com.victronenergy.battery.ttyUSB0", "Bank 1", 64, -10);
    const auto shunt = service("com.victronenergy.battery.ttyS7", "Shunt 1", 58, -12.5);
    const auto other = service("com.victronenergy.battery.ttyUSB1", "Bank 2", 70, -9);
    const std::map<std::string, PairCandidate> bus = {{"com.victronenergy.battery.ttyUSB0", {&bms, true}},
                                                      {"com.victronenergy.battery.ttyS7", {&shunt, true}},
                                                      {"com.victronenergy.battery.ttyUSB1", {&other, true}}};
    const auto paired = pairPacks(bus, {pair()});
    EXPECT_EQ(paired.monitors, std::set<std::string>{"com.victronenergy.battery.ttyS7"});
    ASSERT_EQ(paired.merged.size(), 1u);
    const auto& merged = paired.merged.at("com.victronenergy.battery.ttyUSB0").snapshot();
    EXPECT_EQ(merged.get(Quantity::Soc), 58.0);
    EXPECT_EQ(merged.get(Quantity::Current), -12.5);
    EXPECT_EQ(merged.get(Quantity::Voltage), 53.0) << "everything else is the BMS's";
    EXPECT_EQ(merged.get(Quantity::ChargeCurrentLimit), 100.0) << "its limits above all";
    EXPECT_EQ(merged.label, "Bank 1") << "shown as the pack";
}

TEST(PackPair, AShuntAwayLeavesThePacksOwnValuesButStaysPartOfIt)
{
    const auto bms = service("com.victronenergy.battery.ttyUSB0", "Bank 1", 64, -10);
    const auto shunt = service("com.victronenergy.battery.ttyS7", "Shunt 1", 58, -12.5);
    const std::map<std::string, PairCandidate> bus = {{"com.victronenergy.battery.ttyUSB0", {&bms, true}},
                                                      {"com.victronenergy.battery.ttyS7", {&shunt, false}}};
    const auto paired = pairPacks(bus, {pair()});
    EXPECT_TRUE(paired.merged.empty()) << "the BMS's own values, at once";
    EXPECT_EQ(paired.monitors.count("com.victronenergy.battery.ttyS7"), 1u) << "still no row of its own";
}

TEST(PackPair, AShuntWithoutAValueLeavesTheBmsOne)
{
    const auto bms = service("com.victronenergy.battery.ttyUSB0", "Bank 1", 64, -10);
    auto shunt = service("com.victronenergy.battery.ttyS7", "Shunt 1", 58, -12.5);
    shunt.apply("/Soc", Decoded{Value{Invalid{}}}, PlausibilityConfig{});  // not synchronised yet
    const std::map<std::string, PairCandidate> bus = {{"com.victronenergy.battery.ttyUSB0", {&bms, true}},
                                                      {"com.victronenergy.battery.ttyS7", {&shunt, true}}};
    const auto paired = pairPacks(bus, {pair()});
    const auto& merged = paired.merged.at("com.victronenergy.battery.ttyUSB0").snapshot();
    EXPECT_EQ(merged.get(Quantity::Soc), 64.0);
    EXPECT_EQ(merged.get(Quantity::Current), -12.5);
}

TEST(PackPair, APairNeedsBothEndsOnTheBus)
{
    const auto bms = service("com.victronenergy.battery.ttyUSB0", "Bank 1", 64, -10);
    const std::map<std::string, PairCandidate> bus = {{"com.victronenergy.battery.ttyUSB0", {&bms, true}}};
    const auto paired = pairPacks(bus, {pair()});
    EXPECT_TRUE(paired.merged.empty());
    EXPECT_TRUE(paired.monitors.empty());
    // A selector that names the pack itself as its monitor pairs nothing.
    auto self = pair();
    self.monitor = "name:Bank 1";
    EXPECT_TRUE(pairPacks(bus, {self}).monitors.empty());
}
