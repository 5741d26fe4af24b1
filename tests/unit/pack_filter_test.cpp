#include "packs/pack_filter.h"

#include <gtest/gtest.h>

namespace bagg {
namespace {

struct Case {
    std::vector<std::string> include, exclude;
    const char *service, *customName, *serial;
    bool included;
};

TEST(PackFilter, IncludeAndExcludeByServiceNameCustomNameAndSerial)
{
    const std::string s1 = "com.victronenergy.battery.ttyUSB0";
    const std::vector<Case> cases = {
        {{}, {}, "com.victronenergy.battery.ttyUSB0", "", "", true},
        {{}, {s1}, "com.victronenergy.battery.ttyUSB0", "", "", false},
        {{}, {s1}, "com.victronenergy.battery.ttyUSB1", "", "", true},
        {{}, {"name:Shunt"}, "com.victronenergy.battery.ttyS5", "Shunt", "", false},
        {{}, {"name:Shunt"}, "com.victronenergy.battery.ttyS5", "Bank 1", "", true},
        {{}, {"name:"}, "com.victronenergy.battery.ttyS5", "", "", true},  // an empty name matches nothing
        {{}, {"serial:HQ123"}, "com.victronenergy.battery.ttyS5", "", "HQ123", false},
        {{s1}, {}, "com.victronenergy.battery.ttyUSB0", "", "", true},
        {{s1}, {}, "com.victronenergy.battery.ttyUSB1", "", "", false},
        {{"name:Bank 1", "name:Bank 2"}, {}, "com.victronenergy.battery.x", "Bank 2", "", true},
        {{"name:Bank 1"}, {"serial:9"}, "com.victronenergy.battery.x", "Bank 1", "9", false},
    };
    for (const auto& c : cases) {
        BatteriesConfig config;
        config.include = c.include;
        config.exclude = c.exclude;
        EXPECT_EQ(isIncluded(config, c.service, c.customName, c.serial), c.included)
            << c.service << " name=" << c.customName << " serial=" << c.serial;
    }
}

TEST(PackFilter, ServiceNameExclusionIsKnownBeforeReading)
{
    BatteriesConfig config;
    config.exclude = {"com.victronenergy.battery.ttyS5", "name:Shunt"};
    EXPECT_TRUE(isExcludedByServiceName(config, "com.victronenergy.battery.ttyS5"));
    EXPECT_FALSE(isExcludedByServiceName(config, "com.victronenergy.battery.ttyS6"));
}

}  // namespace
}  // namespace bagg
