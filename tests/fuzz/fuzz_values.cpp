// libFuzzer target: value decoding and the aggregation behind it. Fuzzed D-Bus variants of every
// type go through the decoder, the plausibility filter and PackValues into aggregate(), with a
// fuzzed configuration. Whatever comes in, what would be published must be sane: no NaN, SOC
// within 0-100 %, and limits never above what the online BMSes allow.

#include "bagg/core/aggregate.h"
#include "dbus/busitem_codec.h"
#include "packs/pack_values.h"

#include <fuzzer/FuzzedDataProvider.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace {

const char* const kPaths[] = {"/Soc", "/Dc/0/Voltage", "/Dc/0/Current", "/Dc/0/Power", "/Dc/0/Temperature",
                              "/Capacity", "/InstalledCapacity", "/ConsumedAmphours", "/Info/MaxChargeCurrent",
                              "/Info/MaxDischargeCurrent", "/Info/MaxChargeVoltage", "/Info/BatteryLowVoltage",
                              "/System/MinCellVoltage", "/System/MaxCellVoltage", "/System/MinVoltageCellId",
                              "/System/NrOfModulesOnline", "/Io/AllowToCharge", "/Io/AllowToDischarge",
                              "/Alarms/CellImbalance", "/Alarms/HighCellVoltage", "/Alarms/LowVoltage", "/Connected",
                              "/CustomName", "/Serial", "/Unknown/Path"};

sdbus::Variant fuzzVariant(FuzzedDataProvider& in)
{
    switch (in.ConsumeIntegralInRange(0, 9)) {
    case 0: return sdbus::Variant(in.ConsumeFloatingPoint<double>());
    case 1: return sdbus::Variant(in.ConsumeIntegral<std::int32_t>());
    case 2: return sdbus::Variant(in.ConsumeIntegral<std::uint64_t>());
    case 3: return sdbus::Variant(in.ConsumeIntegral<std::uint8_t>());
    case 4: return sdbus::Variant(in.ConsumeBool());
    case 5: {
        // D-Bus strings are valid UTF-8 without NUL: keep printable ASCII.
        std::string s = in.ConsumeRandomLengthString(32);
        for (auto& c : s) c = static_cast<char>(32 + (static_cast<unsigned char>(c) % 95));
        return sdbus::Variant(s);
    }
    case 6: return sdbus::Variant(std::vector<std::int32_t>{});
    case 7: return sdbus::Variant(std::vector<std::int32_t>{in.ConsumeIntegral<std::int32_t>()});
    case 8: return sdbus::Variant(std::vector<std::string>{"x"});
    default: return sdbus::Variant(in.ConsumeProbability<double>() * 200.0 - 50.0);
    }
}

bagg::AggregationConfig fuzzConfig(FuzzedDataProvider& in)
{
    bagg::AggregationConfig c;
    c.socMode = static_cast<bagg::SocMode>(in.ConsumeIntegralInRange(0, 2));
    c.temperatureMode = static_cast<bagg::TemperatureMode>(in.ConsumeIntegralInRange(0, 1));
    c.ratioMethod = static_cast<bagg::RatioMethod>(in.ConsumeIntegralInRange(0, 1));
    if (in.ConsumeBool()) c.nominalChargeCurrent = in.ConsumeFloatingPointInRange(0.0, 10000.0);
    if (in.ConsumeBool()) c.maxDischargeCurrent = in.ConsumeFloatingPointInRange(0.0, 10000.0);
    if (in.ConsumeBool()) c.maxChargeVoltage = in.ConsumeFloatingPointInRange(1.0, 1000.0);
    if (in.ConsumeBool()) c.imbalance.alarmCurrent = in.ConsumeFloatingPointInRange(0.0, 10000.0);
    c.expectedPacks = in.ConsumeIntegralInRange(0, 8);
    return c;
}

