#pragma once
// The status as text for an 80-column SSH window, or as one JSON object for scripts.

#include "status_model.h"

#include <string>

namespace bagg {

std::string renderStatusText(const StatusModel& model, bool colour);
// One JSON object; `oneLine`: compact, on one line (JSON Lines under --watch).
std::string renderStatusJson(const StatusModel& model, bool oneLine);

}  // namespace bagg
