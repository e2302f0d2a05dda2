// mcast/detail/socket_facts.hpp -- what a call needs to know about the socket before it changes
// anything: its family and IPV6_V6ONLY, and whether it can ever receive the group.
//
// Copyright (c) 2026 The mcast authors.
// Distributed under the Boost Software License, Version 1.0 (see LICENSE).
//
// One check for every door that changes or reads a membership: the handles' joins
// (membership_base.hpp), apply_sequence (ordering.hpp), set_source_filter and get_source_filter
// (source_filter.hpp).
#ifndef MCAST_DETAIL_SOCKET_FACTS_HPP
#define MCAST_DETAIL_SOCKET_FACTS_HPP

#if defined(_MSC_VER)
#pragma once
#endif

#include "kernel_request.hpp"

#include <cstdint>
#include <system_error>

MCAST_BEGIN_NAMESPACE
namespace detail {

// What a join -- and every call that reads or changes a membership -- needs to know about the
// socket (Linux and Windows; elsewhere nothing is read): whether it is an IPv6 socket and whether
// IPV6_V6ONLY is set. Linux: one getsockopt (IPV6_V6ONLY, which an IPv4 socket refuses with
// EOPNOTSUPP); Windows: the family from SO_PROTOCOL_INFOW, then IPV6_V6ONLY on an IPv6 socket. A
// group the socket can never receive is refused (errc::family_mismatch) before any change: an
// IPv6 group on an IPv4 socket, an IPv4 group on an IPV6_V6ONLY socket (Linux and Wine would
// accept that join and never deliver).
struct socket_facts {
  bool v6 = false;
  bool v6only = false;
  std::uint64_t cookie = 0; // Linux, a join only: the socket's SO_COOKIE (prepare_join)
};

// Returns false and sets `out` when something is refused (nothing is written on success).
MCAST_DETAIL_ALWAYS_INLINE bool read_socket_facts(native_handle_type s, const group& g, socket_facts& f,
                                                  failure& out) noexcept {
  if constexpr (checks_socket_family) {
    int v = 0;
    std::size_t len = sizeof v;
    if constexpr (family_from_protocol_info) {
      int family = 0;
      int r = sys_socket_family(s, family);
      if (r == 0 && family == af_inet6) {
        f.v6 = true;
        r = sys_getsockopt(s, level_ipv6, ipv6_v6only, &v, len);
        f.v6only = v != 0;
      }
      if (r != 0) {
        out = kernel_refused(r, operation::other, mstate::none);
        return false;
      }
    } else if (int r = sys_getsockopt(s, level_ipv6, ipv6_v6only, &v, len); r == 0) {
      f.v6 = true;
      f.v6only = v != 0;
    } else if (r != sys_errc::not_supported && r != sys_errc::no_protocol_option) {
      out = kernel_refused(r, operation::other, mstate::none);
      return false;
    }
    if (g.is_v6() ? !f.v6 : (f.v6 && f.v6only)) {
      out = refused(errc::family_mismatch);
      return false;
    }
  } else {
    (void)s;
    (void)g;
    (void)f;
    (void)out;
  }
  return true;
}

// The same check for the calls that report through a std::error_code (apply_sequence, the
// public filter calls). Sets `ec` only when something is refused.
inline bool read_socket_facts(native_handle_type s, const group& g, std::error_code& ec) noexcept {
  socket_facts f;
  failure out;
  if (read_socket_facts(s, g, f, out))
    return true;
  ec = out.code();
  return false;
}

} // namespace detail
MCAST_END_NAMESPACE

#endif // MCAST_DETAIL_SOCKET_FACTS_HPP
