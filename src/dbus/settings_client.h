#pragma once
// Our persistent settings in com.victronenergy.settings (localsettings): registers them with
// AddSettings once the service is there (it may start after us), reports their values and every
// later change, and writes new values. Nothing here blocks the loop.

#include "venus_names.h"
#include "packs/busitem_value.h"
#include "name_watcher.h"

#include <sdbus-c++/IConnection.h>
#include <sdbus-c++/IProxy.h>

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace bagg {

class SettingsClient {
public:
    struct Setting {
        std::string path;  // "/Settings/Devices/dbus_battery_aggregator/CustomName"
        Value defaultValue;
    };
    using OnValue = std::function<void(const std::string& path, const Value& value)>;

    // All settings must live under `root` ("/Settings/Devices/dbus_battery_aggregator").
    SettingsClient(sdbus::IConnection& connection, std::string root, std::vector<Setting> settings, OnValue onValue);
    SettingsClient(const SettingsClient&) = delete;
    SettingsClient& operator=(const SettingsClient&) = delete;

    bool available() const { return !owner_.empty(); }
    // AddSettings has been answered: every setting's stored value has been reported.
    bool registered() const { return registered_; }
    // Asynchronous SetValue on the setting; false when the settings service is not there.
    bool write(const std::string& path, const Value& value);

private:
    void onAppeared(const std::string& owner);
    void onVanished();
    void onAddSettingsReply(sdbus::MethodReply& reply, const sdbus::Error* error);
    void onSignal(sdbus::Message& msg);

    sdbus::IConnection& connection_;
    std::string root_;
    std::vector<Setting> settings_;
    OnValue onValue_;
    std::string owner_;
    bool registered_ = false;
    // Written by us after AddSettings went out: the reply's value for them is older than ours.
    std::set<std::string> writtenSinceRegistering_;
    std::unique_ptr<sdbus::IProxy> rootProxy_;
    std::map<std::string, std::unique_ptr<sdbus::IProxy>> itemProxies_;
    sdbus::Slot match_;
    NameWatcher watcher_;  // last: its callbacks use the members above
};

}  // namespace bagg
