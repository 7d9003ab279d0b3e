// A shared library opened on its first call (dlopen) rather than when sitmap starts, for libraries that most
// runs never call: GDAL, whose hundred libraries take some 30 ms to load, and PROJ (10 ms). The module that
// wraps one lists every function it calls as a LazyFunction of the same name and signature in its own
// namespace; its code calls them unqualified, so it reads as plain calls to the library, and nothing links the
// library itself (a function missing from the list fails to link, naming it). The library's headers still give
// the types and signatures.
#pragma once
#include <atomic>
#include <mutex>

namespace sitmap {

class LazyLibrary {
 public:
  // `soname`: what dlopen is given (the soname, so that a copy already loaded is the one used); `what`: its name
  // in messages.
  constexpr LazyLibrary(const char* soname, const char* what) : soname_(soname), what_(what) {}
  // Opens it now (thread-safe; after a failure the next call tries again). Throws Error(Internal) naming it.
  void load() const;
  // A function of it, opening it first. Throws Error(Internal) naming the library or the function.
  void* function(const char* name) const;

 private:
  const char* soname_;
  const char* what_;
  mutable std::mutex mutex_;
  mutable std::atomic<void*> handle_{nullptr};
};

template <const LazyLibrary& library, class F>
class LazyFunction;

template <const LazyLibrary& library, class R, class... A>
class LazyFunction<library, R (*)(A...)> {
 public:
  constexpr explicit LazyFunction(const char* name) : name_(name) {}
  R operator()(A... a) const {
    auto* f = fn_.load(std::memory_order_acquire);
    if (!f) {
      f = reinterpret_cast<R (*)(A...)>(library.function(name_));
      fn_.store(f, std::memory_order_release);
    }
    return f(a...);
  }

 private:
  const char* name_;
  mutable std::atomic<R (*)(A...)> fn_{nullptr};
};

}  // namespace sitmap
