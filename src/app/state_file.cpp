#include "state_file.h"

#include "fd_guard.h"

#include <spdlog/spdlog.h>

#include <fmt/format.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace bagg {
namespace {

constexpr const char* kHeader = "# dbus-battery-aggregator run-time state; do not edit (checksummed)\n";

// FNV-1a: enough to tell a torn or edited file from a good one.
std::uint32_t checksum(const std::string& text)
{
    std::uint32_t h = 2166136261u;
    for (unsigned char c : text) {
        h ^= c;
        h *= 16777619u;
    }
    return h;
}

// A name read from a BMS goes into one line of the file: no line breaks or tabs inside.
std::string oneLine(const std::string& text)
{
    std::string out = text;
    for (char& c : out)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
    return out;
}

std::string body(const RuntimeState& s)
{
    std::string out = fmt::format("version=2\nimbalance_band={}\n", static_cast<int>(s.imbalanceBand));
    if (s.chargeVoltage) out += fmt::format("charge_voltage={:.3f}\n", *s.chargeVoltage);
    for (const auto& k : s.knownPacks) out += fmt::format("known_pack={}\t{}\n", oneLine(k.identity), oneLine(k.label));
    auto share = [](const std::optional<double>& v) { return v ? fmt::format("{:.4f}", *v) : std::string("-"); };
    for (const auto& [identity, sh] : s.currentShares)
        out += fmt::format("current_share={}\t{}\t{}\n", oneLine(identity), share(sh.charge), share(sh.discharge));
    if (s.counter)
        out += fmt::format("counter={:.4f}\t{:.3f}\t{}\n", s.counter->chargeAh, s.counter->capacityAh, s.counter->savedAt);
    return out;
}

std::string errnoText(const char* what, const std::string& path)
{
    return fmt::format("{} {}: {}", what, path, std::strerror(errno));
}

}  // namespace

std::string encodeState(const RuntimeState& state)
{
    const std::string b = body(state);
    return kHeader + b + fmt::format("checksum={:08x}\n", checksum(b));
}

StateLoad loadState(const std::string& path)
{
    StateLoad out;
    std::ifstream in(path);
    if (!in) {
        if (errno == ENOENT) out.missing = true;
        else out.problem = errnoText("cannot read", path);
        return out;
    }
    std::string line, b, sum;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') continue;
        if (line.rfind("checksum=", 0) == 0) sum = line.substr(9);
        else b += line + "\n";
    }
    if (sum.empty() || sum != fmt::format("{:08x}", checksum(b))) {
        out.problem = "corrupt (checksum does not match)";
        return out;
    }
    std::istringstream fields(b);
    int version = 0, band = -1;
    RuntimeState state;
    while (std::getline(fields, line)) {
        const auto eq = line.find('=');
        if (eq == std::string::npos) continue;
        const std::string key = line.substr(0, eq), value = line.substr(eq + 1);
        try {
            if (key == "version") version = std::stoi(value);
            else if (key == "imbalance_band") band = std::stoi(value);
            else if (key == "charge_voltage") state.chargeVoltage = std::stod(value);
            else if (key == "known_pack") {
                const auto tab = value.find('\t');
                state.knownPacks.push_back({value.substr(0, tab), tab == std::string::npos ? "" : value.substr(tab + 1)});
            } else if (key == "current_share") {
                std::istringstream fieldsOf(value);
                std::string identity, charge, discharge;
                std::getline(fieldsOf, identity, '\t');
                std::getline(fieldsOf, charge, '\t');
                std::getline(fieldsOf, discharge, '\t');
                auto read = [](const std::string& t) -> std::optional<double> {
                    if (t == "-") return std::nullopt;
                    const double v = std::stod(t);
                    if (!(v >= 0.0 && v <= 1.0)) throw std::out_of_range("share");
                    return v;
                };
                state.currentShares[identity] = {read(charge), read(discharge)};
            } else if (key == "counter") {
                std::istringstream fieldsOf(value);
                RuntimeState::Counter c;
                if (!(fieldsOf >> c.chargeAh >> c.capacityAh >> c.savedAt) || !(c.capacityAh > 0.0) ||
                    !(c.chargeAh >= 0.0 && c.chargeAh <= c.capacityAh * 1.0001))
                    throw std::out_of_range("counter");
                state.counter = c;
            }
        } catch (const std::exception&) {
            out.problem = fmt::format("corrupt ({} is not a number)", key);
            return out;
        }
    }
    if (version != 1 && version != 2) {
        out.problem = fmt::format("unknown version {}", version);
        return out;
    }
    if (band < 0 || band > static_cast<int>(ImbalanceBand::Alarm)) {
        out.problem = "corrupt (imbalance_band out of range)";
        return out;
    }
    if (state.chargeVoltage && !(*state.chargeVoltage > 0.0 && *state.chargeVoltage < 1000.0)) {
        out.problem = "corrupt (charge_voltage out of range)";
        return out;
    }
    state.imbalanceBand = static_cast<ImbalanceBand>(band);
    out.state = std::move(state);
    return out;
}

