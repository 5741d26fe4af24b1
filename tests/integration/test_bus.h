#pragma once
// Real parts for integration tests: a private dbus-daemon in a temp dir, child processes that are
// always stopped, and a client connection that can wait for signals with a bound.
// Never touches the machine's own system bus: DBUS_SYSTEM_BUS_ADDRESS points at the private one.

#include "dbus/busitem_wire.h"
#include "limit_guard.h"

#include <sdbus-c++/sdbus-c++.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <map>
#include <ostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace bagg {
// So that gtest prints an invalid value readably.
inline void PrintTo(const Invalid&, std::ostream* os) { *os << "invalid"; }
}  // namespace bagg

namespace bagg::test {

using namespace std::chrono_literals;

class TempDir {
public:
    TempDir();
    ~TempDir();
    const std::string& path() const { return path_; }
    std::string file(const std::string& name) const { return path_ + "/" + name; }
    void write(const std::string& name, const std::string& content) const;

private:
    std::string path_;
};

class ChildProcess {
public:
    // Starts argv[0] with the given arguments; stdout and stderr go to logFile.
    ChildProcess(std::vector<std::string> argv, const std::string& logFile);
    ~ChildProcess();  // SIGTERM, then SIGKILL after 5 s
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    bool running();
    // Sends `signal` and waits up to `timeout`; the exit status, or nullopt if it did not exit.
    std::optional<int> stop(int signal, std::chrono::milliseconds timeout);
    std::optional<int> waitExit(std::chrono::milliseconds timeout);
    // SIGSTOP, returning once the kernel has stopped it (it runs no further instruction, so what
    // it wrote is what a kill at this moment leaves behind). stop() continues it after its signal.
    bool freeze();
    std::string log() const;
    int pid() const { return pid_; }

private:
    int pid_ = -1;
    std::optional<int> status_;
    std::string logFile_;
    bool frozen_ = false;
};

class PrivateBus {
public:
    PrivateBus();  // starts dbus-daemon and sets DBUS_SYSTEM_BUS_ADDRESS for this process
    ~PrivateBus();
    const std::string& address() const { return address_; }
    TempDir& dir() { return dir_; }
    ChildProcess& daemon() { return *daemon_; }

private:
    TempDir dir_;
    std::string address_;
    std::unique_ptr<ChildProcess> daemon_;
};

// A client on the private bus, pumped by hand (no thread): waitFor() processes incoming messages
// until a condition holds or the time is up, and dispatches what is queued before it returns true.
class BusClient {
public:
    BusClient();
    sdbus::IConnection& connection() { return *connection_; }
    // Checks every CCL/DCL the aggregate publishes while this client pumps (safety rule 1).
    LimitGuard& limitGuard() { return *guard_; }

    bool hasOwner(const std::string& name);
    std::string ownerOf(const std::string& name);
    Value getValue(const std::string& service, const std::string& path);
    std::string getText(const std::string& service, const std::string& path);
    std::int32_t setValue(const std::string& service, const std::string& path, const sdbus::Variant& v);
    std::map<std::string, Value> getItems(const std::string& service);
    std::map<std::string, Value> nodeValue(const std::string& service, const std::string& path);
    std::string introspect(const std::string& service, const std::string& path);

    // Pumps the connection until pred() is true; false after the timeout.
    bool waitFor(const std::function<bool()>& pred, std::chrono::milliseconds timeout = 10s);
    bool waitForValue(const std::string& service, const std::string& path, const Value& expected,
                      std::chrono::milliseconds timeout = 10s);

    // Also processes this connection while waiting (a fake service living in the test process).
    void alsoPump(sdbus::IConnection& other) { others_.push_back(&other); }
    void stopPumping(sdbus::IConnection& other) { others_.erase(std::remove(others_.begin(), others_.end(), &other), others_.end()); }

    // Records every ItemsChanged that `service`'s current owner sends on /, and the paths of its
    // PropertiesChanged signals.
    void recordItemsChanged(const std::string& service);
    const std::vector<std::map<std::string, Value>>& itemsChanged() const { return itemsChanged_; }
    const std::vector<std::string>& propertiesChangedPaths() const { return propertiesChanged_; }
    bool waitForItemsChanged(const std::string& path, const Value& expected, std::chrono::milliseconds timeout = 10s);

private:
    std::unique_ptr<sdbus::IProxy> proxy(const std::string& service, const std::string& path);
    std::vector<sdbus::IConnection*> pumped();
    // Dispatches every message already read or readable without waiting, on every pumped connection.
    void dispatchPending();
    void pump(std::chrono::milliseconds max);

    std::unique_ptr<sdbus::IConnection> connection_;
    std::unique_ptr<LimitGuard> guard_;
    std::vector<sdbus::IConnection*> others_;
    std::vector<std::map<std::string, Value>> itemsChanged_;
    std::vector<std::string> propertiesChanged_;
    std::string recordedOwner_;
    sdbus::Slot itemsMatch_;
    sdbus::Slot propertiesMatch_;
};

// Paths of the binaries under test, from CMake.
std::string daemonPath();
std::string simPath();
std::string fakeSettingsPath();

}  // namespace bagg::test
