#include "bagg/core/quantity.h"

namespace bagg {
namespace {

constexpr std::array<std::string_view, kAlarmCount> kAlarmNames = {
    "LowVoltage",        "HighVoltage",           "LowCellVoltage",       "HighCellVoltage",
    "LowSoc",            "HighChargeCurrent",     "HighDischargeCurrent", "HighCurrent",
    "CellImbalance",     "InternalFailure",       "HighChargeTemperature", "LowChargeTemperature",
    "HighTemperature",   "LowTemperature",        "LowStarterVoltage",    "HighStarterVoltage",
    "MidVoltage",        "BmsCable",              "FuseBlown",            "HighInternalTemperature",
    "StateOfHealth",     "Contactor",
};

}  // namespace

std::string_view alarmName(Alarm alarm) { return kAlarmNames[index(alarm)]; }

bool alarmFromName(std::string_view name, Alarm& out)
{
    for (std::size_t i = 0; i < kAlarmCount; ++i) {
        if (kAlarmNames[i] == name) {
            out = static_cast<Alarm>(i);
            return true;
        }
    }
    return false;
}

}  // namespace bagg
