#include "bench/register.hpp"

#include <benchmark/benchmark.h>

#include <regex.h>

#include "bench/timed.hpp"

namespace smx {

bool filter_selects(const std::string& filter, const std::string& name) {
  std::string spec = filter.empty() || filter == "all" ? "." : filter;
  const bool negative = spec[0] == '-';
  if (negative) spec.erase(0, 1);
  // POSIX extended expressions, searched: what Google Benchmark's std::regex(extended) does.
  regex_t re;
  if (regcomp(&re, spec.c_str(), REG_EXTENDED | REG_NOSUB) != 0) return true;  // Google Benchmark reports it
  const bool found = regexec(&re, name.c_str(), 0, nullptr, 0) == 0;
  regfree(&re);
  return found != negative;
}

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
