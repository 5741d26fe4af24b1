#include "pack_reader.h"

#include "busitem_wire.h"
#include "event/call_guard.h"
#include "packs/battery_paths.h"
#include "raw_message.h"

#include <sdbus-c++/Error.h>
#include <spdlog/spdlog.h>
#include <systemd/sd-bus.h>

#include <chrono>

namespace bagg {
namespace {

constexpr auto kCallTimeout = std::chrono::seconds(5);
constexpr auto kRetryDelay = std::chrono::seconds(5);

const char* nonNull(const char* s) { return s ? s : ""; }

uint64_t usec(std::chrono::microseconds d) { return static_cast<uint64_t>(d.count()); }

bool isMissingMethod(const sdbus::Error& e)
{
    const auto& name = e.getName();
    return name == "org.freedesktop.DBus.Error.UnknownMethod" || name == "org.freedesktop.DBus.Error.UnknownObject" ||
           name == "org.freedesktop.DBus.Error.UnknownInterface";
}

}  // namespace

PackReader::PackReader(EventLoop& loop, sdbus::IConnection& connection, std::string service, std::string uniqueName,
                       const PlausibilityConfig& limits, LivenessConfig liveness, std::function<void(Urgency)> onChanged,
                       const std::vector<PackOverride>* overrides)
    : uniqueName_(std::move(uniqueName)),
      limits_(limits),
      onChanged_(std::move(onChanged)),
      values_(std::move(service), overrides),
      liveness_(liveness),
      root_(sdbus::createProxy(connection, uniqueName_, "/")),
      connected_(sdbus::createProxy(connection, uniqueName_, std::string(quantityPath(Quantity::Connected)))),
      retry_(loop, [this] { requestItems(); }),
      livenessTimer_(loop, [this] { checkLiveness(); })
{
    root_->finishRegistration();
    connected_->finishRegistration();
    // Keyed on the unique name: the bus daemon sends us only this service's signals, and a
    // well-known name could not be matched on our side (signals carry the unique sender).
    match_ = connection.addMatch("type='signal',sender='" + uniqueName_ + "',interface='" + kBusItemInterface + "'",
                                 [this](sdbus::Message& msg) {
                                     guardedCallback("battery signal", [&] { onSignal(msg); });
                                 });
    requestItems();
    livenessTimer_.schedule(liveness_.interval);
}

PackReader::~PackReader() = default;

void PackReader::checkLiveness()
{
    livenessTimer_.schedule(liveness_.interval);
    if (livenessPending_) return;  // the previous call still runs (its timeout is shorter than the interval)
    livenessPending_ = true;
    auto call = connected_->createMethodCall(kBusItemInterface, "GetValue");
    connected_->callMethod(
        call,
        [this](sdbus::MethodReply&, const sdbus::Error* error) {
            guardedCallback("liveness reply", [&] { onLivenessReply(error); });
        },
        usec(liveness_.timeout));
}

void PackReader::onLivenessReply(const sdbus::Error* error)
{
    livenessPending_ = false;
    // Any answer, even an error (a driver without /Connected), shows that the driver's loop runs.
    const bool answered = !error || (error->getName() != "org.freedesktop.DBus.Error.Timeout" &&
                                     error->getName() != "org.freedesktop.DBus.Error.NoReply");
    setMissedLiveness(answered ? 0 : missedLiveness_ + 1, "answers again");
}

void PackReader::setMissedLiveness(int missed, const char* how)
{
    const bool wasUnresponsive = unresponsive();
    missedLiveness_ = missed;
    if (unresponsive() == wasUnresponsive) return;
    if (unresponsive())
        spdlog::warn("{} ({}) does not answer: unresponsive", values_.label(), values_.service());
    else
        spdlog::info("{} ({}) {}", values_.label(), values_.service(), how);
    onChanged_(Urgency::Prompt);
}

void PackReader::onSignal(sdbus::Message& msg)
{
    // A signal shows that the driver's loop runs, as an answer does. It also clears a miss that
    // was ours: sd-bus times a call out before it reads further, so when we are behind (a storm of
    // signals, a starved CPU) a reply queued behind the pack's own signals counts as a miss.
    if (missedLiveness_ != 0) setMissedLiveness(0, "publishes again");
    // Straight from the header: sdbus-c++'s getters copy into std::strings, for every signal.
    sd_bus_message* raw = RawMessage::of(msg);
    const std::string_view member = nonNull(sd_bus_message_get_member(raw));
    const std::string_view path = nonNull(sd_bus_message_get_path(raw));
    Change changed;
    try {
        if (member == "PropertiesChanged") {
            // The object path first: a signal on a path we do not use is not read at all.
            if (!PackValues::reads(path)) return;
            Decoded value;
            if (readPropertiesChanged(msg, value)) applyOne(path, value, changed);
        } else if (member == "ItemsChanged" && path == "/") {
            visitItems(
                msg, [&](std::string_view itemPath, const Decoded& value) { applyOne(itemPath, value, changed); },
                &PackValues::reads);
        }
    } catch (const sdbus::Error& e) {
        // A signal of the wrong shape: nothing in it is trusted, the fields it would set keep their state.
        if (values_.noteUnreadable(std::string(path)))
            spdlog::warn("{}: unreadable {} on {}: {} (logged once per path)", values_.service(), member, path,
                         e.getMessage());
        return;
    }
    if (changed.any && ready_) onChanged_(changed.urgency);
}

void PackReader::applyOne(std::string_view path, const Decoded& value, Change& changed)
{
    const auto outcome = values_.apply(path, value, limits_);
    switch (outcome.kind) {
    case ApplyOutcome::Kind::Changed: changed.add(outcome.urgency); break;
    case ApplyOutcome::Kind::Rejected:
        changed.add(outcome.urgency);  // the field became absent
        if (outcome.firstForPath)
            spdlog::warn("{} ({}): ignoring {} on {} (logged once per path)", values_.label(), values_.service(),
                         outcome.reason, path);
        break;
    default: break;
    }
}

template <typename Decode>
void PackReader::readRoot(const char* method, Decode decode, std::function<void()> onMissing)
{
    auto call = root_->createMethodCall(kBusItemInterface, method);
    root_->callMethod(
        call,
        [this, method, decode, onMissing](sdbus::MethodReply& reply, const sdbus::Error* error) {
            guardedCallback("initial read reply", [&] {
                if (error && onMissing && isMissingMethod(*error)) return onMissing();
                if (error) {
                    spdlog::warn("{}: {} on / failed ({}); retrying", values_.service(), method, error->getMessage());
                    return retryLater();
                }
                try {
                    onInitialRead(decode(reply));
                } catch (const sdbus::Error& e) {
                    spdlog::warn("{}: unreadable reply to {} on / ({}); retrying", values_.service(), method,
                                 e.getMessage());
                    retryLater();
                }
            });
        },
        usec(kCallTimeout));
}

void PackReader::requestItems()
{
    readRoot(
        "GetItems",
        [this](sdbus::MethodReply& reply) {
            std::size_t paths = 0;
            Change changed;
            visitItems(
                reply,
                [&](std::string_view path, const Decoded& value) {
                    applyOne(path, value, changed);
                    ++paths;
                },
                &PackValues::reads);
            return paths;
        },
        [this] { requestRootValue(); });
}

void PackReader::requestRootValue()
{
    spdlog::info("{} has no GetItems; reading GetValue on /", values_.service());
    readRoot(
        "GetValue",
        [this](sdbus::MethodReply& reply) {
            Change changed;
            const auto values = decodeNodeValue(reply, "/");
            for (const auto& pv : values) applyOne(pv.path, pv.value, changed);
            return values.size();
        },
        {});
}

void PackReader::onInitialRead(std::size_t paths)
{
    if (!ready_) spdlog::info("battery {} ({}) read: {} paths", values_.label(), values_.service(), paths);
    ready_ = true;
    onChanged_(Urgency::Prompt);
}

void PackReader::retryLater()
{
    retry_.schedule(kRetryDelay);
}

}  // namespace bagg
