#pragma once
// Our device entry in com.victronenergy.settings: the VRM device instance (ClassAndVrmInstance,
// venus-dbus.md §3) and the persisted CustomName; the fallback when no settings service answers
// within settings_timeout; and the rule that we never take a device instance that another battery
// service on the bus publishes (issue 11 rule 9: an older CAN-bus BMS driver sits on 512 without
// a settings entry, so the settings service grants 512 to us too, and selecting battery/512 would
// then make systemcalc use that pack).

#include "bagg/config/config.h"
#include "dbus/settings_client.h"
#include "event/event_loop.h"

#include <functional>
#include <optional>
#include <set>
#include <string>

namespace bagg {

class DeviceSettings {
public:
    struct Hooks {
        std::function<void(int instance)> onInstance;               // the instance to publish changed
        std::function<void(const std::string& name)> onCustomName;  // persisted name, at start and after a GUI change
    };

    DeviceSettings(EventLoop& loop, sdbus::IConnection& connection, const ServiceConfig& config, Hooks hooks);
    DeviceSettings(const DeviceSettings&) = delete;
    DeviceSettings& operator=(const DeviceSettings&) = delete;

    // Fixed in the configuration, granted by the settings service, or the fallback after the timeout.
    std::optional<int> instance() const { return instance_; }
    // True when the instance is known (and, with a settings service, every stored setting has been
    // read: the name is not claimed with a CustomName about to change) and no other battery service
    // publishes it (`taken`). When
    // one does, asks the settings service for the next free one (or takes it at once without a
    // settings service) and returns false until it is granted. A fixed instance is kept: the
    // owner chose it; the clash is logged as an error.
    bool instanceFree(const std::set<int>& taken);
    // Persists a CustomName written on our /CustomName; false when the settings service is absent.
    bool saveCustomName(const std::string& name);

private:
    void onSetting(const std::string& path, const Value& value);
    void setInstance(int instance);

    const ServiceConfig& config_;
    Hooks hooks_;
    std::optional<int> instance_;
    std::optional<int> requested_;  // asked the settings service for this free instance
    bool clashLogged_ = false;
    bool timedOut_ = false;
    SettingsClient settings_;
    TimerEvent timeout_;
};

}  // namespace bagg
