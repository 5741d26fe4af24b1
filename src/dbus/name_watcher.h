#pragma once
// Tells when services of one name namespace appear on the bus and leave it, with the unique name
// of their owner: ListNames once at start, then NameOwnerChanged (arg0namespace) for changes.

#include <sdbus-c++/IConnection.h>
#include <sdbus-c++/IProxy.h>

#include <functional>
#include <memory>
#include <string>

namespace bagg {

class NameWatcher {
public:
    using Appeared = std::function<void(const std::string& name, const std::string& uniqueOwner)>;
    using Vanished = std::function<void(const std::string& name)>;

    // nameSpace: "com.victronenergy.battery" matches that name and every "com.victronenergy.battery.*".
    NameWatcher(sdbus::IConnection& connection, std::string nameSpace, Appeared appeared, Vanished vanished);
    NameWatcher(const NameWatcher&) = delete;
    NameWatcher& operator=(const NameWatcher&) = delete;

    // ListNames has been answered and the owner of every name it listed is known.
    bool initialScanDone() const { return listed_ && pendingOwners_ == 0; }

private:
    bool inNamespace(const std::string& name) const;
    void onNameOwnerChanged(sdbus::Message& msg);
    void onListNames(sdbus::MethodReply& reply, const sdbus::Error* error);
    void resolveOwner(const std::string& name);

    std::string nameSpace_;
    Appeared appeared_;
    Vanished vanished_;
    std::unique_ptr<sdbus::IProxy> busProxy_;
    sdbus::Slot match_;
    bool listed_ = false;
    int pendingOwners_ = 0;
};

}  // namespace bagg
