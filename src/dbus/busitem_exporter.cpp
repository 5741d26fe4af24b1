#include "busitem_exporter.h"

#include "busitem_wire.h"
#include "raw_message.h"
#include "venus_names.h"

#include <sdbus-c++/Error.h>
#include <spdlog/spdlog.h>
#include <systemd/sd-bus.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace bagg {
namespace {

struct MessageUnref {
    void operator()(sd_bus_message* m) const { sd_bus_message_unref(m); }
};
using MessagePtr = std::unique_ptr<sd_bus_message, MessageUnref>;

// "/Dc/0/Voltage" below "/Dc" -> "0/Voltage"; below "/" -> "Dc/0/Voltage". A view into the
// leaf's path, so it ends where the path's NUL is.
std::string_view relativeKey(const std::string& node, const std::string& leaf)
{
    return std::string_view(leaf).substr(node == "/" ? 1 : node.size() + 1);
}

std::string subtreePrefix(const std::string& node) { return node == "/" ? "/" : node + "/"; }

void checked(int r, const char* what)
{
    if (r < 0) throw std::runtime_error(std::string(what) + ": " + std::strerror(-r));
}

}  // namespace

// The sd-bus side: C callbacks with an Object as userdata. Nothing may escape into C: every
// failure becomes an error reply (and is logged when it is ours, not the caller's).
class BusItemExporter::Handlers {
public:
    static int getValue(sd_bus_message* call, void* userdata, sd_bus_error* error)
    {
        return reply(call, userdata, error, true, [](BusItemExporter& e, const Object& o, sd_bus_message* r) {
            if (o.isLeaf) return writeVariant(r, e.leaves_[o.leaf].value);
            std::vector<NodeEntryOut> entries;
            e.forEachBelow(o.path, [&](std::string_view key, const Leaf& leaf) { entries.push_back({key, &leaf.value, {}}); });
            writeNodeValues(r, entries);
        });
    }

    static int getText(sd_bus_message* call, void* userdata, sd_bus_error* error)
    {
        return reply(call, userdata, error, true, [](BusItemExporter& e, const Object& o, sd_bus_message* r) {
            if (o.isLeaf) {
                const auto& leaf = e.leaves_[o.leaf];
                return checked(sd_bus_message_append_basic(r, 's', formatText(leaf.value, leaf.format).c_str()), "append");
            }
            std::vector<NodeEntryOut> entries;
            e.forEachBelow(o.path, [&](std::string_view key, const Leaf& leaf) {
                entries.push_back({key, &leaf.value, formatText(leaf.value, leaf.format)});
            });
            writeNodeTexts(r, entries);
        });
    }

    static int getItems(sd_bus_message* call, void* userdata, sd_bus_error* error)
    {
        return reply(call, userdata, error, true, [](BusItemExporter& e, const Object&, sd_bus_message* r) {
            std::vector<ItemOut> items;
            items.reserve(e.leaves_.size());
            for (const auto& [path, object] : e.objects_)
                if (object.isLeaf) {
                    const auto& leaf = e.leaves_[object.leaf];
                    items.push_back({&object.path, &leaf.value, formatText(leaf.value, leaf.format)});
                }
            writeItems(r, items);
        });
    }

    static int setValue(sd_bus_message* call, void* userdata, sd_bus_error* error)
    {
        const auto& object = *static_cast<const Object*>(userdata);
        Decoded requested;
        try {
            requested = readVariant(call);
        } catch (const std::exception& e) {
            return sd_bus_error_set(error, SD_BUS_ERROR_INVALID_ARGS, e.what());
        }
        return reply(call, userdata, error, false, [&](BusItemExporter& e, const Object&, sd_bus_message* r) {
            const std::int32_t result = e.handleSetValue(object.leaf, requested);
            checked(sd_bus_message_append_basic(r, 'i', &result), "append");
        });
    }

private:
    // Runs write(exporter, object, reply) and sends the reply; the before-read hook first when the
    // answer can hold a Slow value (a client polling ordinary paths must not make us refresh every
    // pack for each call).
    template <typename Write>
    static int reply(sd_bus_message* call, void* userdata, sd_bus_error* error, bool isRead, Write&& write)
    {
        const auto& object = *static_cast<const Object*>(userdata);
        auto& exporter = *object.owner;
        try {
            if (isRead)
                exporter.refreshSlow(!object.isLeaf || exporter.leaves_[object.leaf].signals == Signals::Slow);
            sd_bus_message* raw = nullptr;
            checked(sd_bus_message_new_method_return(call, &raw), "new reply");
            MessagePtr r(raw);
            write(exporter, object, r.get());
            checked(sd_bus_send(nullptr, r.get(), nullptr), "send reply");
            return 1;
        } catch (const std::exception& e) {
            spdlog::error("BusItem call on {} failed: {}", object.path, e.what());
            return sd_bus_error_set(error, "com.victronenergy.BusItem.Error", e.what());
        }
    }
};

