#pragma once
// The cell-voltage safety net (issue 13 rule 4), off until [cells] sets a chemistry: the bank's own
// check on what the packs' cells do, beside the BMSes' limits.
//   - CVL: when any cell is above max_cell_voltage, the CVL is lowered to the bank voltage minus the
//     summed overshoot of the packs' highest cells, and stays lowered until every cell is back
//     below and the bank's cell spread is under cell_diff_max; then it is restored by limit_ramp.
//   - CCL: a fraction of nominal from a table over the bank's highest cell.
//   - DCL: a fraction of nominal from a table over the bank's lowest cell; it rises again only once
//     that cell has recovered dcl_hysteresis above where it fell.
// Combined with every other rule by taking the minimum. Presets (LFP, LTO) after
// dbus-serialbattery's defaults.

#include "bagg/core/aggregation_config.h"
#include "bagg/core/pack_snapshot.h"

#include <optional>
#include <string>
#include <vector>

namespace bagg {

// The preset of the chemistry with the configured values laid over it.
struct CellLimits {
    double maxCellVoltage = 0.0, cellDiffMax = 0.0, dclHysteresis = 0.0;
    std::vector<TaperPoint> cclTaper, dclTaper;
};
std::optional<CellLimits> cellLimits(const CellsConfig& config);  // none: the net is off

// Linear between the points, the end values beyond them.
double taper(const std::vector<TaperPoint>& table, double volts);

struct CellNetMemory {
    std::optional<double> cvlCap;  // V, while the CVL is lowered
    double dclFraction = 1.0;      // as last published (its hysteresis)
};

struct CellNet {
    std::optional<double> cvlCap;  // V
    std::string cvlReason;         // "cell 3.58 V > 3.55 V on Bank 2: CVL lowered by 0.03 V"
    double cclFraction = 1.0, dclFraction = 1.0;  // of nominal
    std::string cclReason, dclReason;  // "highest cell 3.48 V: 30 % of nominal"
};

// packs: online and held (their cells as last known). busVoltage: the bank's measured voltage.
CellNet cellSafetyNet(const std::vector<const PackSnapshot*>& packs, const CellLimits& limits,
                      std::optional<double> busVoltage, CellNetMemory& memory);

}  // namespace bagg
