#pragma once
// What we know of one battery service, built from the values it publishes. Applies one decoded
// path value at a time: unknown paths are ignored, wrong types and implausible values are
// rejected (the field becomes absent) and counted. No D-Bus here, so tests can feed it garbage.

#include "bagg/core/pack_snapshot.h"
#include "bagg/config/config.h"
#include "bagg/core/plausibility.h"
#include "battery_paths.h"
#include "busitem_value.h"

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace bagg {

struct ApplyOutcome {
    enum class Kind { Ignored, Unchanged, Changed, Rejected };
    Kind kind = Kind::Ignored;
    std::string reason;        // for Rejected: "wrong type", "implausible value 250"
    bool firstForPath = false; // for Rejected: the first rejection on this path (log it)
    Urgency urgency = Urgency::WithReading;  // of the path, whatever the kind (battery_paths.h)
};

// "Bulk", "Absorption (balancing)", "Float Transition", "Float"... -> its phase; Unknown otherwise.
ChargePhase chargePhaseOf(std::string_view chargeMode);

class PackValues {
public:
    // overrides: the [pack "..."] sections (packs/pack_override.h); null or empty: none. Not owned.
    explicit PackValues(std::string service, const std::vector<PackOverride>* overrides = nullptr);

    ApplyOutcome apply(std::string_view path, const Decoded& value, const PlausibilityConfig& limits);
    // Whether apply() uses a value on this path (the battery path table): readers skip the others
    // unread. Most of what a BMS driver such as dbus-serialbattery publishes (every cell's voltage,
    // balancing flags, history) is not.
    static bool reads(std::string_view path) { return findPackPath(path) != nullptr; }

    const std::string& service() const { return snapshot_.service; }
    const std::string& customName() const { return customName_; }
    const std::string& productName() const { return productName_; }
    const std::string& serial() const { return serial_; }
    const std::string& chargeMode() const { return chargeMode_; }
    const std::optional<int>& productId() const { return productId_; }
    const std::optional<int>& deviceInstance() const { return deviceInstance_; }
    // CustomName, else "ProductName (suffix)", else the service suffix ("ttyUSB0").
    const std::string& label() const { return snapshot_.label; }  // CustomName, else "ProductName (suffix)"
    // The values as the core needs them, labelled, with the pack's override applied; their presence
    // is the health policy's to set.
    const PackSnapshot& snapshot() const { return override_ ? effective_ : snapshot_; }
    // As the BMS published them: what its health is judged on.
    const PackSnapshot& raw() const { return snapshot_; }
    const PackOverride* override() const { return override_; }
    // Replaces values with another service's (a [pair]'s monitor); absent ones stay the BMS's.
    void takeFrom(const PackSnapshot& other, const std::vector<Quantity>& quantities);
    bool connected() const { return snapshot_.get(Quantity::Connected).value_or(1.0) != 0.0; }
    int rejectedValues() const { return rejected_; }
    // A signal that could not be decoded at all. True when it should be logged: the first time per
    // path, for a bounded number of paths (a broken driver may invent endless names).
    bool noteUnreadable(const std::string& path);

private:
    std::string makeLabel() const;
    ApplyOutcome applyRaw(const BatteryPath& target, const Decoded& value, const PlausibilityConfig& limits);
    ApplyOutcome reject(std::string_view path, std::string reason);
    void refreshOverride(std::string_view changedPath);

    PackSnapshot snapshot_;
    std::string customName_, productName_, serial_, chargeMode_;
    std::optional<int> productId_, deviceInstance_;
    int rejected_ = 0;
    std::set<std::string> loggedPaths_;  // bounded: only known paths are ever rejected
    const std::vector<PackOverride>* overrides_ = nullptr;
    const PackOverride* override_ = nullptr;  // the one that matches this pack now
    bool matched_ = false;                     // override_ was looked for since the identity changed
    PackSnapshot effective_;                   // snapshot_ with override_ applied
};

}  // namespace bagg
