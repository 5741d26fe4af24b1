#include "pack_values.h"

#include "battery_paths.h"
#include "pack_override.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>

namespace bagg {
namespace {

const std::string* asText(const Value& v) { return std::get_if<std::string>(&v); }

}  // namespace

ChargePhase chargePhaseOf(std::string_view mode)
{
    auto has = [mode](std::string_view word) {
        return std::search(mode.begin(), mode.end(), word.begin(), word.end(), [](char a, char b) {
                   return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
               }) != mode.end();
    };
    // "Float Transition" says float too: the transition is tried first.
    if (has("transition")) return ChargePhase::FloatTransition;
    if (has("float")) return ChargePhase::Float;
    if (has("absorption")) return ChargePhase::Absorption;
    if (has("bulk")) return ChargePhase::Bulk;
    return ChargePhase::Unknown;
}

PackValues::PackValues(std::string service, const std::vector<PackOverride>* overrides) : overrides_(overrides)
{
    snapshot_.service = std::move(service);
    snapshot_.label = makeLabel();
}

std::string PackValues::makeLabel() const
{
    if (!customName_.empty()) return customName_;
    const auto& service = snapshot_.service;
    const auto dot = service.rfind('.');
    const std::string suffix = dot == std::string::npos ? service : service.substr(dot + 1);
    return productName_.empty() ? suffix : fmt::format("{} ({})", productName_, suffix);
}

bool PackValues::noteUnreadable(const std::string& path)
{
    constexpr std::size_t kMaxLoggedPaths = 64;
    ++rejected_;
    if (loggedPaths_.size() >= kMaxLoggedPaths) return false;
    return loggedPaths_.insert("unreadable:" + path).second;
}

ApplyOutcome PackValues::reject(std::string_view path, std::string reason)
{
    ++rejected_;
    ApplyOutcome out{ApplyOutcome::Kind::Rejected, std::move(reason), false};
    // Known paths only reach here, so this set stays as small as the path table.
    out.firstForPath = loggedPaths_.insert(std::string(path)).second;
    return out;
}

ApplyOutcome PackValues::apply(std::string_view path, const Decoded& value, const PlausibilityConfig& limits)
{
    const BatteryPath* target = findPackPath(path);
    if (!target) return {};
    auto outcome = applyRaw(*target, value, limits);
    outcome.urgency = urgencyOf(*target);
    if (overrides_ && !overrides_->empty() && outcome.kind != ApplyOutcome::Kind::Unchanged &&
        outcome.kind != ApplyOutcome::Kind::Ignored)
        refreshOverride(path);
    return outcome;
}

void PackValues::refreshOverride(std::string_view changedPath)
{
    // The selector may name the pack by its CustomName or Serial, which arrive as values too: the
    // match is looked for again only when one of them changes (not on every measurement).
    if (!matched_ || changedPath == batteryPath(PackMeta::CustomName).path || changedPath == batteryPath(PackMeta::Serial).path) {
        override_ = findOverride(*overrides_, snapshot_.service, customName_, serial_);
        matched_ = true;
    }
    if (override_) effective_ = applyOverride(snapshot_, *override_);
}

void PackValues::takeFrom(const PackSnapshot& other, const std::vector<Quantity>& quantities)
{
    for (const Quantity q : quantities)
        if (const auto& v = other.get(q)) {
            snapshot_.get(q) = v;
            if (override_) effective_.get(q) = v;
        }
}

ApplyOutcome PackValues::applyRaw(const BatteryPath& target, const Decoded& decoded, const PlausibilityConfig& limits)
{
    const std::string_view path = target.path;
    const Value& v = decoded.value;
    using K = BatteryPath::Kind;

    auto store = [](auto& field, auto next) {
        if (field == next) return ApplyOutcome{ApplyOutcome::Kind::Unchanged, {}, false};
        field = std::move(next);
        return ApplyOutcome{ApplyOutcome::Kind::Changed, {}, false};
    };

    // A value we cannot read makes the field absent: keeping the old one would be trusting stale data.
    if (!decoded.typeOk) {
        switch (target.kind) {
        case K::Quantity: snapshot_.values[target.index].reset(); break;
        case K::Alarm: snapshot_.alarms[target.index].reset(); break;
        default: break;
        }
        return reject(path, "a D-Bus type that is not a number, string or invalid");
    }

    switch (target.kind) {
    case K::Quantity: {
        auto& field = snapshot_.values[target.index];
        if (!isValid(v)) return store(field, std::optional<double>{});
        const auto n = asNumber(v);
        if (!n) {
            field.reset();
            return reject(path, fmt::format("a string '{}' where a number belongs", asText(v) ? *asText(v) : ""));
        }
        if (!plausible(static_cast<Quantity>(target.index), *n, limits)) {
            field.reset();
            return reject(path, fmt::format("implausible value {}", *n));
        }
        return store(field, std::optional<double>{*n});
    }
    case K::Alarm: {
        auto& field = snapshot_.alarms[target.index];
        if (!isValid(v)) return store(field, std::optional<int>{});
        const auto n = asNumber(v);
        if (!n || (*n != 0.0 && *n != 1.0 && *n != 2.0)) {
            field.reset();
            return reject(path, n ? fmt::format("alarm level {} is not 0, 1 or 2", *n) : "an alarm level that is not a number");
        }
        return store(field, std::optional<int>{static_cast<int>(*n)});
    }
    case K::CellId: {
        // Drivers publish cell ids as text ("C7") or as a bare number.
        auto& field = snapshot_.cellIds[target.index];
        if (const auto* s = asText(v)) return store(field, *s);
        if (const auto n = asNumber(v)) return store(field, fmt::format("C{}", *n));
        return store(field, std::string{});
    }
    case K::Meta: {
        const auto meta = static_cast<PackMeta>(target.index);
        if (meta == PackMeta::ProductId || meta == PackMeta::DeviceInstance) {
            auto& field = meta == PackMeta::ProductId ? productId_ : deviceInstance_;
            const auto n = asNumber(v);
            if (isValid(v) && (!n || *n != std::floor(*n) || std::fabs(*n) > 1e9)) {
                field.reset();
                return reject(path, "an identity number that is not a whole number");
            }
            return store(field, n ? std::optional<int>{static_cast<int>(*n)} : std::nullopt);
        }
        std::string* field = nullptr;
        switch (meta) {
        case PackMeta::CustomName: field = &customName_; break;
        case PackMeta::ProductName: field = &productName_; break;
        case PackMeta::ChargeMode: field = &chargeMode_; break;
        default: field = &serial_; break;
        }
        const std::string* text = asText(v);
        ApplyOutcome out;
        if (isValid(v) && !text) {
            // A number where a text belongs is as wrong as the reverse: the field becomes absent,
            // and the value is counted and logged like any other refused one.
            field->clear();
            out = reject(path, "a number where a text belongs");
        } else {
            out = store(*field, text ? *text : std::string{});
        }
        snapshot_.label = makeLabel();
        snapshot_.chargePhase = chargePhaseOf(chargeMode_);
        return out;
    }
    }
    return {};
}

}  // namespace bagg
