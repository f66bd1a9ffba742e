#include "impls/worker_pool.hpp"

#include <algorithm>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

namespace smx {
namespace {

class WorkerPool {
 public:
  ~WorkerPool() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    wake_.notify_all();
    for (std::thread& t : workers_) t.join();
  }

  void run(std::size_t count, unsigned parts, chunk_fn body, void* context) {
    std::lock_guard call(call_mutex_);  // one parallel call at a time
    {
      std::lock_guard lock(mutex_);
      while (workers_.size() + 1 < parts) {
        const unsigned index = static_cast<unsigned>(workers_.size()) + 1;
        workers_.emplace_back([this, index] { work(index); });
      }
      job_ = {count, parts, body, context};
      pending_ = parts - 1;
      ++generation_;
    }
    wake_.notify_all();
    body(context, 0, chunk_end(count, parts, 0));
    std::unique_lock lock(mutex_);
    done_.wait(lock, [&] { return pending_ == 0; });
  }

 private:
  struct Job {
    std::size_t count = 0;
    unsigned parts = 0;
    chunk_fn body = nullptr;
    void* context = nullptr;
  };

  static std::size_t chunk_end(std::size_t count, unsigned parts, unsigned k) {
    return count * (k + 1) / parts;  // count <= rows of a matrix in memory: no overflow in practice
  }

  void work(unsigned index) {
    std::uint64_t seen = 0;
    std::unique_lock lock(mutex_);
    while (true) {
      wake_.wait(lock, [&] { return stop_ || generation_ != seen; });
      if (stop_) return;
      seen = generation_;
      if (index >= job_.parts) continue;  // this call needs fewer workers
      const Job job = job_;
      lock.unlock();
      job.body(job.context, chunk_end(job.count, job.parts, index - 1), chunk_end(job.count, job.parts, index));
      lock.lock();
      if (--pending_ == 0) done_.notify_one();
    }
  }

  std::mutex call_mutex_;
  std::mutex mutex_;  // guards everything below
  std::condition_variable wake_, done_;
  std::vector<std::thread> workers_;
  Job job_;
  unsigned pending_ = 0;
  std::uint64_t generation_ = 0;
  bool stop_ = false;
};

}  // namespace

void parallel_chunks(std::size_t count, unsigned parts, chunk_fn body, void* context) {
  parts = static_cast<unsigned>(std::clamp<std::size_t>(parts, 1, std::max<std::size_t>(count, 1)));
  if (parts == 1) return body(context, 0, count);
  static WorkerPool pool;
  pool.run(count, parts, body, context);
}

}  // namespace smx
