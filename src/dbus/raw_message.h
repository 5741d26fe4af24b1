#pragma once
// Access to the sd_bus_message behind an sdbus-c++ Message, for the two hot paths that read and
// write BusItem bodies with the sd-bus C API directly (no sdbus::Variant, each of which is a message
// of its own). sdbus-c++ 1.2 keeps the pointer protected: a derived class may name the member, and
// a pointer to it reads it from any Message.

#include <sdbus-c++/Message.h>

struct sd_bus_message;

namespace bagg {

struct RawMessage : sdbus::Message {
    static sd_bus_message* of(sdbus::Message& m) { return static_cast<sd_bus_message*>(m.*(&RawMessage::msg_)); }
};

}  // namespace bagg
