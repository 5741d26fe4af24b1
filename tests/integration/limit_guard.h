#pragma once
// Safety rule 1, watched in every integration test: the aggregate never publishes a CCL or DCL
// above what the packs on the bus vouch for together at that moment. It follows every battery
// service the way systemcalc does (its name on the bus, GetItems once, then its signals; GetValue on
// "/" for a driver without GetItems, and a read that fails otherwise tried again), and
// checks each CCL/DCL the aggregate sends against the sum of the packs' own limits:
//   - a pack that blocks (AllowTo* = 0) or never published a limit vouches for nothing; one whose
//     limit turns invalid keeps its last valid one (the daemon may hold it at that);
//   - a pack not read yet counts as unbounded (no false alarm while the guard catches up);
//   - a value is checked against the highest bound of the last kInFlight (a publish may have been
//     computed just before a pack's drop reached the guard);
//   - with no pack on the bus at all, the DCL may stay at the last bound for `reconnectGrace` (the
//     daemon holds the last vouched DCL while every driver restarts, issue 11 rule 2), the CCL not.
// AggregatorFixture asserts at the end of every test that nothing was violated.

#include "packs/busitem_value.h"

#include <sdbus-c++/sdbus-c++.h>

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace bagg::test {

class LimitGuard {
public:
    explicit LimitGuard(sdbus::IConnection& connection);
    LimitGuard(const LimitGuard&) = delete;
    LimitGuard& operator=(const LimitGuard&) = delete;

    void setReconnectGrace(std::chrono::milliseconds grace) { reconnectGrace_ = grace; }
    const std::vector<std::string>& violations() const { return violations_; }
    int checks() const { return checks_; }

    static constexpr auto kInFlight = std::chrono::milliseconds(500);

private:
    struct Pack {
        std::optional<double> ccl, dcl;
        bool allowCharge = true, allowDischarge = true;
        bool read = false;
        std::string readError;  // why its first read failed for good (its signals still count)
    };
    struct Bound {
        std::chrono::steady_clock::time_point at;
        double ccl, dcl;
        bool anyPack;
    };

    void onNameOwnerChanged(sdbus::Message& msg);
    void onSignal(sdbus::Message& msg);
    void apply(Pack& pack, const std::string& path, const Value& value);
    static constexpr int kReadAttempts = 3;
    static constexpr std::uint64_t kReadTimeoutMicroseconds = 10'000'000;
    void readAll(const std::string& unique, const char* method, int attempt);
    void recordBound();
    void check(const std::string& path, double published);

    sdbus::IConnection& connection_;
    std::map<std::string, std::string> services_;  // unique name -> well-known battery service
    std::map<std::string, Pack> packs_;            // by unique name, packs only (not the aggregate)
    std::string aggregateOwner_;
    std::deque<Bound> bounds_;
    std::optional<Bound> lastWithPacks_;
    std::chrono::milliseconds reconnectGrace_{30'000};
    std::vector<std::string> violations_;
    int checks_ = 0;
    std::vector<std::unique_ptr<sdbus::IProxy>> pending_;
    sdbus::Slot nameMatch_, signalMatch_;
};

}  // namespace bagg::test
