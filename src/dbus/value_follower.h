#pragma once
// Follows a few numeric paths on every service of one name namespace, read-only: the Victron
// services whose values the aggregate uses besides the batteries (a VE.Bus /Dc/0/Current, the ESS
// minimum SOC in com.victronenergy.settings). When a service appears: GetValue on each path; then
// its PropertiesChanged on those paths (a match rule per path, so the bus daemon drops the rest)
// and its ItemsChanged on / (entries for other paths skipped). A value that is invalid, not a
// number or not read yet is absent.
// Never destroy a ValueFollower from inside one of its own callbacks: defer it to the loop.

#include "name_watcher.h"

#include <sdbus-c++/IConnection.h>
#include <sdbus-c++/IProxy.h>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace bagg {

class ValueFollower {
public:
    using Values = std::map<std::string, std::optional<double>, std::less<>>;  // by path

    // nameSpace as for NameWatcher ("com.victronenergy.vebus": every vebus service; a full service
    // name: that one). onChanged: a value changed, or a service appeared or left.
    ValueFollower(sdbus::IConnection& connection, std::string nameSpace, std::vector<std::string> paths,
                  std::function<void()> onChanged);
    ~ValueFollower();
    ValueFollower(const ValueFollower&) = delete;
    ValueFollower& operator=(const ValueFollower&) = delete;

    // Every service of the namespace on the bus, by name, with the values read so far.
    const std::map<std::string, Values>& services() const { return values_; }
    // ListNames has been answered: services() lists every service there was at start.
    bool initialScanDone() const { return watcher_.initialScanDone(); }

private:
    struct Followed;
    void onAppeared(const std::string& service, const std::string& owner);
    void onVanished(const std::string& service);
    void set(const std::string& service, std::string_view path, const std::optional<double>& v);

    sdbus::IConnection& connection_;
    std::vector<std::string> paths_;
    std::function<void()> onChanged_;
    std::map<std::string, Values> values_;
    std::map<std::string, std::unique_ptr<Followed>> followed_;
    NameWatcher watcher_;  // last: its callbacks use everything above
};

}  // namespace bagg
