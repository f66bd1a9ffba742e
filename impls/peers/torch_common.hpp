// What peer.torch's translation units share: wrapping the caller's memory
// as ATen tensors, ATen's thread set-up, and the kernels of the training
// operations (impls/peers/torch_training.cpp) that the entry in
// impls/peers/torch.cpp registers.
#pragma once

#include <ATen/Parallel.h>
#include <ATen/core/Tensor.h>
#include <ATen/ops/from_blob.h>

#include <cstddef>
#include <cstdint>

namespace smx::impls::torch_peer {

// ATen sets each thread's OpenMP thread count the first time that thread
// reaches a parallel region; done here first, so that it cannot overwrite
// the count an OmpThreads guard has just set.
inline void init_threads() {
  thread_local const bool done = (at::get_num_threads(), true);
  (void)done;
}

// rows x cols over the caller's memory, row r at data + r*ld (ld = 0: cols),
// without a copy (const_cast only because from_blob takes void*; ATen never
// writes an input). A strided tensor is one ATen copies before computing.
template <class T>
at::Tensor wrap(const T* data, std::size_t rows, std::size_t cols, std::size_t ld = 0) {
  const auto options = at::TensorOptions().dtype(c10::CppTypeToScalarType<T>::value);
  const auto r = static_cast<std::int64_t>(rows), c = static_cast<std::int64_t>(cols);
  const auto stride = static_cast<std::int64_t>(ld ? ld : cols);
  return at::from_blob(const_cast<T*>(data), {r, c}, {stride, 1}, options);
}

template <class T> T cross_entropy(const T* x, std::size_t n, std::size_t target, T* grad);
template <class T>
T cross_entropy_batch(const T* x, std::size_t ldx, const std::size_t* target, T* grad, std::size_t ldg,
                      std::size_t rows, std::size_t cols, int threads);
template <class T> void softmax_backward(const T* y, const T* dy, T* dx, std::size_t n);

}  // namespace smx::impls::torch_peer
