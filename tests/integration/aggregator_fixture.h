#pragma once
// A private bus with the daemon, battery-sim and fake-settings as real processes on it.

#include "test_bus.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <iostream>
#include <optional>

#include <memory>
#include <string>
#include <vector>

namespace bagg::test {

inline constexpr const char* kAggregate = "com.victronenergy.battery.aggregate";
inline constexpr const char* kSimControl = "net.bagg.batterysim";

inline std::string sim(int k) { return "com.victronenergy.battery.sim" + std::to_string(k); }

class AggregatorFixture : public ::testing::Test {
protected:
    // A fixed device instance: the daemon claims its name at once, without a settings service.
    static constexpr const char* kFixedInstance = "[service]\ndevice_instance = 300\n";

    void TearDown() override
    {
        // Every process still running must stop cleanly on SIGTERM: exit 0, which also means no
        // sanitizer report (ASan/UBSan make the exit status non-zero).
        for (const auto& [name, process] : processes_) {
            if (!process->running()) continue;
            const auto status = process->stop(SIGTERM, std::chrono::seconds(5));
            EXPECT_EQ(status, std::optional<int>(0)) << name << " did not exit cleanly on SIGTERM";
        }
        // Safety rule 1, in every test: no CCL/DCL above what the packs on the bus vouched for.
        for (const auto& v : client_.limitGuard().violations()) ADD_FAILURE() << "limit guard: " << v;
        if (HasFailure())
            for (const auto& [name, process] : processes_) std::cerr << "---- " << name << " log:\n" << process->log();
    }

    ChildProcess& start(const std::string& name, std::vector<std::string> argv)
    {
        processes_.emplace_back(name, std::make_unique<ChildProcess>(std::move(argv), bus_.dir().file(name + ".log")));
        return *processes_.back().second;
    }

    ChildProcess& startSim(std::vector<std::string> args)
    {
        args.insert(args.begin(), simPath());
        auto& p = start("battery-sim", args);
        EXPECT_TRUE(client_.waitFor([&] { return client_.hasOwner(kSimControl); })) << "battery-sim did not start";
        return p;
    }

    // Limits recover at once in tests (no hold, no ramp), unless a test sets [recovery] itself: most
    // tests are about what a limit is, not about how slowly it comes back.
    static constexpr const char* kFastRecovery =
        "[recovery]\ncurrent_hold = 0\ncurrent_ramp = 0\nvoltage_hold = 0\nvoltage_ramp = 0\n";

    ChildProcess& startDaemon(std::string config = kFixedInstance, bool waitForName = true)
    {
        if (config.find("[recovery]") == std::string::npos) config += kFastRecovery;
        const std::string file = bus_.dir().file("aggregator-" + std::to_string(processes_.size()) + ".ini");
        bus_.dir().write(file.substr(file.rfind('/') + 1), config);
        auto& p = start("aggregator", {daemonPath(), "--config", file});
        if (waitForName) {
            EXPECT_TRUE(client_.waitFor([&] { return client_.hasOwner(kAggregate); })) << "the aggregate did not appear";
        }
        return p;
    }

    ChildProcess& startFakeSettings(std::vector<std::string> args = {})
    {
        args.insert(args.begin(), fakeSettingsPath());
        auto& p = start("fake-settings", args);
        EXPECT_TRUE(client_.waitFor([&] { return client_.hasOwner("com.victronenergy.settings"); }));
        return p;
    }

    bool waitAggregate(const std::string& path, const Value& expected, std::chrono::milliseconds timeout = 10s)
    {
        return client_.waitForValue(kAggregate, path, expected, timeout);
    }
    Value aggregateValue(const std::string& path) { return client_.getValue(kAggregate, path); }

    PrivateBus bus_;
    BusClient client_;
    std::vector<std::pair<std::string, std::unique_ptr<ChildProcess>>> processes_;
};

inline Value num(double v) { return Value{v}; }
inline Value integer(std::int64_t v) { return Value{v}; }
inline Value text(const std::string& s) { return Value{s}; }

}  // namespace bagg::test
