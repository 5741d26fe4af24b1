#pragma once
// The paths of a Venus OS battery service (venus-dbus.md §5), one row each: the path, what it is
// (a Quantity, the id of a CellExtreme, an Alarm, an identity path) and how it is typed and rounded
// on the bus. The pack reader (PackValues), the aggregate's publisher, battery-sim and `status` take
// paths and formats from here, so that what we read and what we publish cannot drift apart.
//
// Not here: the management paths every device service has (/Mgmt/*, /FirmwareVersion,
// /HardwareVersion: texts our reader ignores), and the paths only the aggregate has
// (/Info/ChargeLimitation, /Imbalance/*, /System/NrOfBatteries, /Batteries/<n>/*, /LogLevel ...),
// which are in app/aggregate_service.cpp.

#include "bagg/core/quantity.h"
#include "busitem_value.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace bagg {

// Identity paths (texts, and the two numbers that say which device this is), and the BMS's own
// charge phase (a text: /Info/ChargeMode).
enum class PackMeta : std::size_t { CustomName, ProductName, Serial, ProductId, DeviceInstance, ChargeMode, Count_ };
inline constexpr std::size_t kPackMetaCount = static_cast<std::size_t>(PackMeta::Count_);

struct BatteryPath {
    enum class Kind : std::uint8_t { Quantity, CellId, Alarm, Meta };
    std::string_view path;  // "/Dc/0/Voltage"
    Kind kind;
    std::size_t index;      // its Quantity, CellExtreme, Alarm, or PackMeta
    PathFormat format;      // D-Bus type and published resolution: 0.01 V, 0.1 A, "C7"...
};

inline constexpr std::size_t kBatteryPathCount =
    kQuantityCount + kCellExtremeCount + kAlarmCount + kPackMetaCount;

// The row of each thing (constant time: the table is ordered by kind, then by enum).
const BatteryPath& batteryPath(Quantity q);
const BatteryPath& cellIdPath(CellExtreme c);  // "/System/MinVoltageCellId"; its value is cellQuantity(c)
const BatteryPath& batteryPath(Alarm a);
const BatteryPath& batteryPath(PackMeta m);

// Every row, to iterate: quantities, cell ids, alarms, identity.
const std::array<BatteryPath, kBatteryPathCount>& batteryPaths();

// The reader's lookup: the row of a path we read, nullptr for any other (most of a BMS driver's
// tree): ignored cheaply. A hash map built once; no allocation per call.
const BatteryPath* findPackPath(std::string_view path);

// How soon a changed path must reach the aggregate (the daemon's recompute, CoalescingEvent).
// Prompt: what the GX and the inverter act on: the SOC, a limit (CCL, DCL, CVL, the allow and
// blocking flags, modules on/offline), an alarm, /Connected, the identity: recomputed as soon as
// the bus is drained. WithReading: a measurement (voltage, current, power, temperatures, cell
// extremes, capacity, balancing): a driver that publishes per path (dbus-serialbattery) sends the
// rest of its reading right behind it, so the recompute waits up to [service] recompute_delay for
// it: one reading, one recompute (run at once, the first path made a recompute of its own: 1.85
// per reading at 16 packs in scripts/bench). A reading that also moves the SOC or a limit is
// recomputed within recompute_delay of its first path either way.
enum class Urgency : std::uint8_t { WithReading, Prompt };
Urgency urgencyOf(const BatteryPath& row);

// The path of a quantity ("/Soc"), for log messages and `status`.
inline std::string_view quantityPath(Quantity q) { return batteryPath(q).path; }

// The last component of a path: "/Dc/0/Voltage" -> "Voltage" (the aggregate's /Batteries/<n>/ names).
constexpr std::string_view leafName(std::string_view path) { return path.substr(path.rfind('/') + 1); }

}  // namespace bagg
