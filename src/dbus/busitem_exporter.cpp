#include "busitem_exporter.h"

#include "busitem_codec.h"
#include "busitem_wire.h"

#include <sdbus-c++/Error.h>
#include <spdlog/spdlog.h>

namespace bagg {
namespace {


// sdbus-c++ turns only sdbus::Error into an error reply; anything else must not escape into C.
template <typename F>
auto guarded(const std::string& path, F&& f) -> decltype(f())
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

void BusItemExporter::addNode(const std::string& path)
{
    auto object = sdbus::createObject(connection_, path);
    object->registerMethod("GetValue").onInterface(kBusItemInterface).implementedAs([this, path] {
        return guarded(path, [&] { return nodeValue(path); });
    });
    object->registerMethod("GetText").onInterface(kBusItemInterface).implementedAs([this, path] {
        return guarded(path, [&] { return nodeText(path); });
    });
    if (path == "/") {
        object->registerMethod("GetItems").onInterface(kBusItemInterface).implementedAs([this] {
            return guarded("/", [&] {
                std::vector<std::string> all;
                all.reserve(leaves_.size());
                for (const auto& entry : leaves_) all.push_back(entry.first);
                return items(all);
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

void BusItemExporter::add(const std::string& path, const Value& initial, PathFormat format, SetHandler onSet,
                          Signals signals)
{
    if (leaves_.count(path)) return;
    addNodesAbove(path);
    auto& leaf = leaves_[path];
    leaf.format = format;
    leaf.value = coerce(initial, format).value_or(Invalid{});
    leaf.onSet = std::move(onSet);
    leaf.signals = signals;
    registerLeaf(path, leaf);
    // A path added after start is news for consumers that already scanned us.
    leaf.dirty = true;
    dirty_.push_back(path);
}

void BusItemExporter::registerLeaf(const std::string& path, Leaf& leaf)
{
    leaf.object = sdbus::createObject(connection_, path);
    auto& o = *leaf.object;
    o.registerMethod("GetValue").onInterface(kBusItemInterface).implementedAs([this, path] {
        return guarded(path, [&] { return toVariant(value(path)); });
    });
    o.registerMethod("GetText").onInterface(kBusItemInterface).implementedAs([this, path] {
        return guarded(path, [&] { return text(path); });
    });
    o.registerMethod("SetValue").onInterface(kBusItemInterface).implementedAs([this, path](const sdbus::Variant& v) {
        return guarded(path, [&] { return handleSetValue(path, v); });
    });
    o.registerSignal("PropertiesChanged")
        .onInterface(kBusItemInterface)
        .withParameters<std::map<std::string, sdbus::Variant>>();
    o.finishRegistration();
}

std::int32_t BusItemExporter::handleSetValue(const std::string& path, const sdbus::Variant& requested)
{
    auto& leaf = leaves_.at(path);
    const Decoded decoded = fromVariant(requested);
    const auto coerced = decoded.typeOk ? coerce(decoded.value, leaf.format) : std::nullopt;
    if (!leaf.onSet || !coerced || !leaf.onSet(*coerced)) {
        spdlog::debug("SetValue on {} refused", path);
        return 1;
    }
    set(path, *coerced);
    publish();
    return 0;
}

bool BusItemExporter::set(const std::string& path, const Value& v)
{
    auto& leaf = leaves_.at(path);
    Value next = coerce(v, leaf.format).value_or(Invalid{});
    if (next == leaf.value) return false;
    leaf.value = std::move(next);
    if (!leaf.dirty) {
        leaf.dirty = true;
        dirty_.push_back(path);
    }
    return true;
}

const Value& BusItemExporter::value(const std::string& path) const { return leaves_.at(path).value; }

std::string BusItemExporter::text(const std::string& path) const
{
    const auto& leaf = leaves_.at(path);
    return formatText(leaf.value, leaf.format);
}

void BusItemExporter::publish()
{
    if (dirty_.empty()) return;
    std::vector<std::string> changed;
    changed.swap(dirty_);
    for (const auto& path : changed) leaves_.at(path).dirty = false;

    std::vector<ItemOut> out;
    out.reserve(changed.size());
    for (const auto& path : changed) {
        const auto& leaf = leaves_.at(path);
        out.push_back({&path, &leaf.value, formatText(leaf.value, leaf.format)});
    }
    if (options_.itemsChanged) {
        auto& root = *nodes_.at("/");
        auto signal = root.createSignal(kBusItemInterface, "ItemsChanged");
        writeItems(signal, out);
        root.emitSignal(signal);
    }
    if (options_.propertiesChanged)
        for (const auto& item : out) {
            const auto& leaf = leaves_.at(*item.path);
            if (leaf.signals != Signals::Both) continue;
            auto& object = *leaf.object;
            auto signal = object.createSignal(kBusItemInterface, "PropertiesChanged");
            writePropertiesChanged(signal, *item.value, item.text);
            object.emitSignal(signal);
        }
}

ItemMap BusItemExporter::items(const std::vector<std::string>& paths) const
{
    ItemMap out;
    for (const auto& path : paths) {
        const auto& leaf = leaves_.at(path);
        out.emplace(path, itemDict(leaf.value, formatText(leaf.value, leaf.format)));
    }
    return out;
}

template <typename F>
void BusItemExporter::forEachBelow(const std::string& node, F&& f) const
{
    const std::string prefix = subtreePrefix(node);
    for (auto it = leaves_.lower_bound(prefix); it != leaves_.end() && it->first.compare(0, prefix.size(), prefix) == 0;
         ++it)
        f(relativeKey(node, it->first), it->second);
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
