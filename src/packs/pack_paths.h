#pragma once
// Which D-Bus path of a battery service feeds which field of a PackSnapshot.

#include "bagg/core/quantity.h"

#include <string_view>

namespace bagg {

// Identity paths: texts, and the two numbers that say which device this is.
enum class PackMeta { CustomName, ProductName, Serial, ProductId, DeviceInstance };

struct PackPathTarget {
    enum class Kind { Quantity, CellId, Alarm, Meta };
    Kind kind;
    std::size_t index;  // into PackSnapshot::values / cellIds / alarms, or a PackMeta
};

// nullptr for a path we do not read (most of a BMS driver's tree): ignored cheaply.
const PackPathTarget* findPackPath(std::string_view path);

// The path of a quantity, for log messages and the simulator ("/Soc").
std::string_view quantityPath(Quantity q);

}  // namespace bagg
