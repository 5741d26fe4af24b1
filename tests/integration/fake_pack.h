#pragma once
// A battery service living in the test process that can send anything: wrong types, NaN, absurd
// values, signals of the wrong signature, odd paths. Real D-Bus messages on the private bus, so the
// daemon under test decodes exactly what a broken BMS driver would send it.

#include "test_bus.h"

#include <sdbus-c++/sdbus-c++.h>

#include <functional>
#include <map>
#include <memory>
#include <string>

namespace bagg::test {

using ItemDict = std::map<std::string, sdbus::Variant>;
using Items = std::map<std::string, ItemDict>;

inline ItemDict item(const sdbus::Variant& value) { return {{"Value", value}, {"Text", sdbus::Variant(std::string("?"))}}; }

class FakePack {
public:
    // How / answers the first read: GetItems, or (an older driver) only GetValue with relative keys.
    enum class Root { GetItems, GetValueOnly };
    // Registers / answering `initial`, then takes `service`. The client pumps it.
    FakePack(BusClient& client, std::string service, Items initial, Root root = Root::GetItems);
    ~FakePack();

    void itemsChanged(const Items& items);
    void propertiesChanged(const std::string& path, const sdbus::Variant& value);
    // A signal with any body, e.g. the wrong signature: fill(signal) writes the arguments.
    void rawSignal(const std::string& path, const std::string& member, const std::function<void(sdbus::Signal&)>& fill);
    void leave();

private:
    sdbus::IObject& objectAt(const std::string& path);

    BusClient& client_;
    std::string service_;
    Items items_;
    std::unique_ptr<sdbus::IConnection> connection_;
    std::map<std::string, std::unique_ptr<sdbus::IObject>> objects_;
};

}  // namespace bagg::test
