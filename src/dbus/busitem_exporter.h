#pragma once
// Publishes a tree of paths as com.victronenergy.BusItem objects, the way Venus OS services do:
// one object per leaf (GetValue, GetText, SetValue, PropertiesChanged), one per intermediate node
// (GetValue, GetText over the leaves below, relative keys) and the root (GetItems, ItemsChanged).
// Values are stored already rounded to the path's resolution, so a change below it is no change.
// Add every path before requesting the bus name: consumers scan a service once, when it appears.

#include "packs/busitem_value.h"

#include <sdbus-c++/IConnection.h>
#include <sdbus-c++/IObject.h>

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

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
    enum class Signals { Both, Slow };

    // A leaf's handle: set() by id costs no lookup (the daemon sets every value on every recompute).
    using Id = std::size_t;

    // Adds a leaf (and any missing node objects above it). A path without a SetHandler refuses SetValue.
    Id add(const std::string& path, const Value& initial, PathFormat format, SetHandler onSet = {},
           Signals signals = Signals::Both);
    bool has(const std::string& path) const { return index_.count(path) != 0; }

    // Stores v for a leaf added before; returns true when the published value changed.
    // A value that cannot be coerced to the path's format is stored as invalid.
    bool set(Id id, const Value& v);
    bool set(const std::string& path, const Value& v) { return set(index_.at(path), v); }
    const Value& value(const std::string& path) const { return leaves_[index_.at(path)].value; }
    std::string text(const std::string& path) const;

    // Called before a Slow value is read on request (its leaf, a node, GetItems), to bring it up to date.
    void setBeforeRead(std::function<void()> hook) { beforeRead_ = std::move(hook); }

    // Emits the signals for every leaf changed since the last publish; nothing when none did.
    void publish();
    // The same for the Slow leaves: one ItemsChanged of those that changed (and PropertiesChanged
    // each, if enabled).
    void publishSlow();

    std::size_t pendingChanges() const { return dirty_.size(); }

private:
    struct Leaf {
        std::string path;
        Value value;
        PathFormat format;
        SetHandler onSet;
        Signals signals = Signals::Both;
        bool dirty = false;
        std::unique_ptr<sdbus::IObject> object;
    };

    void addNodesAbove(const std::string& path);
    void addNode(const std::string& path);
    void registerLeaf(Id id);
    void emitChanges(std::vector<Id>& changed);
    std::int32_t handleSetValue(Id id, const sdbus::Variant& requested);
    template <typename F>
    // Guarded; runs the before-read hook first when the answer can hold a Slow value (a client
    // polling ordinary paths must not make us refresh every pack for each call).
    auto read(const std::string& path, bool seesSlow, F&& f) -> decltype(f());
    template <typename F>
    void forEachBelow(const std::string& node, F&& f) const;  // f(relative key, leaf)
    sdbus::Variant nodeValue(const std::string& path) const;
    sdbus::Variant nodeText(const std::string& path) const;

    sdbus::IConnection& connection_;
    Options options_;
    std::deque<Leaf> leaves_;             // by Id; a deque, so that adding a leaf moves none
    std::map<std::string, Id> index_;     // ordered: the leaves below a node are one range
    std::map<std::string, std::unique_ptr<sdbus::IObject>> nodes_;
    std::vector<Id> dirty_, slowDirty_;
    std::function<void()> beforeRead_;
};

}  // namespace bagg
