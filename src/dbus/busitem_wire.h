#pragma once
// BusItem signal bodies read and written straight on the sd-bus message, value by value: the one
// reader of these bodies, for the hot paths and the rest alike. No sdbus::Variants: each is a
// message of its own, and copying them would dominate the cost of a pack update and of publishing
// (README, Performance).

#include "busitem_codec.h"

#include <sdbus-c++/Message.h>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

struct sd_bus_message;

namespace bagg {

using PathVisitor = std::function<void(std::string_view path, const Decoded& value)>;

// ItemsChanged signal and GetItems reply, signature a{sa{sv}}, keys are full paths:
//   signal sender=:1.42 path=/ interface=com.victronenergy.BusItem member=ItemsChanged
//      array [
//         dict entry( string "/Soc"
//            array [ dict entry( string "Value" variant double 87.5 )
//                    dict entry( string "Text"  variant string "87.5%" ) ] )
//         dict entry( string "/Dc/0/Temperature"
//            array [ dict entry( string "Value" variant array [ ] )      <- invalid: empty ai
//                    dict entry( string "Text"  variant string "---" ) ] ) ]
// visit(path, "Value") for every entry that has one; entries without are skipped. Throws
// sdbus::Error when the body has another signature.
void visitItems(sdbus::Message& msg, const PathVisitor& visit);
void visitItems(sd_bus_message* msg, const PathVisitor& visit);  // the same on a raw sd-bus message
// The same, collected (status, tests: where a copy of the paths costs nothing that matters).
std::vector<PathValue> decodeItems(sdbus::Message& msg);

// PropertiesChanged signal on a leaf, signature a{sv}:
//   signal sender=:1.42 path=/Soc interface=com.victronenergy.BusItem member=PropertiesChanged
//      array [ dict entry( string "Value" variant double 87.5 )
//              dict entry( string "Text"  variant string "87.5%" ) ]
// The "Value" entry, if any (false without one). Throws sdbus::Error on another signature.
bool readPropertiesChanged(sdbus::Message& msg, Decoded& out);

// The writing side, for our signals: the same bodies, appended directly.
struct ItemOut {
    const std::string* path;
    const Value* value;
    std::string text;
};
void writeItems(sdbus::Message& msg, const std::vector<ItemOut>& items);                   // a{sa{sv}}
void writePropertiesChanged(sdbus::Message& msg, const Value& value, const std::string& text);  // a{sv}

}  // namespace bagg
