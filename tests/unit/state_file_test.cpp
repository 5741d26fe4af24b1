#include "state_file.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace bagg {
namespace {

class StateFile : public ::testing::Test {
protected:
    void SetUp() override
    {
        char pattern[] = "/tmp/bagg-state-XXXXXX";
        dir_ = mkdtemp(pattern);
        path_ = dir_ + "/state";
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }
    void write(const std::string& text) { std::ofstream(path_) << text; }

    std::string dir_, path_;
};

RuntimeState withBand(ImbalanceBand band)
{
    RuntimeState s;
    s.imbalanceBand = band;
    return s;
}

TEST_F(StateFile, RoundTrips)
{
    for (auto band : {ImbalanceBand::Balanced, ImbalanceBand::Reduced, ImbalanceBand::Warning, ImbalanceBand::Alarm}) {
        ASSERT_EQ(saveState(path_, withBand(band)), "");
        const auto load = loadState(path_);
        EXPECT_EQ(load.problem, "");
        EXPECT_FALSE(load.missing);
        EXPECT_EQ(load.state.imbalanceBand, band);
    }
    EXPECT_FALSE(std::filesystem::exists(path_ + ".tmp")) << "the temp file is renamed, not left";
}

TEST_F(StateFile, KeepsTheLastCvlAndThePacksSeen)
{
    RuntimeState s = withBand(ImbalanceBand::Reduced);
    s.chargeVoltage = 55.2;
    // A CustomName may hold anything a BMS lets its owner type: it must not break the file's lines.
    s.knownPacks = {{"serial:HQ2210", "Bank 1"}, {"service:com.victronenergy.battery.ttyUSB0", "Tab\there"}};
    ASSERT_EQ(saveState(path_, s), "");
    const auto load = loadState(path_);
    ASSERT_EQ(load.problem, "");
    EXPECT_EQ(load.state.chargeVoltage, 55.2);
    ASSERT_EQ(load.state.knownPacks.size(), 2u);
    EXPECT_EQ(load.state.knownPacks[0], (KnownPack{"serial:HQ2210", "Bank 1"}));
    EXPECT_EQ(load.state.knownPacks[1].label, "Tab here");
}

TEST_F(StateFile, KeepsTheLearntCurrentShares)
{
    RuntimeState s;
    s.currentShares = {{"serial:A", {0.4721, std::nullopt}}, {"serial:B", {0.2639, 0.5}}};
    ASSERT_EQ(saveState(path_, s), "");
    const auto load = loadState(path_);
    ASSERT_EQ(load.problem, "");
    EXPECT_EQ(load.state.currentShares, s.currentShares);

    RuntimeState moved = s;
    moved.currentShares["serial:A"].charge = 0.50;
    EXPECT_FALSE(stateSaveDue(s, moved, std::chrono::minutes(9))) << "shares move with every reading";
    EXPECT_FALSE(stateSaveDue(s, moved, std::chrono::minutes(10))) << "by 0.03: not worth a write";
    moved.currentShares["serial:A"].charge = 0.55;
    EXPECT_TRUE(stateSaveDue(s, moved, std::chrono::minutes(10)));
}

TEST_F(StateFile, KeepsTheCoulombCounter)
{
    RuntimeState s;
    s.counter = RuntimeState::Counter{123.4567, 280.0, 1764560000};
    ASSERT_EQ(saveState(path_, s), "");
    auto load = loadState(path_);
    ASSERT_EQ(load.problem, "");
    EXPECT_EQ(load.state.counter, s.counter);
    EXPECT_FALSE(stateSaveDue(s, RuntimeState{s}, std::chrono::hours(1)));

    // A charge above the capacity is damage, not a value to publish.
    RuntimeState bad;
    bad.counter = RuntimeState::Counter{300.0, 280.0, 1764560000};
    write(encodeState(bad));
    load = loadState(path_);
    EXPECT_EQ(load.problem, "corrupt (counter is not a number)");
    EXPECT_FALSE(load.state.counter);
}

TEST_F(StateFile, SavesABandOrAPackAtOnceAndAMovingCvlRarely)
{
    RuntimeState saved = withBand(ImbalanceBand::Balanced);
    saved.chargeVoltage = 55.2;
    RuntimeState now = saved;
    EXPECT_FALSE(stateSaveDue(saved, now, std::chrono::hours(1)));
    now.imbalanceBand = ImbalanceBand::Reduced;
    EXPECT_TRUE(stateSaveDue(saved, now, std::chrono::seconds(0)));
    now = saved;
    now.knownPacks.push_back({"serial:X", "X"});
    EXPECT_TRUE(stateSaveDue(saved, now, std::chrono::seconds(0)));
    now = saved;
    now.chargeVoltage = 55.24;
    EXPECT_FALSE(stateSaveDue(saved, now, std::chrono::hours(1))) << "within 0.05 V";
    now.chargeVoltage = 53.6;
    EXPECT_FALSE(stateSaveDue(saved, now, std::chrono::minutes(9))) << "a dynamic CVL must not wear the flash";
    EXPECT_TRUE(stateSaveDue(saved, now, std::chrono::minutes(10)));
}

TEST_F(StateFile, MissingIsNotAProblem)
{
    const auto load = loadState(path_);
    EXPECT_TRUE(load.missing);
    EXPECT_EQ(load.problem, "");
    EXPECT_EQ(load.state.imbalanceBand, ImbalanceBand::Balanced);
}

TEST_F(StateFile, DamageIsDetectedAndGivesTheDefault)
{
    const std::string good = encodeState(withBand(ImbalanceBand::Warning));
    struct Case {
        const char* name;
        std::string text;
        const char* problem;
    };
    std::string edited = good;
    edited.replace(edited.find("imbalance_band=2"), 16, "imbalance_band=3");
    const std::vector<Case> cases = {
        {"empty (power cut before the first write)", "", "corrupt (checksum does not match)"},
        {"truncated", good.substr(0, good.size() / 2), "corrupt (checksum does not match)"},
        {"edited by hand", edited, "corrupt (checksum does not match)"},
        {"garbage", "\x01\x02garbage\n", "corrupt (checksum does not match)"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name);
        write(c.text);
        const auto load = loadState(path_);
        EXPECT_EQ(load.problem, c.problem);
        EXPECT_EQ(load.state.imbalanceBand, ImbalanceBand::Balanced);
    }
}

TEST_F(StateFile, UnwritableDirectoryIsReported)
{
    const auto error = saveState(dir_ + "/missing/state", RuntimeState{});
    EXPECT_NE(error.find("cannot create"), std::string::npos) << error;
}

}  // namespace
}  // namespace bagg
