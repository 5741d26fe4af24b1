#pragma once
// The hot path of reading: BusItem signal bodies decoded straight from the sd-bus message, value by
// value, without building an sdbus::Variant (each of which is a message of its own: copying them
// was two thirds of the cost of a pack update, measured with callgrind; see scripts/bench).

#include "busitem_codec.h"

#include <sdbus-c++/Message.h>

#include <functional>
#include <string_view>

struct sd_bus_message;

namespace bagg {

using PathVisitor = std::function<void(std::string_view path, const Decoded& value)>;

// ItemsChanged / GetItems body a{sa{sv}} (wire format in busitem_codec.h): visit(path, "Value") for
// every entry that has one. Throws sdbus::Error when the body has another signature.
void visitItems(sdbus::Message& msg, const PathVisitor& visit);
void visitItems(sd_bus_message* msg, const PathVisitor& visit);  // the same on a raw sd-bus message

// PropertiesChanged body a{sv}: the "Value" entry, if any. Throws sdbus::Error on another signature.
bool readPropertiesChanged(sdbus::Message& msg, Decoded& out);

}  // namespace bagg