void check(bool ok, const char* what)
{
    if (!ok) {
        std::fprintf(stderr, "invariant broken: %s\n", what);
        std::abort();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    FuzzedDataProvider in(data, size);
    const bagg::PlausibilityConfig limits;
    const auto config = fuzzConfig(in);
    std::vector<bagg::PackValues> states;
    const int packs = in.ConsumeIntegralInRange(0, 4);
    for (int p = 0; p < packs; ++p) states.emplace_back("com.victronenergy.battery.p" + std::to_string(p));

    bagg::AggregatorMemory memory;
    long step = 0;
    double lastOnlineDcl = 0.0;
    while (in.remaining_bytes() > 0 && !states.empty()) {
        auto& pack = states[in.ConsumeIntegralInRange<std::size_t>(0, states.size() - 1)];
        const char* path = kPaths[in.ConsumeIntegralInRange<std::size_t>(0, std::size(kPaths) - 1)];
        const bagg::Decoded decoded = bagg::fromVariant(fuzzVariant(in));
        pack.apply(path, decoded, limits);
        (void)bagg::formatText(decoded.value, bagg::PathFormat::number(2, "V"));
        (void)bagg::coerce(decoded.value, bagg::PathFormat::integer());

        std::vector<bagg::PackSnapshot> snapshots;
        for (const auto& s : states) {
            snapshots.push_back(s.snapshot());
            snapshots.back().presence = static_cast<bagg::PackPresence>(in.ConsumeIntegralInRange(0, 2));
        }
        const auto r = bagg::aggregate(snapshots, config, memory, bagg::Instant{++step * 100000});

        if (r.soc) check(*r.soc >= 0.0 && *r.soc <= 100.0, "SOC within 0-100");
        for (const auto* v : {&r.voltage, &r.current, &r.power, &r.temperature, &r.capacity, &r.timeToGo,
                              &r.maxChargeCurrent, &r.maxDischargeCurrent, &r.maxChargeVoltage})
            if (*v) check(std::isfinite(**v), "finite outputs");
        // The limits never exceed what the online BMSes together could allow at most: with `count`,
        // no more than the largest pack limit times the number of online packs.
        double cclBound = 0.0, dclBound = 0.0;
        int online = 0;
        for (const auto& s : snapshots)
            if (s.presence == bagg::PackPresence::Online) ++online;
        for (const auto& s : snapshots) {
            if (s.presence != bagg::PackPresence::Online) continue;
            if (auto c = s.get(bagg::Quantity::ChargeCurrentLimit)) cclBound = std::max(cclBound, *c * online);
            if (auto d = s.get(bagg::Quantity::DischargeCurrentLimit)) dclBound = std::max(dclBound, *d * online);
        }
        if (online == 0) {
            // No BMS online: no charging; discharging only at the last vouched DCL while packs are held.
            check(r.maxChargeCurrent == 0.0, "no BMS online: no charging");
            check(r.maxDischargeCurrent && *r.maxDischargeCurrent <= lastOnlineDcl + 1e-9, "held DCL within the last vouched");
        } else if (r.maxDischargeCurrent) {
            lastOnlineDcl = *r.maxDischargeCurrent;
        }
        if (r.maxChargeCurrent) {
            check(*r.maxChargeCurrent >= 0.0, "CCL not negative");
            if (!config.nominalChargeCurrent && config.ratioMethod == bagg::RatioMethod::Count) check(*r.maxChargeCurrent <= cclBound + 1e-9, "CCL within the BMS limits");
        }
        if (r.maxDischargeCurrent) {
            check(*r.maxDischargeCurrent >= 0.0, "DCL not negative");
            // (With none online, the held DCL was checked against the last vouched one above.)
            if (online > 0 && !config.maxDischargeCurrent && config.ratioMethod == bagg::RatioMethod::Count) check(*r.maxDischargeCurrent <= dclBound + 1e-9, "DCL within the BMS limits");
        }
    }
    return 0;
}
