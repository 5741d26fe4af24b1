// `dbus-battery-aggregator status` against the running service, and scripts/demo.

#include "aggregator_fixture.h"

#include <nlohmann/json.hpp>

#include <dirent.h>
#include <signal.h>

#include <fstream>
#include <sstream>
#include <thread>

namespace bagg::test {
namespace {

class Status : public AggregatorFixture {
protected:
    // Runs `dbus-battery-aggregator status ARGS` to completion; its exit status and output.
    std::pair<std::optional<int>, std::string> status(std::vector<std::string> args, std::chrono::milliseconds timeout = 5s)
    {
        args.insert(args.begin(), {daemonPath(), "status"});
        auto& p = start("status-" + std::to_string(processes_.size()), args);
        const auto code = p.waitExit(timeout);
        return {code, p.log()};
    }

    void startBank()
    {
        startSim({"--packs", "3", "--soc", "70,80,90", "--no-drift"});
        ASSERT_EQ(client_.setValue(sim(2), "/Dc/0/Current", sdbus::Variant(-12.5)), 0);
        ASSERT_EQ(client_.setValue(sim(3), "/System/MinCellVoltage", sdbus::Variant(3.117)), 0);
        // The count rule alone: current_feedback would learn that Sim 2 takes all the current and
        // lower the DCL over the next seconds, moving it between the status run and the bus read.
        startDaemon(std::string(kFixedInstance) + "[charge]\ncurrent_feedback = false\n");
        ASSERT_TRUE(waitAggregate("/System/NrOfBatteries", integer(3)));
        ASSERT_TRUE(waitAggregate("/Dc/0/Current", num(-12.5)));
        // Per-pack values are read fresh on request.
        ASSERT_TRUE(waitAggregate("/Batteries/1/Current", num(-12.5)));
        ASSERT_TRUE(waitAggregate("/Batteries/2/MinCellVoltage", num(3.117)));
    }

