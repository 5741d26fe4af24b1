#include "venus_system.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>

namespace bagg::test {
namespace {

constexpr const char* kPython = "/usr/bin/python3";  // Debian's: a pyenv python3 on PATH lacks dbus
constexpr auto kStartBound = std::chrono::seconds(20);  // Python start-up on a loaded machine

std::vector<std::string> listNames(BusClient& client)
{
    auto proxy = sdbus::createProxy(client.connection(), "org.freedesktop.DBus", "/org/freedesktop/DBus");
    proxy->finishRegistration();
    std::vector<std::string> names;
    proxy->callMethod("ListNames").onInterface("org.freedesktop.DBus").withTimeout(std::chrono::seconds(2)).storeResultsTo(names);
    return names;
}

bool startsWith(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

// Checked once per test binary: every Victron service needs these modules (scripts/setup).
void checkPython(const std::string& logDir)
{
    static bool ok = false;
    if (ok) return;
    ChildProcess check({kPython, "-B", "-c", "import dbus, gi, lxml, psutil"}, logDir + "/python-check.log");
    const auto status = check.waitExit(std::chrono::seconds(20));
    if (status != std::optional<int>(0))
        throw std::runtime_error(std::string(kPython) +
                                 " cannot import dbus, gi, lxml and psutil (run scripts/setup): " + check.log());
    ok = true;
}

}  // namespace

double dvccRound(double chargeCurrent) { return std::nearbyint(chargeCurrent); }  // FE_TONEAREST: half to even

std::string VenusSystem::venusDir()
{
    namespace fs = std::filesystem;
    const char* env = std::getenv("BAGG_VENUS_DIR");
    const fs::path dir = env && *env ? fs::path(env) : fs::path(BAGG_SOURCE_DIR) / ".." / "shared" / "venus";
    for (const char* part : {"velib_python/vedbus.py", "localsettings/localsettings.py", "dbus-systemcalc-py/dbus_systemcalc.py"})
        if (!fs::is_regular_file(dir / part))
            throw std::runtime_error("Victron's GX services are missing: no " + (dir / part).string() +
                                     " (the tests expect ../shared/venus next to the project root, see "
                                     "shared/venus/README.md; BAGG_VENUS_DIR overrides)");
    return fs::canonical(dir).string();
}

VenusSystem::VenusSystem(PrivateBus& bus, BusClient& client) : bus_(bus), client_(client), venus_(venusDir())
{
    checkPython(bus_.dir().path());
}

VenusSystem::~VenusSystem() = default;

ChildProcess& VenusSystem::startPython(const std::string& name, const std::string& dir, const std::string& script,
                                       std::vector<std::string> args, bool diesOnSigterm)
{
    // env -C: the services expect to run from their own folder. Their ext/velib_python is a link
    // that the snapshot stores as a plain file, so velib_python comes through PYTHONPATH.
    // DBUS_SESSION_BUS_ADDRESS must go: velib and localsettings prefer a session bus when it is set,
    // and DBUS_SYSTEM_BUS_ADDRESS already points at the private bus. VRM_IFACE=lo: systemcalc's
    // /Serial is a MAC address and it exits when eth0 is missing; lo is always there.
    // PYTHONDONTWRITEBYTECODE: as root, Python would write __pycache__ into ../shared/venus and
    // the source tree.
    std::vector<std::string> argv = {"/usr/bin/env", "-C", dir, "-u", "DBUS_SESSION_BUS_ADDRESS",
                                     "PYTHONPATH=" + venus_ + "/velib_python", "VRM_IFACE=lo",
                                     "PYTHONDONTWRITEBYTECODE=1", kPython, "-u", script};
    argv.insert(argv.end(), args.begin(), args.end());
    services_.push_back({name, std::make_unique<ChildProcess>(argv, bus_.dir().file(name + ".log")), diesOnSigterm});
    return *services_.back().process;
}

void VenusSystem::waitForName(const std::string& busName, const std::string& processName)
{
    Service* s = find(processName);
    const bool up = client_.waitFor([&] { return client_.hasOwner(busName) || !s->process->running(); }, kStartBound);
    if (!up || !s->process->running())
        throw std::runtime_error(busName + " did not appear (" + processName + (s->process->running() ? " still starting" : " exited") +
                                 "):\n" + s->process->log());
}

void VenusSystem::startSettings()
{
    const std::string dir = bus_.dir().file("localsettings");
    std::filesystem::create_directory(dir);
    startPython("localsettings", venus_ + "/localsettings", "localsettings.py", {"--path", dir + "/", "--no-delay"});
    waitForName(kSettingsService, "localsettings");
}

void VenusSystem::startSystemcalc()
{
    if (!client_.hasOwner(kSettingsService)) throw std::runtime_error("startSystemcalc() needs startSettings() first");
    for (const auto& name : listNames(client_))
        if (startsWith(name, "com.victronenergy.battery.") || startsWith(name, "com.victronenergy.vebus."))
            throw std::runtime_error("start systemcalc before " + name +
                                     ": this snapshot's start-up scan fails on a battery or vebus service");
    // dbus_systemcalc.py sets no SIGTERM handler: it dies by the signal (see stop()).
    startPython("systemcalc", venus_ + "/dbus-systemcalc-py", "dbus_systemcalc.py", {}, true);
    waitForName(kSystem, "systemcalc");
}

void VenusSystem::startMulti(const std::string& service, int instance)
{
    const std::string name = "multi-" + service.substr(service.rfind('.') + 1);
    startPython(name, BAGG_SOURCE_DIR "/tests/venus", "multi_standin.py",
                {"--service", service, "--instance", std::to_string(instance), "--velib", venus_ + "/velib_python"});
    waitForName(service, name);
}

ChildProcess& VenusSystem::startBms(const std::string& name, int instance, const std::vector<std::string>& args)
{
    const std::string service = "com.victronenergy.battery." + name;
    std::vector<std::string> all = {"--service", service, "--instance", std::to_string(instance), "--velib",
                                    venus_ + "/velib_python"};
    all.insert(all.end(), args.begin(), args.end());
    auto& p = startPython("bms-" + name, BAGG_SOURCE_DIR "/tests/venus", "velib_bms.py", all);
    waitForName(service, "bms-" + name);
    return p;
}

void VenusSystem::startDcDevice(const std::string& service, int instance, const std::vector<std::string>& args)
{
    std::vector<std::string> all = {"--service", service, "--instance", std::to_string(instance), "--velib",
                                    venus_ + "/velib_python"};
    all.insert(all.end(), args.begin(), args.end());
    const std::string name = "dc-" + service.substr(std::string("com.victronenergy.").size());
    startPython(name, BAGG_SOURCE_DIR "/tests/venus", "dc_device.py", all);
    waitForName(service, name);
}

void VenusSystem::stopBms(const std::string& name)
{
    Service* s = find("bms-" + name);
    if (!s) throw std::runtime_error("no BMS stand-in " + name);
    stop(*s);
}

void VenusSystem::setSetting(const std::string& path, const sdbus::Variant& value)
{
    const auto result = client_.setValue(kSettingsService, path, value);
    if (result != 0) throw std::runtime_error("localsettings refused " + path + " (SetValue returned " + std::to_string(result) + ")");
}

void VenusSystem::selectBatteryMonitor(std::int64_t deviceInstance)
{
    setSetting("/Settings/SystemSetup/BatteryService",
               sdbus::Variant("com.victronenergy.battery/" + std::to_string(deviceInstance)));
}

Value VenusSystem::system(const std::string& path) { return client_.getValue(kSystem, path); }

Value VenusSystem::multiLimit(const std::string& name, const std::string& multi)
{
    return client_.getValue(multi, "/BatteryOperationalLimits/" + name);
}

bool VenusSystem::waitMultiLimit(const std::string& name, double expected, std::chrono::milliseconds bound,
                                 const std::string& multi)
{
    return client_.waitFor([&] { return asNumber(multiLimit(name, multi)) == expected; }, bound);
}

void VenusSystem::stop(Service& s)
{
    if (s.stopped) return;
    s.stopped = true;
    if (!s.process->running()) {
        // It exited during the test: whatever the status, that is a failure (systemcalc's
        // exit_on_error() exits 1 on any exception in a timer).
        ADD_FAILURE() << s.name << " exited during the test with status " << s.process->waitExit(std::chrono::seconds(0)).value_or(-1);
        return;
    }
    const auto status = s.process->stop(SIGTERM, std::chrono::seconds(10));
    // dbus_systemcalc.py installs no SIGTERM handler, so Python's default applies: it dies by the
    // signal (ChildProcess reports 128 + 15). That is how daemontools stops it on a GX, so it is its
    // clean stop. localsettings (own handler) and our stand-ins (GLib unix signal source) exit 0.
    const int clean = s.diesOnSigterm ? 128 + SIGTERM : 0;
    EXPECT_EQ(status, std::optional<int>(clean)) << s.name << " did not stop cleanly on SIGTERM";
}

void VenusSystem::stopSystemcalc()
{
    if (Service* s = find("systemcalc")) stop(*s);
}

void VenusSystem::stopAll()
{
    // The consumer first, then the devices, localsettings last (the others use it).
    stopSystemcalc();
    for (auto& s : services_)
        if (s.name != "localsettings" && s.name != "systemcalc") stop(s);
    if (Service* s = find("localsettings")) stop(*s);
}

void VenusSystem::printLogs(std::ostream& os) const
{
    for (const auto& s : services_) os << "---- " << s.name << " log:\n" << s.process->log();
}

// The latest process of that name: a stand-in may be stopped and started again (a driver restart).
VenusSystem::Service* VenusSystem::find(const std::string& name)
{
    for (auto it = services_.rbegin(); it != services_.rend(); ++it)
        if (it->name == name) return &*it;
    return nullptr;
}

}  // namespace bagg::test
