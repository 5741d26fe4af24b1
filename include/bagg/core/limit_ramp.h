#pragma once
// Limits that recover without flapping (issue 13 rule 3): every reduction applies at once; every
// increase waits `hold` and then rises at a bounded rate, the way dbus-serialbattery recovers its
// own limits. A BMS or the imbalance band that twitches down and straight back up moves the
// published limit down once and back up slowly, not every time.

#include "bagg/core/instant.h"

#include <optional>
#include <string>

namespace bagg {

struct RampMemory {
    std::optional<double> published;    // what was published last; none before the first value
    std::optional<Instant> riseWanted;  // since when the target is above what is published
    Instant lastStep{0};
};

struct Ramped {
    double value = 0.0;
    enum class State { Steady, Held, Ramping } state = State::Steady;
    // " (held before rising)", " (rising 3 A/s)": appended to the limit's reason, where an owner
    // sees why the limit is not yet what the packs allow. Stable texts: no countdown to publish.
    std::string note(double ratePerSecond, const char* unit) const;
};

// target: the limit the rules want now. rate: the highest rise per second once the hold is over
// (in the limit's unit; 0: no bound, at once). deadband: a target no more than this above what is
// published is no rise (a learnt share or a BMS reading that creeps up must not make a saw of
// small rises). The first value is taken as it is.
Ramped rampLimit(double target, Duration hold, double ratePerSecond, RampMemory& memory, Instant now,
                 double deadband = 0.0);

}  // namespace bagg
