#include "packs/device_instance.h"

#include <gtest/gtest.h>

namespace bagg {
namespace {

TEST(DeviceInstance, ClassAndVrmInstanceText)
{
    EXPECT_EQ(parseClassAndVrmInstance("battery:513"), 513);
    EXPECT_EQ(parseClassAndVrmInstance("battery:0"), 0);
    for (const char* bad : {"battery", "battery:", "battery:51x", "battery:-1", "battery:1000", ":", ""})
        EXPECT_EQ(parseClassAndVrmInstance(bad), std::nullopt) << bad;
}

TEST(DeviceInstance, NeverOneAnotherBatteryPublishes)
{
    EXPECT_EQ(firstFreeInstance(512, {}), 512);
    EXPECT_EQ(firstFreeInstance(512, {512}), 513) << "the CAN-bus BMS on 512";
    EXPECT_EQ(firstFreeInstance(512, {100, 512, 513, 514}), 515);
    EXPECT_EQ(firstFreeInstance(999, {999}), 0) << "wraps";
}

}  // namespace
}  // namespace bagg