    std::string aggregateText(const std::string& path) { return client_.getText(kAggregate, path); }
};

TEST_F(Status, TableShowsThePacksAndTheAggregate)
{
    startBank();
    // An 80-column terminal (not a terminal and no COLUMNS: nothing is cut, for scripts and logs).
    auto& p = start("status-80", {"/usr/bin/env", "COLUMNS=80", daemonPath(), "status"});
    const auto code = p.waitExit(5s);
    const std::string out = p.log();
    ASSERT_EQ(code, std::optional<int>(0)) << out;
    EXPECT_EQ(out.find("\033["), std::string::npos) << "no colour when stdout is not a terminal";
    for (const std::string& expected :
         {aggregateText("/Soc"), aggregateText("/Dc/0/Voltage"), aggregateText("/Dc/0/Current"),
          aggregateText("/Info/MaxChargeCurrent"), aggregateText("/Info/MaxDischargeCurrent"),
          std::string("imbalance 20.0% > 15%: 99.0 A of 150 A"), std::string("CellImbalance(warning)"),
          std::string("spread 20.0% (warning)"), std::string("Sim 1"), std::string("Sim 3"),
          std::string("com.victronenergy.battery.sim2"), std::string("3.117-")})
        EXPECT_NE(out.find(expected), std::string::npos) << "missing '" << expected << "' in\n" << out;
    std::istringstream lines(out);
    for (std::string line; std::getline(lines, line);) {
        // Columns, not bytes: the degree sign and the multiplication sign take two bytes for one column.
        std::size_t columns = 0;
        for (unsigned char c : line) columns += (c & 0xC0) != 0x80;
        EXPECT_LE(columns, 80u) << line;
    }
}

TEST_F(Status, ANarrowTerminalCutsTextsWithAnEllipsis)
{
    startBank();
    auto& p = start("status-narrow", {"/usr/bin/env", "COLUMNS=48", daemonPath(), "status"});
    ASSERT_EQ(p.waitExit(5s), std::optional<int>(0));
    const std::string out = p.log();
    std::istringstream lines(out);
    for (std::string line; std::getline(lines, line);) {
        std::size_t columns = 0;
        for (unsigned char c : line) columns += (c & 0xC0) != 0x80;
        EXPECT_LE(columns, 48u) << line;
    }
    // "imbalance 20.0% > 15%: 99.0 A of 150 A" does not fit: cut, and visibly so.
    EXPECT_NE(out.find("  CCL   99.0A imbalance 20.0% > 15%: 99.0 A of …\n"), std::string::npos) << out;
    EXPECT_NE(out.find("  Sim 1       online      70.0% 53.44V    0.0A …\n"), std::string::npos) << out;
    EXPECT_NE(out.find("    com.victronenergy.battery.sim1\n"), std::string::npos) << out;
}

TEST_F(Status, JsonHoldsTheSameNumbersAsTheBus)
{
    startBank();
    const auto [code, out] = status({"--json"});
    ASSERT_EQ(code, std::optional<int>(0)) << out;
    const auto j = nlohmann::json::parse(out);
    EXPECT_EQ(j["soc"].get<double>(), *asNumber(aggregateValue("/Soc")));
    EXPECT_EQ(j["voltage"].get<double>(), *asNumber(aggregateValue("/Dc/0/Voltage")));
    EXPECT_EQ(j["current"].get<double>(), -12.5);
    EXPECT_EQ(j["max_charge_current"].get<double>(), *asNumber(aggregateValue("/Info/MaxChargeCurrent")));
    EXPECT_EQ(j["max_discharge_current"].get<double>(), *asNumber(aggregateValue("/Info/MaxDischargeCurrent")));
    // Counts and flags as integers, not 3.0; and what an owner looks for besides the limits.
    EXPECT_TRUE(j["packs_online"].is_number_integer());
    EXPECT_EQ(j["packs_online"].get<int>(), 3);
    EXPECT_TRUE(j["device_instance"].is_number_integer());
    EXPECT_TRUE(j["packs"][0]["allow_to_charge"].is_number_integer());
    EXPECT_TRUE(j["packs"][0]["rejected_values"].is_number_integer());
    EXPECT_EQ(j["battery_low_voltage"].get<double>(), *asNumber(aggregateValue("/Info/BatteryLowVoltage")));
    EXPECT_EQ(j["installed_capacity"].get<double>(), 300.0);
    EXPECT_EQ(j["capacity"].get<double>(), *asNumber(aggregateValue("/Capacity")));
    EXPECT_EQ(j["time_to_go"].get<double>(), *asNumber(aggregateValue("/TimeToGo"))) << "discharging at 12.5 A";
    EXPECT_EQ(j["alarms"]["CellImbalance"].get<int>(), 1);
    ASSERT_EQ(j["packs"].size(), 3u);
    EXPECT_EQ(j["packs"][1]["service"].get<std::string>(), sim(2));
    EXPECT_EQ(j["packs"][1]["current"].get<double>(), -12.5);
    EXPECT_EQ(j["packs"][2]["min_cell_voltage"].get<double>(), 3.117);
    EXPECT_EQ(j["packs"][0]["state"].get<std::string>(), "online");
}

TEST_F(Status, WatchRefreshesAndFollowsChanges)
{
    startBank();
    auto& watch = start("watch", {daemonPath(), "status", "--watch", "--json", "--count", "30", "--interval", "0.1"});
    ASSERT_TRUE(client_.waitFor([&] { return watch.log().find("\"soc\":70.0") != std::string::npos; }));
    ASSERT_EQ(client_.setValue(sim(1), "/Soc", sdbus::Variant(75.5)), 0);
    ASSERT_TRUE(watch.waitExit(20s).has_value());
    EXPECT_NE(watch.log().find("\"soc\":75.5"), std::string::npos);
    EXPECT_NE(watch.log().find("\"soc\":70.0"), std::string::npos);
    // JSON Lines: every line one whole object.
    std::istringstream lines(watch.log());
    int objects = 0;
    for (std::string line; std::getline(lines, line);) {
        EXPECT_TRUE(nlohmann::json::accept(line)) << line;
        ++objects;
    }
    EXPECT_EQ(objects, 30);
}

TEST_F(Status, WatchWaitsThroughADaemonRestartAndCarriesOn)
{
    startBank();
    auto& watch = start("watch", {daemonPath(), "status", "--watch", "--count", "60", "--interval", "0.1"});
    ASSERT_TRUE(client_.waitFor([&] { return watch.log().find("SOC 70.0%") != std::string::npos; }));
    // svc -t: the daemon stops and starts again.
    auto& first = processes_[1].second;  // battery-sim is [0], the daemon [1]
    ASSERT_EQ(first->stop(SIGTERM, 5s), std::optional<int>(0));
    ASSERT_TRUE(client_.waitFor([&] { return watch.log().find("not running") != std::string::npos; }))
        << watch.log();
    EXPECT_TRUE(watch.running()) << "it waits, it does not exit";
    ASSERT_EQ(client_.setValue(sim(1), "/Soc", sdbus::Variant(72.5)), 0);
    startDaemon();
    ASSERT_TRUE(watch.waitExit(20s).has_value());
    const std::string out = watch.log();
    const auto waiting = out.find("dbus-battery-aggregator not running (com.victronenergy.battery.aggregate is not on "
                                  "the bus) - waiting");
    EXPECT_NE(waiting, std::string::npos) << out;
    EXPECT_NE(out.find("SOC 72.5%", waiting), std::string::npos) << "carried on once the daemon was back:\n" << out;
    EXPECT_EQ(out.find("waiting", out.find('\n', waiting)), std::string::npos) << "said once per outage:\n" << out;
}

TEST_F(Status, AWatchThatNeverReachesTheDaemonFails)
{
    const auto [code, out] = status({"--watch", "--count", "3", "--interval", "0.1"});
    EXPECT_EQ(code, std::optional<int>(1)) << out;
    EXPECT_NE(out.find("not running"), std::string::npos) << out;
}

TEST_F(Status, MissingAggregatorGivesOneLineAndFailsFast)
{
    const auto started = std::chrono::steady_clock::now();
    const auto [code, out] = status({}, 5s);
    ASSERT_TRUE(code.has_value()) << "status hung";
    EXPECT_NE(*code, 0);
    EXPECT_LT(std::chrono::steady_clock::now() - started, 3s);
    EXPECT_EQ(out, "dbus-battery-aggregator is not running: com.victronenergy.battery.aggregate is not on the bus\n");
}

// Processes whose environment points at a demo's private bus under `tmp` (each test run gives its
// demo a TMPDIR of its own, so that demos of suites running side by side are not counted).
std::vector<int> demoProcesses(const std::string& tmp)
{
    std::vector<int> pids;
    DIR* proc = opendir("/proc");
    while (dirent* e = readdir(proc)) {
        const int pid = std::atoi(e->d_name);
        if (pid <= 0) continue;
        std::ifstream env("/proc/" + std::string(e->d_name) + "/environ");
        std::stringstream s;
        s << env.rdbuf();
        if (s.str().find("DBUS_SYSTEM_BUS_ADDRESS=unix:path=" + tmp + "/bagg-demo.") != std::string::npos)
            pids.push_back(pid);
    }
    closedir(proc);
    return pids;
}

std::size_t demoTempDirs(const std::string& tmp)
{
    std::size_t n = 0;
    DIR* dir = opendir(tmp.c_str());
    while (dirent* e = readdir(dir)) n += std::string(e->d_name).rfind("bagg-demo.", 0) == 0;
    closedir(dir);
    return n;
}

// Both runs in one test, each with the demo's temp dir inside this test's own TMPDIR.
TEST(Demo, RunsAndLeavesNothingBehindWhenDoneOrInterrupted)
{
    TempDir dir;
    const std::string demo = std::string(BAGG_SOURCE_DIR) + "/scripts/demo";
    const std::string bin = daemonPath().substr(0, daemonPath().rfind('/'));
    const std::string env = "TMPDIR=" + dir.path();
    {
        ChildProcess run({"/usr/bin/env", env, "/bin/bash", demo, "--no-story", "--seconds", "2", "--bin-dir", bin},
                         dir.file("bounded.log"));
        const auto code = run.waitExit(60s);
        ASSERT_EQ(code, std::optional<int>(0)) << run.log();
        EXPECT_NE(run.log().find("3 pack(s) online"), std::string::npos) << run.log();
        EXPECT_NE(run.log().find("com.victronenergy.battery.sim3"), std::string::npos);
        EXPECT_TRUE(demoProcesses(dir.path()).empty());
    }
    {
        ChildProcess run({"/usr/bin/env", env, "/bin/bash", demo, "--no-story", "--bin-dir", bin}, dir.file("interrupted.log"));
        const auto deadline = std::chrono::steady_clock::now() + 30s;
        while (run.log().find("pack(s) online") == std::string::npos && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(50ms);
        ASSERT_NE(run.log().find("pack(s) online"), std::string::npos) << run.log();
        ASSERT_FALSE(demoProcesses(dir.path()).empty());
        const auto code = run.stop(SIGINT, 10s);
        ASSERT_TRUE(code.has_value()) << "demo did not stop on Ctrl-C";
        EXPECT_TRUE(demoProcesses(dir.path()).empty()) << "left processes behind";
    }
    EXPECT_EQ(demoTempDirs(dir.path()), 0u) << "left its temp dir behind";
}

}  // namespace
}  // namespace bagg::test
