// The benchmarks' data: input rows generated once per (dtype, family, count)
// and shared by every implementation timed on them, kept under a memory
// budget (least recently used dropped first), and one reusable output buffer
// per dtype. Everything 64-byte aligned and touched before it is timed, so no
// benchmark pays a page fault or a misaligned start that another does not.
#pragma once

#include <cstddef>
#include <cstdlib>
#include <list>
#include <memory>
#include <string>
#include <string_view>

namespace smx {

template <class T>
class AlignedBuffer {
 public:
  explicit AlignedBuffer(std::size_t count);
  T* data() { return data_.get(); }
  const T* data() const { return data_.get(); }
  std::size_t size() const { return size_; }

 private:
  struct Free {
    void operator()(T* p) const { std::free(p); }
  };
  std::unique_ptr<T[], Free> data_;
  std::size_t size_;
};

class InputCache {
 public:
  explicit InputCache(std::size_t budget_bytes);

  // family<T>(name, count, seed 1), every value written.
  template <class T> std::shared_ptr<const AlignedBuffer<T>> values(std::string_view family, std::size_t count);
  // At least count elements, touched; the same buffer until a larger one is asked for.
  template <class T> T* output(std::size_t count);

  // A quarter of the physical memory: big inputs stay cached in the full preset.
  static std::size_t default_budget();

  // What is cached under key, else make() (a std::shared_ptr<const V> of
  // about `bytes` of its own) cached under it; for data made from values().
  template <class V, class Make>
  std::shared_ptr<const V> cached(const std::string& key, std::size_t bytes, Make make) {
    if (std::shared_ptr<const void> hit = lookup(key)) return std::static_pointer_cast<const V>(hit);
    make_room(bytes);
    std::shared_ptr<const V> made = make();
    keep(key, bytes, made);
    return made;
  }

 private:
  std::shared_ptr<const void> lookup(const std::string& key);  // and mark it most recently used
  void make_room(std::size_t bytes);                            // drop the least recently used
  void keep(const std::string& key, std::size_t bytes, std::shared_ptr<const void> buffer);

  struct Entry {
    std::string key;
    std::size_t bytes;
    std::shared_ptr<const void> buffer;
  };
  std::size_t budget_, used_ = 0;
  std::list<Entry> entries_;  // most recently used first
  std::shared_ptr<AlignedBuffer<float>> out_f32_;
  std::shared_ptr<AlignedBuffer<double>> out_f64_;
};

}  // namespace smx
