#include "packs/busitem_value.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace bagg {
inline void PrintTo(const Invalid&, std::ostream* os) { *os << "invalid"; }
namespace {

TEST(BusItemValue, TextCarriesUnitAndResolution)
{
    EXPECT_EQ(formatText(52.3149, PathFormat::number(2, "V")), "52.31V");
    EXPECT_EQ(formatText(87.5, PathFormat::number(1, "%")), "87.5%");
    EXPECT_EQ(formatText(-12.34, PathFormat::number(1, "A")), "-12.3A");
    EXPECT_EQ(formatText(std::int64_t{3}, PathFormat::integer()), "3");
    EXPECT_EQ(formatText(std::string("Bank 2 C7"), PathFormat::text()), "Bank 2 C7");
    EXPECT_EQ(formatText(Invalid{}, PathFormat::number(2, "V")), "---");
}

TEST(BusItemValue, CoerceRoundsToThePublishedResolution)
{
    EXPECT_EQ(coerce(52.314, PathFormat::number(2, "V")), Value{52.31});
    EXPECT_EQ(coerce(3.2125, PathFormat::number(3, "V")), Value{3.213});
    EXPECT_EQ(coerce(std::int64_t{5}, PathFormat::number(1, "A")), Value{5.0});
    EXPECT_EQ(coerce(2.6, PathFormat::integer()), Value{std::int64_t{3}});
    EXPECT_EQ(coerce(Invalid{}, PathFormat::number(1, "A")), Value{Invalid{}});
}

TEST(BusItemValue, CoerceStringsLikeTheDbusCliSendsThem)
{
    EXPECT_EQ(coerce(std::string("60"), PathFormat::number(1, "A")), Value{60.0});
    EXPECT_EQ(coerce(std::string("1"), PathFormat::integer()), Value{std::int64_t{1}});
    EXPECT_FALSE(coerce(std::string("abc"), PathFormat::number(1, "A")));
    EXPECT_FALSE(coerce(std::string("60A"), PathFormat::number(1, "A")));
    EXPECT_FALSE(coerce(std::string(""), PathFormat::integer()));
    EXPECT_FALSE(coerce(std::string("nan"), PathFormat::number(1, "A")));
    EXPECT_FALSE(coerce(std::numeric_limits<double>::infinity(), PathFormat::number(1, "A")));
    EXPECT_FALSE(coerce(5.0, PathFormat::text())) << "a number is not a name";
    EXPECT_FALSE(coerce(1e12, PathFormat::integer())) << "out of int32";
}

}  // namespace
}  // namespace bagg
