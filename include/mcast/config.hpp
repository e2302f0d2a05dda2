// mcast/config.hpp -- version, namespaces and the library's configuration macros.
//
// Copyright (c) 2026 The mcast authors.
// Distributed under the Boost Software License, Version 1.0 (see LICENSE).
/// @file
/// @brief The version, the namespace and the library's configuration macros; the platform overview.
///
/// @par Windows
/// Vista or later (`_WIN32_WINNT >= 0x0600`); MSVC 2019 16.11 and later, MSVC 2022, clang-cl and
/// MinGW-w64. mcast never calls WSAStartup: Asio does it, and a program without Asio keeps a
/// mcast::winsock_session alive. Include `<winsock2.h>` (or mcast) before `<windows.h>`: Winsock
/// 1.1's `<winsock.h>` defines IP_ADD_MEMBERSHIP as 5, and mcast refuses to compile with it. mcast
/// includes the Windows headers with `NOMINMAX` defined and takes the macro away again when it set
/// it, so `std::max(a, b)` compiles after `#include <mcast/mcast.hpp>`; if your code included
/// `<windows.h>` first without `NOMINMAX`, the macros are yours (mcast's own code writes
/// `(std::max)(...)`). The Windows-specific behaviour of each call (a join refused for its interface,
/// IPv6-only sockets, packet info on dual-stack sockets, `IP_MULTICAST_IF` read back, receive
/// timestamps) is in that call's reference.
///
/// @par macOS and FreeBSD
/// mcast sets `sin_len` / `sin6_len` in every sockaddr it fills (their kernels reject an MCAST_* call
/// without them) and runs the final-state filters through libc's setsourcefilter / getsourcefilter
/// and setipv4sourcefilter / getipv4sourcefilter. The rule table's third column is what their
/// kernels answer, read from xnu's and FreeBSD's `in_mcast.c` and `in6_mcast.c`. FreeBSD has no
/// IP_PKTINFO (option::ip_pktinfo is errc::unsupported; IPv6 packet info works). NetBSD has no
/// MCAST_* options, `group_req` or `ip_mreq_source`: mcast refuses to compile there with a sentence
/// that says so; OpenBSD and DragonFly are unchecked.
///
/// @par What is verified, and how
/// Linux: every test, in CI. Windows (nobody here has a Windows machine): (1) `cmake/msvc-check.sh`
/// compiles the headers, the examples, the tools and the unit and Windows tests in clang's MSVC mode
/// against the real MSVC STL, Windows SDK and vcruntime headers (VS 2022 17.5 and 17.4 era STLs,
/// x64 and x86, with clang's branches and with `-U__clang__`), when `MCAST_MSVC_EMU` names such a
/// tree; (2) MinGW-w64 builds (x64 and x86, `-Werror`) whose tests run under Wine 8 in a private
/// network namespace: the unit tests, IP_* and IPV6_* memberships checked against the kernel's
/// tables and by delivery, the `ip_mreq_source` field order, errc::unsupported for what Wine lacks,
/// bind_receiver, receive through WSARecvMsg, async_receive and list_interfaces; (3) the rest is
/// written from Microsoft's pages, cited in the code. Only a real host confirms MCAST_* semantics,
/// the filter IOCTLs, exact error codes, limits and the receiving side of `IP_MULTICAST_LOOP`: run
/// `mcast-probe --json` there and send the output. macOS and FreeBSD: every public header and one
/// translation unit that instantiates every call compile warning-free against the macOS 14.2 SDK
/// (x86_64 and arm64) and a FreeBSD 9.2 `/usr/include`, with the layouts and option numbers pinned
/// by `static_assert` (`cmake/cross-check.sh`); nothing has run there yet.
///
/// @par Testing hook
/// Define `MCAST_SYSCALL_HOOK` (to anything) in every translation unit of a program to route each
/// system call the library makes through `mcast::detail::syscall_hook`, to count calls and inject
/// failures; such translation units use the inline namespace `v1_hooked`, so they never link with
/// ones built without it. Without it the calls are direct and cost nothing extra.
#ifndef MCAST_CONFIG_HPP
#define MCAST_CONFIG_HPP

#if defined(_MSC_VER)
#pragma once
#endif

// The one place the version lives; CMake reads it from here.
/// The major version.
#define MCAST_VERSION_MAJOR 0
/// The minor version.
#define MCAST_VERSION_MINOR 1
/// The patch version.
#define MCAST_VERSION_PATCH 0
/// The version as one number: major * 10000 + minor * 100 + patch (0.1.0 is 100).
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

/// @namespace mcast
/// @brief Everything of the library: addresses, interfaces, the option types, the membership
/// handles, the filter, ordering and receive calls, and mcast::errc.
///
/// Names are declared in an inline namespace (`mcast::v1`, or `mcast::v1_hooked` with
/// MCAST_SYSCALL_HOOK) that user code never writes.
// The handles' small steps are forced inline, so that each handle call is one function around its
// system call whatever the inliner decides for the code around it (the bench measures this).
#if defined(__GNUC__) || defined(__clang__)
#define MCAST_DETAIL_ALWAYS_INLINE inline __attribute__((always_inline))
#elif defined(_MSC_VER)
#define MCAST_DETAIL_ALWAYS_INLINE __forceinline
#else
#define MCAST_DETAIL_ALWAYS_INLINE inline
#endif
// And the rare paths kept out of line, so that the function around a hot path stays small enough
// for the inliner (the receives' general control-message walk).
#if defined(__GNUC__) || defined(__clang__)
#define MCAST_DETAIL_NOINLINE __attribute__((noinline))
#elif defined(_MSC_VER)
#define MCAST_DETAIL_NOINLINE __declspec(noinline)
#else
#define MCAST_DETAIL_NOINLINE
#endif

// MCAST_SYSCALL_HOOK: define it (to anything) in every translation unit of a program -- tests do
// it for their whole target -- to route each system call the library makes through
// mcast::detail::syscall_hook (see detail/platform/system.hpp), so that a test can count calls and inject
// failures. Without it the calls are direct and cost nothing extra.

#endif // MCAST_CONFIG_HPP
