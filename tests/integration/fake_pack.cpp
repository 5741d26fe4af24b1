#include "fake_pack.h"

namespace bagg::test {

FakePack::FakePack(BusClient& client, std::string service, Items initial, Root rootKind)
    : client_(client),
      service_(std::move(service)), items_(std::move(initial)), connection_(sdbus::createSystemBusConnection())
{
    auto root = sdbus::createObject(*connection_, "/");
    if (rootKind == Root::GetItems) {
        root->registerMethod("GetItems").onInterface(kBusItemInterface).implementedAs([this] { return items_; });
    } else {
        root->registerMethod("GetValue").onInterface(kBusItemInterface).implementedAs([this] {
            std::map<std::string, sdbus::Variant> values;  // "/Soc" -> "Soc"
            for (const auto& [path, dict] : items_) values[path.substr(1)] = dict.at("Value");
            return sdbus::Variant(values);
        });
    }
    root->finishRegistration();
    objects_["/"] = std::move(root);
    client.alsoPump(*connection_);
    connection_->requestName(service_);
}

FakePack::~FakePack() { client_.stopPumping(*connection_); }

sdbus::IObject& FakePack::objectAt(const std::string& path)
{
    auto& o = objects_[path];
    if (!o) o = sdbus::createObject(*connection_, path);  // no vtable: it only sends signals
    return *o;
}

void FakePack::itemsChanged(const Items& items)
{
    for (const auto& [path, dict] : items) items_[path] = dict;
    auto signal = objectAt("/").createSignal(kBusItemInterface, "ItemsChanged");
    signal << items;
    objectAt("/").emitSignal(signal);
}

void FakePack::propertiesChanged(const std::string& path, const sdbus::Variant& value)
{
    auto signal = objectAt(path).createSignal(kBusItemInterface, "PropertiesChanged");
    signal << item(value);
    objectAt(path).emitSignal(signal);
}

void FakePack::rawSignal(const std::string& path, const std::string& member,
                         const std::function<void(sdbus::Signal&)>& fill)
{
    auto signal = objectAt(path).createSignal(kBusItemInterface, member);
    fill(signal);
    objectAt(path).emitSignal(signal);
}

void FakePack::leave() { connection_->releaseName(service_); }

}  // namespace bagg::test
