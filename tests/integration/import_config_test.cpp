// `dbus-battery-aggregator import-config FILE`, the real binary: no bus needed.

#include "test_bus.h"

#include <gtest/gtest.h>

namespace bagg::test {
namespace {

std::string fixturePath(const std::string& name) { return std::string(BAGG_SOURCE_DIR) + "/tests/import/" + name; }

TEST(ImportConfigCommand, PrintsAConfigurationTheDaemonAccepts)
{
    TempDir dir;
    // stdout and stderr both go to the log: a fixture without warnings, so the log is the configuration.
    const std::string out = dir.file("imported.ini");
    ChildProcess import({daemonPath(), "import-config", fixturePath("bms_every_option.ini")}, out);
    ASSERT_EQ(import.waitExit(10s), std::optional<int>(0)) << import.log();
    const std::string ini = import.log();
    EXPECT_NE(ini.find("\nmax_charge_voltage = 56.4\n"), std::string::npos) << ini;
    EXPECT_NE(ini.find("; [Battery] max_charge_voltage = 56.4 (line 7)"), std::string::npos) << ini;

    ChildProcess check({daemonPath(), "--check-config", out}, dir.file("check.log"));
    ASSERT_EQ(check.waitExit(10s), std::optional<int>(0)) << check.log();
    EXPECT_NE(check.log().find("max_charge_voltage = 56.4"), std::string::npos) << check.log();
}

TEST(ImportConfigCommand, UnconvertibleInputExitsWithStatus2)
{
    TempDir dir;
    dir.write("broken.json", "{\n  \"capacity\": \"lots\"\n}\n");
    ChildProcess bad({daemonPath(), "import-config", dir.file("broken.json")}, dir.file("bad.log"));
    ASSERT_EQ(bad.waitExit(10s), std::optional<int>(2)) << bad.log();
    EXPECT_NE(bad.log().find("broken.json:2: capacity: \"lots\" is not a number of Ah"), std::string::npos) << bad.log();

    ChildProcess missing({daemonPath(), "import-config", dir.file("absent.ini")}, dir.file("missing.log"));
    ASSERT_EQ(missing.waitExit(10s), std::optional<int>(2)) << missing.log();
    EXPECT_NE(missing.log().find("cannot read"), std::string::npos) << missing.log();
}

}  // namespace
}  // namespace bagg::test
