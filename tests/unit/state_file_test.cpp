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

TEST_F(StateFile, RoundTrips)
{
    for (auto band : {ImbalanceBand::Balanced, ImbalanceBand::Reduced, ImbalanceBand::Warning, ImbalanceBand::Alarm}) {
        ASSERT_EQ(saveState(path_, RuntimeState{band}), "");
        const auto load = loadState(path_);
        EXPECT_EQ(load.problem, "");
        EXPECT_FALSE(load.missing);
        EXPECT_EQ(load.state.imbalanceBand, band);
    }
    EXPECT_FALSE(std::filesystem::exists(path_ + ".tmp")) << "the temp file is renamed, not left";
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
    const std::string good = encodeState(RuntimeState{ImbalanceBand::Warning});
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
