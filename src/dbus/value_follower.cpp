#include "value_follower.h"

#include "busitem_codec.h"
#include "busitem_wire.h"
#include "event/call_guard.h"
#include "raw_message.h"
#include "venus_names.h"

#include <sdbus-c++/Error.h>
#include <spdlog/spdlog.h>
#include <systemd/sd-bus.h>

#include <algorithm>

namespace bagg {
namespace {

constexpr std::uint64_t kCallTimeoutUsec = 5'000'000;

std::optional<double> number(const Decoded& d) { return d.typeOk ? asNumber(d.value) : std::nullopt; }

}  // namespace

// One service: a proxy per path for the initial GetValue, and its signal matches.
struct ValueFollower::Followed {
    std::string owner;
    std::vector<std::unique_ptr<sdbus::IProxy>> proxies;
    std::vector<sdbus::Slot> matches;
};

ValueFollower::ValueFollower(sdbus::IConnection& connection, std::string nameSpace, std::vector<std::string> paths,
                             std::function<void()> onChanged)
    : connection_(connection),
      paths_(std::move(paths)),
      onChanged_(std::move(onChanged)),
      watcher_(
          connection, std::move(nameSpace),
          [this](const std::string& name, const std::string& owner) { onAppeared(name, owner); },
          [this](const std::string& name) { onVanished(name); })
{
}

ValueFollower::~ValueFollower() = default;

void ValueFollower::set(const std::string& service, std::string_view path, const std::optional<double>& v)
{
    auto s = values_.find(service);
    if (s == values_.end()) return;
    auto p = s->second.find(path);
    if (p == s->second.end() || p->second == v) return;
    p->second = v;
    onChanged_();
}

void ValueFollower::onAppeared(const std::string& service, const std::string& owner)
{
    auto& f = followed_[service];
    if (f && f->owner == owner) return;  // ListNames and NameOwnerChanged both told us
    f = std::make_unique<Followed>();
    f->owner = owner;
    auto& values = values_[service];
    values.clear();
    for (const auto& path : paths_) values.emplace(path, std::nullopt);

    const std::string rule = "type='signal',sender='" + owner + "',interface='" + kBusItemInterface + "'";
    for (const auto& path : paths_)
        f->matches.push_back(connection_.addMatch(rule + ",member='PropertiesChanged',path='" + path + "'",
                                                  [this, service](sdbus::Message& msg) {
                                                      guardedCallback("followed signal", [&] {
                                                          Decoded d;
                                                          const char* p = sd_bus_message_get_path(RawMessage::of(msg));
                                                          if (p && readPropertiesChanged(msg, d)) set(service, p, number(d));
                                                      });
                                                  }));
    f->matches.push_back(connection_.addMatch(rule + ",member='ItemsChanged',path='/'", [this, service](sdbus::Message& msg) {
        guardedCallback("followed signal", [&] {
            visitItems(msg, [&](std::string_view path, const Decoded& d) { set(service, path, number(d)); });
        });
    }));
    for (const auto& path : paths_) {
        auto proxy = sdbus::createProxy(connection_, owner, path);
        proxy->finishRegistration();
        auto call = proxy->createMethodCall(kBusItemInterface, "GetValue");
        proxy->callMethod(
            call,
            [this, service, path](sdbus::MethodReply& reply, const sdbus::Error* error) {
                guardedCallback("followed value", [&] {
                    if (error) return;  // a service without this path: it stays absent
                    sdbus::Variant v;
                    reply >> v;
                    set(service, path, number(fromVariant(v)));
                });
            },
            kCallTimeoutUsec);
        f->proxies.push_back(std::move(proxy));
    }
    spdlog::debug("following {} ({})", service, owner);
    onChanged_();
}

void ValueFollower::onVanished(const std::string& service)
{
    if (!followed_.erase(service)) return;
    values_.erase(service);
    onChanged_();
}

}  // namespace bagg
