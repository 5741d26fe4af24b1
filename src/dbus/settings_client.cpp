#include "settings_client.h"

#include "busitem_wire.h"
#include "event/call_guard.h"

#include <sdbus-c++/Error.h>
#include <spdlog/spdlog.h>

#include <chrono>

namespace bagg {
namespace {

constexpr uint64_t kCallTimeoutUsec = 5'000'000;
using Dict = std::map<std::string, sdbus::Variant>;

}  // namespace

SettingsClient::SettingsClient(sdbus::IConnection& connection, std::string root, std::vector<Setting> settings,
                               OnValue onValue)
    : connection_(connection),
      root_(std::move(root)),
      settings_(std::move(settings)),
      onValue_(std::move(onValue)),
      watcher_(
          connection, kSettingsService,
          [this](const std::string&, const std::string& owner) { onAppeared(owner); },
          [this](const std::string&) { onVanished(); })
{
}

void SettingsClient::onAppeared(const std::string& owner)
{
    if (owner == owner_) return;
    owner_ = owner;
    registered_ = false;
    writtenSinceRegistering_.clear();
    spdlog::info("settings service is on the bus ({}); registering {} settings", owner, settings_.size());
    match_ = connection_.addMatch("type='signal',sender='" + owner +
                                      "',interface='" + kBusItemInterface + "',member='PropertiesChanged',"
                                      "path_namespace='" + root_ + "'",
                                  [this](sdbus::Message& msg) { guardedCallback("settings signal", [&] { onSignal(msg); }); });
    rootProxy_ = sdbus::createProxy(connection_, owner, "/");
    rootProxy_->finishRegistration();
    itemProxies_.clear();
    for (const auto& s : settings_) {
        itemProxies_[s.path] = sdbus::createProxy(connection_, owner, s.path);
        itemProxies_[s.path]->finishRegistration();
    }

    // AddSettings(aa{sv}) -> aa{sv}:
    //   method call dest=com.victronenergy.settings path=/ member=AddSettings
    //      array [ array [ dict entry( string "path" variant string "/Settings/Devices/x/ClassAndVrmInstance" )
    //                      dict entry( string "default" variant string "battery:512" ) ] ]
    //   method return
    //      array [ array [ dict entry( string "path" variant string "/Settings/Devices/x/ClassAndVrmInstance" )
    //                      dict entry( string "error" variant int32 0 )
    //                      dict entry( string "value" variant string "battery:513" ) ] ]
    std::vector<Dict> request;
    for (const auto& s : settings_) request.push_back({{"path", sdbus::Variant(s.path)}, {"default", toVariant(s.defaultValue)}});
    auto call = rootProxy_->createMethodCall(kSettingsInterface, "AddSettings");
    call << request;
    rootProxy_->callMethod(
        call,
        [this](sdbus::MethodReply& reply, const sdbus::Error* error) {
            guardedCallback("AddSettings reply", [&] { onAddSettingsReply(reply, error); });
        },
        kCallTimeoutUsec);
}

void SettingsClient::onVanished()
{
    spdlog::warn("settings service left the bus");
    owner_.clear();
    match_.reset();
    rootProxy_.reset();
    itemProxies_.clear();
}

void SettingsClient::onAddSettingsReply(sdbus::MethodReply& reply, const sdbus::Error* error)
{
    if (error) {
        spdlog::error("AddSettings failed: {}", error->getMessage());
        return;
    }
    std::vector<Dict> results;
    reply >> results;
    for (const auto& r : results) {
        const auto path = r.find("path");
        const auto value = r.find("value");
        const auto err = r.find("error");
        if (path == r.end() || value == r.end()) continue;
        const std::string p = path->second.get<std::string>();
        if (err != r.end() && fromVariant(err->second).value != Value{std::int64_t{0}}) {
            spdlog::error("settings service refused {}", p);
            continue;
        }
        if (writtenSinceRegistering_.count(p)) continue;  // ours is newer; its echo follows as a signal
        onValue_(p, fromVariant(value->second).value);
    }
    registered_ = true;
}

void SettingsClient::onSignal(sdbus::Message& msg)
{
    Decoded value;
    if (readPropertiesChanged(msg, value) && value.typeOk) onValue_(msg.getPath(), value.value);
}

bool SettingsClient::write(const std::string& path, const Value& value)
{
    const auto it = itemProxies_.find(path);
    if (owner_.empty() || it == itemProxies_.end()) return false;
    if (!registered_) writtenSinceRegistering_.insert(path);
    auto call = it->second->createMethodCall(kBusItemInterface, "SetValue");
    call << toVariant(value);
    it->second->callMethod(
        call,
        [path](sdbus::MethodReply& reply, const sdbus::Error* error) {
            guardedCallback("settings SetValue reply", [&] {
                std::int32_t result = -1;
                if (!error) reply >> result;
                if (error || result != 0) spdlog::error("settings service did not store {}", path);
            });
        },
        kCallTimeoutUsec);
    return true;
}

}  // namespace bagg
