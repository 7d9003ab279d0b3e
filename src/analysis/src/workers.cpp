#include "sitmap/analysis/workers.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>

#include "parallel.hpp"

namespace sitmap::analysis {

namespace {

// One call of run_tasks: its tasks are claimed one index at a time by whoever is free, the caller included.
struct Job {
  const std::function<void(size_t)>* task;
  size_t count;
  std::atomic<size_t> next{0};
  size_t done = 0;  // under Workers::mutex_
};

class Workers {
 public:
  static Workers& get() {
    // Never destroyed: workers still waiting at exit are ended with the process.
    static Workers* workers = new Workers;
    return *workers;
  }

  void run(size_t count, const std::function<void(size_t)>& task) {
    auto job = std::make_shared<Job>();
    job->task = &task;
    job->count = count;
    {
      std::lock_guard lock(mutex_);
      jobs_.push_back(job);
    }
    work_.notify_all();
    // The caller takes tasks too, then waits only for those others took: a waiting thread claims nothing, so a
    // task that runs tasks of its own (nested) can always finish them itself.
    size_t mine = 0;
    for (size_t k; (k = job->next.fetch_add(1)) < count; ++mine) task(k);
    std::unique_lock lock(mutex_);
    job->done += mine;
    finished_.wait(lock, [&] { return job->done == count; });
    if (auto it = std::find(jobs_.begin(), jobs_.end(), job); it != jobs_.end()) jobs_.erase(it);
  }

 private:
  Workers() {
    const int n = detail::thread_count(0) - 1;
    for (int i = 0; i < n; ++i) std::thread([this] { loop(); }).detach();
  }

  void loop() {
    std::unique_lock lock(mutex_);
    while (true) {
      work_.wait(lock, [&] { return !jobs_.empty(); });
      std::shared_ptr<Job> job = jobs_.front();
      size_t k = job->next.fetch_add(1);
      if (k >= job->count) {  // all claimed: the job leaves the queue
        jobs_.pop_front();
        continue;
      }
      lock.unlock();
      (*job->task)(k);
      lock.lock();
      if (++job->done == job->count) finished_.notify_all();
    }
  }

  std::mutex mutex_;
  std::condition_variable work_, finished_;
  std::deque<std::shared_ptr<Job>> jobs_;
};

}  // namespace

void start_workers() { Workers::get(); }

namespace detail {

void run_tasks(size_t count, const std::function<void(size_t)>& task) { Workers::get().run(count, task); }

}  // namespace detail

}  // namespace sitmap::analysis
