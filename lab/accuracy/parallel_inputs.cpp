#include "lab/accuracy/parallel_inputs.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace smx {

std::vector<std::size_t> largest_first(const std::vector<std::size_t>& sizes) {
  std::vector<std::size_t> order(sizes.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return sizes[a] > sizes[b]; });
  return order;
}

void run_in_parallel(const std::vector<std::size_t>& order, unsigned threads, const std::function<void(std::size_t)>& work,
                     const std::function<void(std::size_t, std::size_t)>& progress) {
  std::atomic<std::size_t> next{0}, done{0};
  std::mutex mutex;
  std::condition_variable changed;
  auto worker = [&] {
    for (std::size_t k; (k = next.fetch_add(1)) < order.size();) {
      work(order[k]);
      done.fetch_add(1);
      changed.notify_one();
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < std::max(1u, threads); ++t) pool.emplace_back(worker);
  {
    std::unique_lock lock(mutex);
    while (done.load() < order.size()) {
      changed.wait_for(lock, std::chrono::milliseconds(200));
      if (progress) progress(done.load(), order.size());
    }
  }
  for (auto& t : pool) t.join();
}

}  // namespace smx
