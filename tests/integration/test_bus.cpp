#include "test_bus.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace bagg::test {

// ---- TempDir ----

TempDir::TempDir()
{
    char pattern[] = "/tmp/bagg-test-XXXXXX";
    if (!mkdtemp(pattern)) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
}

TempDir::~TempDir()
{
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

void TempDir::write(const std::string& name, const std::string& content) const
{
    std::ofstream(file(name)) << content;
}

// ---- ChildProcess ----

ChildProcess::ChildProcess(std::vector<std::string> argv, const std::string& logFile) : logFile_(logFile)
{
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    pid_ = fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
        const int fd = open(logFile.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (fd >= 0) {
            dup2(fd, STDOUT_FILENO);
            dup2(fd, STDERR_FILENO);
            close(fd);
        }
        // The test's blocked signals must not leak into the child (sd-event blocks SIGTERM).
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, nullptr);
        execv(args[0], args.data());
        _exit(127);
    }
}

ChildProcess::~ChildProcess()
{
    if (!stop(SIGTERM, std::chrono::seconds(5))) stop(SIGKILL, std::chrono::seconds(5));
}

bool ChildProcess::running()
{
    if (status_) return false;
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
        status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        return false;
    }
    return true;
}

std::optional<int> ChildProcess::waitExit(std::chrono::milliseconds timeout)
{
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (running()) {
        if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return status_;
}

std::optional<int> ChildProcess::stop(int signal, std::chrono::milliseconds timeout)
{
    if (!running()) return status_;
    kill(pid_, signal);
    if (frozen_) kill(pid_, SIGCONT);  // a stopped process takes no SIGTERM until it runs again
    frozen_ = false;
    return waitExit(timeout);
}

bool ChildProcess::freeze()
{
    if (!running()) return false;
    kill(pid_, SIGSTOP);
    int status = 0;
    if (waitpid(pid_, &status, WUNTRACED) != pid_) return false;
    if (!WIFSTOPPED(status)) {
        status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        return false;
    }
    frozen_ = true;
    return true;
}

std::string ChildProcess::log() const
{
    std::ifstream in(logFile_);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// ---- PrivateBus ----

namespace {

bool canConnect(const std::string& socketPath)
{
    const int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, socketPath.c_str(), sizeof(addr.sun_path) - 1);
    const bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
    close(fd);
    return ok;
}

}  // namespace

PrivateBus::PrivateBus()
{
    const std::string socket = dir_.file("bus");
    dir_.write("bus.conf", R"(<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <listen>unix:path=)" + socket + R"(</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
)");
    daemon_ = std::make_unique<ChildProcess>(
        std::vector<std::string>{"/usr/bin/dbus-daemon", "--config-file=" + dir_.file("bus.conf"), "--nofork", "--nopidfile"},
        dir_.file("dbus-daemon.log"));
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!canConnect(socket)) {
        if (std::chrono::steady_clock::now() > deadline || !daemon_->running())
            throw std::runtime_error("private dbus-daemon did not start: " + daemon_->log());
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    address_ = "unix:path=" + socket;
    setenv("DBUS_SYSTEM_BUS_ADDRESS", address_.c_str(), 1);
}

PrivateBus::~PrivateBus() = default;

// ---- BusClient ----

BusClient::BusClient()
    : connection_(sdbus::createSystemBusConnection()), guard_(std::make_unique<LimitGuard>(*connection_))
{
}

std::unique_ptr<sdbus::IProxy> BusClient::proxy(const std::string& service, const std::string& path)
{
    auto p = sdbus::createProxy(*connection_, service, path);
    p->finishRegistration();
    return p;
}

bool BusClient::hasOwner(const std::string& name)
{
    bool has = false;
    proxy("org.freedesktop.DBus", "/org/freedesktop/DBus")
        ->callMethod("NameHasOwner")
        .onInterface("org.freedesktop.DBus")
        .withArguments(name)
        .withTimeout(2s)
        .storeResultsTo(has);
    return has;
}

std::string BusClient::ownerOf(const std::string& name)
{
    std::string owner;
    proxy("org.freedesktop.DBus", "/org/freedesktop/DBus")
        ->callMethod("GetNameOwner")
        .onInterface("org.freedesktop.DBus")
        .withArguments(name)
        .withTimeout(2s)
        .storeResultsTo(owner);
    return owner;
}

Value BusClient::getValue(const std::string& service, const std::string& path)
{
    sdbus::Variant v;
    proxy(service, path)->callMethod("GetValue").onInterface(kBusItemInterface).withTimeout(2s).storeResultsTo(v);
    return fromVariant(v).value;
}

std::string BusClient::getText(const std::string& service, const std::string& path)
{
    std::string t;
    proxy(service, path)->callMethod("GetText").onInterface(kBusItemInterface).withTimeout(2s).storeResultsTo(t);
    return t;
}

std::int32_t BusClient::setValue(const std::string& service, const std::string& path, const sdbus::Variant& v)
{
    std::int32_t r = -1;
    proxy(service, path)
        ->callMethod("SetValue")
        .onInterface(kBusItemInterface)
        .withArguments(v)
        .withTimeout(2s)
        .storeResultsTo(r);
    return r;
}

std::map<std::string, Value> BusClient::getItems(const std::string& service)
{
    auto p = proxy(service, "/");
    auto call = p->createMethodCall(kBusItemInterface, "GetItems");
    auto reply = p->callMethod(call, 2'000'000);
    std::map<std::string, Value> out;
    for (const auto& pv : decodeItems(reply)) out[pv.path] = pv.value.value;
    return out;
}

std::map<std::string, Value> BusClient::nodeValue(const std::string& service, const std::string& path)
{
    auto p = proxy(service, path);
    auto call = p->createMethodCall(kBusItemInterface, "GetValue");
    auto reply = p->callMethod(call, 2'000'000);
    std::map<std::string, Value> out;
    // Keys as they are on the wire: relative to the node.
    const std::string prefix = path == "/" ? "/" : path + "/";
    for (const auto& pv : decodeNodeValue(reply, path)) out[pv.path.substr(prefix.size())] = pv.value.value;
    return out;
}

std::string BusClient::introspect(const std::string& service, const std::string& path)
{
    std::string xml;
    proxy(service, path)
        ->callMethod("Introspect")
        .onInterface("org.freedesktop.DBus.Introspectable")
        .withTimeout(2s)
        .storeResultsTo(xml);
    return xml;
}

std::vector<sdbus::IConnection*> BusClient::pumped()
{
    std::vector<sdbus::IConnection*> all{connection_.get()};
    all.insert(all.end(), others_.begin(), others_.end());
    return all;
}

void BusClient::dispatchPending()
{
    for (auto* c : pumped())
        while (c->processPendingRequest()) {
        }
}

void BusClient::pump(std::chrono::milliseconds max)
{
    dispatchPending();
    std::vector<pollfd> fds;
    for (auto* c : pumped()) {
        const auto poll = c->getEventLoopPollData();
        fds.push_back({poll.fd, poll.events, 0});
    }
    ::poll(fds.data(), fds.size(), static_cast<int>(max.count()));
    dispatchPending();
}

bool BusClient::waitFor(const std::function<bool()>& pred, std::chrono::milliseconds timeout)
{
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
        try {
            if (pred()) {
                // pred()'s own calls read whatever came in ahead of their replies (the aggregate's
                // signals among them) and left it queued: dispatch it, so that what the caller
                // inspects next (itemsChanged(), the limit guard) has seen all of it.
                dispatchPending();
                return true;
            }
        } catch (const sdbus::Error&) {
            // the service is not (yet) there: keep waiting
        }
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) return false;
        pump(std::min(left, std::chrono::milliseconds(20)));
    }
}

