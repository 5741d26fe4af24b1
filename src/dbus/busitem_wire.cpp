#include "busitem_wire.h"

#include "busitem_types.h"
#include "raw_message.h"

#include <sdbus-c++/Error.h>
#include <systemd/sd-bus.h>

#include <cerrno>
#include <cstring>
#include <type_traits>

namespace bagg {
namespace {

void check(int r, const char* what)
{
    if (r < 0) throw sdbus::Error("com.victronenergy.BusItem.Unreadable", std::string(what) + ": " + std::strerror(-r));
}

// The body's outermost container must be there: 0 (end of body) is as wrong as a mismatch.
void enterTop(sd_bus_message* m, char type, const char* contents)
{
    const int r = sd_bus_message_enter_container(m, type, contents);
    check(r, "enter body");
    if (r == 0) throw sdbus::Error("com.victronenergy.BusItem.Unreadable", "empty body");
}

// A variant whose contents are one basic type, entered already.
Decoded readBasic(sd_bus_message* m, char type)
{
    const auto value = decodeBasic(type, [m, type](auto t) {
        using T = typename decltype(t)::type;
        if constexpr (std::is_same_v<T, std::string>) {
            const char* s = nullptr;
            check(sd_bus_message_read_basic(m, type, &s), "read");
            return std::string(s);
        } else if constexpr (std::is_same_v<T, bool>) {
            int b = 0;  // sd-bus reads a boolean into an int
            check(sd_bus_message_read_basic(m, type, &b), "read");
            return b != 0;
        } else {
            T v{};
            check(sd_bus_message_read_basic(m, type, &v), "read");
            return v;
        }
    });
    if (value) return {*value, true};
    check(sd_bus_message_skip(m, nullptr), "skip");
    return {Invalid{}, false};
}

// One variant, positioned at it. Basic types are read; an empty `ai` is invalid; anything else is
// skipped whole and flagged. The common types are tried first: entering a variant with the
// right contents is one call, where peeking first costs as much again (README, Performance).
Decoded readAnyVariant(sd_bus_message* m)
{
    for (const char* guess : {"d", "i"}) {
        const int r = sd_bus_message_enter_container(m, SD_BUS_TYPE_VARIANT, guess);
        if (r == -ENXIO) continue;  // other contents: nothing was read
        check(r, "enter variant");
        if (r == 0) throw sdbus::Error("com.victronenergy.BusItem.Unreadable", "not a variant");
        Decoded out = readBasic(m, guess[0]);
        check(sd_bus_message_exit_container(m), "exit variant");
        return out;
    }
    char type = 0;
    const char* contents = nullptr;
    check(sd_bus_message_peek_type(m, &type, &contents), "peek");
    if (type != SD_BUS_TYPE_VARIANT || !contents) throw sdbus::Error("com.victronenergy.BusItem.Unreadable", "not a variant");
    Decoded out{Invalid{}, true};
    if (contents[0] != '\0' && contents[1] == '\0') {
        check(sd_bus_message_enter_container(m, SD_BUS_TYPE_VARIANT, contents), "enter variant");
        out = readBasic(m, contents[0]);
        check(sd_bus_message_exit_container(m), "exit variant");
        return out;
    }
    if (std::strcmp(contents, "ai") == 0) {
        check(sd_bus_message_enter_container(m, SD_BUS_TYPE_VARIANT, contents), "enter variant");
        // Read whole (an array cannot be left before its end): invalid is the empty array, a
        // filled one is not a BusItem value.
        const void* items = nullptr;
        std::size_t size = 0;
        check(sd_bus_message_read_array(m, 'i', &items, &size), "read array");
        out.typeOk = size == 0;
        check(sd_bus_message_exit_container(m), "exit variant");
        return out;
    }
    check(sd_bus_message_skip(m, "v"), "skip");
    out.typeOk = false;
    return out;
}

// Past a variant we do not need ("Text"): reading the string it nearly always holds costs about
// half of sd_bus_message_skip() (README, Performance).
void skipVariant(sd_bus_message* m)
{
    const int r = sd_bus_message_enter_container(m, SD_BUS_TYPE_VARIANT, "s");
    if (r == -ENXIO) return check(sd_bus_message_skip(m, "v"), "skip");
    check(r, "enter variant");
    const char* s = nullptr;
    check(sd_bus_message_read_basic(m, 's', &s), "read");
    check(sd_bus_message_exit_container(m), "exit variant");
}

enum class Rest { Read, Leave };

// Inside a{sv}: finds "Value" (skipping "Text" and anything else). Positioned in the array.
// Rest::Leave stops at the value, for a body that is read no further.
bool readValueEntry(sd_bus_message* m, Decoded& out, Rest rest)
{
    bool found = false;
    int r;
    while ((r = sd_bus_message_enter_container(m, SD_BUS_TYPE_DICT_ENTRY, "sv")) > 0) {
        const char* key = nullptr;
        check(sd_bus_message_read_basic(m, 's', &key), "read key");
        if (!found && std::strcmp(key, "Value") == 0) {
            out = readAnyVariant(m);
            found = true;
            if (rest == Rest::Leave) return true;
        } else {
            skipVariant(m);
        }
        check(sd_bus_message_exit_container(m), "exit entry");
    }
    check(r, "enter entry");
    return found;
}

}  // namespace

void visitItems(sdbus::Message& msg, const PathVisitor& visit, const PathFilter& wanted)
{
    visitItems(RawMessage::of(msg), visit, wanted);
}

std::vector<PathValue> decodeItems(sdbus::Message& msg)
{
    std::vector<PathValue> out;
    visitItems(msg, [&](std::string_view path, const Decoded& value) { out.push_back({std::string(path), value}); });
    return out;
}

void visitItems(sd_bus_message* m, const PathVisitor& visit, const PathFilter& wanted)
{
    enterTop(m, SD_BUS_TYPE_ARRAY, "{sa{sv}}");
    int r;
    while ((r = sd_bus_message_enter_container(m, SD_BUS_TYPE_DICT_ENTRY, "sa{sv}")) > 0) {
        const char* path = nullptr;
        check(sd_bus_message_read_basic(m, 's', &path), "read path");
        if (wanted && !wanted(path)) {
            check(sd_bus_message_skip(m, "a{sv}"), "skip item");
        } else {
            check(sd_bus_message_enter_container(m, SD_BUS_TYPE_ARRAY, "{sv}"), "enter item");
            Decoded value;
            const bool found = readValueEntry(m, value, Rest::Read);
            check(sd_bus_message_exit_container(m), "exit item");
            if (found) visit(path, value);
        }
        check(sd_bus_message_exit_container(m), "exit entry");
    }
    check(r, "enter entry");
    check(sd_bus_message_exit_container(m), "exit items");
}

Decoded readVariant(sd_bus_message* m) { return readAnyVariant(m); }

// sd_bus_message_append() parses a format string on every call: the basic calls below cost about
// a third of it (README, Performance), and this runs for every published value.
void writeVariant(sd_bus_message* m, const Value& v)
{
    if (const auto* d = std::get_if<double>(&v)) {
        check(sd_bus_message_open_container(m, SD_BUS_TYPE_VARIANT, "d"), "open variant");
        check(sd_bus_message_append_basic(m, 'd', d), "append");
    } else if (const auto* i = std::get_if<std::int64_t>(&v)) {
        const auto i32 = static_cast<std::int32_t>(*i);
        check(sd_bus_message_open_container(m, SD_BUS_TYPE_VARIANT, "i"), "open variant");
        check(sd_bus_message_append_basic(m, 'i', &i32), "append");
    } else if (const auto* s = std::get_if<std::string>(&v)) {
        check(sd_bus_message_open_container(m, SD_BUS_TYPE_VARIANT, "s"), "open variant");
        check(sd_bus_message_append_basic(m, 's', s->c_str()), "append");
    } else {
        // Invalid: an empty int32 array.
        check(sd_bus_message_open_container(m, SD_BUS_TYPE_VARIANT, "ai"), "open variant");
        check(sd_bus_message_open_container(m, SD_BUS_TYPE_ARRAY, "i"), "open array");
        check(sd_bus_message_close_container(m), "close array");
    }
    check(sd_bus_message_close_container(m), "close variant");
}

namespace {

// A string key for a{s?}: sd-bus wants it NUL-terminated, a relative key is a view into a path
// that ends where the path ends, so it is.
void appendKey(sd_bus_message* m, std::string_view key)
{
    check(sd_bus_message_append_basic(m, 's', key.data()), "append");
}

void appendItem(sd_bus_message* m, const Value& v, const std::string& text)
{
    check(sd_bus_message_open_container(m, SD_BUS_TYPE_ARRAY, "{sv}"), "open item");
    check(sd_bus_message_open_container(m, SD_BUS_TYPE_DICT_ENTRY, "sv"), "open entry");
    check(sd_bus_message_append_basic(m, 's', "Value"), "append");
    writeVariant(m, v);
    check(sd_bus_message_close_container(m), "close entry");
    check(sd_bus_message_open_container(m, SD_BUS_TYPE_DICT_ENTRY, "sv"), "open entry");
    check(sd_bus_message_append_basic(m, 's', "Text"), "append");
    check(sd_bus_message_open_container(m, SD_BUS_TYPE_VARIANT, "s"), "open variant");
    check(sd_bus_message_append_basic(m, 's', text.c_str()), "append");
    check(sd_bus_message_close_container(m), "close variant");
    check(sd_bus_message_close_container(m), "close entry");
    check(sd_bus_message_close_container(m), "close item");
}

}  // namespace

void writeItems(sd_bus_message* m, const std::vector<ItemOut>& items)
{
    check(sd_bus_message_open_container(m, SD_BUS_TYPE_ARRAY, "{sa{sv}}"), "open items");
    for (const auto& item : items) {
        check(sd_bus_message_open_container(m, SD_BUS_TYPE_DICT_ENTRY, "sa{sv}"), "open entry");
        check(sd_bus_message_append_basic(m, 's', item.path->c_str()), "append");
        appendItem(m, *item.value, item.text);
        check(sd_bus_message_close_container(m), "close entry");
    }
    check(sd_bus_message_close_container(m), "close items");
}

void writePropertiesChanged(sd_bus_message* m, const Value& value, const std::string& text)
{
    appendItem(m, value, text);
}

namespace {

// A node's dictionary in a variant: v(a{s<entryType>}), one entry per leaf below it.
template <typename WriteValue>
void writeNodeDict(sd_bus_message* m, const char* variant, const char* entry,
                   const std::vector<NodeEntryOut>& entries, WriteValue writeValue)
{
    check(sd_bus_message_open_container(m, SD_BUS_TYPE_VARIANT, variant), "open variant");
    check(sd_bus_message_open_container(m, SD_BUS_TYPE_ARRAY, variant + 1), "open array");
    for (const auto& e : entries) {
        check(sd_bus_message_open_container(m, SD_BUS_TYPE_DICT_ENTRY, entry), "open entry");
        appendKey(m, e.key);
        writeValue(e);
        check(sd_bus_message_close_container(m), "close entry");
    }
    check(sd_bus_message_close_container(m), "close array");
    check(sd_bus_message_close_container(m), "close variant");
}

}  // namespace

void writeNodeValues(sd_bus_message* m, const std::vector<NodeEntryOut>& entries)
{
    writeNodeDict(m, "a{sv}", "sv", entries, [m](const NodeEntryOut& e) { writeVariant(m, *e.value); });
}

void writeNodeTexts(sd_bus_message* m, const std::vector<NodeEntryOut>& entries)
{
    writeNodeDict(m, "a{ss}", "ss", entries, [m](const NodeEntryOut& e) {
        check(sd_bus_message_append_basic(m, 's', e.text.c_str()), "append");
    });
}

bool readPropertiesChanged(sdbus::Message& msg, Decoded& out)
{
    sd_bus_message* m = RawMessage::of(msg);
    enterTop(m, SD_BUS_TYPE_ARRAY, "{sv}");
    return readValueEntry(m, out, Rest::Leave);
}

}  // namespace bagg
