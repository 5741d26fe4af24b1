#pragma once
// Reads one battery service: a single match rule keyed on its unique name delivers both
// PropertiesChanged (any path) and ItemsChanged (/); an async GetItems fills in the initial state,
// falling back to GetValue on / for services that lack GetItems.
// Never destroy a PackReader from inside one of its own callbacks: defer it to the loop.

#include "packs/pack_values.h"

#include "event/event_loop.h"

#include <sdbus-c++/IConnection.h>
#include <sdbus-c++/IProxy.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace bagg {

struct LivenessConfig {
    std::chrono::microseconds interval{5'000'000};
    std::chrono::microseconds timeout{2'000'000};
};

class PackReader {
public:
    // onChanged: a value or the pack's responsiveness changed, and how soon that must count
    // (Urgency, packs/battery_paths.h: Prompt but for a signal that moved measurements only).
    // overrides: [pack "..."] (not owned).
    PackReader(EventLoop& loop, sdbus::IConnection& connection, std::string service, std::string uniqueName,
               const PlausibilityConfig& limits, LivenessConfig liveness, std::function<void(Urgency)> onChanged,
               const std::vector<PackOverride>* overrides = nullptr);
    ~PackReader();
    PackReader(const PackReader&) = delete;
    PackReader& operator=(const PackReader&) = delete;

    const std::string& uniqueName() const { return uniqueName_; }
    const PackValues& values() const { return values_; }
    bool ready() const { return ready_; }  // the initial read has completed
    // Two liveness calls in a row went unanswered, and it sent no signal in between: a hung driver
    // still owns its name.
    bool unresponsive() const { return missedLiveness_ >= 2; }

private:
    void onSignal(sdbus::Message& msg);
    void requestItems();
    void requestRootValue();
    // The initial read: `method` on /, its reply applied by decode(reply), which returns the number
    // of paths read. A driver without the method goes to onMissing when there is one; any other
    // failure, or an unreadable reply, is retried later.
    template <typename Decode>
    void readRoot(const char* method, Decode decode, std::function<void()> onMissing);
    void onInitialRead(std::size_t paths);
    void retryLater();
    // What one signal or read changed: anything, and the most urgent of it.
    struct Change {
        bool any = false;
        Urgency urgency = Urgency::WithReading;
        void add(Urgency u)
        {
            any = true;
            if (u == Urgency::Prompt) urgency = u;
        }
    };
    void applyOne(std::string_view path, const Decoded& value, Change& changed);
    void checkLiveness();
    void onLivenessReply(const sdbus::Error* error);
    // missedLiveness_ becomes `missed`; a change of unresponsive() is logged (`how`: what showed
    // it answers again) and counted.
    void setMissedLiveness(int missed, const char* how);

    std::string uniqueName_;
    const PlausibilityConfig& limits_;
    std::function<void(Urgency)> onChanged_;
    PackValues values_;
    bool ready_ = false;
    LivenessConfig liveness_;
    int missedLiveness_ = 0;
    bool livenessPending_ = false;
    std::unique_ptr<sdbus::IProxy> root_;
    std::unique_ptr<sdbus::IProxy> connected_;  // /Connected, for the liveness call
    sdbus::Slot match_;
    TimerEvent retry_;
    TimerEvent livenessTimer_;
};

}  // namespace bagg