bool BusClient::waitForValue(const std::string& service, const std::string& path, const Value& expected,
                             std::chrono::milliseconds timeout)
{
    return waitFor([&] { return getValue(service, path) == expected; }, timeout);
}

void BusClient::recordItemsChanged(const std::string& service)
{
    recordedOwner_ = ownerOf(service);
    itemsChanged_.clear();
    itemsMatch_ = connection_->addMatch(
        "type='signal',sender='" + recordedOwner_ + "',interface='com.victronenergy.BusItem',member='ItemsChanged',path='/'",
        [this](sdbus::Message& msg) {
            std::map<std::string, Value> items;
            for (const auto& pv : decodeItems(msg)) items[pv.path] = pv.value.value;
            itemsChanged_.push_back(std::move(items));
        });
    propertiesChanged_.clear();
    propertiesMatch_ = connection_->addMatch(
        "type='signal',sender='" + recordedOwner_ + "',interface='com.victronenergy.BusItem',member='PropertiesChanged'",
        [this](sdbus::Message& msg) { propertiesChanged_.push_back(msg.getPath()); });
}

bool BusClient::waitForItemsChanged(const std::string& path, const Value& expected, std::chrono::milliseconds timeout)
{
    std::size_t seen = 0;
    return waitFor(
        [&] {
            for (; seen < itemsChanged_.size(); ++seen) {
                const auto it = itemsChanged_[seen].find(path);
                if (it != itemsChanged_[seen].end() && it->second == expected) return true;
            }
            return false;
        },
        timeout);
}

std::string daemonPath() { return BAGG_DAEMON_PATH; }
std::string simPath() { return BAGG_SIM_PATH; }
std::string fakeSettingsPath() { return BAGG_FAKE_SETTINGS_PATH; }

}  // namespace bagg::test
