#include "sim_options.h"

#include <fmt/format.h>

#include <stdexcept>

namespace bagg::sim {
namespace {

double toDouble(const std::string& s, const std::string& what)
{
    std::size_t used = 0;
    const double v = std::stod(s, &used);
    if (used != s.size()) throw std::invalid_argument(what);
    return v;
}

}  // namespace

SimOptionsParse parseSimOptions(const std::vector<std::string>& args)
{
    SimOptionsParse out;
    auto& o = out.options;
    try {
        for (std::size_t i = 0; i < args.size(); ++i) {
            const std::string& a = args[i];
            auto value = [&]() -> std::string {
                if (i + 1 >= args.size()) throw std::invalid_argument(a + " needs a value");
                return args[++i];
            };
            if (a == "-h" || a == "--help") out.help = true;
            else if (a == "--packs") o.packs = static_cast<int>(toDouble(value(), a));
            else if (a == "--bus") o.busAddress = value();
            else if (a == "--publish") {
                const std::string v = value();
                if (v != "per-path" && v != "batched") throw std::invalid_argument("--publish takes per-path or batched");
                o.batched = v == "batched";
            } else if (a == "--period-ms") {
                o.periodMs = static_cast<int>(toDouble(value(), a));
                o.periodGiven = true;
            }
            else if (a == "--no-drift") o.drift = false;
            else if (a == "--spread") o.spread = true;
            else if (a == "--soc") {
                const std::string v = value();
                std::size_t start = 0;
                while (start <= v.size()) {
                    const auto comma = v.find(',', start);
                    o.socs.push_back(toDouble(v.substr(start, comma - start), a));
                    if (comma == std::string::npos) break;
                    start = comma + 1;
                }
            } else if (a == "--capacity") o.capacityAh = toDouble(value(), a);
            else if (a == "--ccl") o.ccl = toDouble(value(), a);
            else if (a == "--dcl") o.dcl = toDouble(value(), a);
            else if (a == "--cvl") o.cvl = toDouble(value(), a);
            else if (a == "--churn") o.churn = static_cast<int>(toDouble(value(), a));
            else if (a == "--cells") o.cells = static_cast<int>(toDouble(value(), a));
            else if (a == "--monitor") o.monitor = true;
            else if (a == "--monitor-soc") o.monitorSoc = toDouble(value(), a);
            else if (a == "--background-rate") o.backgroundRate = static_cast<int>(toDouble(value(), a));
            else if (a == "--bank") o.bankFile = value();
            else if (a == "--speed") o.speed = toDouble(value(), a);
            else if (a == "--dvcc-service") o.dvccService = value();
            else throw std::invalid_argument("unknown argument '" + a + "'");
        }
        if (o.packs < 1 || o.packs > 999) throw std::invalid_argument("--packs must be 1 to 999");
        if (!(o.monitorSoc >= 0.0 && o.monitorSoc <= 100.0)) throw std::invalid_argument("--monitor-soc must be 0 to 100");
        if (o.cells < 0 || o.cells > 64) throw std::invalid_argument("--cells must be 0 to 64");
        if (o.periodMs < 10) throw std::invalid_argument("--period-ms must be at least 10");
        if (!(o.speed > 0.0 && o.speed <= 10000.0)) throw std::invalid_argument("--speed must be above 0 and at most 10000");
        if (o.bankFile && o.spread) throw std::invalid_argument("--spread is for --packs, not --bank");
        if (o.bankFile && !o.periodGiven) o.periodMs = 200;
    } catch (const std::exception& e) {
        out.error = e.what();
    }
    return out;
}

std::string simUsage()
{
    return "Usage: battery-sim [--packs N] [--bus ADDRESS] [--publish per-path|batched] [--period-ms 1000]\n"
           "                   [--spread] [--no-drift] [--soc 70,80,90] [--capacity AH] [--ccl A] [--dcl A] [--cvl V]\n"
           "                   [--churn K] [--cells K] [--background-rate R] [--monitor [--monitor-soc 50]]\n"
           "       battery-sim --bank SCENARIO.json [--speed N] [--period-ms 200] [--publish per-path|batched]\n"
           "                   [--dvcc-service NAME] [--bus ADDRESS]\n"
           "\n"
           "Publishes N simulated BMS services com.victronenergy.battery.sim1..N (each its own connection,\n"
           "like separate drivers). Values drift every period unless --no-drift.\n"
           "All packs publish in the same instant of each period; --spread gives pack k its own phase,\n"
           "(k-1)/N of the period after pack 1, so that their updates are spread evenly over the period as\n"
           "those of independent drivers (one process per BMS, each with its own timer, as on a GX) are.\n"
           "Control: SetValue on a pack's paths (/Soc, /Dc/0/Current, /Info/MaxChargeCurrent, /Io/AllowToCharge,\n"
           "/Alarms/*, ...) sets and publishes the value (drift leaves a set path alone);\n"
           "net.bagg.batterysim /Pack/<k>/Present SetValue 0|1 makes pack k leave the bus or come back,\n"
           "/Pack/<k>/Frozen SetValue 1|0 makes it hang (name kept, nothing answered) or recover.\n"
           "Benchmark load: --churn K changes K more paths per pack every period, as a busy serial BMS\n"
           "driver does; --cells K makes each pack (--packs) also publish K cell voltages /Voltages/Cell1..K (volts,\n"
           "3 decimals, text \"3.301V\", as dbus-serialbattery does; paths the aggregator does not use), each\n"
           "moved every period, so that per-path publishing sends one PropertiesChanged per cell and period;\n"
           "--background-rate R adds com.victronenergy.vebus.sim sending R signals a second.\n"
           "--monitor adds a SmartShunt-like battery monitor com.victronenergy.battery.simshunt (no limits):\n"
           "the packs' summed current, its own SOC from --monitor-soc; /Monitor/Present and /Monitor/Frozen\n"
           "on net.bagg.batterysim control it like a pack.\n"
           "\n"
           "--bank: a physical bank of packs in parallel from a scenario file (tests/scenarios/), each pack a\n"
           "BMS service com.victronenergy.battery.sim<k> that behaves like dbus-serialbattery, and a Multi that\n"
           "charges and discharges the bank within the CVL/CCL/DCL it reads from --dvcc-service (default the\n"
           "aggregate). --speed N runs N simulated seconds per real second; the services publish every\n"
           "--period-ms of real time. Control and the simulation's truth: net.bagg.batterysim (README).\n";
}

}  // namespace bagg::sim
