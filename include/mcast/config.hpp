// mcast/config.hpp -- version, namespaces and the library's configuration macros.
//
// Copyright (c) 2026 The mcast authors.
// Distributed under the Boost Software License, Version 1.0 (see LICENSE).
#ifndef MCAST_CONFIG_HPP
#define MCAST_CONFIG_HPP

#if defined(_MSC_VER)
#pragma once
#endif

// The one place the version lives; CMake reads it from here.
#define MCAST_VERSION_MAJOR 0
#define MCAST_VERSION_MINOR 1
#define MCAST_VERSION_PATCH 0
#define MCAST_VERSION (MCAST_VERSION_MAJOR * 10000 + MCAST_VERSION_MINOR * 100 + MCAST_VERSION_PATCH)

#if __cplusplus < 201703L && !(defined(_MSVC_LANG) && _MSVC_LANG >= 201703L)
#error "mcast: C++17 or later is required; compile with -std=c++17 (or /std:c++17)."
#endif

// An inline namespace so that two incompatible versions never link together silently -- nor a
// translation unit built with MCAST_SYSCALL_HOOK and one built without it: their inline functions
// differ, so they live in different namespaces (v1 and v1_hooked) and each keeps its own.
#if defined(MCAST_SYSCALL_HOOK)
#define MCAST_DETAIL_ABI_NAMESPACE v1_hooked
#else
#define MCAST_DETAIL_ABI_NAMESPACE v1
#endif
#define MCAST_BEGIN_NAMESPACE                                                                                          \
  namespace mcast {                                                                                                    \
  inline namespace MCAST_DETAIL_ABI_NAMESPACE {
#define MCAST_END_NAMESPACE                                                                                            \
  }                                                                                                                    \
  }

// The handles' small steps are forced inline, so that each handle call is one function around its
// system call whatever the inliner decides for the code around it (the bench measures this).
#if defined(__GNUC__) || defined(__clang__)
#define MCAST_DETAIL_ALWAYS_INLINE inline __attribute__((always_inline))
#elif defined(_MSC_VER)
#define MCAST_DETAIL_ALWAYS_INLINE __forceinline
#else
#define MCAST_DETAIL_ALWAYS_INLINE inline
#endif

// MCAST_SYSCALL_HOOK: define it (to anything) in every translation unit of a program -- tests do
// it for their whole target -- to route each system call the library makes through
// mcast::detail::syscall_hook (see detail/platform/system.hpp), so that a test can count calls and inject
// failures. Without it the calls are direct and cost nothing extra.

#endif // MCAST_CONFIG_HPP
