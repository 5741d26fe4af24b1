// The guard that every integration test relies on must itself catch what it is there to catch:
// fake packs and a fake "aggregate" on a private bus, no daemon.

#include "fake_pack.h"
#include "test_bus.h"

#include <gtest/gtest.h>

#include <thread>

namespace bagg::test {
namespace {

Items limits(double ccl, double dcl)
{
    return {{"/Info/MaxChargeCurrent", item(sdbus::Variant(ccl))}, {"/Info/MaxDischargeCurrent", item(sdbus::Variant(dcl))}};
}

class LimitGuardTest : public ::testing::Test {
protected:
    // Publishes the fake aggregate's limits and waits until the guard has checked them.
    void publish(FakePack& aggregate, double ccl, double dcl)
    {
        const int before = client_.limitGuard().checks();
        aggregate.itemsChanged(limits(ccl, dcl));
        ASSERT_TRUE(client_.waitFor([&] { return client_.limitGuard().checks() >= before + 2; }, 5s));
    }
    void settle(std::chrono::milliseconds d)
    {
        client_.waitFor([] { return false; }, d);
    }

    PrivateBus bus_;
    BusClient client_;
};

TEST_F(LimitGuardTest, CatchesALimitAboveWhatThePacksVouchFor)
{
    FakePack a(client_, "com.victronenergy.battery.a", limits(50, 100));
    FakePack b(client_, "com.victronenergy.battery.b", limits(50, 100));
    FakePack aggregate(client_, "com.victronenergy.battery.aggregate", limits(0, 0));
    settle(LimitGuard::kInFlight + 300ms);  // the guard reads the packs; unread ones bound nothing

    publish(aggregate, 100, 200);
    EXPECT_TRUE(client_.limitGuard().violations().empty()) << "exactly what they vouch for together";

    publish(aggregate, 120, 200);
    ASSERT_EQ(client_.limitGuard().violations().size(), 1u);
    EXPECT_EQ(client_.limitGuard().violations()[0],
              "CCL 120 A published while the packs on the bus vouch for 100 A together (2 pack service(s); "
              "com.victronenergy.battery.a :1.1: CCL 50 DCL 100 allow 1/1; "
              "com.victronenergy.battery.b :1.2: CCL 50 DCL 100 allow 1/1)");

    // A pack that blocks vouches for nothing: 50 A is the most the bank may take.
    b.itemsChanged({{"/Io/AllowToCharge", item(sdbus::Variant(std::int32_t{0}))}});
    settle(LimitGuard::kInFlight + 100ms);
    publish(aggregate, 100, 200);
    EXPECT_EQ(client_.limitGuard().violations().size(), 2u);
}

// A driver without GetItems is read the way the daemon reads it, not taken as vouching for nothing
// (which made every limit the daemon published from it a violation once kInFlight had passed).
TEST_F(LimitGuardTest, ReadsADriverWithoutGetItemsThroughGetValue)
{
    FakePack old(client_, "com.victronenergy.battery.old", limits(50, 100), FakePack::Root::GetValueOnly);
    FakePack aggregate(client_, "com.victronenergy.battery.aggregate", limits(0, 0));
    settle(LimitGuard::kInFlight + 300ms);
    publish(aggregate, 50, 100);
    EXPECT_TRUE(client_.limitGuard().violations().empty()) << "what its GetValue on / says";
    publish(aggregate, 60, 100);
    EXPECT_EQ(client_.limitGuard().violations().size(), 1u);
}

TEST_F(LimitGuardTest, AllowsTheHeldDclOnlyWhileEveryPackIsAwayWithinTheGrace)
{
    client_.limitGuard().setReconnectGrace(1s);
    auto a = std::make_unique<FakePack>(client_, "com.victronenergy.battery.a", limits(50, 100));
    FakePack aggregate(client_, "com.victronenergy.battery.aggregate", limits(0, 0));
    settle(LimitGuard::kInFlight + 300ms);
    publish(aggregate, 50, 100);
    a->leave();
    settle(LimitGuard::kInFlight + 100ms);
    publish(aggregate, 0, 100);
    EXPECT_TRUE(client_.limitGuard().violations().empty()) << "DCL held within the grace";
    publish(aggregate, 10, 100);
    EXPECT_EQ(client_.limitGuard().violations().size(), 1u) << "but never a CCL";
    settle(1s);
    publish(aggregate, 0, 100);
    EXPECT_EQ(client_.limitGuard().violations().size(), 2u) << "nor the DCL after the grace";
}

}  // namespace
}  // namespace bagg::test
