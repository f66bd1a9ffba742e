// accuracy.md's sections for the operations beyond softmax: per operation a
// summary per implementation with each part of the output apart, the
// confident-row case where digits are lost, and the special-value matrix.
#pragma once

#include <ostream>

#include "lab/accuracy/runner.hpp"

namespace smx {

void op_sections(std::ostream& out, const AccuracyRun& run);

}  // namespace smx
