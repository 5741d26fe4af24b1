// 10,000 random ItemsChanged/PropertiesChanged payloads from a fake pack: wrong types, NaN, huge
// numbers, odd paths, wrong signatures. The daemon must stay alive, its memory bounded, and every
// value it publishes plausible, its limits never above what the fake BMS allowed.

#include "aggregator_fixture.h"
#include "fake_pack.h"

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <random>

namespace bagg::test {
namespace {

long rssKb(int pid)
{
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    for (std::string line; std::getline(status, line);)
        if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
    return -1;
}

class Garbage {
public:
    explicit Garbage(unsigned seed) : rng_(seed) {}

    int pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }

    std::string path()
    {
        static const std::vector<std::string> paths = {
            "/Soc", "/Dc/0/Voltage", "/Dc/0/Current", "/Dc/0/Power", "/Dc/0/Temperature", "/Capacity",
            "/InstalledCapacity", "/ConsumedAmphours", "/Info/MaxChargeCurrent", "/Info/MaxDischargeCurrent",
            "/Info/MaxChargeVoltage", "/Info/BatteryLowVoltage", "/System/MinCellVoltage", "/System/MaxCellVoltage",
            "/System/MinVoltageCellId", "/System/NrOfModulesOnline", "/Io/AllowToCharge", "/Io/AllowToDischarge",
            "/Alarms/LowVoltage", "/Alarms/CellImbalance", "/Alarms/HighCellVoltage", "/Connected", "/CustomName",
            "/Serial", "/ProductName", "/Soc/Extra", "/x", "/A_b/C_d/E_f", "/Dc/1/Voltage", "/Alarms/Unknown",
            "/Batteries/0/Soc", "/" + std::string(200, 'a')};
        return paths[static_cast<std::size_t>(pick(static_cast<int>(paths.size())))];
    }

    std::string ascii(std::size_t max)
    {
        std::string s(static_cast<std::size_t>(pick(static_cast<int>(max))), ' ');
        for (auto& c : s) c = static_cast<char>(32 + pick(95));
        return s;
    }

    sdbus::Variant value()
    {
        static const double specials[] = {std::nan(""), std::numeric_limits<double>::infinity(),
                                          -std::numeric_limits<double>::infinity(), 1e300, -1e300, -0.0, 1e-300,
                                          250.0, -5.0, 101.0};
        switch (pick(14)) {
        case 0: return sdbus::Variant(std::uniform_real_distribution<double>(-1000, 1000)(rng_));
        case 1: return sdbus::Variant(specials[pick(10)]);
        case 2: return sdbus::Variant(static_cast<std::int32_t>(rng_()));
        case 3: return sdbus::Variant(static_cast<std::uint64_t>(rng_()) << 32 | rng_());
        case 4: return sdbus::Variant(ascii(300));
        case 5: return sdbus::Variant(std::to_string(pick(200) - 50));
        case 6: return sdbus::Variant(pick(2) == 1);
        case 7: return sdbus::Variant(std::vector<std::int32_t>{});
        case 8: return sdbus::Variant(std::vector<std::int32_t>{1, 2, 3});
        case 9: return sdbus::Variant(std::vector<std::string>{ascii(10), ascii(10)});
        case 10: return sdbus::Variant(std::map<std::string, sdbus::Variant>{{"Value", sdbus::Variant(1.0)}});
        case 11: return sdbus::Variant(sdbus::Struct<std::int32_t, std::string>(7, "x"));
        case 12: return sdbus::Variant(static_cast<std::uint8_t>(pick(256)));
        default: return sdbus::Variant(sdbus::Variant(42.0));  // a variant in a variant
        }
    }

