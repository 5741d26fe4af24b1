#pragma once
// Access to the sd-bus objects behind sdbus-c++ 1.2, for what it does not offer: reading and
// writing BusItem bodies with the sd-bus C API directly (no sdbus::Variant, each of which is a
// message of its own), and registering our objects with static sd-bus vtables (one sdbus-c++
// object per leaf cost ~1.3 kB each; README, Performance). sdbus-c++ 1.2 keeps the message pointer
// protected: a derived class may name the member, and a pointer to it reads it from any Message.
// The bus is the one any message created on the connection belongs to.

#include <sdbus-c++/IConnection.h>
#include <sdbus-c++/IProxy.h>
#include <sdbus-c++/Message.h>
#include <systemd/sd-bus.h>

namespace bagg {

struct RawMessage : sdbus::Message {
    static sd_bus_message* of(sdbus::Message& m) { return static_cast<sd_bus_message*>(m.*(&RawMessage::msg_)); }
};

// The connection's sd_bus, with a reference of its own (sd_bus_unref when done).
inline sd_bus* referenceBus(sdbus::IConnection& connection)
{
    auto proxy = sdbus::createProxy(connection, "org.freedesktop.DBus", "/org/freedesktop/DBus");
    auto call = proxy->createMethodCall("org.freedesktop.DBus.Peer", "Ping");
    return sd_bus_ref(sd_bus_message_get_bus(RawMessage::of(call)));
}

}  // namespace bagg
