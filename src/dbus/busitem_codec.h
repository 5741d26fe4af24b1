#pragma once
// Encoding and decoding of com.victronenergy.BusItem payloads. Pure functions over sdbus-c++
// messages and variants: no connection, no state.

#include "venus_names.h"
#include "packs/busitem_value.h"

#include <sdbus-c++/Message.h>
#include <sdbus-c++/Types.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace bagg {

// Invalid -> empty `ai`; double -> `d`; integer -> `i`; string -> `s`.
sdbus::Variant toVariant(const Value& v);

// Any integer type (y n q i u x t b) -> integer, `d` -> double, `s` -> string, empty `ai` -> invalid.
Decoded fromVariant(const sdbus::Variant& v);

using ItemMap = std::map<std::string, std::map<std::string, sdbus::Variant>>;  // GetItems / ItemsChanged

// GetValue reply on a node or the root, a variant holding a{sv} with keys relative to it:
//   method return sender=:1.42
//      variant array [ dict entry( string "Soc" variant double 87.5 )
//                      dict entry( string "Dc/0/Voltage" variant double 52.31 ) ]
// Keys come back as absolute paths under `nodePath` ("/" -> "/Soc").
std::vector<PathValue> decodeNodeValue(sdbus::Message& msg, const std::string& nodePath);

// The {"Value": v, "Text": v(s)} dict of one item, as GetItems and ItemsChanged carry it.
std::map<std::string, sdbus::Variant> itemDict(const Value& v, const std::string& text);

}  // namespace bagg
