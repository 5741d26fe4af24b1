// fake-settings: a stand-in for Venus OS localsettings on a private test bus. It implements what
// the aggregator uses: AddSettings on / (com.victronenergy.Settings), and every setting as a
// BusItem with GetValue/SetValue/PropertiesChanged. A ClassAndVrmInstance setting is granted the
// first instance of its class that is not taken, like localsettings does.
//
//   fake-settings [--taken battery:512]...

#include "dbus/bus_dispatcher.h"
#include "dbus/busitem_codec.h"
#include "dbus/busitem_exporter.h"
#include "event/event_loop.h"

#include <fmt/format.h>
#include <sdbus-c++/sdbus-c++.h>
#include <spdlog/spdlog.h>

#include <csignal>
#include <set>
#include <string>
#include <vector>

namespace {

using Dict = std::map<std::string, sdbus::Variant>;

bool endsWith(const std::string& s, const std::string& suffix)
{
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

class FakeSettings {
public:
    FakeSettings(sdbus::IConnection& connection, std::set<std::string> taken)
        : exporter_(connection, {true, true}), taken_(std::move(taken)), root_(sdbus::createObject(connection, "/"))
    {
        root_->registerMethod("AddSettings")
            .onInterface("com.victronenergy.Settings")
            .implementedAs([this](const std::vector<Dict>& request) { return addSettings(request); });
        root_->finishRegistration();
    }

private:
    std::vector<Dict> addSettings(const std::vector<Dict>& request)
    {
        std::vector<Dict> out;
        for (const auto& item : request) {
            const std::string path = item.at("path").get<std::string>();
            const bagg::Value def = bagg::fromVariant(item.at("default")).value;
            if (!exporter_.has(path)) {
                bagg::Value initial = def;
                if (endsWith(path, "/ClassAndVrmInstance")) initial = grantInstance(std::get<std::string>(def));
                const auto format = std::holds_alternative<std::string>(def) ? bagg::PathFormat::text()
                                                                             : bagg::PathFormat::number(6, "");
                exporter_.add(path, initial, format, [](const bagg::Value&) { return true; });
                spdlog::info("added {} = {}", path, exporter_.text(path));
            }
            out.push_back({{"path", sdbus::Variant(path)},
                           {"error", sdbus::Variant(std::int32_t{0})},
                           {"value", bagg::toVariant(exporter_.value(path))}});
        }
        exporter_.publish();
        return out;
    }

    // "battery:512" with battery:512 taken -> "battery:513"
    std::string grantInstance(const std::string& wanted)
    {
        const auto colon = wanted.find(':');
        const std::string cls = wanted.substr(0, colon);
        int n = std::stoi(wanted.substr(colon + 1));
        while (taken_.count(fmt::format("{}:{}", cls, n))) ++n;
        const std::string granted = fmt::format("{}:{}", cls, n);
        taken_.insert(granted);
        return granted;
    }

    bagg::BusItemExporter exporter_;
    std::set<std::string> taken_;
    std::unique_ptr<sdbus::IObject> root_;
};

}  // namespace

int main(int argc, char** argv)
{
    std::set<std::string> taken;
    for (int i = 1; i + 1 < argc; i += 2)
        if (std::string(argv[i]) == "--taken") taken.insert(argv[i + 1]);
    try {
        bagg::EventLoop loop;
        auto connection = sdbus::createSystemBusConnection();
        bagg::BusDispatcher dispatcher(loop, *connection, [&loop](const std::string&) { loop.exit(3); });
        FakeSettings settings(*connection, taken);
        connection->requestName("com.victronenergy.settings");
        bagg::SignalEvent term(loop, SIGTERM, [&loop] { loop.exit(0); });
        return loop.run();
    } catch (const std::exception& e) {
        spdlog::critical("fake-settings: {}", e.what());
        return 1;
    }
}
