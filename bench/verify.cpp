#include "bench/verify.hpp"

#include <algorithm>
#include <thread>

#include "impls/batched.hpp"
#include "impls/worker_pool.hpp"

namespace smx {

std::vector<std::size_t> verified_rows(std::size_t rows) {
  std::vector<std::size_t> out{0, rows / 2, rows - 1};
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

template <class T>
Verdict verify_on(const Impl& impl, const T* x, T* y, std::size_t rows, std::size_t cols, int threads,
                  const std::vector<std::pair<std::size_t, Expected<T>>>& refs) {
  if (rows == 0) impl.template kernel<Op::softmax, T>()(x, y, cols);
  else softmax_batched<T>(impl, x, cols, y, cols, rows, cols, threads);
  Verdict v;
  for (const auto& [row, ref] : refs) {
    const std::span<const T> in(x + row * cols, cols), out(y + row * cols, cols);
    const RowVerdict r = check_row<T>(impl, in, out, ref);
    v.claimed &= r.budget_applies;
    if (!r.ok) {
      v.ok = false;
      v.message = "breaks its declaration" + (rows ? " (row " + std::to_string(row) + ")" : std::string()) + ": " + r.failure;
      for (char& ch : v.message) ch = (ch == '\n' || ch == '\r') ? ' ' : ch;  // one line in the report
      return v;
    }
  }
  return v;
}

Verifier::Verifier(std::function<bool(const std::string&)> will_run) : will_run_(std::move(will_run)) {}

Verifier::InputKey Verifier::input_of(const BenchCase& c) { return {c.id.dtype, c.input_family, c.rows, c.n}; }

void Verifier::expect(const BenchCase& c) { expected_[input_of(c)].push_back(&c); }

template <class T>
const Verdict& Verifier::verdict(const BenchCase& c, const T* x, T* y) {
  const InputKey input = input_of(c);
  const std::pair key{input, Subject{c.impl, c.id.threads}};
  if (const auto it = verdicts_.find(key); it != verdicts_.end()) return it->second;

  std::vector<std::pair<std::size_t, Expected<T>>> refs;
  for (const std::size_t row : c.rows ? verified_rows(c.rows) : std::vector<std::size_t>{0})
    refs.emplace_back(row, expected_softmax<T>(std::span<const T>(x + row * c.n, c.n)));
  // This benchmark, then every other one this run times on the same input.
  std::vector<const BenchCase*> subjects{&c};
  for (const BenchCase* other : expected_[input])
    if (other != &c && will_run_(bench_name(other->id)) && !verdicts_.count({input, Subject{other->impl, other->id.threads}}) &&
        std::none_of(subjects.begin(), subjects.end(), [&](const BenchCase* s) {
          return s->impl == other->impl && s->id.threads == other->id.threads;
        }))
      subjects.push_back(other);
  std::vector<Verdict> found(subjects.size());
  if (c.rows) {  // batched: the row loop may use the worker pool itself, so one subject at a time
    for (std::size_t i = 0; i < subjects.size(); ++i)
      found[i] = verify_on<T>(*subjects[i]->impl, x, y, c.rows, c.n, subjects[i]->id.threads, refs);
  } else {  // rows: checking costs about as much as the reference, so spread the subjects over the cores
    struct Job {
      const std::vector<const BenchCase*>& subjects;
      std::vector<Verdict>& found;
      const T* x;
      std::size_t n;
      const std::vector<std::pair<std::size_t, Expected<T>>>& refs;
    } job{subjects, found, x, c.n, refs};
    // Each check of a 2^26-element row holds a few GiB (the order and tie checks sort copies of it): in
    // parallel only below that.
    const bool parallel = c.n >= 65536 && c.n * sizeof(T) <= (std::size_t{128} << 20);
    const unsigned cores = parallel ? std::max(1u, std::thread::hardware_concurrency()) : 1u;
    parallel_chunks(subjects.size(), cores, [](void* context, std::size_t begin, std::size_t end) {
      const Job& j = *static_cast<const Job*>(context);
      std::vector<T> out(j.n);
      for (std::size_t i = begin; i < end; ++i) j.found[i] = verify_on<T>(*j.subjects[i]->impl, j.x, out.data(), 0, j.n, 0, j.refs);
    }, &job);
  }
  for (std::size_t i = 0; i < subjects.size(); ++i) verdicts_[{input, Subject{subjects[i]->impl, subjects[i]->id.threads}}] = found[i];
  return verdicts_.at(key);
}

template Verdict verify_on<float>(const Impl&, const float*, float*, std::size_t, std::size_t, int,
                                  const std::vector<std::pair<std::size_t, Expected<float>>>&);
template Verdict verify_on<double>(const Impl&, const double*, double*, std::size_t, std::size_t, int,
                                   const std::vector<std::pair<std::size_t, Expected<double>>>&);
template const Verdict& Verifier::verdict<float>(const BenchCase&, const float*, float*);
template const Verdict& Verifier::verdict<double>(const BenchCase&, const double*, double*);

}  // namespace smx
