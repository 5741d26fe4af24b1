// The daemon's command line: the import-config subcommand next to status.

#include "command_line.h"

#include <gtest/gtest.h>

namespace bagg {
namespace {

TEST(CommandLine, ImportConfigTakesOneFile)
{
    const auto parsed = parseCommandLine({"import-config", "/data/setupOptions/BatteryAggregator/config.json"});
    EXPECT_TRUE(parsed.error.empty()) << parsed.error;
    EXPECT_EQ(parsed.options.action, CommandLine::Action::ImportConfig);
    EXPECT_EQ(parsed.options.importPath, "/data/setupOptions/BatteryAggregator/config.json");

    EXPECT_EQ(parseCommandLine({"import-config"}).error, "import-config needs the old configuration FILE");
    EXPECT_EQ(parseCommandLine({"import-config", "a.ini", "b.ini"}).error, "unknown argument 'b.ini'");
    EXPECT_EQ(parseCommandLine({"import-config", "--help"}).options.action, CommandLine::Action::Help);
    EXPECT_NE(usageText("dbus-battery-aggregator").find("dbus-battery-aggregator import-config FILE"), std::string::npos);
}

}  // namespace
}  // namespace bagg
