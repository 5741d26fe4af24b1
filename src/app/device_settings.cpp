#include "device_settings.h"

#include "packs/device_instance.h"

#include <spdlog/spdlog.h>

namespace bagg {
namespace {

// Object path elements allow only [A-Za-z0-9_]: the process name with underscores.
constexpr const char* kSettingsRoot = "/Settings/Devices/dbus_battery_aggregator";
const std::string kInstanceSetting = std::string(kSettingsRoot) + "/ClassAndVrmInstance";
const std::string kCustomNameSetting = std::string(kSettingsRoot) + "/CustomName";
std::vector<SettingsClient::Setting> settingsFor(const ServiceConfig& c)
{
    std::vector<SettingsClient::Setting> out{{kCustomNameSetting, std::string()}};
    if (!c.deviceInstance) out.push_back({kInstanceSetting, "battery:" + std::to_string(c.preferredInstance)});
    return out;
}

}  // namespace

DeviceSettings::DeviceSettings(EventLoop& loop, sdbus::IConnection& connection, const ServiceConfig& config,
                               Hooks hooks)
    : config_(config),
      hooks_(std::move(hooks)),
      settings_(connection, kSettingsRoot, settingsFor(config),
                [this](const std::string& path, const Value& value) { onSetting(path, value); }),
      timeout_(loop,
               [this] {
                   timedOut_ = true;
                   if (instance_) return;
                   spdlog::warn("no answer from {} within {} s: using device instance {}", kSettingsService,
                                std::chrono::duration<double>(config_.settingsTimeout).count(), config_.preferredInstance);
                   setInstance(config_.preferredInstance);
               })
{
    if (config.deviceInstance) {
        instance_ = *config.deviceInstance;
    } else {
        timeout_.schedule(config.settingsTimeout);
        spdlog::info("waiting for {} to grant a device instance", kSettingsService);
    }
}

void DeviceSettings::setInstance(int instance)
{
    if (instance_ && *instance_ != instance) spdlog::info("device instance changed to {}", instance);
    instance_ = instance;
    hooks_.onInstance(instance);
}

void DeviceSettings::onSetting(const std::string& path, const Value& value)
{
    if (path == kInstanceSetting) {
        const auto* text = std::get_if<std::string>(&value);
        if (const auto instance = text ? parseClassAndVrmInstance(*text) : std::nullopt) {
            timeout_.cancel();
            setInstance(*instance);
        } else {
            spdlog::error("unreadable {}; keeping the device instance", path);
        }
    } else if (path == kCustomNameSetting) {
        if (const auto* name = std::get_if<std::string>(&value)) hooks_.onCustomName(*name);
    }
}

bool DeviceSettings::instanceFree(const std::set<int>& taken)
{
    if (!instance_ || !(config_.deviceInstance || settings_.registered() || timedOut_)) return false;
    if (!taken.count(*instance_)) return true;
    if (config_.deviceInstance) {
        if (!clashLogged_)
            spdlog::error("device_instance {} is also published by another battery service: the GX cannot tell "
                          "the two apart; choose a free one in the configuration",
                          *instance_);
        clashLogged_ = true;
        return true;
    }
    const int free = firstFreeInstance(*instance_, taken);
    if (requested_ == free) return false;  // asked already; waiting for the settings service
    spdlog::warn("device instance {} is already published by another battery service; taking {}", *instance_, free);
    requested_ = free;
    if (!settings_.write(kInstanceSetting, "battery:" + std::to_string(free))) setInstance(free);
    return false;
}

bool DeviceSettings::saveCustomName(const std::string& name) { return settings_.write(kCustomNameSetting, name); }

}  // namespace bagg
