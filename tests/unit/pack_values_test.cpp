#include "packs/pack_values.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace bagg {
namespace {

Decoded good(Value v) { return {std::move(v), true}; }
Decoded badType() { return {Invalid{}, false}; }

class PackValuesTest : public ::testing::Test {
protected:
    PackValues pack{"com.victronenergy.battery.ttyUSB0"};
    PlausibilityConfig limits;
};

TEST_F(PackValuesTest, KnownPathsFillTheSnapshot)
{
    EXPECT_EQ(pack.apply("/Soc", good(80.0), limits).kind, ApplyOutcome::Kind::Changed);
    EXPECT_EQ(pack.apply("/Soc", good(80.0), limits).kind, ApplyOutcome::Kind::Unchanged);
    pack.apply("/Info/MaxChargeCurrent", good(std::int64_t{50}), limits);
    pack.apply("/System/MinVoltageCellId", good(std::string("C7")), limits);
    pack.apply("/System/MaxVoltageCellId", good(std::int64_t{12}), limits);
    pack.apply("/Alarms/HighCellVoltage", good(std::int64_t{2}), limits);
    const auto& s = pack.snapshot();
    EXPECT_EQ(s.get(Quantity::Soc), 80.0);
    EXPECT_EQ(s.get(Quantity::ChargeCurrentLimit), 50.0);
    EXPECT_EQ(s.cellIds[index(CellExtreme::MinVoltage)], "C7");
    EXPECT_EQ(s.cellIds[index(CellExtreme::MaxVoltage)], "C12");
    EXPECT_EQ(s.alarm(Alarm::HighCellVoltage), 2);
}

TEST_F(PackValuesTest, AnOutcomeSaysHowSoonItMustCount)
{
    EXPECT_EQ(pack.apply("/Dc/0/Voltage", good(53.1), limits).urgency, Urgency::WithReading);
    EXPECT_EQ(pack.apply("/Soc", good(80.0), limits).urgency, Urgency::Prompt);
    // A refused value makes a field absent: as urgent as the path, whatever the kind.
    const auto refused = pack.apply("/Info/MaxChargeCurrent", good(std::string("lots")), limits);
    EXPECT_EQ(refused.kind, ApplyOutcome::Kind::Rejected);
    EXPECT_EQ(refused.urgency, Urgency::Prompt);
    EXPECT_EQ(pack.apply("/System/MaxCellVoltage", good(std::string("high")), limits).urgency, Urgency::WithReading);
}

TEST_F(PackValuesTest, UnknownPathsAreIgnored)
{
    EXPECT_EQ(pack.apply("/Some/Driver/Specific", good(1.0), limits).kind, ApplyOutcome::Kind::Ignored);
    EXPECT_EQ(pack.apply("", good(1.0), limits).kind, ApplyOutcome::Kind::Ignored);
    EXPECT_EQ(pack.apply("/Soc/../Soc", good(1.0), limits).kind, ApplyOutcome::Kind::Ignored);
    EXPECT_EQ(pack.rejectedValues(), 0);
}

TEST_F(PackValuesTest, InvalidMakesTheValueAbsent)
{
    pack.apply("/Soc", good(80.0), limits);
    EXPECT_EQ(pack.apply("/Soc", good(Invalid{}), limits).kind, ApplyOutcome::Kind::Changed);
    EXPECT_FALSE(pack.snapshot().get(Quantity::Soc));
    EXPECT_EQ(pack.rejectedValues(), 0) << "invalid is a legal value, not garbage";
}

struct Garbage {
    const char* path;
    Decoded value;
    const char* reason;
};

TEST_F(PackValuesTest, GarbageIsRejectedCountedAndLoggedOncePerPath)
{
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const std::vector<Garbage> cases = {
        {"/Soc", good(250.0), "implausible value 250"},
        {"/Soc", good(-1.0), "implausible value -1"},
        {"/Soc", good(nan), "implausible value nan"},
        {"/Soc", good(std::string("eighty")), "a string 'eighty' where a number belongs"},
        {"/Soc", badType(), "a D-Bus type that is not a number, string or invalid"},
        {"/Dc/0/Voltage", good(std::numeric_limits<double>::infinity()), "implausible value inf"},
        {"/Dc/0/Voltage", good(5000.0), "implausible value 5000"},
        {"/System/MinCellVoltage", good(6.5), "implausible value 6.5"},
        {"/Dc/0/Temperature", good(-80.0), "implausible value -80"},
        {"/Info/MaxChargeCurrent", good(-5.0), "implausible value -5"},
        {"/InstalledCapacity", good(-100.0), "implausible value -100"},
        {"/Io/AllowToCharge", good(std::int64_t{7}), "implausible value 7"},
        {"/Alarms/LowVoltage", good(std::int64_t{3}), "alarm level 3 is not 0, 1 or 2"},
        {"/Alarms/LowVoltage", good(std::string("bad")), "an alarm level that is not a number"},
        {"/CustomName", good(std::int64_t{5}), "a number where a text belongs"},
        {"/Info/ChargeMode", good(3.0), "a number where a text belongs"},
    };
    int n = 0;
    std::set<std::string> seen;
    for (const auto& c : cases) {
        SCOPED_TRACE(std::string(c.path) + " " + c.reason);
        const auto out = pack.apply(c.path, c.value, limits);
        ++n;
        EXPECT_EQ(out.kind, ApplyOutcome::Kind::Rejected);
        EXPECT_EQ(out.reason, c.reason);
        EXPECT_EQ(out.firstForPath, seen.insert(c.path).second);
        EXPECT_EQ(pack.rejectedValues(), n);
    }
    const auto& s = pack.snapshot();
    EXPECT_FALSE(s.get(Quantity::Soc));
    EXPECT_FALSE(s.get(Quantity::Voltage));
    EXPECT_FALSE(s.get(Quantity::ChargeCurrentLimit));
    EXPECT_FALSE(s.alarm(Alarm::LowVoltage));
    EXPECT_EQ(pack.customName(), "") << "the refused name is absent: the label falls back";
    EXPECT_EQ(pack.label(), "ttyUSB0");
    EXPECT_EQ(pack.chargeMode(), "");
}

TEST_F(PackValuesTest, GarbageReplacesAGoodValueRatherThanKeepingItStale)
{
    pack.apply("/Info/MaxChargeCurrent", good(50.0), limits);
    pack.apply("/Info/MaxChargeCurrent", good(std::numeric_limits<double>::quiet_NaN()), limits);
    EXPECT_FALSE(pack.snapshot().get(Quantity::ChargeCurrentLimit));
    pack.apply("/Info/MaxChargeCurrent", good(40.0), limits);
    EXPECT_EQ(pack.snapshot().get(Quantity::ChargeCurrentLimit), 40.0);
}

TEST_F(PackValuesTest, ConfiguredLimitsApply)
{
    limits.maxCellVoltage = 3.0;  // e.g. LTO cells
    EXPECT_EQ(pack.apply("/System/MaxCellVoltage", good(3.3), limits).kind, ApplyOutcome::Kind::Rejected);
    EXPECT_EQ(pack.apply("/System/MaxCellVoltage", good(2.6), limits).kind, ApplyOutcome::Kind::Changed);
}

TEST_F(PackValuesTest, LabelPrefersCustomNameThenProductName)
{
    EXPECT_EQ(pack.label(), "ttyUSB0");
    pack.apply("/ProductName", good(std::string("JBD BMS")), limits);
    EXPECT_EQ(pack.label(), "JBD BMS (ttyUSB0)");
    pack.apply("/CustomName", good(std::string("Bank 2")), limits);
    EXPECT_EQ(pack.label(), "Bank 2");
    EXPECT_EQ(pack.snapshot().label, "Bank 2");
    pack.apply("/CustomName", good(std::string()), limits);
    EXPECT_EQ(pack.label(), "JBD BMS (ttyUSB0)");
}

TEST_F(PackValuesTest, ConnectedZeroMeansDisconnected)
{
    EXPECT_TRUE(pack.connected()) << "a driver that does not publish /Connected is connected";
    pack.apply("/Connected", good(std::int64_t{0}), limits);
    EXPECT_FALSE(pack.connected());
}

}  // namespace
}  // namespace bagg

