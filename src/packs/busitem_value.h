#pragma once
// A BusItem value as our code sees it: invalid, a number (double or integer) or a string.
// On the wire invalid is an empty int32 array; see dbus/busitem_codec.h. No sdbus-c++ here: the
// pack knowledge in packs/ uses these types without the bus.

#include <cstdint>
#include <optional>
#include <string>
#include <variant>

namespace bagg {

struct Invalid {
    bool operator==(const Invalid&) const { return true; }
    bool operator!=(const Invalid&) const { return false; }
};

using Value = std::variant<Invalid, double, std::int64_t, std::string>;

inline bool isValid(const Value& v) { return !std::holds_alternative<Invalid>(v); }

// A value as decoded from the wire (busitem_codec.h, busitem_wire.h).
struct Decoded {
    Value value;
    bool typeOk = true;  // false: a type we do not read (struct, dict, non-empty array...): treat as invalid
};

// One changed or read path with its value decoded.
struct PathValue {
    std::string path;
    Decoded value;
};

// The number in v, if it holds one (double or integer).
std::optional<double> asNumber(const Value& v);

// How a path is typed and shown: the kind decides the D-Bus type and SetValue coercion, the
// decimals the text, the published resolution and what counts as a change.
struct PathFormat {
    enum class Kind { Number, Integer, Text };
    Kind kind = Kind::Number;
    int decimals = 0;
    const char* unit = "";

    static constexpr PathFormat number(int decimals, const char* unit) { return {Kind::Number, decimals, unit}; }
    static constexpr PathFormat integer(const char* unit = "") { return {Kind::Integer, 0, unit}; }
    static constexpr PathFormat text() { return {Kind::Text, 0, ""}; }
};

// Normalises v to the path's kind and resolution: numbers are rounded to the decimals, integers
// to whole numbers, strings for numeric paths parsed ("60" -> 60). nullopt: v cannot be coerced.
std::optional<Value> coerce(const Value& v, const PathFormat& format);

// "52.31V", "87.5%", "---" for invalid.
std::string formatText(const Value& v, const PathFormat& format);

}  // namespace bagg
