// Stack bounds of the current thread (pthread_getattr_np, cached per thread) -> bytes left.
#include "symnas/common/stack_guard.hpp"

#include <pthread.h>

#include <cstdint>

namespace symnas {

namespace {

// Lowest usable address of this thread's stack (stacks grow down on every target we build for).
std::uintptr_t StackLow() {
  thread_local std::uintptr_t low = [] {
    pthread_attr_t attr;
    void* addr = nullptr;
    std::size_t size = 0;
    if (pthread_getattr_np(pthread_self(), &attr) == 0) {
      pthread_attr_getstack(&attr, &addr, &size);
      pthread_attr_destroy(&attr);
    }
    return reinterpret_cast<std::uintptr_t>(addr);
  }();
  return low;
}

}  // namespace

std::size_t StackBytesLeft() {
  auto here = reinterpret_cast<std::uintptr_t>(__builtin_frame_address(0));
  std::uintptr_t low = StackLow();
  if (low == 0 || here <= low) return low == 0 ? SIZE_MAX : 0;
  return here - low;
}

}  // namespace symnas
