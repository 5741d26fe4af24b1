#include "busitem_exporter.h"

#include "busitem_codec.h"
#include "busitem_wire.h"

#include <sdbus-c++/Error.h>
#include <spdlog/spdlog.h>

namespace bagg {
namespace {

// A method call's exception as its error reply: sdbus-c++ turns only sdbus::Error into one, and
// anything else must not escape into C.
template <typename F>
auto withErrorReply(const std::string& path, F&& f) -> decltype(f())
{
    try {
        return f();
    } catch (const sdbus::Error&) {
        throw;
    } catch (const std::exception& e) {
        spdlog::error("BusItem call on {} failed: {}", path, e.what());
        throw sdbus::Error("com.victronenergy.BusItem.Error", e.what());
    }
}

// "/Dc/0/Voltage" below "/Dc" -> "0/Voltage"; below "/" -> "Dc/0/Voltage".
std::string relativeKey(const std::string& node, const std::string& leaf)
{
    return leaf.substr(node == "/" ? 1 : node.size() + 1);
}

std::string subtreePrefix(const std::string& node) { return node == "/" ? "/" : node + "/"; }

}  // namespace

BusItemExporter::BusItemExporter(sdbus::IConnection& connection, Options options)
    : connection_(connection), options_(options)
{
    addNode("/");
}

BusItemExporter::~BusItemExporter() = default;

template <typename F>
auto BusItemExporter::read(const std::string& path, bool seesSlow, F&& f) -> decltype(f())
{
    return withErrorReply(path, [&] {
        if (seesSlow && beforeRead_) beforeRead_();
        return f();
    });
}

void BusItemExporter::addNode(const std::string& path)
{
    auto object = sdbus::createObject(connection_, path);
    object->registerMethod("GetValue").onInterface(kBusItemInterface).implementedAs([this, path] {
        return read(path, true, [&] { return nodeValue(path); });
    });
    object->registerMethod("GetText").onInterface(kBusItemInterface).implementedAs([this, path] {
        return read(path, true, [&] { return nodeText(path); });
    });
    if (path == "/") {
        object->registerMethod("GetItems").onInterface(kBusItemInterface).implementedAs([this] {
            return read("/", true, [&] {
                ItemMap out;
                for (const auto& leaf : leaves_)
                    out.emplace(leaf.path, itemDict(leaf.value, formatText(leaf.value, leaf.format)));
                return out;
            });
        });
        object->registerSignal("ItemsChanged").onInterface(kBusItemInterface).withParameters<ItemMap>();
    }
    object->finishRegistration();
    nodes_.emplace(path, std::move(object));
}

void BusItemExporter::addNodesAbove(const std::string& path)
{
    for (auto slash = path.find('/', 1); slash != std::string::npos; slash = path.find('/', slash + 1)) {
        const std::string node = path.substr(0, slash);
        if (!nodes_.count(node)) addNode(node);
    }
}

BusItemExporter::Id BusItemExporter::add(const std::string& path, const Value& initial, PathFormat format,
                                         SetHandler onSet, Signals signals)
{
    if (const auto it = index_.find(path); it != index_.end()) return it->second;
    addNodesAbove(path);
    const Id id = leaves_.size();
    auto& leaf = leaves_.emplace_back();
    leaf.path = path;
    leaf.format = format;
    leaf.value = coerce(initial, format).value_or(Invalid{});
    leaf.onSet = std::move(onSet);
    leaf.signals = signals;
    index_.emplace(path, id);
    registerLeaf(id);
    // A path added after start is news for consumers that already scanned us.
    if (signals == Signals::Both) {
        leaf.dirty = true;
        dirty_.push_back(id);
    }
    return id;
}

void BusItemExporter::registerLeaf(Id id)
{
    const std::string& path = leaves_[id].path;
    auto object = sdbus::createObject(connection_, path);
    object->registerMethod("GetValue").onInterface(kBusItemInterface).implementedAs([this, id] {
        const auto& leaf = leaves_[id];
        return read(leaf.path, leaf.signals == Signals::Slow, [&] { return toVariant(leaf.value); });
    });
    object->registerMethod("GetText").onInterface(kBusItemInterface).implementedAs([this, id] {
        const auto& leaf = leaves_[id];
        return read(leaf.path, leaf.signals == Signals::Slow, [&] { return formatText(leaf.value, leaf.format); });
    });
    object->registerMethod("SetValue").onInterface(kBusItemInterface).implementedAs([this, id](const sdbus::Variant& v) {
        return withErrorReply(leaves_[id].path, [&] { return handleSetValue(id, v); });
    });
    object->registerSignal("PropertiesChanged")
        .onInterface(kBusItemInterface)
        .withParameters<std::map<std::string, sdbus::Variant>>();
    object->finishRegistration();
    leaves_[id].object = std::move(object);
}

std::int32_t BusItemExporter::handleSetValue(Id id, const sdbus::Variant& requested)
{
    auto& leaf = leaves_[id];
    const Decoded decoded = fromVariant(requested);
    const auto coerced = decoded.typeOk ? coerce(decoded.value, leaf.format) : std::nullopt;
    if (!leaf.onSet || !coerced || !leaf.onSet(*coerced)) {
        spdlog::debug("SetValue on {} refused", leaf.path);
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
        (leaf.signals == Signals::Both ? dirty_ : slowDirty_).push_back(id);
    }
    return true;
}

std::string BusItemExporter::text(const std::string& path) const
{
    const auto& leaf = leaves_[index_.at(path)];
    return formatText(leaf.value, leaf.format);
}

void BusItemExporter::publish() { emitChanges(dirty_); }

void BusItemExporter::publishSlow() { emitChanges(slowDirty_); }

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
        out.push_back({&leaf.path, &leaf.value, formatText(leaf.value, leaf.format)});
    }
    if (options_.itemsChanged) {
        auto& root = *nodes_.at("/");
        auto signal = root.createSignal(kBusItemInterface, "ItemsChanged");
        writeItems(signal, out);
        root.emitSignal(signal);
    }
    if (options_.propertiesChanged)
        for (std::size_t i = 0; i < changed.size(); ++i) {
            auto& object = *leaves_[changed[i]].object;
            auto signal = object.createSignal(kBusItemInterface, "PropertiesChanged");
            writePropertiesChanged(signal, *out[i].value, out[i].text);
            object.emitSignal(signal);
        }
}

template <typename F>
void BusItemExporter::forEachBelow(const std::string& node, F&& f) const
{
    const std::string prefix = subtreePrefix(node);
    for (auto it = index_.lower_bound(prefix); it != index_.end() && it->first.compare(0, prefix.size(), prefix) == 0;
         ++it)
        f(relativeKey(node, it->first), leaves_[it->second]);
}

sdbus::Variant BusItemExporter::nodeValue(const std::string& node) const
{
    std::map<std::string, sdbus::Variant> out;
    forEachBelow(node, [&](const std::string& key, const Leaf& leaf) { out.emplace(key, toVariant(leaf.value)); });
    return sdbus::Variant(out);
}

sdbus::Variant BusItemExporter::nodeText(const std::string& node) const
{
    std::map<std::string, std::string> out;
    forEachBelow(node, [&](const std::string& key, const Leaf& leaf) {
        out.emplace(key, formatText(leaf.value, leaf.format));
    });
    return sdbus::Variant(out);
}

}  // namespace bagg
