#include "sitmap/core/lazy_library.hpp"

#include <dlfcn.h>

#include <string>

#include "sitmap/core/error.hpp"

namespace sitmap {

void LazyLibrary::load() const {
  if (handle_.load(std::memory_order_acquire)) return;
  std::lock_guard lock(mutex_);
  if (handle_.load(std::memory_order_relaxed)) return;
  void* handle = dlopen(soname_, RTLD_NOW | RTLD_LOCAL);
  if (!handle)
    throw Error(ErrorKind::Internal, std::string("cannot load ") + what_ + " (" + soname_ + "): " + dlerror() +
                                         " (install it again with ./scripts/run)");
  handle_.store(handle, std::memory_order_release);
}

void* LazyLibrary::function(const char* name) const {
  load();
  void* function = dlsym(handle_.load(std::memory_order_acquire), name);
  if (!function) throw Error(ErrorKind::Internal, std::string(what_) + " (" + soname_ + ") has no " + name);
  return function;
}

}  // namespace sitmap
