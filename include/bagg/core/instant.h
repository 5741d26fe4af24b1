#pragma once
// Time in the core is passed in, never read: a monotonic clock reading from the event loop
// (sd-event's CLOCK_MONOTONIC), so that table tests can step it.

#include <chrono>

namespace bagg {

using Instant = std::chrono::microseconds;

}  // namespace bagg
