#include "dbus/busitem_codec.h"

#include <gtest/gtest.h>

namespace bagg {
inline void PrintTo(const Invalid&, std::ostream* os) { *os << "invalid"; }
namespace {

TEST(BusItemCodec, InvalidIsAnEmptyInt32Array)
{
    const auto v = toVariant(Invalid{});
    EXPECT_EQ(v.peekValueType(), "ai");
    const auto back = fromVariant(v);
    EXPECT_TRUE(back.typeOk);
    EXPECT_EQ(back.value, Value{Invalid{}});
}

TEST(BusItemCodec, RoundTripsEveryKind)
{
    EXPECT_EQ(toVariant(1.5).peekValueType(), "d");
    EXPECT_EQ(toVariant(std::int64_t{7}).peekValueType(), "i");
    EXPECT_EQ(toVariant(std::string("x")).peekValueType(), "s");
    for (const Value& v : {Value{1.5}, Value{std::int64_t{-7}}, Value{std::string("C3")}})
        EXPECT_EQ(fromVariant(toVariant(v)).value, v);
}

TEST(BusItemCodec, AnyIntegerTypeReadsAsInteger)
{
    EXPECT_EQ(fromVariant(sdbus::Variant(std::uint32_t{9})).value, Value{std::int64_t{9}});
    EXPECT_EQ(fromVariant(sdbus::Variant(std::uint8_t{1})).value, Value{std::int64_t{1}});
    EXPECT_EQ(fromVariant(sdbus::Variant(std::int16_t{-3})).value, Value{std::int64_t{-3}});
    EXPECT_EQ(fromVariant(sdbus::Variant(true)).value, Value{std::int64_t{1}});
    EXPECT_EQ(fromVariant(sdbus::Variant(std::uint64_t{1} << 40)).value, Value{std::int64_t{1} << 40});
}

TEST(BusItemCodec, UnreadableTypesAreFlagged)
{
    EXPECT_FALSE(fromVariant(sdbus::Variant(std::vector<std::int32_t>{1, 2})).typeOk);
    EXPECT_FALSE(fromVariant(sdbus::Variant(std::vector<std::string>{"a"})).typeOk);
    EXPECT_FALSE(fromVariant(sdbus::Variant(std::map<std::string, std::int32_t>{{"a", 1}})).typeOk);
    EXPECT_FALSE(fromVariant(sdbus::Variant(sdbus::Struct<int, double>(1, 2.0))).typeOk);
}

TEST(BusItemCodec, ItemDictHasValueAndText)
{
    const auto d = itemDict(52.31, "52.31V");
    EXPECT_EQ(d.at("Value").get<double>(), 52.31);
    EXPECT_EQ(d.at("Text").get<std::string>(), "52.31V");
}

}  // namespace
}  // namespace bagg
