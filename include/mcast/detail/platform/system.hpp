// mcast/detail/platform/system.hpp -- every system call the library makes, behind one hook.
//
// Copyright (c) 2026 The mcast authors.
// Distributed under the Boost Software License, Version 1.0 (see LICENSE).
//
// With MCAST_SYSCALL_HOOK defined (tests do this for their whole target), each call first asks
// `syscall_hook`, which may count it or fail it with an error number of its choice: that is how
// the tests prove "no system call before validation" and inject ENOBUFS, EINTR, WSAENOTSOCK...
// Without the macro the functions below are the raw calls, nothing more.
#ifndef MCAST_DETAIL_SYSTEM_HPP
#define MCAST_DETAIL_SYSTEM_HPP

#if defined(_MSC_VER)
#pragma once
#endif

#include "platform.hpp"

MCAST_BEGIN_NAMESPACE
namespace detail {

enum class syscall_kind {
  setsockopt,
  getsockopt,
  set_filter,
  get_filter,
  route_lookup,
  bind,
  local_address,
  receive,
  list_interfaces,
  receive_batch, // one call per recvmmsg (Linux) or per batch_chunk datagrams elsewhere
  send_batch     // one call per sendmmsg (Linux) or per batch_chunk datagrams elsewhere
};

struct syscall_info {
  syscall_kind kind;
  native_handle_type socket;
  int level; // for set/getsockopt; the IPPROTO_* of the group for the filter calls
  int name;  // option number; 0 for the filter calls
};

#if defined(MCAST_SYSCALL_HOOK)
// Returns 0 to let the call through, or an error number to fail it without calling the kernel.
using syscall_hook_type = int (*)(const syscall_info&) noexcept;
inline syscall_hook_type syscall_hook = nullptr;
#define MCAST_DETAIL_HOOK(...)                                                                                         \
  do {                                                                                                                 \
    if (::mcast::detail::syscall_hook != nullptr) {                                                                    \
      const ::mcast::detail::syscall_info info_{__VA_ARGS__};                                                          \
      if (int injected_ = ::mcast::detail::syscall_hook(info_); injected_ != 0)                                        \
        return injected_;                                                                                              \
    }                                                                                                                  \
  } while (false)
#else
#define MCAST_DETAIL_HOOK(...) ((void)0)
#endif

// All return 0 on success and the platform error number otherwise.
MCAST_DETAIL_ALWAYS_INLINE int sys_setsockopt(native_handle_type s, int level, int name, const void* data,
                                              std::size_t size) noexcept {
  MCAST_DETAIL_HOOK(syscall_kind::setsockopt, s, level, name);
  return raw_setsockopt(s, level, name, data, size);
}

MCAST_DETAIL_ALWAYS_INLINE int sys_getsockopt(native_handle_type s, int level, int name, void* data,
                                              std::size_t& size) noexcept {
  MCAST_DETAIL_HOOK(syscall_kind::getsockopt, s, level, name);
  return raw_getsockopt(s, level, name, data, size);
}

inline int sys_set_filter(native_handle_type s, filter_struct kind, int level, void* buf, std::size_t size) noexcept {
  MCAST_DETAIL_HOOK(syscall_kind::set_filter, s, level, 0);
  return raw_set_filter(s, kind, level, buf, size);
}

inline int sys_get_filter(native_handle_type s, filter_struct kind, int level, void* buf, std::size_t size) noexcept {
  MCAST_DETAIL_HOOK(syscall_kind::get_filter, s, level, 0);
  return raw_get_filter(s, kind, level, buf, size);
}

// The interface the stack's routing picks for a group (Linux; see raw_route_interface).
// (`answered`: the error is the kernel's answer to the lookup; an injected one is not.)
inline int sys_route_interface(int family, const void* addr, unsigned& index, bool& answered) noexcept {
  answered = false;
  MCAST_DETAIL_HOOK(syscall_kind::route_lookup, invalid_native_handle, family, 0);
  return raw_route_interface(family, addr, index, answered);
}

inline int sys_bind(native_handle_type s, const sockaddr_storage_type& a) noexcept {
  MCAST_DETAIL_HOOK(syscall_kind::bind, s, a.ss_family, 0);
  return raw_bind(s, a);
}

inline int sys_local_address(native_handle_type s, sockaddr_storage_type& a) noexcept {
  MCAST_DETAIL_HOOK(syscall_kind::local_address, s, 0, 0);
  return raw_local_address(s, a);
}

inline int sys_socket_family(native_handle_type s, int& family) noexcept {
  MCAST_DETAIL_HOOK(syscall_kind::local_address, s, 0, 0);
  return raw_socket_family(s, family);
}

inline int sys_receive(native_handle_type s, void* buf, std::size_t size, bool dont_wait, received_info& out) noexcept {
  MCAST_DETAIL_HOOK(syscall_kind::receive, s, 0, 0);
  return raw_receive(s, buf, size, dont_wait, out);
}

template <class Buffer, class OnDatagram>
int sys_receive_batch(native_handle_type s, const Buffer* bufs, std::size_t n, bool wait_first, std::size_t& got,
                      OnDatagram&& on) noexcept {
  got = 0;
  MCAST_DETAIL_HOOK(syscall_kind::receive_batch, s, 0, 0);
  return raw_receive_batch(s, bufs, n, wait_first, got, on);
}

template <class Buffer>
int sys_send_batch(native_handle_type s, const sockaddr_storage_type& to, const Buffer* bufs, std::size_t n,
                   std::size_t& sent) noexcept {
  sent = 0;
  MCAST_DETAIL_HOOK(syscall_kind::send_batch, s, to.ss_family, 0);
  return raw_send_batch(s, to, bufs, n, sent);
}

template <class OnInterface, class OnAddress>
int sys_list_interfaces(OnInterface&& on_interface, OnAddress&& on_address) noexcept {
  MCAST_DETAIL_HOOK(syscall_kind::list_interfaces, invalid_native_handle, 0, 0);
  return raw_list_interfaces(on_interface, on_address);
}

} // namespace detail
MCAST_END_NAMESPACE

#endif // MCAST_DETAIL_SYSTEM_HPP
