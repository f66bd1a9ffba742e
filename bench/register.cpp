// GCC 12 warns, under -fsanitize, that std::function inside <regex>'s NFA
// "may be used uninitialized" (a false positive in the library's own code).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include "bench/register.hpp"

#include <benchmark/benchmark.h>

#include <regex>
#include <stdexcept>

#include "bench/timed.hpp"

namespace smx {

struct BenchFilter::Compiled {
  std::regex re;
};

BenchFilter::BenchFilter(const std::string& filter) {
  std::string spec = filter.empty() || filter == "all" ? "." : filter;
  negative_ = spec[0] == '-';
  if (negative_) spec.erase(0, 1);
  try {
    re_ = std::make_shared<const Compiled>(Compiled{std::regex(spec, std::regex::extended)});
  } catch (const std::regex_error& e) {
    throw std::invalid_argument("--benchmark_filter='" + filter + "' is not an extended regular expression: " + e.what());
  }
}

bool BenchFilter::selects(const std::string& name) const { return std::regex_search(name, re_->re) != negative_; }

bool filter_selects(const std::string& filter, const std::string& name) { return BenchFilter(filter).selects(name); }

BenchSuite::BenchSuite(std::vector<BenchCase> plan, std::function<bool(const std::string&)> will_run,
                       RegisterOptions options)
    : plan_(std::move(plan)), options_(options), inputs_(options.input_budget), verifier_(std::move(will_run)) {
  for (const BenchCase& c : plan_)
    if (c.impl) verifier_.expect(c);
}

void BenchSuite::register_all() {
  for (const BenchCase& c : plan_) {
    auto* b = benchmark::RegisterBenchmark(bench_name(c.id).c_str(), [this, &c](benchmark::State& state) {
      BenchData data{inputs_, verifier_};
      time_case(state, c, data);
    });
    b->Unit(benchmark::kMicrosecond);
    if (options_.single_iteration) b->Iterations(1)->Repetitions(1);
  }
}

}  // namespace smx
