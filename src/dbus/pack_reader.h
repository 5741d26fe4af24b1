#pragma once
// Reads one battery service: a single match rule keyed on its unique name delivers both
// PropertiesChanged (any path) and ItemsChanged (/); an async GetItems fills in the initial state,
// falling back to GetValue on / for services that lack GetItems.
// Never destroy a PackReader from inside one of its own callbacks: defer it to the loop.

#include "pack_state.h"

#include "event/event_loop.h"

#include <sdbus-c++/IConnection.h>
#include <sdbus-c++/IProxy.h>

#include <functional>
#include <memory>
#include <string>

namespace bagg {

class PackReader {
public:
    PackReader(EventLoop& loop, sdbus::IConnection& connection, std::string service, std::string uniqueName,
               const PlausibilityConfig& limits, std::function<void()> onChanged);
    ~PackReader();
    PackReader(const PackReader&) = delete;
    PackReader& operator=(const PackReader&) = delete;

    const std::string& uniqueName() const { return uniqueName_; }
    const PackState& state() const { return state_; }
    bool ready() const { return ready_; }  // the initial read has completed

    // Feeds values as if received from the service (used for the reply to our own reads).
    void applyAll(const std::vector<PathValue>& values);

private:
    void onSignal(sdbus::Message& msg);
    void requestItems();
    void requestRootValue();
    template <typename Decode>
    void readReply(Decode&& decode);
    void onInitialRead(const std::vector<PathValue>& values);
    void retryLater();
    void applyOne(const std::string& path, const Decoded& value, bool& changed);

    std::string uniqueName_;
    const PlausibilityConfig& limits_;
    std::function<void()> onChanged_;
    PackState state_;
    bool ready_ = false;
    std::unique_ptr<sdbus::IProxy> root_;
    sdbus::Slot match_;
    TimerEvent retry_;
};

}  // namespace bagg
