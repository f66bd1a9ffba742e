#include "bench/op_inputs.hpp"

#include <algorithm>
#include <string>

namespace smx {

template <class T>
OpRows<T> OpInput<T>::operands(T* out, std::size_t rows, std::size_t cols, T* losses) const {
  return {x->data(), dy ? dy->data() : nullptr, target.empty() ? nullptr : target.data(), out, rows, cols, losses};
}

template <class T>
OpRows<T> OpInput<T>::row(std::size_t r, std::size_t cols, T* out) const {
  OpRows<T> a = operands(out, 0, cols);
  a.x += r * cols;
  if (a.dy) a.dy += r * cols;
  if (a.target) a.target += r;
  return a;
}

template <class T>
OpCase<T> OpInput<T>::row_case(Op op, std::size_t r, std::size_t cols) const {
  OpCase<T> c;
  c.op = op;
  c.x.assign(x->data() + r * cols, x->data() + (r + 1) * cols);
  if (dy) c.dy.assign(dy->data() + r * cols, dy->data() + (r + 1) * cols);
  if (!target.empty()) c.target = target[r];
  return c;
}

template <class T>
std::shared_ptr<const OpInput<T>> op_input(InputCache& cache, Op op, std::string_view family, std::size_t rows,
                                           std::size_t cols) {
  const std::size_t count = std::max<std::size_t>(rows, 1), elements = count * cols;
  auto values = cache.values<T>(family, elements);
  const bool backward = op == Op::softmax_backward;
  // Its own memory: backward's y and dy, cross_entropy's targets; the values are the cache's.
  const std::size_t bytes = backward ? 2 * elements * sizeof(T) : op == Op::cross_entropy ? count * sizeof(std::size_t) : 0;
  const std::string key = std::string(to_string(op)) + "/" + std::string(to_string(dtype_of<T>)) + "/" + std::string(family) +
                          "/" + std::to_string(rows) + "/" + std::to_string(cols);
  return cache.cached<OpInput<T>>(key, bytes, [&] {
    auto in = std::make_shared<OpInput<T>>();
    in->x = values;
    if (op == Op::cross_entropy || backward) {
      auto y = backward ? std::make_shared<AlignedBuffer<T>>(elements) : nullptr;
      auto dy = backward ? std::make_shared<AlignedBuffer<T>>(elements) : nullptr;
      for (std::size_t r = 0; r < count; ++r) {
        const T* row = values->data() + r * cols;
        const OpCase<T> c = make_case<T>(op, std::vector<T>(row, row + cols), row_seed(r));
        if (!backward) {
          in->target.push_back(c.target);
          continue;
        }
        std::copy(c.x.begin(), c.x.end(), y->data() + r * cols);
        std::copy(c.dy.begin(), c.dy.end(), dy->data() + r * cols);
      }
      if (backward) in->x = std::move(y), in->dy = std::move(dy);
    }
    return std::shared_ptr<const OpInput<T>>(std::move(in));
  });
}

template struct OpInput<float>;
template struct OpInput<double>;
template std::shared_ptr<const OpInput<float>> op_input<float>(InputCache&, Op, std::string_view, std::size_t, std::size_t);
template std::shared_ptr<const OpInput<double>> op_input<double>(InputCache&, Op, std::string_view, std::size_t, std::size_t);

}  // namespace smx
