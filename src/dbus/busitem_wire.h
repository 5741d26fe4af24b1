#pragma once
// The hot paths: BusItem signal bodies read and written straight on the sd-bus message, value by
// value, without building sdbus::Variants (each of which is a message of its own: copying them was
// two thirds of the cost of a pack update, and of publishing, measured with callgrind; see
// scripts/bench). Wire formats: busitem_codec.h.

#include "busitem_codec.h"

#include <sdbus-c++/Message.h>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

struct sd_bus_message;

namespace bagg {

using PathVisitor = std::function<void(std::string_view path, const Decoded& value)>;

// ItemsChanged / GetItems body a{sa{sv}} (wire format in busitem_codec.h): visit(path, "Value") for
// every entry that has one. Throws sdbus::Error when the body has another signature.
void visitItems(sdbus::Message& msg, const PathVisitor& visit);
void visitItems(sd_bus_message* msg, const PathVisitor& visit);  // the same on a raw sd-bus message

// PropertiesChanged body a{sv}: the "Value" entry, if any. Throws sdbus::Error on another signature.
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
