#include "sim_driver.h"

#include <sdbus-c++/Error.h>
#include <spdlog/spdlog.h>

#include <optional>

namespace bagg::sim {

SimDriver::SimDriver(EventLoop& loop, const SimOptions& options, std::string serviceName)
    : serviceName_(std::move(serviceName)),
      connection_(sdbus::createSystemBusConnection()),
      dispatcher_(loop, *connection_,
                  [&loop](const std::string& why) {
                      spdlog::critical("sim lost the bus: {}", why);
                      loop.exit(3);
                  }),
      exporter_(*connection_, {options.batched, !options.batched})
{
}

void SimDriver::add(const std::string& path, const Value& initial, PathFormat format)
{
    exporter_.add(path, initial, format, [this, path](const Value&) {
        pinned_.insert(path);
        return true;
    });
}

void SimDriver::set(const std::string& path, const Value& v)
{
    if (!pinned(path)) exporter_.set(path, v);
}

void SimDriver::addControls(BusItemExporter& control, const std::string& prefix)
{
    const auto flag = [](const Value& v) -> std::optional<bool> {
        const auto n = asNumber(v);
        if (!n || (*n != 0.0 && *n != 1.0)) return std::nullopt;
        return *n == 1.0;
    };
    control.add(prefix + "Service", serviceName_, PathFormat::text());
    control.add(prefix + "Present", std::int64_t{1}, PathFormat::integer(), [this, flag](const Value& v) {
        const auto on = flag(v);
        return on && setPresent(*on);
    });
    control.add(prefix + "Frozen", std::int64_t{0}, PathFormat::integer(), [this, flag](const Value& v) {
        const auto on = flag(v);
        if (on) setFrozen(*on);
        return on.has_value();
    });
}

bool SimDriver::setPresent(bool present)
{
    if (present == present_) return true;
    try {
        if (present) connection_->requestName(serviceName_);
        else connection_->releaseName(serviceName_);
    } catch (const sdbus::Error& e) {
        spdlog::error("{}: {}", serviceName_, e.getMessage());
        return false;
    }
    present_ = present;
    spdlog::info("{} {} the bus", serviceName_, present ? "is on" : "left");
    return true;
}

void SimDriver::setFrozen(bool frozen)
{
    frozen_ = frozen;
    dispatcher_.setPaused(frozen);
    spdlog::info("{} {}", serviceName_, frozen ? "frozen" : "thawed");
}

}  // namespace bagg::sim
