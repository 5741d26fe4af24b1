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

TEST(CommandLine, StatusOptionsAreCheckedAndExplained)
{
    const auto parsed = parseCommandLine({"status", "--watch", "--json", "--count", "30", "--interval", "0.5"});
    ASSERT_TRUE(parsed.error.empty()) << parsed.error;
    EXPECT_EQ(parsed.options.status.count, 30);
    EXPECT_EQ(parsed.options.status.interval, 0.5);
    EXPECT_EQ(parseCommandLine({"status", "--count", "2"}).error, "--count and --interval go with --watch");
    EXPECT_EQ(parseCommandLine({"status", "--watch", "--count", "-1"}).error, "--count needs a whole number of refreshes, 0 or more");
    EXPECT_EQ(parseCommandLine({"status", "--watch", "--count", "2.5"}).error, "--count needs a whole number of refreshes, 0 or more");
    EXPECT_EQ(parseCommandLine({"status", "--watch", "--interval", "0"}).error, "--interval needs seconds between refreshes, 0.05 to 3600");
    EXPECT_EQ(parseCommandLine({"status", "--watch", "--interval", "fast"}).error,
              "--interval needs seconds between refreshes, 0.05 to 3600");
    const auto help = usageText("dbus-battery-aggregator");
    for (const char* option : {"--watch", "--json", "--interval S", "--count N", "--bus ADDRESS"})
        EXPECT_NE(help.find(std::string(option) + "  "), std::string::npos) << option << " is not explained:\n" << help;
}

}  // namespace
}  // namespace bagg
