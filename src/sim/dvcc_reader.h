#pragma once
// The sim's Multi reads the controlling BMS's limits the way systemcalc hands them to a real one:
// the CVL, CCL and DCL of one battery service (the aggregate by default). Polled, one GetValue on
// the service's /Info node per call of poll():
//   method call dest=com.victronenergy.battery.aggregate path=/Info interface=com.victronenergy.BusItem member=GetValue
//   method return
//      variant array [ dict entry( string "MaxChargeVoltage"    variant double 55.2 )
//                      dict entry( string "MaxChargeCurrent"    variant double 99 )
//                      dict entry( string "MaxDischargeCurrent" variant double 300 )
//                      dict entry( string "ChargeLimitation"    variant string "BMS Bank 1 CCL 33 A x 3" ) ... ]
// Polling rather than following signals: the service may be absent (no aggregate yet, a restart),
// and then an error answers at once and the Multi must stop: a missing or invalid value reads as
// not there (no charging without CVL and CCL, no discharging without DCL).

#include "bank_model.h"

#include <sdbus-c++/IConnection.h>
#include <sdbus-c++/IProxy.h>

#include <memory>
#include <string>

namespace bagg::sim {

class DvccReader {
public:
    DvccReader(sdbus::IConnection& connection, std::string service);
    DvccReader(const DvccReader&) = delete;
    DvccReader& operator=(const DvccReader&) = delete;

    // Asks again, unless the last call is still out (a slow answer is not stacked).
    void poll();
    // The limits of the last answer; all absent after an error or a timeout.
    const DvccLimits& limits() const { return limits_; }
    const std::string& service() const { return service_; }

private:
    void onReply(sdbus::MethodReply& reply, const sdbus::Error* error);

    std::string service_;
    std::unique_ptr<sdbus::IProxy> info_;
    DvccLimits limits_;
    bool pending_ = false;
    bool present_ = false;  // for the log: said once when it comes and goes
};

}  // namespace bagg::sim
