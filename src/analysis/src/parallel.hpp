// Splits [0, n) into contiguous chunks run on std::threads (the calling thread takes the first chunk).
#pragma once
#include <algorithm>
#include <cstddef>
#include <exception>
#include <thread>
#include <vector>

namespace sitmap::analysis::detail {

inline int thread_count(int requested) {
  if (requested > 0) return requested;
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

// fn(begin, end, chunk) for each chunk; the first exception thrown by any chunk is rethrown.
template <class Fn>
void parallel_chunks(size_t n, int threads, Fn&& fn) {
  size_t t = std::min<size_t>(static_cast<size_t>(std::max(1, threads)), std::max<size_t>(n, 1));
  if (t <= 1) {
    fn(size_t{0}, n, 0);
    return;
  }
  std::vector<std::exception_ptr> errors(t);
  std::vector<std::thread> pool;
  auto run = [&](size_t k) {
    try {
      fn(n * k / t, n * (k + 1) / t, static_cast<int>(k));
    } catch (...) {
      errors[k] = std::current_exception();
    }
  };
  for (size_t k = 1; k < t; ++k) pool.emplace_back(run, k);
  run(0);
  for (auto& th : pool) th.join();
  for (auto& e : errors)
    if (e) std::rethrow_exception(e);
}

}  // namespace sitmap::analysis::detail
