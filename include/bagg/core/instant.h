#pragma once
// Time in the core is passed in, never read: a monotonic clock reading from the event loop
// (sd-event's CLOCK_MONOTONIC), so that table tests can step it. Durations in the same unit.

#include <chrono>

namespace bagg {

using Instant = std::chrono::microseconds;
using Duration = std::chrono::microseconds;

inline double seconds(Duration d) { return std::chrono::duration<double>(d).count(); }

}  // namespace bagg
