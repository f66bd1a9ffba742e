#include "bench/verify.hpp"

#include <algorithm>
#include <thread>

#include "bench/op_call.hpp"

namespace smx {
namespace {

// "breaks its declaration (row 3): <why>", on one line for the report.
Verdict broken(std::size_t rows, std::size_t row, const std::string& failure) {
  Verdict v;
  v.ok = false;
  v.message = "breaks its declaration" + (rows ? " (row " + std::to_string(row) + ")" : std::string()) + ": " + failure;
  for (char& ch : v.message) ch = (ch == '\n' || ch == '\r') ? ' ' : ch;
  return v;
}

}  // namespace

std::vector<std::size_t> verified_rows(std::size_t rows) {
  std::vector<std::size_t> out{0, rows / 2, rows - 1};
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

template <class T>
Verdict verify_on(const Impl& impl, const T* x, T* y, std::size_t rows, std::size_t cols, int threads,
                  const std::vector<std::pair<std::size_t, Expected<T>>>& refs) {
  call_op(OpKernels<Op::softmax, T>(impl), OpRows<T>{.x = x, .out = y, .rows = rows, .cols = cols}, threads);
  Verdict v;
  for (const auto& [row, ref] : refs) {
    const std::span<const T> in(x + row * cols, cols), out(y + row * cols, cols);
    const RowVerdict r = check_row<T>(impl, in, out, ref);
    v.claimed &= r.budget_applies;
    if (!r.ok) return broken(rows, row, r.failure);
  }
  return v;
}

template <class T>
std::vector<OpReference<T>> op_references(Op op, const OpInput<T>& in, std::size_t rows, std::size_t cols) {
  std::vector<OpReference<T>> refs;
  for (const std::size_t row : rows ? verified_rows(rows) : std::vector<std::size_t>{0}) {
    OpCase<T> c = in.row_case(op, row, cols);
    OpExpected<T> e = expected_op<T>(c);
    refs.push_back({row, std::move(c), std::move(e)});
  }
  return refs;
}

template <class T>
Verdict verify_op_on(const Impl& impl, Op op, const OpInput<T>& in, T* y, std::size_t rows, std::size_t cols, int threads,
                     const std::vector<OpReference<T>>& refs) {
  const std::size_t loss = op == Op::cross_entropy ? 1 : 0;  // run_op's layout: the loss first
  std::vector<T> row_out(cols + loss), losses(std::max<std::size_t>(rows, 1));
  const T value = call_op<T>(impl, op, in.operands(rows ? y : row_out.data() + loss, rows, cols, losses.data()), threads);
  Verdict v;
  for (const OpReference<T>& ref : refs) {
    std::span<const T> got(row_out);
    if (!rows) {
      if (loss) row_out[0] = value;
    } else if (!loss) {
      got = std::span<const T>(y + ref.row * cols, cols);
    } else {
      OpRows<T> one = in.row(ref.row, cols, row_out.data() + 1);
      one.rows = 1, one.losses = losses.data();  // a batch of one: the batched entry's loss of the row
      row_out[0] = call_op<T>(impl, op, one, threads);
      std::copy(y + ref.row * cols, y + (ref.row + 1) * cols, row_out.begin() + 1);  // the batch's own gradient
    }
    const OpVerdict r = check_op<T>(impl, ref.input, got, ref.expected);
    v.claimed &= r.budget_applies;
    if (!r.ok) return broken(rows, ref.row, r.failure);
  }
  return v;
}

Verifier::Verifier(std::function<bool(const std::string&)> will_run) : will_run_(std::move(will_run)) {}

Verifier::InputKey Verifier::input_of(const BenchCase& c) { return {c.id.op, c.id.dtype, c.input_family, c.rows, c.n}; }

void Verifier::expect(const BenchCase& c) { expected_[input_of(c)].push_back(&c); }

template <class T>
const Verdict& Verifier::verdict(const BenchCase& c, const OpInput<T>& in, T* y) {
  const InputKey input = input_of(c);
  const std::pair key{input, Subject{c.impl, c.id.threads}};
  if (const auto it = verdicts_.find(key); it != verdicts_.end()) return it->second;

  // The reference once, and one way to check a subject on it: softmax's or the other operations'.
  const Op op = c.id.op;
  std::vector<std::pair<std::size_t, Expected<T>>> softmax_refs;
  std::vector<OpReference<T>> op_refs;
  if (op == Op::softmax)
    for (const std::size_t row : c.rows ? verified_rows(c.rows) : std::vector<std::size_t>{0})
      softmax_refs.emplace_back(row, expected_softmax<T>(std::span<const T>(in.x->data() + row * c.n, c.n)));
  else
    op_refs = op_references<T>(op, in, c.rows, c.n);
  const auto check = [&](const BenchCase& s, T* out) {
    return op == Op::softmax ? verify_on<T>(*s.impl, in.x->data(), out, c.rows, c.n, s.id.threads, softmax_refs)
                             : verify_op_on<T>(*s.impl, op, in, out, c.rows, c.n, s.id.threads, op_refs);
  };

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
    for (std::size_t i = 0; i < subjects.size(); ++i) found[i] = check(*subjects[i], y);
  } else {  // rows: checking costs about as much as the reference, so spread the subjects over the cores
    // Each check of a 2^26-element row holds a few GiB (the order and tie checks sort copies of it): in
    // parallel only below that.
    const bool parallel = c.n >= 65536 && c.n * sizeof(T) <= (std::size_t{128} << 20);
    const int cores = parallel ? static_cast<int>(std::max(1u, std::thread::hardware_concurrency())) : 1;
    for_each_row(subjects.size(), cores, [&](std::size_t i) {
      std::vector<T> out(op == Op::softmax ? c.n : 0);  // the other operations' checks have their own
      found[i] = check(*subjects[i], out.data());
    });
  }
  for (std::size_t i = 0; i < subjects.size(); ++i) verdicts_[{input, Subject{subjects[i]->impl, subjects[i]->id.threads}}] = found[i];
  return verdicts_.at(key);
}

#define SMX_INSTANTIATE(T)                                                                                            \
  template Verdict verify_on<T>(const Impl&, const T*, T*, std::size_t, std::size_t, int,                             \
                                const std::vector<std::pair<std::size_t, Expected<T>>>&);                             \
  template std::vector<OpReference<T>> op_references<T>(Op, const OpInput<T>&, std::size_t, std::size_t);              \
  template Verdict verify_op_on<T>(const Impl&, Op, const OpInput<T>&, T*, std::size_t, std::size_t, int,             \
                                   const std::vector<OpReference<T>>&);                                               \
  template const Verdict& Verifier::verdict<T>(const BenchCase&, const OpInput<T>&, T*);
SMX_INSTANTIATE(float)
SMX_INSTANTIATE(double)
#undef SMX_INSTANTIATE

}  // namespace smx