namespace bagg {
namespace {

TEST(ChargePhase, FromTheBmsText)
{
    struct Case {
        const char* text;
        ChargePhase phase;
    };
    for (const auto& c : {Case{"Bulk", ChargePhase::Bulk}, Case{"Bulk (dynamic)", ChargePhase::Bulk},
                          Case{"Absorption", ChargePhase::Absorption},
                          Case{"Absorption (Balancing)", ChargePhase::Absorption},
                          Case{"Float Transition", ChargePhase::FloatTransition}, Case{"Float", ChargePhase::Float},
                          Case{"float", ChargePhase::Float}, Case{"", ChargePhase::Unknown},
                          Case{"Keep always max voltage", ChargePhase::Unknown}})
        EXPECT_EQ(chargePhaseOf(c.text), c.phase) << c.text;
}

TEST(ChargePhase, ReadFromInfoChargeMode)
{
    PackValues pack("com.victronenergy.battery.ttyUSB0");
    EXPECT_EQ(pack.snapshot().chargePhase, ChargePhase::Unknown);
    pack.apply("/Info/ChargeMode", Decoded{std::string("Float Transition"), true}, {});
    EXPECT_EQ(pack.snapshot().chargePhase, ChargePhase::FloatTransition);
    pack.apply("/Info/ChargeMode", Decoded{Invalid{}, true}, {});
    EXPECT_EQ(pack.snapshot().chargePhase, ChargePhase::Unknown) << "invalid: unknown, still charging";
}

}  // namespace
}  // namespace bagg
