#include "bagg/core/imbalance_policy.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>

namespace bagg {
namespace {

// Threshold that must be exceeded to enter `band` (index 0 = Balanced has none).
double enterThreshold(ImbalanceBand band, const ImbalanceConfig& c)
{
    switch (band) {
    case ImbalanceBand::Reduced: return c.reduceThreshold;
    case ImbalanceBand::Warning: return c.warningThreshold;
    case ImbalanceBand::Alarm: return c.alarmThreshold;
    case ImbalanceBand::Balanced: break;
    }
    return 0.0;
}

ImbalanceBand rawBand(double spread, const ImbalanceConfig& c)
{
    if (spread > c.alarmThreshold) return ImbalanceBand::Alarm;
    if (spread > c.warningThreshold) return ImbalanceBand::Warning;
    if (spread > c.reduceThreshold) return ImbalanceBand::Reduced;
    return ImbalanceBand::Balanced;
}

int alarmLevelOf(ImbalanceBand band)
{
    switch (band) {
    case ImbalanceBand::Warning: return 1;
    case ImbalanceBand::Alarm: return 2;
    default: return 0;
    }
}

ImbalanceBand lower(ImbalanceBand b) { return static_cast<ImbalanceBand>(static_cast<int>(b) - 1); }

}  // namespace

ImbalanceDecision decideImbalance(double spread, const CellAlarm& cellAlarm, const ImbalanceConfig& config,
                                  ImbalanceMemory& memory)
{
    const ImbalanceBand raw = rawBand(spread, config);
    if (raw > memory.spreadBand) {
        memory.spreadBand = raw;
    } else {
        // Step down one band at a time while the spread is clearly below that band's threshold.
        while (memory.spreadBand > raw &&
               spread < enterThreshold(memory.spreadBand, config) - config.hysteresis) {
            memory.spreadBand = lower(memory.spreadBand);
        }
    }

    ImbalanceDecision d;
    d.band = memory.spreadBand;
    if (d.band != ImbalanceBand::Balanced) {
        d.reason = fmt::format("imbalance {:.1f}% > {:g}%", spread, enterThreshold(d.band, config));
        if (raw < d.band) d.reason += " (hysteresis)";
    }
    d.alarmLevel = alarmLevelOf(d.band);
    const ImbalanceBand forced = cellAlarm.level >= 2   ? ImbalanceBand::Alarm
                                 : cellAlarm.level == 1 ? ImbalanceBand::Warning
                                                        : ImbalanceBand::Balanced;
    if (forced > d.band) {
        d.band = forced;
        d.cellAlarm = true;
        d.reason = cellAlarm.reason;
    }
    return d;
}

double bandCurrent(ImbalanceBand band, double nominal, const ImbalanceConfig& config)
{
    switch (band) {
    case ImbalanceBand::Balanced: return nominal;
    case ImbalanceBand::Reduced: return nominal * config.reducePercent / 100.0;
    case ImbalanceBand::Warning: return nominal * config.warningPercent / 100.0;
    // Never more than the warning band: a fixed alarm_current above what the warning band gives
    // (an automatic nominal lowered by cold or derating BMSes, which the loader cannot check)
    // would give a worse imbalance more current.
    case ImbalanceBand::Alarm:
        return std::min(config.alarmCurrent.value_or(nominal / 3.0),
                        bandCurrent(ImbalanceBand::Warning, nominal, config));
    }
    return 0.0;
}

}  // namespace bagg
