#include "limit_guard.h"

#include "dbus/busitem_codec.h"
#include "dbus/busitem_wire.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace bagg::test {
namespace {

constexpr const char* kAggregateService = "com.victronenergy.battery.aggregate";
constexpr double kUnbounded = std::numeric_limits<double>::infinity();
// Published values are rounded to 0.1 A.
constexpr double kRounding = 0.051;

// A limit a BMS may vouch with: a finite, non-negative number. Anything else vouches for nothing.
std::optional<double> limitOf(const Value& v)
{
    const auto n = asNumber(v);
    if (!n || !std::isfinite(*n) || *n < 0.0) return std::nullopt;
    return n;
}

}  // namespace

LimitGuard::LimitGuard(sdbus::IConnection& connection) : connection_(connection)
{
    nameMatch_ = connection.addMatch(
        "type='signal',sender='org.freedesktop.DBus',interface='org.freedesktop.DBus',member='NameOwnerChanged',"
        "arg0namespace='com.victronenergy.battery'",
        [this](sdbus::Message& msg) { onNameOwnerChanged(msg); });
    signalMatch_ = connection.addMatch("type='signal',interface='com.victronenergy.BusItem'",
                                       [this](sdbus::Message& msg) { onSignal(msg); });
    recordBound();
}

void LimitGuard::onNameOwnerChanged(sdbus::Message& msg)
{
    std::string name, oldOwner, newOwner;
    msg >> name >> oldOwner >> newOwner;
    if (!oldOwner.empty()) {
        services_.erase(oldOwner);
        packs_.erase(oldOwner);
        if (oldOwner == aggregateOwner_) aggregateOwner_.clear();
    }
    if (!newOwner.empty()) {
        services_[newOwner] = name;
        if (name == kAggregateService) {
            aggregateOwner_ = newOwner;
        } else {
            packs_[newOwner] = Pack{};
            readAll(newOwner);
        }
    }
    recordBound();
}

void LimitGuard::readAll(const std::string& unique)
{
    auto proxy = sdbus::createProxy(connection_, unique, "/");
    proxy->finishRegistration();
    auto call = proxy->createMethodCall(kBusItemInterface, "GetItems");
    proxy->callMethod(
        call,
        [this, unique](sdbus::MethodReply& reply, const sdbus::Error* error) {
            auto it = packs_.find(unique);
            if (it == packs_.end()) return;
            if (!error) {
                try {
                    for (const auto& pv : decodeItems(reply)) apply(it->second, pv.path, pv.value.value);
                } catch (const sdbus::Error&) {
                    // a driver without GetItems (or a garbage reply): its signals still tell
                }
            }
            it->second.read = true;
            recordBound();
        },
        2'000'000);
    pending_.push_back(std::move(proxy));
}

// A limit that turns invalid keeps the pack's last valid one: the daemon may hold a pack whose
// values turned invalid (issue 11 rule 3) at what it last said. Looser, never a false alarm.
void LimitGuard::apply(Pack& pack, const std::string& path, const Value& value)
{
    if (path == "/Info/MaxChargeCurrent") {
        if (const auto l = limitOf(value)) pack.ccl = l;
    } else if (path == "/Info/MaxDischargeCurrent") {
        if (const auto l = limitOf(value)) pack.dcl = l;
    }
    else if (path == "/Io/AllowToCharge") pack.allowCharge = asNumber(value).value_or(1.0) != 0.0;
    else if (path == "/Io/AllowToDischarge") pack.allowDischarge = asNumber(value).value_or(1.0) != 0.0;
}

void LimitGuard::onSignal(sdbus::Message& msg)
{
    const std::string sender = msg.getSender();
    const std::string member = msg.getMemberName();
    std::vector<PathValue> items;
    try {
        if (member == "ItemsChanged") {
            items = decodeItems(msg);
        } else if (member == "PropertiesChanged") {
            Decoded d;
            if (readPropertiesChanged(msg, d)) items.push_back({msg.getPath(), d});
        }
    } catch (const sdbus::Error&) {
        return;  // a signal of the wrong shape (fault tests send them): it changes nothing
    }

    if (!aggregateOwner_.empty() && sender == aggregateOwner_) {
        for (const auto& pv : items)
            if (pv.path == "/Info/MaxChargeCurrent" || pv.path == "/Info/MaxDischargeCurrent")
                if (const auto n = asNumber(pv.value.value)) check(pv.path, *n);
        return;
    }
    auto it = packs_.find(sender);
    if (it == packs_.end()) return;
    for (const auto& pv : items) apply(it->second, pv.path, pv.value.value);
    recordBound();
}

void LimitGuard::recordBound()
{
    Bound b{std::chrono::steady_clock::now(), 0.0, 0.0, !packs_.empty()};
    for (const auto& [unique, p] : packs_) {
        if (!p.read) {
            b.ccl = b.dcl = kUnbounded;
            break;
        }
        if (p.allowCharge && p.ccl) b.ccl += *p.ccl;
        if (p.allowDischarge && p.dcl) b.dcl += *p.dcl;
    }
    bounds_.push_back(b);
    if (b.anyPack) lastWithPacks_ = b;
    while (bounds_.size() > 1 && b.at - bounds_.front().at > kInFlight) bounds_.pop_front();
}

void LimitGuard::check(const std::string& path, double published)
{
    ++checks_;
    const bool charge = path == "/Info/MaxChargeCurrent";
    const auto now = std::chrono::steady_clock::now();
    const Bound& current = bounds_.back();
    double allowed = charge ? current.ccl : current.dcl;
    // A bound that held until less than kInFlight ago still counts: it ended when the next began.
    for (std::size_t i = 0; i + 1 < bounds_.size(); ++i)
        if (now - bounds_[i + 1].at <= kInFlight) allowed = std::max(allowed, charge ? bounds_[i].ccl : bounds_[i].dcl);
    if (!charge && !current.anyPack && lastWithPacks_ && now - lastWithPacks_->at <= reconnectGrace_ + kInFlight)
        allowed = std::max(allowed, lastWithPacks_->dcl);

    if (published <= allowed + kRounding) return;
    violations_.push_back(fmt::format("{} {:g} A published while the packs on the bus vouch for {:g} A together "
                                      "({} pack service(s))",
                                      charge ? "CCL" : "DCL", published, allowed, packs_.size()));
}

}  // namespace bagg::test