namespace {

// One static vtable per kind of object, shared by every object of that kind (the userdata tells
// them apart). Signals are listed for introspection: the dbus CLI and gui-v2 find members there.
// Every method is callable by any user: without SD_BUS_VTABLE_UNPRIVILEGED, sd-bus on the system
// bus answers only root and our own uid ("Access denied"), which sdbus-c++ never did.
const sd_bus_vtable kLeafVtable[] = {
    SD_BUS_VTABLE_START(0),
    SD_BUS_METHOD("GetValue", "", "v", &BusItemExporter::Handlers::getValue, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD("GetText", "", "s", &BusItemExporter::Handlers::getText, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD("SetValue", "v", "i", &BusItemExporter::Handlers::setValue, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_SIGNAL("PropertiesChanged", "a{sv}", 0),
    SD_BUS_VTABLE_END,
};
const sd_bus_vtable kNodeVtable[] = {
    SD_BUS_VTABLE_START(0),
    SD_BUS_METHOD("GetValue", "", "v", &BusItemExporter::Handlers::getValue, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD("GetText", "", "v", &BusItemExporter::Handlers::getText, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_VTABLE_END,
};
const sd_bus_vtable kRootVtable[] = {
    SD_BUS_VTABLE_START(0),
    SD_BUS_METHOD("GetValue", "", "v", &BusItemExporter::Handlers::getValue, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD("GetText", "", "v", &BusItemExporter::Handlers::getText, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD("GetItems", "", "a{sa{sv}}", &BusItemExporter::Handlers::getItems, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_SIGNAL("ItemsChanged", "a{sa{sv}}", 0),
    SD_BUS_VTABLE_END,
};

}  // namespace

void BusItemExporter::SlotUnref::operator()(sd_bus_slot* slot) const { sd_bus_slot_unref(slot); }

void BusItemExporter::BusUnref::operator()(sd_bus* bus) const { sd_bus_unref(bus); }

BusItemExporter::BusItemExporter(sdbus::IConnection& connection, Options options)
    : bus_(referenceBus(connection)), options_(options)
{
    addObject("/", false, 0);
}

// Each Object's registration ends with it (its Slot), before the bus reference (bus_ is declared first).
BusItemExporter::~BusItemExporter() = default;

BusItemExporter::Object& BusItemExporter::addObject(const std::string& path, bool isLeaf, Id leaf)
{
    auto& object = objects_.emplace(path, Object{this, path, isLeaf, leaf, nullptr}).first->second;
    const sd_bus_vtable* vtable = isLeaf ? kLeafVtable : path == "/" ? kRootVtable : kNodeVtable;
    sd_bus_slot* slot = nullptr;
    const int r = sd_bus_add_object_vtable(bus_.get(), &slot, path.c_str(), kBusItemInterface, vtable, &object);
    if (r < 0) {
        objects_.erase(path);
        throw sdbus::Error("com.victronenergy.BusItem.Error", "cannot register " + path + ": " + std::strerror(-r));
    }
    object.slot.reset(slot);
    return object;
}

void BusItemExporter::addNodesAbove(const std::string& path)
{
    for (auto slash = path.find('/', 1); slash != std::string::npos; slash = path.find('/', slash + 1)) {
        const std::string node = path.substr(0, slash);
        if (!objects_.count(node)) addObject(node, false, 0);
    }
}

bool BusItemExporter::has(const std::string& path) const
{
    const auto it = objects_.find(path);
    return it != objects_.end() && it->second.isLeaf;
}

BusItemExporter::Id BusItemExporter::leafId(const std::string& path) const
{
    const auto it = objects_.find(path);
    if (it == objects_.end() || !it->second.isLeaf) throw std::out_of_range("no BusItem leaf " + path);
    return it->second.leaf;
}

BusItemExporter::Id BusItemExporter::add(const std::string& path, const Value& initial, PathFormat format,
                                         SetHandler onSet, Signals signals)
{
    if (const auto it = objects_.find(path); it != objects_.end()) {
        if (!it->second.isLeaf) throw std::logic_error("BusItem path " + path + " is a node already");
        return it->second.leaf;
    }
    addNodesAbove(path);
    const Id id = leaves_.size();
    auto& leaf = leaves_.emplace_back();
    leaf.format = format;
    leaf.value = coerce(initial, format).value_or(Invalid{});
    leaf.onSet = std::move(onSet);
    leaf.signals = signals;
    try {
        leaf.object = &addObject(path, true, id);
    } catch (...) {
        leaves_.pop_back();
        throw;
    }
    // A path added after start is news for consumers that already scanned us.
    if (signals != Signals::Slow) {
        leaf.dirty = true;
        dirty_.push_back(id);
    }
    return id;
}

void BusItemExporter::refreshSlow(bool seesSlow)
{
    if (seesSlow && beforeRead_) beforeRead_();
}

std::int32_t BusItemExporter::handleSetValue(Id id, const Decoded& requested)
{
    auto& leaf = leaves_[id];
    const auto coerced = requested.typeOk ? coerce(requested.value, leaf.format) : std::nullopt;
    bool accepted = false;
    try {
        accepted = leaf.onSet && coerced && leaf.onSet(*coerced);
    } catch (const std::exception& e) {
        // A value the handler cannot take (invalid where it wants a text): refused like any other.
        spdlog::warn("SetValue on {} refused: {}", leaf.object->path, e.what());
    }
    if (!accepted) {
        spdlog::debug("SetValue on {} refused", leaf.object->path);
        return 1;
    }
    set(id, *coerced);
    publish();
    return 0;
}

bool BusItemExporter::set(Id id, const Value& v)
{
    auto& leaf = leaves_[id];
    auto next = coerce(v, leaf.format);
    if (!next) next = Invalid{};
    if (*next == leaf.value) return false;
    leaf.value = std::move(*next);
    if (!leaf.dirty) {
        leaf.dirty = true;
        pendingOf(leaf.signals).push_back(id);
    }
    return true;
}

std::string BusItemExporter::text(const std::string& path) const
{
    const auto& leaf = leaves_[leafId(path)];
    return formatText(leaf.value, leaf.format);
}

std::vector<BusItemExporter::Id>& BusItemExporter::pendingOf(Signals signals)
{
    switch (signals) {
    case Signals::Slow: return slowDirty_;
    case Signals::Measured: return measuredDirty_;
    case Signals::Both: break;
    }
    return dirty_;
}

void BusItemExporter::publish()
{
    if (dirty_.empty()) return;
    // A signal goes out anyway: the measurements ride along at no extra message.
    dirty_.insert(dirty_.end(), measuredDirty_.begin(), measuredDirty_.end());
    measuredDirty_.clear();
    emitChanges(dirty_);
}

void BusItemExporter::publishMeasured() { emitChanges(measuredDirty_); }

void BusItemExporter::publishSlow() { emitChanges(slowDirty_); }

void BusItemExporter::emit(sd_bus_message* signal)
{
    const int r = sd_bus_send(bus_.get(), signal, nullptr);
    if (r < 0) throw sdbus::Error("com.victronenergy.BusItem.Error", std::string("send signal: ") + std::strerror(-r));
}

void BusItemExporter::emitChanges(std::vector<Id>& pending)
{
    if (pending.empty()) return;
    std::vector<Id> changed;
    changed.swap(pending);

    std::vector<ItemOut> out;
    out.reserve(changed.size());
    for (const Id id : changed) {
        auto& leaf = leaves_[id];
        leaf.dirty = false;
        out.push_back({&leaf.object->path, &leaf.value, formatText(leaf.value, leaf.format)});
    }
    sd_bus_message* raw = nullptr;
    if (options_.itemsChanged) {
        checked(sd_bus_message_new_signal(bus_.get(), &raw, "/", kBusItemInterface, "ItemsChanged"), "new signal");
        MessagePtr signal(raw);
        writeItems(signal.get(), out);
        emit(signal.get());
    }
    if (options_.propertiesChanged)
        for (const auto& item : out) {
            checked(sd_bus_message_new_signal(bus_.get(), &raw, item.path->c_str(), kBusItemInterface,
                                              "PropertiesChanged"),
                    "new signal");
            MessagePtr signal(raw);
            writePropertiesChanged(signal.get(), *item.value, item.text);
            emit(signal.get());
        }
}

template <typename F>
void BusItemExporter::forEachBelow(const std::string& node, F&& f) const
{
    const std::string prefix = subtreePrefix(node);
    for (auto it = objects_.lower_bound(prefix); it != objects_.end() && it->first.compare(0, prefix.size(), prefix) == 0;
         ++it)
        if (it->second.isLeaf) f(relativeKey(node, it->first), leaves_[it->second.leaf]);
}

}  // namespace bagg
