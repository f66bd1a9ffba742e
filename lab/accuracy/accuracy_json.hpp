// accuracy.json: {"context": {...}, "fields": [names], "records": [[values]...],
// "op_fields": [names], "op_records": [[values]...]} (softmax's records, then
// the other operations');
// the schema is documented in README.md ("accuracy.json"). Numbers that are
// not finite (an infinite KL divergence, a missing budget) are null.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "lab/accuracy/exhaustive.hpp"
#include "lab/accuracy/record.hpp"
#include "lab/accuracy/runner.hpp"
#include "lab/run_context.hpp"

namespace smx {

struct AccuracyMeta {
  RunContext context;
  double wall_seconds = 0;
  unsigned threads = 0;
  std::vector<std::uint64_t> seeds;
  std::vector<ExhaustiveResult> exhaustive;  // empty unless --exhaustive ran
};

nlohmann::ordered_json to_json(const AccuracyRecord& r);
// An operation record: its parts as an object {part: {max_ulp, max_abs, ...}}.
nlohmann::ordered_json to_json(const OpAccuracyRecord& r);
// One object per record, every field named.
nlohmann::ordered_json accuracy_json(const AccuracyRun& run, const AccuracyMeta& meta);
// The text of accuracy.json: the same content with each record an array of
// its values in "fields" order (worst elements: arrays in "worst_fields"
// order), one record per line, so that the file is a third of the size and a
// rerun's diff shows the records that changed.
std::string accuracy_json_text(const AccuracyRun& run, const AccuracyMeta& meta);
nlohmann::ordered_json context_json(const RunContext& c);

// The same records as CSV, one line each, header first.
std::string accuracy_csv(const AccuracyRun& run);

}  // namespace smx
