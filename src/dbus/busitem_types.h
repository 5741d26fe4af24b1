#pragma once
// The D-Bus basic types a BusItem value may arrive as, and what each becomes (packs/busitem_value.h):
// every integer type and boolean an integer, `d` a double, `s` a string. One table for both
// readers: the wire reader (busitem_wire.cpp, straight from an sd-bus message) and sdbus::Variant
// (busitem_codec.cpp, for SetValue and tests). The reader supplies how to read one C++ type.

#include "packs/busitem_value.h"

#include <cstdint>
#include <optional>
#include <string>

namespace bagg {

template <typename T>
struct BasicType {
    using type = T;
};

// read(BasicType<T>{}) -> T for T in double, int32/uint32/int64/uint64/int16/uint16/uint8, bool,
// std::string. nullopt: not a basic type we take (the caller skips it and flags the value).
template <typename Read>
std::optional<Value> decodeBasic(char type, Read&& read)
{
    switch (type) {
    case 'd': return Value{read(BasicType<double>{})};
    case 'i': return Value{std::int64_t{read(BasicType<std::int32_t>{})}};
    case 'u': return Value{std::int64_t{read(BasicType<std::uint32_t>{})}};
    case 'x': return Value{read(BasicType<std::int64_t>{})};
    case 't': return Value{static_cast<std::int64_t>(read(BasicType<std::uint64_t>{}))};
    case 'n': return Value{std::int64_t{read(BasicType<std::int16_t>{})}};
    case 'q': return Value{std::int64_t{read(BasicType<std::uint16_t>{})}};
    case 'y': return Value{std::int64_t{read(BasicType<std::uint8_t>{})}};
    case 'b': return Value{std::int64_t{read(BasicType<bool>{}) ? 1 : 0}};
    case 's': return Value{read(BasicType<std::string>{})};
    default: return std::nullopt;
    }
}

}  // namespace bagg
