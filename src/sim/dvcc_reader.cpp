#include "dvcc_reader.h"

#include "dbus/busitem_codec.h"
#include "event/call_guard.h"
#include "packs/battery_paths.h"

#include <sdbus-c++/Error.h>
#include <spdlog/spdlog.h>

namespace bagg::sim {
namespace {

// An answer later than this counts as none: the Multi stops (a real one would after its own
// timeout); short so that a daemon that hangs shows at once.
constexpr std::uint64_t kCallTimeoutUsec = 1'000'000;

std::optional<double> numberOf(const PathValue& pv)
{
    if (!pv.value.typeOk) return std::nullopt;
    return asNumber(pv.value.value);
}

}  // namespace

DvccReader::DvccReader(sdbus::IConnection& connection, std::string service)
    : service_(std::move(service)), info_(sdbus::createProxy(connection, service_, "/Info"))
{
    info_->finishRegistration();
}

void DvccReader::poll()
{
    if (pending_) return;
    pending_ = true;
    auto call = info_->createMethodCall(kBusItemInterface, "GetValue");
    info_->callMethod(
        call,
        [this](sdbus::MethodReply& reply, const sdbus::Error* error) {
            guardedCallback("DVCC limits reply", [&] { onReply(reply, error); });
        },
        kCallTimeoutUsec);
}

void DvccReader::onReply(sdbus::MethodReply& reply, const sdbus::Error* error)
{
    pending_ = false;
    DvccLimits limits;
    if (!error) {
        try {
            for (const auto& pv : decodeNodeValue(reply, "/Info")) {
                if (pv.path == quantityPath(Quantity::ChargeVoltageLimit)) limits.cvl = numberOf(pv);
                else if (pv.path == quantityPath(Quantity::ChargeCurrentLimit)) limits.ccl = numberOf(pv);
                else if (pv.path == quantityPath(Quantity::DischargeCurrentLimit)) limits.dcl = numberOf(pv);
            }
        } catch (const sdbus::Error& e) {
            spdlog::warn("{} /Info: unreadable answer ({})", service_, e.getMessage());
        }
    }
    limits_ = limits;
    const bool present = !error;
    if (present != present_)
        spdlog::info("multi: {} {}", service_, present ? "answers: following its limits" : "does not answer: no charging, no discharging");
    present_ = present;
}

}  // namespace bagg::sim
