// A CustomName written over D-Bus is bounded and valid UTF-8; outside text is shortened for the log.

#include "app/custom_name.h"

#include <gtest/gtest.h>

using namespace bagg;

TEST(CustomName, TheGuiShowsIt)
{
    EXPECT_EQ(customNameProblem("House bank"), "");
    EXPECT_EQ(customNameProblem(""), "") << "empty: back to the product name";
    EXPECT_EQ(customNameProblem("Batterie Süd ⚡"), "") << "UTF-8 counts characters, not bytes";
    EXPECT_EQ(customNameProblem(std::string(64, 'x')), "");
    EXPECT_EQ(customNameProblem(std::string(5000, 'x')), "5000 characters, at most 64");
    EXPECT_EQ(customNameProblem("ab\xff"), "not valid UTF-8 (at byte 2)");
    EXPECT_EQ(customNameProblem("\xc0\xaf"), "not valid UTF-8 (at byte 0)") << "overlong";
    EXPECT_EQ(customNameProblem("\xed\xa0\x80"), "not valid UTF-8 (at byte 0)") << "a surrogate";
    EXPECT_EQ(customNameProblem("a\nb"), "a control character (at byte 1)");
}

TEST(CustomName, ShortenedForTheLog)
{
    EXPECT_EQ(shortenedForLog("short"), "short");
    EXPECT_EQ(shortenedForLog(std::string(5000, 'x'), 10), "xxxxxxxxxx… (5000 characters)");
    EXPECT_EQ(shortenedForLog("a\xff\nb"), "a??b");
}