    void send(FakePack& fake)
    {
        switch (pick(5)) {
        case 0:
        case 1: {
            Items items;
            const int n = 1 + pick(8);
            for (int i = 0; i < n; ++i) {
                ItemDict dict = item(value());
                if (pick(10) == 0) dict.erase("Value");
                if (pick(10) == 0) dict["Junk"] = value();
                items[path()] = dict;
            }
            fake.itemsChanged(items);
            break;
        }
        case 2:
        case 3: fake.propertiesChanged(path(), value()); break;
        default: {
            // The wrong signature altogether.
            const int kind = pick(3);
            fake.rawSignal(kind == 0 ? "/" : path(), pick(2) ? "ItemsChanged" : "PropertiesChanged",
                           [&](sdbus::Signal& s) {
                               if (kind == 0) s << ascii(20);
                               else if (kind == 1) s << std::vector<std::string>{ascii(5)};
                           });
        }
        }
    }

private:
    std::mt19937 rng_;
};

class FuzzSignals : public AggregatorFixture {};

TEST_F(FuzzSignals, TenThousandRandomPayloadsLeaveTheDaemonAliveBoundedAndPlausible)
{
    // A small ASan quarantine, so that RSS reflects what the daemon keeps, not what ASan delays freeing.
    const char* asan = std::getenv("ASAN_OPTIONS");
    setenv("ASAN_OPTIONS", (std::string(asan ? asan : "") + ":quarantine_size_mb=1").c_str(), 1);
    auto& daemon = startDaemon(std::string(kFixedInstance) + "[batteries]\nreconnect_grace = 0\n");
    const Items good = {{"/Soc", item(sdbus::Variant(55.0))},
                        {"/Dc/0/Voltage", item(sdbus::Variant(52.0))},
                        {"/Info/MaxChargeCurrent", item(sdbus::Variant(40.0))},
                        {"/Info/MaxDischargeCurrent", item(sdbus::Variant(80.0))},
                        // Everything the storm may have set that changes the limits, back to normal.
                        {"/Connected", item(sdbus::Variant(std::int32_t{1}))},
                        {"/Io/AllowToCharge", item(sdbus::Variant(std::int32_t{1}))},
                        {"/Io/AllowToDischarge", item(sdbus::Variant(std::int32_t{1}))},
                        {"/Alarms/CellImbalance", item(sdbus::Variant(std::int32_t{0}))},
                        {"/Alarms/HighCellVoltage", item(sdbus::Variant(std::int32_t{0}))},
                        {"/Alarms/LowVoltage", item(sdbus::Variant(std::int32_t{0}))}};
    FakePack fake(client_, "com.victronenergy.battery.fuzz", good);
    ASSERT_TRUE(waitAggregate("/Soc", num(55.0)));
    client_.recordItemsChanged(kAggregate);

    Garbage garbage(20261123);
    auto burst = [&](int n) {
        for (int i = 0; i < n; ++i) {
            garbage.send(fake);
            if (i % 50 == 49) client_.waitFor([] { return false; }, std::chrono::milliseconds(1));
        }
        // The daemon has read everything once it has answered a call sent after the burst from the
        // same connection's point of view: a round trip through the fake's own bus name.
        fake.itemsChanged(good);
        ASSERT_TRUE(client_.waitFor([&] {
            return client_.getValue(kAggregate, "/Soc") == num(55.0) &&
                   client_.getValue(kAggregate, "/Batteries/0/State") == text("online");
        }, 60s));
    };
    burst(1000);  // warm-up: every code path has allocated what it keeps
    const long before = rssKb(daemon.pid());
    burst(10000);
    const long after = rssKb(daemon.pid());

    EXPECT_TRUE(daemon.running());
    EXPECT_TRUE(client_.hasOwner(kAggregate));
    EXPECT_LT(after - before, 4 * 1024) << "RSS grew from " << before << " kB to " << after << " kB";
    std::cout << "daemon RSS " << before << " kB before, " << after << " kB after 10,000 payloads ("
              << client_.itemsChanged().size() << " ItemsChanged published)\n";

    // Every value published during the storm is plausible, and the limits never exceed what the
    // fake BMS could plausibly allow (its CCL/DCL are bounded by [plausibility] max_current).
    std::size_t checked = 0;
    for (const auto& items : client_.itemsChanged()) {
        for (const auto& [path, value] : items) {
            if (const auto n = asNumber(value)) {
                EXPECT_TRUE(std::isfinite(*n)) << path;
                ++checked;
            }
        }
        if (auto it = items.find("/Soc"); it != items.end() && asNumber(it->second)) {
            EXPECT_GE(*asNumber(it->second), 0.0);
            EXPECT_LE(*asNumber(it->second), 100.0);
        }
        for (const char* limit : {"/Info/MaxChargeCurrent", "/Info/MaxDischargeCurrent"})
            if (auto it = items.find(limit); it != items.end() && asNumber(it->second)) {
                EXPECT_GE(*asNumber(it->second), 0.0) << limit;
                EXPECT_LE(*asNumber(it->second), 10000.0) << limit;
            }
    }
    EXPECT_GT(client_.itemsChanged().size(), 10u);  // bursts are coalesced into few publishes
    // Enough values to mean something; how many depends on how the bursts coalesce (fewer on a
    // loaded machine), so only a floor.
    EXPECT_GT(checked, 20u);
    // The storm did reach the daemon: thousands of values refused as garbage.
    const auto rejected = asNumber(aggregateValue("/Batteries/0/RejectedValues"));
    ASSERT_TRUE(rejected);
    EXPECT_GT(*rejected, 3000.0);
    std::cout << *rejected << " values refused\n";
    // With the good values back, the aggregate is exactly the fake's again.
    EXPECT_EQ(aggregateValue("/Info/MaxChargeCurrent"), num(40.0));
    EXPECT_EQ(aggregateValue("/Info/MaxDischargeCurrent"), num(80.0));
}

}  // namespace
}  // namespace bagg::test
