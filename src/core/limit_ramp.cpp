#include "bagg/core/limit_ramp.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace bagg {

Ramped rampLimit(double target, Duration hold, double ratePerSecond, RampMemory& m, Instant now, double deadband)
{
    Ramped out;
    if (m.published && target > *m.published && target <= *m.published + deadband && !m.riseWanted) {
        // Too small a rise to make: the published limit stays (below the target: the safe side).
    } else if (!m.published || target <= *m.published) {
        m.published = target;
        m.riseWanted.reset();
    } else {
        if (!m.riseWanted) m.riseWanted = now;
        const Instant rampFrom = *m.riseWanted + hold;
        if (now < rampFrom) {
            out.state = Ramped::State::Held;
        } else if (ratePerSecond <= 0.0 || !std::isfinite(ratePerSecond)) {
            m.published = target;  // no bound on the rise
            m.riseWanted.reset();
        } else {
            const double secondsSince = seconds(now - std::max(m.lastStep, rampFrom));
            m.published = std::min(target, *m.published + ratePerSecond * secondsSince);
            out.state = *m.published < target ? Ramped::State::Ramping : Ramped::State::Steady;
            if (out.state == Ramped::State::Steady) m.riseWanted.reset();
        }
    }
    m.lastStep = now;
    out.value = *m.published;
    return out;
}

std::string Ramped::note(double ratePerSecond, const char* unit) const
{
    if (state == State::Held) return " (held before rising)";
    if (state == State::Ramping) return fmt::format(" (rising {:.3g} {}/s)", ratePerSecond, unit);
    return {};
}

}  // namespace bagg
