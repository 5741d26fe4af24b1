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
            readAll(newOwner, "GetItems", 0);
        }
    }
    recordBound();
}

// GetItems once, as systemcalc does; a driver without it (UnknownMethod) is read through GetValue
// on "/", as the daemon reads it. A call that fails otherwise (a timeout on a loaded machine) is
// tried again: until a read succeeds the pack counts as unbounded, never as vouching for nothing.
void LimitGuard::readAll(const std::string& unique, const char* method, int attempt)
{
    auto proxy = sdbus::createProxy(connection_, unique, "/");
    proxy->finishRegistration();
    auto call = proxy->createMethodCall(kBusItemInterface, method);
    const bool items = std::string(method) == "GetItems";
    proxy->callMethod(
        call,
        [this, unique, items, attempt](sdbus::MethodReply& reply, const sdbus::Error* error) {
            auto it = packs_.find(unique);
            if (it == packs_.end()) return;
            if (error) {
                if (items && error->getName() == "org.freedesktop.DBus.Error.UnknownMethod")
                    return readAll(unique, "GetValue", 0);
                if (attempt < kReadAttempts) return readAll(unique, items ? "GetItems" : "GetValue", attempt + 1);
                it->second.readError = error->getName() + ": " + error->getMessage();
            } else {
                try {
                    for (const auto& pv : items ? decodeItems(reply) : decodeNodeValue(reply, "/"))
                        apply(it->second, pv.path, pv.value.value);
                } catch (const sdbus::Error& e) {
                    it->second.readError = e.getName() + ": " + e.getMessage();  // its signals still tell
                }
            }
            it->second.read = true;
            recordBound();
        },
        kReadTimeoutMicroseconds);
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
    // What the guard knows of each pack, so that a violation says whether it is the daemon's or the guard's.
    std::string packs;
    for (const auto& [unique, p] : packs_) {
        const auto service = services_.find(unique);
        packs += fmt::format("; {} {}: CCL {} DCL {} allow {}/{}{}", service == services_.end() ? "" : service->second,
                             unique, p.ccl ? fmt::format("{:g}", *p.ccl) : "-", p.dcl ? fmt::format("{:g}", *p.dcl) : "-",
                             int(p.allowCharge), int(p.allowDischarge),
                             !p.read ? ", not read yet" : p.readError.empty() ? "" : ", read failed: " + p.readError);
    }
    violations_.push_back(fmt::format("{} {:g} A published while the packs on the bus vouch for {:g} A together "
                                      "({} pack service(s){})",
                                      charge ? "CCL" : "DCL", published, allowed, packs_.size(), packs));
}

}  // namespace bagg::test
