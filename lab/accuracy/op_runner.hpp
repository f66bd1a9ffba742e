// The accuracy grid's inputs for the operations beyond softmax, one job each
// (the reference once, shared by every implementation's cell), and their
// merge into records in grid order. runner.cpp schedules these jobs with
// softmax's on one pool.
#pragma once

#include <cstdint>
#include <vector>

#include "lab/accuracy/grid.hpp"
#include "lab/accuracy/op_record.hpp"

namespace smx {

// One job: an operation on one family row; cross-entropy's target rules
// share it (and its reference's softmax and log-softmax).
struct OpInput {
  Op op;
  Dtype dtype;
  const FamilyInfo* family;
  std::size_t n;
  std::uint64_t seed;
  double temperature = 1;  // softmax, log_softmax of x / temperature
};

// One cell's verdict on one input, and its output's metrics.
struct OpRowResult {
  bool ran = false;
  OpVerdict verdict;
  WorstElement worst[op_part_table.size()];
};
struct OpInputResult {
  std::vector<std::vector<OpRowResult>> rows;  // per target rule (one: the operations without), per grid implementation
};

std::vector<OpInput> op_inputs(const AccuracyGrid& grid);
OpInputResult run_op_input(const AccuracyGrid& grid, const OpInput& in);
std::vector<OpAccuracyRecord> merge_op_results(const AccuracyGrid& grid, const std::vector<OpInput>& inputs,
                                               const std::vector<OpInputResult>& results);

}  // namespace smx
