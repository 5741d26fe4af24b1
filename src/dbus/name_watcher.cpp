#include "name_watcher.h"

#include "event/call_guard.h"

#include <sdbus-c++/Error.h>
#include <spdlog/spdlog.h>

#include <chrono>

namespace bagg {
namespace {

constexpr const char* kBusName = "org.freedesktop.DBus";
constexpr const char* kBusPath = "/org/freedesktop/DBus";
constexpr std::chrono::microseconds kCallTimeout = std::chrono::seconds(5);

}  // namespace

NameWatcher::NameWatcher(sdbus::IConnection& connection, std::string nameSpace, Appeared appeared, Vanished vanished)
    : nameSpace_(std::move(nameSpace)),
      appeared_(std::move(appeared)),
      vanished_(std::move(vanished)),
      busProxy_(sdbus::createProxy(connection, kBusName, kBusPath))
{
    busProxy_->finishRegistration();
    // The match goes in before ListNames, so that a name appearing in between is not missed
    // (it may be reported twice; receivers treat a known owner as no news).
    match_ = connection.addMatch(
        "type='signal',sender='org.freedesktop.DBus',interface='org.freedesktop.DBus',member='NameOwnerChanged',"
        "arg0namespace='" + nameSpace_ + "'",
        [this](sdbus::Message& msg) { guardedCallback("NameOwnerChanged", [&] { onNameOwnerChanged(msg); }); });
    auto call = busProxy_->createMethodCall(kBusName, "ListNames");
    busProxy_->callMethod(
        call,
        [this](sdbus::MethodReply& reply, const sdbus::Error* error) {
            guardedCallback("ListNames", [&] { onListNames(reply, error); });
        },
        static_cast<uint64_t>(kCallTimeout.count()));
}

bool NameWatcher::inNamespace(const std::string& name) const
{
    return name == nameSpace_ || (name.size() > nameSpace_.size() && name.compare(0, nameSpace_.size(), nameSpace_) == 0 &&
                                  name[nameSpace_.size()] == '.');
}

void NameWatcher::onNameOwnerChanged(sdbus::Message& msg)
{
    std::string name, oldOwner, newOwner;
    msg >> name >> oldOwner >> newOwner;
    if (!inNamespace(name)) return;
    if (!oldOwner.empty()) vanished_(name);
    if (!newOwner.empty()) appeared_(name, newOwner);
}

void NameWatcher::onListNames(sdbus::MethodReply& reply, const sdbus::Error* error)
{
    listed_ = true;  // also on error: NameOwnerChanged still tells us about every change
    if (error) {
        spdlog::error("ListNames failed: {}", error->getMessage());
        return;
    }
    std::vector<std::string> names;
    reply >> names;
    for (const auto& name : names)
        if (inNamespace(name)) resolveOwner(name);
}

void NameWatcher::resolveOwner(const std::string& name)
{
    auto call = busProxy_->createMethodCall(kBusName, "GetNameOwner");
    call << name;
    ++pendingOwners_;
    busProxy_->callMethod(
        call,
        [this, name](sdbus::MethodReply& reply, const sdbus::Error* error) {
            --pendingOwners_;
            guardedCallback("GetNameOwner", [&] {
                if (error) return;  // gone again before we asked: NameOwnerChanged told or tells
                std::string owner;
                reply >> owner;
                appeared_(name, owner);
            });
        },
        static_cast<uint64_t>(kCallTimeout.count()));
}

}  // namespace bagg
