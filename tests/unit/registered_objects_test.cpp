// Nothing registered with C can move: each of these hands `this` (or a [this] callback) to sd-event,
// sd-bus or sdbus-c++, so a copy or a move would leave C holding a dangling pointer. Deleting copy
// and move is what keeps it so; this file fails to compile when one of them becomes movable.

#include "aggregate_service.h"
#include "battery_bank.h"
#include "daemon.h"
#include "device_settings.h"
#include "fd_guard.h"
#include "state_file.h"
#include "watchdog.h"

#include "dbus/bus_dispatcher.h"
#include "dbus/busitem_exporter.h"
#include "dbus/name_watcher.h"
#include "dbus/pack_reader.h"
#include "dbus/settings_client.h"
#include "event/coalescing_event.h"
#include "event/event_loop.h"

#include <type_traits>

namespace bagg {
namespace {

template <typename T>
constexpr bool pinned = !std::is_copy_constructible_v<T> && !std::is_move_constructible_v<T> &&
                        !std::is_copy_assignable_v<T> && !std::is_move_assignable_v<T>;

static_assert(pinned<EventLoop>);
static_assert(pinned<TimerEvent>);
static_assert(pinned<DeferEvent>);
static_assert(pinned<SignalEvent>);
static_assert(pinned<IoEvent>);
static_assert(pinned<CoalescingEvent>);
static_assert(pinned<BusDispatcher>);
static_assert(pinned<BusItemExporter>);
static_assert(pinned<NameWatcher>);
static_assert(pinned<PackReader>);
static_assert(pinned<SettingsClient>);
static_assert(pinned<AggregateService>);
static_assert(pinned<BatteryBank>);
static_assert(pinned<DeviceSettings>);
static_assert(pinned<Watchdog>);
static_assert(pinned<Daemon>);
static_assert(pinned<StateFile>);
static_assert(pinned<FdGuard>);

}  // namespace
}  // namespace bagg
