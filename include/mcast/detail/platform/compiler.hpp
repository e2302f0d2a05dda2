// mcast/detail/platform/compiler.hpp -- byte and pointer helpers as the compiler knows them.
//
// Copyright (c) 2026 The mcast authors.
// Distributed under the Boost Software License, Version 1.0 (see LICENSE).
//
// memcpy, memset, memcmp, strlen and strcmp, and a pointer slot read and filled atomically: with
// GCC and clang as builtins, so that no translation unit parses <cstring> or <atomic> for them
// (they cost more to compile than some of mcast's headers); elsewhere from <cstring>, and the
// atomics from windows.hpp (cl.exe, the one other compiler, exists only there).
#ifndef MCAST_DETAIL_PLATFORM_COMPILER_HPP
#define MCAST_DETAIL_PLATFORM_COMPILER_HPP

#if defined(_MSC_VER)
#pragma once
#endif

#include "../../config.hpp"

#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <utility>

#if !defined(__GNUC__) && !defined(__clang__)
#include <cstring>
#endif

MCAST_BEGIN_NAMESPACE
namespace detail {

#if defined(__GNUC__) || defined(__clang__)
MCAST_DETAIL_ALWAYS_INLINE void* copy_bytes(void* to, const void* from, std::size_t n) noexcept {
  return __builtin_memcpy(to, from, n);
}
MCAST_DETAIL_ALWAYS_INLINE void* fill_bytes(void* to, int value, std::size_t n) noexcept {
  return __builtin_memset(to, value, n);
}
MCAST_DETAIL_ALWAYS_INLINE int compare_bytes(const void* a, const void* b, std::size_t n) noexcept {
  return __builtin_memcmp(a, b, n);
}
inline std::size_t text_length(const char* s) noexcept { return __builtin_strlen(s); }
inline int compare_text(const char* a, const char* b) noexcept { return __builtin_strcmp(a, b); }

// (error.hpp's registry of system-like error categories: written once, read on error paths.)
// install_pointer puts `desired` in an empty slot and returns what the slot held before (nullptr
// when it installed it).
template <class T> T* load_pointer(T* const* slot) noexcept { return __atomic_load_n(slot, __ATOMIC_ACQUIRE); }
template <class T> T* install_pointer(T** slot, T* desired) noexcept {
  T* expected = nullptr;
  (void)__atomic_compare_exchange_n(slot, &expected, desired, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
  return expected;
}
#else
MCAST_DETAIL_ALWAYS_INLINE void* copy_bytes(void* to, const void* from, std::size_t n) noexcept {
  return std::memcpy(to, from, n);
}
MCAST_DETAIL_ALWAYS_INLINE void* fill_bytes(void* to, int value, std::size_t n) noexcept {
  return std::memset(to, value, n);
}
MCAST_DETAIL_ALWAYS_INLINE int compare_bytes(const void* a, const void* b, std::size_t n) noexcept {
  return std::memcmp(a, b, n);
}
inline std::size_t text_length(const char* s) noexcept { return std::strlen(s); }
inline int compare_text(const char* a, const char* b) noexcept { return std::strcmp(a, b); }
#endif

} // namespace detail
MCAST_END_NAMESPACE

#endif // MCAST_DETAIL_PLATFORM_COMPILER_HPP
