// Stack-depth guard for recursions whose depth the user's input decides (proof depth, formula
// depth, operator nesting): callers test StackNearlyExhausted() and throw their own located error
// instead of overflowing the stack.
#pragma once

#include <cstddef>

namespace symnas {

/// Bytes kept free below the guard line: enough for any single non-recursive step (an error
/// message, an exception unwinding, a libc call) to run safely.
inline constexpr std::size_t kStackReserveBytes = 512 * 1024;

/// Bytes of the current thread's stack still free below the caller's frame.
std::size_t StackBytesLeft();

/// True when fewer than kStackReserveBytes of the current thread's stack are left.
inline bool StackNearlyExhausted() { return StackBytesLeft() < kStackReserveBytes; }

}  // namespace symnas
