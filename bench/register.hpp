// Registration with Google Benchmark at run time: one benchmark per case of
// the plan, named by bench_name, timed by time_case. The suite owns the
// inputs and verdicts the registered functions use, so it must outlive the run.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "bench/inputs.hpp"
#include "bench/plan.hpp"
#include "bench/verify.hpp"

namespace smx {

struct RegisterOptions {
  bool single_iteration = false;  // tests: one iteration and one repetition each
  std::size_t input_budget = InputCache::default_budget();
};

// Google Benchmark's --benchmark_filter as it applies it (1.7, std::regex
// backend): an extended regular expression searched in the name; a leading
// '-' negates; "" and "all" select everything. Compiled once, the way Google
// Benchmark compiles it, so a filter it would refuse is refused here first.
// The regex lives in register.cpp alone: GCC 12 warns falsely inside
// <regex> under the sanitizers, and one file can say so.
class BenchFilter {
 public:
  // Throws std::invalid_argument naming the filter and std::regex's reason.
  explicit BenchFilter(const std::string& filter);
  bool selects(const std::string& name) const;

 private:
  struct Compiled;
  std::shared_ptr<const Compiled> re_;  // shared: a filter is copied into callbacks
  bool negative_ = false;
};

// BenchFilter(filter).selects(name). Used to verify, with one reference,
// every benchmark that will run on an input (a wrong guess only costs time).
bool filter_selects(const std::string& filter, const std::string& name);

class BenchSuite {
 public:
  BenchSuite(std::vector<BenchCase> plan, std::function<bool(const std::string&)> will_run, RegisterOptions options = {});
  BenchSuite(const BenchSuite&) = delete;
  BenchSuite& operator=(const BenchSuite&) = delete;

  void register_all();
  const std::vector<BenchCase>& plan() const { return plan_; }

 private:
  std::vector<BenchCase> plan_;
  RegisterOptions options_;
  InputCache inputs_;
  Verifier verifier_;
};

}  // namespace smx
