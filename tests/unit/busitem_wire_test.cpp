// The BusItem bodies read and written straight on sd-bus messages (dbus/busitem_wire): what we
// write reads back, items on paths we do not use are skipped unread without losing the ones after
// them, and a body of the wrong shape is refused whole.

#include "dbus/busitem_wire.h"

#include <gtest/gtest.h>
#include <systemd/sd-bus.h>

#include <memory>
#include <string>
#include <vector>

namespace bagg {
inline void PrintTo(const Invalid&, std::ostream* os) { *os << "invalid"; }
namespace {

struct BusUnref {
    void operator()(sd_bus* b) const { sd_bus_unref(b); }
};
struct MessageUnref {
    void operator()(sd_bus_message* m) const { sd_bus_message_unref(m); }
};
using MessagePtr = std::unique_ptr<sd_bus_message, MessageUnref>;

// Messages need a bus out of its initial state, not a connected one (as sdbus-c++'s plain messages).
class BusItemWire : public ::testing::Test {
protected:
    BusItemWire()
    {
        sd_bus* b = nullptr;
        EXPECT_GE(sd_bus_new(&b), 0);
        bus_.reset(b);
        sd_bus_set_address(b, "unix:path=/dev/null");
        sd_bus_start(b);
    }
    MessagePtr message()
    {
        sd_bus_message* m = nullptr;
        EXPECT_GE(sd_bus_message_new(bus_.get(), &m, 0), 0);
        return MessagePtr(m);
    }
    static void seal(sd_bus_message* m) { ASSERT_GE(sd_bus_message_seal(m, 1, 0), 0); }

    std::unique_ptr<sd_bus, BusUnref> bus_;
};

std::vector<PathValue> readAll(sd_bus_message* m, PathFilter wanted = nullptr)
{
    std::vector<PathValue> out;
    visitItems(m, [&](std::string_view path, const Decoded& v) { out.push_back({std::string(path), v}); }, wanted);
    return out;
}

TEST_F(BusItemWire, ItemsWrittenReadBack)
{
    const std::string soc = "/Soc", temp = "/Dc/0/Temperature", id = "/System/MinVoltageCellId", n = "/Connected";
    const Value v1{87.5}, v2{Invalid{}}, v3{std::string("C3")}, v4{std::int64_t{1}};
    auto m = message();
    writeItems(m.get(), {{&soc, &v1, "87.5%"}, {&temp, &v2, "---"}, {&id, &v3, "C3"}, {&n, &v4, "1"}});
    seal(m.get());
    const auto items = readAll(m.get());
    ASSERT_EQ(items.size(), 4u);
    EXPECT_EQ(items[0].path, soc);
    EXPECT_EQ(items[0].value.value, v1);
    EXPECT_EQ(items[1].value.value, v2);
    EXPECT_TRUE(items[1].value.typeOk) << "invalid is a value (an empty ai), not an unreadable one";
    EXPECT_EQ(items[2].value.value, v3);
    EXPECT_EQ(items[3].value.value, v4);
}

bool onlySoc(std::string_view path) { return path == "/Soc"; }

TEST_F(BusItemWire, PathsNotWantedAreSkippedAndTheRestStillRead)
{
    // A dbus-serialbattery-like ItemsChanged: cell voltages around the one path we use, one of
    // them of a shape we could not even decode (a filled array): skipped unread, so no harm.
    auto m = message();
    sd_bus_message* r = m.get();
    ASSERT_GE(sd_bus_message_open_container(r, 'a', "{sa{sv}}"), 0);
    const auto item = [r](const char* path, auto append) {
        ASSERT_GE(sd_bus_message_open_container(r, 'e', "sa{sv}"), 0);
        ASSERT_GE(sd_bus_message_append_basic(r, 's', path), 0);
        ASSERT_GE(sd_bus_message_open_container(r, 'a', "{sv}"), 0);
        append();
        ASSERT_GE(sd_bus_message_close_container(r), 0);
        ASSERT_GE(sd_bus_message_close_container(r), 0);
    };
    item("/Voltages/Cell1", [r] { ASSERT_GE(sd_bus_message_append(r, "{sv}", "Value", "d", 3.301), 0); });
    item("/Voltages/Cell2", [r] { ASSERT_GE(sd_bus_message_append(r, "{sv}", "Value", "ai", 2, 1, 2), 0); });
    item("/Soc", [r] {
        ASSERT_GE(sd_bus_message_append(r, "{sv}", "Value", "d", 55.0), 0);
        ASSERT_GE(sd_bus_message_append(r, "{sv}", "Text", "s", "55%"), 0);
    });
    item("/Voltages/Cell3", [r] { ASSERT_GE(sd_bus_message_append(r, "{sv}", "Text", "s", "3.3V"), 0); });
    ASSERT_GE(sd_bus_message_close_container(r), 0);
    seal(r);

    const auto wanted = readAll(r, &onlySoc);
    ASSERT_EQ(wanted.size(), 1u);
    EXPECT_EQ(wanted[0].path, "/Soc");
    EXPECT_EQ(wanted[0].value.value, Value{55.0});

    ASSERT_GE(sd_bus_message_rewind(r, 1), 0);
    const auto all = readAll(r);
    ASSERT_EQ(all.size(), 3u) << "Cell3 has no Value";
    EXPECT_FALSE(all[1].value.typeOk) << "a filled array is not a BusItem value";
}

TEST_F(BusItemWire, AnotherSignatureIsRefusedWhole)
{
    auto m = message();
    ASSERT_GE(sd_bus_message_append(m.get(), "a{sv}", 1, "Value", "d", 1.0), 0);
    seal(m.get());
    EXPECT_THROW(readAll(m.get()), sdbus::Error);
    ASSERT_GE(sd_bus_message_rewind(m.get(), 1), 0);
    EXPECT_THROW(readAll(m.get(), &onlySoc), sdbus::Error);
}

TEST_F(BusItemWire, NodeValuesAndTextsHaveRelativeKeys)
{
    const std::string voltage = "/Dc/0/Voltage";
    const Value v{52.31};
    auto m = message();
    writeNodeValues(m.get(), {{std::string_view(voltage).substr(4), &v, {}}});
    writeNodeTexts(m.get(), {{std::string_view(voltage).substr(4), &v, "52.31V"}});
    seal(m.get());
    const char* key = nullptr;
    double d = 0;
    ASSERT_GE(sd_bus_message_read(m.get(), "v", "a{sv}", 1, &key, "d", &d), 0);
    EXPECT_STREQ(key, "0/Voltage");
    EXPECT_EQ(d, 52.31);
    const char* text = nullptr;
    ASSERT_GE(sd_bus_message_read(m.get(), "v", "a{ss}", 1, &key, &text), 0);
    EXPECT_STREQ(text, "52.31V");
}

TEST_F(BusItemWire, ASetValueArgumentOfAnyBasicTypeIsRead)
{
    auto m = message();
    ASSERT_GE(sd_bus_message_append(m.get(), "vvv", "s", "60", "u", 7u, "as", 1, "x"), 0);
    seal(m.get());
    EXPECT_EQ(readVariant(m.get()).value, Value{std::string("60")});
    EXPECT_EQ(readVariant(m.get()).value, Value{std::int64_t{7}});
    EXPECT_FALSE(readVariant(m.get()).typeOk);
}

}  // namespace
}  // namespace bagg
