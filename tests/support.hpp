// Small helpers the test files share.
#pragma once

#include <string_view>
#include <vector>

#include "impls/registry.hpp"
#include "lab/io/float_text.hpp"

namespace smx {

template <class T> constexpr std::string_view dtype_name() { return sizeof(T) == 4 ? "f32" : "f64"; }

// Every implementation this CPU can run that provides op over T: all ISA
// paths the machine supports are tested.
template <class T>
std::vector<const Impl*> testable_impls(Op op = Op::softmax) {
  std::vector<const Impl*> out;
  for (const Impl& impl : all_impls())
    if (impl.provides(op, dtype_of<T>) && impl.available()) out.push_back(&impl);
  return out;
}

}  // namespace smx
