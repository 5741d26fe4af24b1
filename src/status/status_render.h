#pragma once
// The status as text for an 80-column SSH window, or as one JSON object for scripts.

#include "status_model.h"

#include <string>

namespace bagg {

// `width`: the terminal's columns; longer texts are cut with "…".
std::string renderStatusText(const StatusModel& model, bool colour, std::size_t width = 80);
// One JSON object; `oneLine`: compact, on one line (JSON Lines under --watch).
std::string renderStatusJson(const StatusModel& model, bool oneLine);

}  // namespace bagg
