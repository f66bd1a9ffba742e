#include "bench/inputs.hpp"

#include <unistd.h>

#include <algorithm>
#include <new>

#include "lab/families.hpp"

namespace smx {

template <class T>
AlignedBuffer<T>::AlignedBuffer(std::size_t count) : size_(count) {
  const std::size_t bytes = (std::max<std::size_t>(count, 1) * sizeof(T) + 63) / 64 * 64;
  data_.reset(static_cast<T*>(std::aligned_alloc(64, bytes)));
  if (!data_) throw std::bad_alloc();
  std::fill(data_.get(), data_.get() + count, T(0));  // touch every page now, not in the timed loop
}

InputCache::InputCache(std::size_t budget_bytes) : budget_(budget_bytes) {}

std::size_t InputCache::default_budget() {
  const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
  if (pages <= 0 || page <= 0) return std::size_t{1} << 30;
  return static_cast<std::size_t>(pages) * static_cast<std::size_t>(page) / 4;
}

std::shared_ptr<const void> InputCache::lookup(const std::string& key) {
  for (auto it = entries_.begin(); it != entries_.end(); ++it)
    if (it->key == key) {
      entries_.splice(entries_.begin(), entries_, it);
      return it->buffer;
    }
  return nullptr;
}

void InputCache::make_room(std::size_t bytes) {
  while (!entries_.empty() && used_ + bytes > budget_) {  // callers keep what they hold alive
    used_ -= entries_.back().bytes;
    entries_.pop_back();
  }
}

void InputCache::keep(const std::string& key, std::size_t bytes, std::shared_ptr<const void> buffer) {
  entries_.push_front({key, bytes, std::move(buffer)});
  used_ += bytes;
}

template <class T>
std::shared_ptr<const AlignedBuffer<T>> InputCache::values(std::string_view family_name, std::size_t count) {
  const std::string key = std::string(sizeof(T) == 4 ? "f32/" : "f64/") + std::string(family_name) + "/" + std::to_string(count);
  return cached<AlignedBuffer<T>>(key, count * sizeof(T), [&] {
    auto buffer = std::make_shared<AlignedBuffer<T>>(count);
    const std::vector<T> v = family<T>(family_name, count, 1);
    std::copy(v.begin(), v.end(), buffer->data());
    return std::shared_ptr<const AlignedBuffer<T>>(std::move(buffer));
  });
}

template <class T>
T* InputCache::output(std::size_t count) {
  auto& out = [&]() -> std::shared_ptr<AlignedBuffer<T>>& {
    if constexpr (sizeof(T) == 4) return out_f32_; else return out_f64_;
  }();
  if (!out || out->size() < count) {
    out.reset();  // free the old one first: the largest outputs are hundreds of MiB
    out = std::make_shared<AlignedBuffer<T>>(count);
  }
  return out->data();
}

template class AlignedBuffer<float>;
template class AlignedBuffer<double>;
template std::shared_ptr<const AlignedBuffer<float>> InputCache::values<float>(std::string_view, std::size_t);
template std::shared_ptr<const AlignedBuffer<double>> InputCache::values<double>(std::string_view, std::size_t);
template float* InputCache::output<float>(std::size_t);
template double* InputCache::output<double>(std::size_t);

}  // namespace smx
