#pragma once
// Publishes a tree of paths as com.victronenergy.BusItem objects, the way Venus OS services do:
// one object per leaf (GetValue, GetText, SetValue, PropertiesChanged), one per intermediate node
// (GetValue, GetText over the leaves below, relative keys) and the root (GetItems, ItemsChanged).
// Values are stored already rounded to the path's resolution, so a change below it is no change.
// Add every path before requesting the bus name: consumers scan a service once, when it appears.
// Each object is one sd-bus registration of a static vtable shared by all objects of its kind,
// with the object as userdata: an sdbus-c++ object per leaf cost more than the rest of the
// daemon's heap together (README, Performance).

#include "packs/busitem_value.h"

#include <sdbus-c++/IConnection.h>

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

struct sd_bus;
struct sd_bus_slot;
struct sd_bus_message;

namespace bagg {

class BusItemExporter {
public:
    struct Options {
        bool itemsChanged = true;       // one batched ItemsChanged on / per publish()
        bool propertiesChanged = true;  // PropertiesChanged on each changed leaf
    };
    // Called with the requested value, already coerced to the path's format. true = accepted:
    // the exporter then stores and publishes it and SetValue returns 0.
    using SetHandler = std::function<bool(const Value& requested)>;

    BusItemExporter(sdbus::IConnection& connection, Options options);
    ~BusItemExporter();
    BusItemExporter(const BusItemExporter&) = delete;
    BusItemExporter& operator=(const BusItemExporter&) = delete;

    // Both: signalled by publish(). Slow: signalled only by publishSlow(), which the owner calls at
    // a bounded rate, and read fresh on request (GetValue, GetItems: refreshed first by the
    // before-read hook). For per-pack values that change with every BMS update: dbus-flashmq (MQTT,
    // VRM) follows signals only, so they must be signalled, but not at the BMSes' rate.
    // Measured: stored when set (GetValue reads them fresh), signalled by the next publish() that
    // has a Both leaf to signal, or by publishMeasured(), which the owner calls at a bounded rate:
    // the bank's voltage, current, temperatures move with every pack's reading, and every
    // consumer on the GX (systemcalc, dbus-flashmq, the GUI) pays for each signal we send.
    enum class Signals { Both, Slow, Measured };

    // A leaf's handle: set() by id costs no lookup (the daemon sets every value on every recompute).
    using Id = std::size_t;

    // Adds a leaf (and any missing node objects above it). A path without a SetHandler refuses SetValue.
    Id add(const std::string& path, const Value& initial, PathFormat format, SetHandler onSet = {},
           Signals signals = Signals::Both);
    bool has(const std::string& path) const;

    // Stores v for a leaf added before; returns true when the published value changed.
    // A value that cannot be coerced to the path's format is stored as invalid.
    bool set(Id id, const Value& v);
    bool set(const std::string& path, const Value& v) { return set(leafId(path), v); }
    const Value& value(const std::string& path) const { return leaves_[leafId(path)].value; }
    std::string text(const std::string& path) const;

    // Called before a Slow value is read on request (its leaf, a node, GetItems), to bring it up to date.
    void setBeforeRead(std::function<void()> hook) { beforeRead_ = std::move(hook); }

    // Emits the signals for every Both leaf changed since the last publish, with the Measured ones
    // changed since they were last signalled; nothing when no Both leaf changed.
    void publish();
    // Emits the Measured leaves changed since they were last signalled; nothing when none did.
    void publishMeasured();
    std::size_t pendingMeasured() const { return measuredDirty_.size(); }
    // The same for the Slow leaves: one ItemsChanged of those that changed (and PropertiesChanged
    // each, if enabled).
    void publishSlow();

    std::size_t pendingChanges() const { return dirty_.size(); }

    class Handlers;  // the sd-bus method callbacks (busitem_exporter.cpp), named in its static vtables

private:
    struct SlotUnref {
        void operator()(sd_bus_slot* slot) const;
    };
    using Slot = std::unique_ptr<sd_bus_slot, SlotUnref>;
    struct BusUnref {
        void operator()(sd_bus* bus) const;
    };

    // One registered object: a leaf (its Id) or a node. The userdata of its sd-bus registration,
    // so it stays where it is (a std::map node) for as long as it is registered.
    struct Object {
        BusItemExporter* owner;
        std::string path;
        bool isLeaf;
        Id leaf;  // when isLeaf
        Slot slot;
    };
    struct Leaf {
        Value value;
        PathFormat format;
        SetHandler onSet;
        Signals signals = Signals::Both;
        bool dirty = false;
        const Object* object = nullptr;
    };

    Id leafId(const std::string& path) const;  // throws std::out_of_range for a path not added
    Object& addObject(const std::string& path, bool isLeaf, Id leaf);
    void addNodesAbove(const std::string& path);
    void emitChanges(std::vector<Id>& changed);
    std::vector<Id>& pendingOf(Signals signals);  // where a leaf of this kind waits to be signalled
    void emit(sd_bus_message* signal);
    std::int32_t handleSetValue(Id id, const Decoded& requested);
    // f(relative key, leaf) for every leaf below the node, in path order.
    template <typename F>
    void forEachBelow(const std::string& node, F&& f) const;
    void refreshSlow(bool seesSlow);  // the before-read hook, when the answer can hold a Slow value

    std::unique_ptr<sd_bus, BusUnref> bus_;
    Options options_;
    std::deque<Leaf> leaves_;                             // by Id; a deque, so that adding one moves none
    std::map<std::string, Object, std::less<>> objects_;  // leaves and nodes; ordered: a subtree is a range
    std::vector<Id> dirty_, slowDirty_, measuredDirty_;
    std::function<void()> beforeRead_;
};

}  // namespace bagg
