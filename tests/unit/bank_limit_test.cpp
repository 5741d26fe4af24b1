#include "bagg/core/bank_limit.h"

#include "pack_fixtures.h"

#include <gtest/gtest.h>

namespace bagg {
namespace {

using test::bmsPack;

std::vector<const PackSnapshot*> ptrs(const std::vector<PackSnapshot>& packs)
{
    std::vector<const PackSnapshot*> out;
    for (const auto& p : packs) out.push_back(&p);
    return out;
}

struct Case {
    const char* name;
    std::vector<PackSnapshot> packs;
    CurrentDirection direction;
    RatioMethod method;
    std::optional<double> amps;
    const char* reason;
    BlockedPackPolicy policy = BlockedPackPolicy::Exclude;
};

TEST(BankLimit, Table)
{
    auto blockedCharge = bmsPack("B", 80, 40, 60);
    blockedCharge.with(Quantity::AllowToCharge, 0);
    auto noLimit = test::pack("C", 80);
    auto unknownSize = bmsPack("U", 80, 50, 50);
    unknownSize.get(Quantity::InstalledCapacity).reset();

    const std::vector<Case> cases = {
        {"count: weakest x n", {bmsPack("A", 80, 50, 80), bmsPack("B", 80, 40, 100), bmsPack("C", 80, 60, 90)},
         CurrentDirection::Charge, RatioMethod::Count, 120.0, "BMS B CCL 40 A × 3"},
        {"count: discharge uses DCL", {bmsPack("A", 80, 50, 80), bmsPack("B", 80, 40, 100)},
         CurrentDirection::Discharge, RatioMethod::Count, 160.0, "BMS A DCL 80 A × 2"},
        {"capacity: weakest relative to its share", {bmsPack("Big", 80, 100, 100, 200), bmsPack("Small", 80, 40, 40, 100)},
         CurrentDirection::Charge, RatioMethod::Capacity, 120.0, "BMS Small CCL 40 A × 300/100 Ah"},
        {"capacity unknown falls back to count", {bmsPack("A", 80, 60, 60), unknownSize},
         CurrentDirection::Charge, RatioMethod::Capacity, 100.0, "BMS U CCL 50 A × 2 (capacity unknown: by count)"},
        {"exclude: a blocked pack is left out of the count", {bmsPack("A", 80, 50, 80), blockedCharge},
         CurrentDirection::Charge, RatioMethod::Count, 50.0, "BMS A CCL 50 A × 1"},
        {"stop: a blocked pack stops the bank", {bmsPack("A", 80, 50, 80), blockedCharge},
         CurrentDirection::Charge, RatioMethod::Count, 0.0, "B blocks charging (AllowToCharge 0)", BlockedPackPolicy::Stop},
        {"a CCL of 0 blocks too", {bmsPack("A", 80, 50, 80), bmsPack("Z", 80, 0, 80)},
         CurrentDirection::Charge, RatioMethod::Count, 0.0, "Z blocks charging (CCL 0)", BlockedPackPolicy::Stop},
        {"blocked charge still discharges", {bmsPack("A", 80, 50, 80), blockedCharge},
         CurrentDirection::Discharge, RatioMethod::Count, 120.0, "BMS B DCL 60 A × 2"},
        {"all blocked -> 0", {blockedCharge}, CurrentDirection::Charge, RatioMethod::Count, 0.0,
         "no pack may charge (BMS blocks)"},
        {"no pack publishes a limit: nobody vouches", {noLimit}, CurrentDirection::Charge, RatioMethod::Count, 0.0,
         "no BMS publishes a CCL"},
        {"a pack without a limit vouches for nothing", {bmsPack("A", 80, 50, 80), noLimit},
         CurrentDirection::Charge, RatioMethod::Count, 50.0, "BMS A CCL 50 A × 1 (C publishes no CCL)"},
        {"no packs -> 0", {}, CurrentDirection::Charge, RatioMethod::Count, 0.0, "no battery online"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name);
        BlockWatches watches;
        const auto r = bankLimit(ptrs(c.packs), {}, c.direction, c.method, c.policy, watches, Instant{0});
        EXPECT_EQ(r.amps.has_value(), c.amps.has_value());
        if (r.amps && c.amps) {
            EXPECT_DOUBLE_EQ(*r.amps, *c.amps);
        }
        EXPECT_EQ(r.reason, c.reason);
    }
}

// A closed FET is remembered while the pack is online or held, and forgotten once it is neither:
// a pack that comes back is watched afresh (and the memory does not grow with packs gone).
TEST(BankLimit, TheWatchOfAPackNeitherOnlineNorHeldIsDropped)
{
    using namespace std::chrono_literals;
    const auto a = bmsPack("A", 80, 50, 100);
    auto c = bmsPack("C", 90, 50, 100);
    c.with(Quantity::AllowToCharge, 0).with(Quantity::ChargeCurrentLimit, 0).with(Quantity::Current, 12);
    BlockWatches watches;
    const auto at = [&](const std::vector<const PackSnapshot*>& online, const std::vector<const PackSnapshot*>& held,
                        std::chrono::seconds t) {
        return bankLimit(online, held, CurrentDirection::Charge, RatioMethod::Count, BlockedPackPolicy::Exclude,
                         watches, Instant{t});
    };
    at({&a, &c}, {}, 0s);
    EXPECT_EQ(at({&a, &c}, {}, 4s).amps, 0.0) << "C's FET tripped after 3 s";
    EXPECT_EQ(at({&a}, {&c}, 5s).amps, 0.0) << "still tripped while C is held";
    EXPECT_EQ(watches.size(), 2U);
    EXPECT_EQ(at({&a}, {}, 6s).amps, 50.0) << "C missing: A alone";
    EXPECT_EQ(watches.size(), 1U) << "C's watch dropped";
    EXPECT_EQ(at({&a, &c}, {}, 7s).amps, 50.0) << "C back, blocking with current: watched afresh, not tripped at once";
    EXPECT_EQ(at({&a, &c}, {}, 11s).amps, 0.0) << "and tripped again 3 s on";
}

}  // namespace
}  // namespace bagg
