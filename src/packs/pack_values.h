#pragma once
// What we know of one battery service, built from the values it publishes. Applies one decoded
// path value at a time: unknown paths are ignored, wrong types and implausible values are
// rejected (the field becomes absent) and counted. No D-Bus here, so tests can feed it garbage.

#include "bagg/core/pack_snapshot.h"
#include "bagg/core/plausibility.h"
#include "busitem_value.h"

#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace bagg {

struct ApplyOutcome {
    enum class Kind { Ignored, Unchanged, Changed, Rejected };
    Kind kind = Kind::Ignored;
    std::string reason;        // for Rejected: "wrong type", "implausible value 250"
    bool firstForPath = false; // for Rejected: the first rejection on this path (log it)
};

// "Bulk", "Absorption (balancing)", "Float Transition", "Float"... -> its phase; Unknown otherwise.
ChargePhase chargePhaseOf(std::string_view chargeMode);

class PackValues {
public:
    explicit PackValues(std::string service);

    ApplyOutcome apply(std::string_view path, const Decoded& value, const PlausibilityConfig& limits);

    const std::string& service() const { return snapshot_.service; }
    const std::string& customName() const { return customName_; }
    const std::string& productName() const { return productName_; }
    const std::string& serial() const { return serial_; }
    const std::string& chargeMode() const { return chargeMode_; }
    const std::optional<int>& productId() const { return productId_; }
    const std::optional<int>& deviceInstance() const { return deviceInstance_; }
    // CustomName, else "ProductName (suffix)", else the service suffix ("ttyUSB0").
    std::string label() const;
    // The values as the core needs them, labelled; their presence is the health policy's to set.
    const PackSnapshot& snapshot() const { return snapshot_; }
    bool connected() const { return snapshot_.get(Quantity::Connected).value_or(1.0) != 0.0; }
    int rejectedValues() const { return rejected_; }
    // A signal that could not be decoded at all. True when it should be logged: the first time per
    // path, for a bounded number of paths (a broken driver may invent endless names).
    bool noteUnreadable(const std::string& path);

private:
    ApplyOutcome reject(std::string_view path, std::string reason);

    PackSnapshot snapshot_;
    std::string customName_, productName_, serial_, chargeMode_;
    std::optional<int> productId_, deviceInstance_;
    int rejected_ = 0;
    std::set<std::string> loggedPaths_;  // bounded: only known paths are ever rejected
};

}  // namespace bagg
