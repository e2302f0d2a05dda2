// mcast/detail/platform/posix.hpp -- what Linux, macOS and FreeBSD share.
//
// Copyright (c) 2026 The mcast authors.
// Distributed under the Boost Software License, Version 1.0 (see LICENSE).
//
// The POSIX headers, the names of their types, and the calls that are the same on every POSIX
// family. linux.hpp and bsd.hpp include this first and add what differs; nothing else includes it.
#ifndef MCAST_DETAIL_PLATFORM_POSIX_HPP
#define MCAST_DETAIL_PLATFORM_POSIX_HPP

#if defined(_MSC_VER)
#pragma once
#endif

#include <sys/types.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <cerrno>
#include <ifaddrs.h>
#include <new>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/time.h>
#include <time.h>

#include "compiler.hpp"

MCAST_BEGIN_NAMESPACE
namespace detail {

using native_handle_type = int;
inline constexpr native_handle_type invalid_native_handle = -1;
using socklen_type = ::socklen_t;
using ip_mreq_type = ::ip_mreq;
using ip_mreq_source_type = ::ip_mreq_source;
using ipv6_mreq_type = ::ipv6_mreq;
using group_req_type = ::group_req;
using group_source_req_type = ::group_source_req;
using filter_mode_field_type = std::uint32_t;

} // namespace detail
MCAST_END_NAMESPACE

#include "common.hpp"