namespace {

bool moved(const std::optional<double>& a, const std::optional<double>& b, double by)
{
    return a.has_value() != b.has_value() || (a && std::fabs(*a - *b) > by);
}

bool sharesMoved(const PackShares& saved, const PackShares& now)
{
    for (const auto& [identity, s] : now) {
        const auto it = saved.find(identity);
        if (it == saved.end() || moved(s.charge, it->second.charge, 0.05) ||
            moved(s.discharge, it->second.discharge, 0.05))
            return true;
    }
    return false;
}

}  // namespace

bool stateSaveDue(const RuntimeState& saved, const RuntimeState& now, Instant sinceSaved)
{
    if (now.imbalanceBand != saved.imbalanceBand || now.knownPacks != saved.knownPacks) return true;
    if (now.chargeVoltage.has_value() != saved.chargeVoltage.has_value()) return true;
    const bool slowMoved = moved(now.chargeVoltage, saved.chargeVoltage, 0.05) ||
                           sharesMoved(saved.currentShares, now.currentShares);
    return slowMoved && sinceSaved >= kChargeVoltageSavePeriod;
}

std::string saveState(const std::string& path, const RuntimeState& state)
{
    const std::string text = encodeState(state);
    const std::string tmp = path + ".tmp";
    std::string error;
    {
        FdGuard fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
        if (!fd.valid()) return errnoText("cannot create", tmp);
        const bool written = ::write(fd.get(), text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
                             ::fsync(fd.get()) == 0 && fd.close();
        if (!written) error = errnoText("cannot write", tmp);
    }
    if (error.empty() && ::rename(tmp.c_str(), path.c_str()) != 0) error = errnoText("cannot replace", path);
    if (!error.empty()) {
        ::unlink(tmp.c_str());
        return error;
    }
    // The rename itself must reach the disk too.
    const auto slash = path.rfind('/');
    const std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
    FdGuard dirFd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (dirFd.valid()) ::fsync(dirFd.get());
    return {};
}

StateFile::StateFile(std::string path) : path_(std::move(path)) {}

RuntimeState StateFile::load(Instant now)
{
    savedAt_ = now;
    if (path_.empty()) return saved_;
    const StateLoad load = loadState(path_);
    if (!load.problem.empty())
        spdlog::error("state file {}: {}; starting from the safe default (balanced band, re-entered at once if the "
                      "spread says otherwise; no pack remembered)", path_, load.problem);
    else if (!load.missing)
        spdlog::info("state from {}: imbalance band {}, {} pack(s) remembered", path_,
                     static_cast<int>(load.state.imbalanceBand), load.state.knownPacks.size());
    saved_ = load.state;
    // A damaged file is replaced by the default at once.
    if (!load.problem.empty()) write(saved_);
    return saved_;
}

void StateFile::save(const RuntimeState& now, Instant at)
{
    if (path_.empty() || !stateSaveDue(saved_, now, at - savedAt_)) return;
    saved_ = now;
    savedAt_ = at;
    write(now);
}

void StateFile::flush(const RuntimeState& state)
{
    if (path_.empty() || state == saved_) return;
    saved_ = state;
    write(state);
}

void StateFile::write(const RuntimeState& state)
{
    const auto error = saveState(path_, state);
    if (!error.empty() && writable_) spdlog::warn("run-time state not kept: {}", error);
    writable_ = error.empty();
}

}  // namespace bagg
