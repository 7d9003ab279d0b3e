// Splits [0, n) into contiguous chunks run by the calling thread and the process's worker threads.
#pragma once
#include <algorithm>
#include <cstddef>
#include <exception>
#include <functional>
#include <thread>
#include <vector>

namespace sitmap::analysis::detail {

inline int thread_count(int requested) {
  if (requested > 0) return requested;
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

// task(k) for every k in [0, count): the calling thread takes them in turn with the workers (analysis/workers.hpp),
// and returns when all have run. `task` must not throw.
void run_tasks(size_t count, const std::function<void(size_t)>& task);

// fn(begin, end, chunk) for each chunk; the first exception thrown by any chunk is rethrown.
template <class Fn>
void parallel_chunks(size_t n, int threads, Fn&& fn) {
  size_t t = std::min<size_t>(static_cast<size_t>(std::max(1, threads)), std::max<size_t>(n, 1));
  if (t <= 1) {
    fn(size_t{0}, n, 0);
    return;
  }
  std::vector<std::exception_ptr> errors(t);
  run_tasks(t, [&](size_t k) {
    try {
      fn(n * k / t, n * (k + 1) / t, static_cast<int>(k));
    } catch (...) {
      errors[k] = std::current_exception();
    }
  });
  for (auto& e : errors)
    if (e) std::rethrow_exception(e);
}

}  // namespace sitmap::analysis::detail
