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
// Whether an item's path is worth decoding: the others are skipped unread (a BMS driver publishes
// many paths the aggregate never uses, such as every cell's voltage). Empty: every path is.
using PathFilter = bool (*)(std::string_view path);

// ItemsChanged signal and GetItems reply, signature a{sa{sv}}, keys are full paths:
//   signal sender=:1.42 path=/ interface=com.victronenergy.BusItem member=ItemsChanged
//      array [
//         dict entry( string "/Soc"
//            array [ dict entry( string "Value" variant double 87.5 )
//                    dict entry( string "Text"  variant string "87.5%" ) ] )
//         dict entry( string "/Dc/0/Temperature"
//            array [ dict entry( string "Value" variant array [ ] )      <- invalid: empty ai
//                    dict entry( string "Text"  variant string "---" ) ] ) ]
// visit(path, "Value") for every entry that has one and whose path is `wanted`; the rest are
// skipped. Throws sdbus::Error when the body has another signature.
void visitItems(sdbus::Message& msg, const PathVisitor& visit, const PathFilter& wanted = nullptr);
void visitItems(sd_bus_message* msg, const PathVisitor& visit, const PathFilter& wanted = nullptr);  // raw
// The same, collected (status, tests: where a copy of the paths costs nothing that matters).
std::vector<PathValue> decodeItems(sdbus::Message& msg);

// PropertiesChanged signal on a leaf, signature a{sv}:
//   signal sender=:1.42 path=/Soc interface=com.victronenergy.BusItem member=PropertiesChanged
//      array [ dict entry( string "Value" variant double 87.5 )
//              dict entry( string "Text"  variant string "87.5%" ) ]
// The "Value" entry, if any (false without one). Throws sdbus::Error on another signature.
bool readPropertiesChanged(sdbus::Message& msg, Decoded& out);

// One variant argument (SetValue's): basic types decoded, an empty `ai` invalid, anything else
// flagged (typeOk false). Throws sdbus::Error when the message is not positioned at a variant.
Decoded readVariant(sd_bus_message* m);

// The writing side, for our signals and method replies: the same bodies, appended directly.
struct ItemOut {
    const std::string* path;
    const Value* value;
    std::string text;
};
void writeVariant(sd_bus_message* m, const Value& value);                                      // v
void writeItems(sd_bus_message* m, const std::vector<ItemOut>& items);                         // a{sa{sv}}
void writePropertiesChanged(sd_bus_message* m, const Value& value, const std::string& text);  // a{sv}
// A node's GetValue and GetText: a variant holding a{sv} / a{ss}, keys relative to the node.
struct NodeEntryOut {
    std::string_view key;
    const Value* value;
    std::string text;  // GetText only
};
void writeNodeValues(sd_bus_message* m, const std::vector<NodeEntryOut>& entries);  // v(a{sv})
void writeNodeTexts(sd_bus_message* m, const std::vector<NodeEntryOut>& entries);   // v(a{ss})

}  // namespace bagg
