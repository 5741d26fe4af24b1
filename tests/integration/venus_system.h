#pragma once
// Victron's own GX services on the test's private bus, next to our daemon: localsettings,
// dbus-systemcalc-py (DVCC) and stand-ins for what a GX has but ../shared/venus does not (a VE.Bus
// Multi, velib-based BMS drivers; tests/venus/*.py). Unmodified Victron code from
// <project>/../shared/venus, run with Debian's /usr/bin/python3 (scripts/setup installs its modules).
//
// Start order matters (VenusSystem checks it):
//   startSettings() -> startSystemcalc() -> startMulti(), BMSes, our daemon -> enableDvcc(), select...
// The systemcalc snapshot must start before any battery or vebus service is on the bus: its
// start-up scan throws in batterydata.py when it finds one, and it never registers
// com.victronenergy.system. Its settings (/Settings/Services/Bol, ...) exist once it is on the bus.
//
// DVCC timing (delegates/dvcc.py): a 1 s GLib timer, installed when the first battery appears,
// does the DVCC work every ADJUST = 3rd tick, so a changed BMS limit reaches the Multi at most
// kDvccPeriod (3 s) later, plus D-Bus latency. waitMultiLimit() waits kDvccBound (2 periods + 2 s
// for the loaded CI machine) so that a late tick is not a failure; tests that check the latency
// itself measure it and compare it with kDvccPeriod plus a stated slack.

#include "aggregator_fixture.h"
#include "test_bus.h"

#include <chrono>
#include <iostream>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

namespace bagg::test {

inline constexpr const char* kSystem = "com.victronenergy.system";
inline constexpr const char* kSettingsService = "com.victronenergy.settings";
inline constexpr const char* kMulti = "com.victronenergy.vebus.ttyS3";
inline constexpr std::chrono::seconds kDvccPeriod{3};                  // ADJUST ticks of 1 s
inline constexpr std::chrono::seconds kDvccBound{2 * 3 + 2};           // 2 periods + 2 s slack

class VenusSystem {
public:
    VenusSystem(PrivateBus& bus, BusClient& client);
    ~VenusSystem();  // ChildProcess stops anything still running
    VenusSystem(const VenusSystem&) = delete;
    VenusSystem& operator=(const VenusSystem&) = delete;

    // <project>/../shared/venus (or $BAGG_VENUS_DIR). Throws with a clear message when it or
    // /usr/bin/python3 with dbus, gi, lxml and psutil is missing: a missing folder is a failure.
    static std::string venusDir();

    // Each start...() waits (bounded) for the service's name and throws with the process log
    // when it does not appear.
    void startSettings();    // localsettings, its settings.xml in the bus's temp dir
    void startSystemcalc();  // needs settings; throws if a battery or vebus service is on the bus
    void startMulti(const std::string& service = kMulti, int instance = 276);
    // tests/venus/velib_bms.py --service com.victronenergy.battery.<name> --instance <instance> <args>
    ChildProcess& startBms(const std::string& name, int instance, const std::vector<std::string>& args = {});
    // SIGTERM and wait; fails the test unless it exits 0. The service leaves the bus.
    void stopBms(const std::string& name);
    // tests/venus/dc_device.py: a Victron device with a writable /Dc/0/Current (`args`: --current A,
    // --min-soc % for an ESS stand-in that registers the ESS minimum SOC setting).
    void startDcDevice(const std::string& service, int instance, const std::vector<std::string>& args = {});

    // SetValue on com.victronenergy.settings; throws unless it is accepted (0).
    void setSetting(const std::string& path, const sdbus::Variant& value);
    void enableDvcc() { setSetting("/Settings/Services/Bol", sdbus::Variant(std::int32_t{1})); }
    // /Settings/SystemSetup/BatteryService = "com.victronenergy.battery/<instance>"
    void selectBatteryMonitor(std::int64_t deviceInstance);

    Value system(const std::string& path);  // GetValue on com.victronenergy.system
    // /BatteryOperationalLimits/<name> on the Multi: MaxChargeVoltage, MaxChargeCurrent, ...
    Value multiLimit(const std::string& name, const std::string& multi = kMulti);
    // Waits until the Multi's limit equals `expected` (numerically); false after the bound.
    bool waitMultiLimit(const std::string& name, double expected, std::chrono::milliseconds bound = kDvccBound,
                        const std::string& multi = kMulti);

    // Stops systemcalc first (so that it does not react to the others leaving), or everything.
    // Each must exit cleanly: 0, or for dbus_systemcalc.py death by SIGTERM (see venus_system.cpp).
    void stopSystemcalc();
    void stopAll();
    void printLogs(std::ostream& os) const;

private:
    struct Service {
        std::string name;
        std::unique_ptr<ChildProcess> process;
        bool diesOnSigterm = false;
        bool stopped = false;
    };
    ChildProcess& startPython(const std::string& name, const std::string& dir, const std::string& script,
                              std::vector<std::string> args, bool diesOnSigterm = false);
    void waitForName(const std::string& busName, const std::string& processName);
    void stop(Service& s);
    Service* find(const std::string& name);

    PrivateBus& bus_;
    BusClient& client_;
    std::string venus_;
    std::vector<Service> services_;
};

// The value dvcc.py writes for a BMS charge current: Python's round() (half to even), as an
// integer; with no solar chargers nothing is subtracted. CVL and DCL are copied unchanged.
double dvccRound(double chargeCurrent);

// AggregatorFixture with Victron's services beside it. TearDown stops systemcalc first, then our
// processes (which must exit 0), then the stand-ins and localsettings.
class VenusFixture : public AggregatorFixture {
protected:
    void TearDown() override
    {
        venus_.stopSystemcalc();
        AggregatorFixture::TearDown();
        venus_.stopAll();
        if (HasFailure()) venus_.printLogs(std::cerr);
    }

    VenusSystem venus_{bus_, client_};  // throws, failing the test, when ../shared/venus is missing
};

}  // namespace bagg::test