MCAST_BEGIN_NAMESPACE
namespace detail {

namespace sys_errc {
inline constexpr int addr_in_use = EADDRINUSE;
inline constexpr int addr_not_avail = EADDRNOTAVAIL;
inline constexpr int invalid = EINVAL;
inline constexpr int no_buffers = ENOBUFS;
inline constexpr int no_memory = ENOMEM;
inline constexpr int no_device = ENODEV;
inline constexpr int no_protocol_option = ENOPROTOOPT;
inline constexpr int not_supported = EOPNOTSUPP;
inline constexpr int bad_handle = EBADF;
inline constexpr int fault = EFAULT;
inline constexpr int net_unreachable = ENETUNREACH;
} // namespace sys_errc
inline int last_error() noexcept { return errno; }
inline void set_last_error(int e) noexcept { errno = e; }

// Winsock's start-up has no POSIX counterpart (mcast::winsock_session does nothing here).
inline int network_startup() noexcept { return 0; }
inline void network_cleanup() noexcept {}

// ---- raw calls (the hook in system.hpp wraps these) ------------------------------------------
// Each returns 0 on success and the platform's error number otherwise.
MCAST_DETAIL_ALWAYS_INLINE int raw_setsockopt(native_handle_type s, int level, int name, const void* data,
                                              std::size_t size) noexcept {
  return ::setsockopt(s, level, name, data, static_cast<socklen_type>(size)) == 0 ? 0 : last_error();
}

MCAST_DETAIL_ALWAYS_INLINE int raw_getsockopt(native_handle_type s, int level, int name, void* data,
                                              std::size_t& size) noexcept {
  socklen_type len = static_cast<socklen_type>(size);
  if (::getsockopt(s, level, name, data, &len) != 0)
    return last_error();
  size = static_cast<std::size_t>(len);
  return 0;
}

// `out` must hold 46 characters (INET6_ADDRSTRLEN).
inline bool format_address(int family, const void* addr, char* out, std::size_t size) noexcept {
  return ::inet_ntop(family, addr, out, static_cast<socklen_type>(size)) != nullptr;
}

// Writes the name (NUL-terminated) into `out`, which holds interface_name_max bytes.
inline bool interface_name_from_index(unsigned index, char* out) noexcept {
  char buf[IF_NAMESIZE + 1] = {};
  if (::if_indextoname(index, buf) == nullptr)
    return false;
  copy_name(out, buf);
  return true;
}
// POSIX interfaces have one name (Windows' adapters have a second one, see windows.hpp).
inline unsigned interface_index_from_display_name(const char*) noexcept { return 0; }

// The socket's address family, bound or not.
inline int raw_socket_family(native_handle_type s, int& family) noexcept {
  sockaddr_storage_type a;
  socklen_type len = sizeof a;
  if (::getsockname(s, reinterpret_cast<sockaddr_type*>(&a), &len) != 0)
    return last_error();
  family = a.ss_family;
  return 0;
}

// ---- receiving and sending ----------------------------------------------------------------------
// Defined by linux.hpp and bsd.hpp: the type of the IPv6 packet-info control message, what a
// SOL_SOCKET control message (timestamp, drop count) of `size` data bytes says, and how a received
// msghdr's control messages are read into `out` (a received_info or a batch_received): bsd.hpp by
// walk_control below, linux.hpp by the layouts the usual options produce, then walk_control.
constexpr int ipv6_pktinfo_message() noexcept;
inline void read_socket_message(int type, const unsigned char* data, std::size_t size, receive_extras& out) noexcept;
template <class Out> MCAST_DETAIL_ALWAYS_INLINE void read_control(msghdr& msg, Out& out) noexcept;

// An IPPROTO_IP control message of `size` data bytes into `out` when it is IP_PKTINFO (where the
// stack has it) and holds an in_pktinfo.
template <class Out> void read_ipv4_pktinfo(int type, const unsigned char* d, std::size_t size, Out& out) noexcept {
#if defined(IP_PKTINFO)
  if (type == IP_PKTINFO && size >= sizeof(::in_pktinfo)) {
    int index;
    detail::copy_bytes(&index, d + offsetof(::in_pktinfo, ipi_ifindex), sizeof index);
    out.set_destination(AF_INET, d + offsetof(::in_pktinfo, ipi_addr), static_cast<unsigned>(index));
  }
#else
  (void)type;
  (void)d;
  (void)size;
  (void)out;
#endif
}

// A received msghdr's control messages into `out` (set_destination, extras): IP_PKTINFO,
// IPV6_PKTINFO and the SOL_SOCKET ones, in one pass over the msg_controllen bytes the kernel wrote.
// Each message's length is checked against those bytes and against what its type holds (the kernel
// cuts the last one short when the room runs out: MSG_CTRUNC); a message that claims more than is
// there ends the walk. Headers are copied out, so the buffer needs no alignment. Out of line: on
// Linux it is the rare path (read_control reads the usual layouts itself).
template <class Out> MCAST_DETAIL_NOINLINE void walk_control(const msghdr& msg, Out& out) noexcept {
  constexpr std::size_t header = CMSG_LEN(0); // where a message's data starts
  const auto* control = static_cast<const unsigned char*>(msg.msg_control);
  const std::size_t length = msg.msg_controllen;
  for (std::size_t at = 0; at + header <= length;) {
    cmsghdr c;
    detail::copy_bytes(&c, control + at, sizeof c);
    const std::size_t len = c.cmsg_len;
    if (len < header || len - header > length - at - header)
      return;
    const std::size_t size = len - header;
    const unsigned char* d = control + at + header;
    if (c.cmsg_level == IPPROTO_IPV6 && c.cmsg_type == ipv6_pktinfo_message()) {
      if (size >= ipv6_pktinfo_size)
        read_ipv6_pktinfo(d, out);
    } else if (c.cmsg_level == SOL_SOCKET) {
      read_socket_message(c.cmsg_type, d, size, out.extras);
    } else if (c.cmsg_level == IPPROTO_IP) {
      read_ipv4_pktinfo(c.cmsg_type, d, size, out);
    }
    at += CMSG_SPACE(size);
  }
}

inline int raw_receive(native_handle_type s, void* buf, std::size_t size, bool dont_wait, received_info& out) noexcept {
  alignas(8) unsigned char control[receive_control_size];
  iovec iov{};
  iov.iov_base = buf;
  iov.iov_len = size;
  msghdr msg{};
  msg.msg_name = &out.from;
  msg.msg_namelen = sizeof out.from;
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  const auto n = ::recvmsg(s, &msg, dont_wait ? MSG_DONTWAIT : 0);
  if (n < 0)
    return last_error();
  out.size = static_cast<std::size_t>(n);
  out.truncated = (msg.msg_flags & MSG_TRUNC) != 0;
  read_control(msg, out);
  return 0;
}

inline int raw_send_to(native_handle_type s, const sockaddr_storage_type& to, const void* data,
                       std::size_t size) noexcept {
  return ::sendto(s, data, size, 0, reinterpret_cast<const sockaddr_type*>(&to), sockaddr_length(to)) < 0 ? last_error()
                                                                                                          : 0;
}

inline constexpr int would_block_error() noexcept { return EWOULDBLOCK; }

} // namespace detail
MCAST_END_NAMESPACE

#endif // MCAST_DETAIL_PLATFORM_POSIX_HPP
