#pragma once
// `battery-sim --bank FILE`: the physical bank of a scenario file on the bus. One sd-event loop
// runs the model (bank_model.h) in simulated time, publishes each pack as its BMS driver would
// (bank_pack_service.h), lets the sim's Multi follow the limits it reads from the aggregate
// (dvcc_reader.h), and exposes commands and the simulation's truth on net.bagg.batterysim.

#include "sim_options.h"

namespace bagg::sim {

// Runs until SIGTERM/SIGINT (0), or the bus is lost (3); 2 for a scenario file with errors.
int runBank(const SimOptions& options);

}  // namespace bagg::sim
