// mcast/detail/platform/platform.hpp -- the neutral names the rest of mcast uses.
//
// Copyright (c) 2026 The mcast authors.
// Distributed under the Boost Software License, Version 1.0 (see LICENSE).
//
// The platform layer, the lowest of mcast's layers (see CONTRIBUTING): the only headers that
// include a system header or ask which system they are on. This one includes the header of the
// platform family it is built for --
//   windows.hpp  Winsock 2 (Vista or later)
//   linux.hpp    Linux (with posix.hpp, what Linux, macOS and FreeBSD share)
//   bsd.hpp      macOS and FreeBSD (with posix.hpp)
// -- which name the same things the same way (structures, option numbers, the error numbers the
// library translates, thin calls over the socket, ioctl and interface APIs, filled by field name
// by the layers above), then adds what is written once over those names: what does not differ,
// and the differences as `constexpr bool`s the layers above ask with `if constexpr`.
#ifndef MCAST_DETAIL_PLATFORM_PLATFORM_HPP
#define MCAST_DETAIL_PLATFORM_PLATFORM_HPP

#if defined(_MSC_VER)
#pragma once
#endif

#include "compiler.hpp"

#if defined(_WIN32)
#include "windows.hpp"
#elif defined(__linux__)
#include "linux.hpp"
#elif defined(__NetBSD__)
#error                                                                                                                 \
    "mcast: NetBSD has no MCAST_* options, no group_req / group_source_req and no ip_mreq_source, which mcast is built on; use Linux, macOS, FreeBSD or Windows"
#else
#include "bsd.hpp"
#endif

MCAST_BEGIN_NAMESPACE
namespace detail {

inline constexpr int af_inet = AF_INET;
inline constexpr int af_inet6 = AF_INET6;
inline constexpr int level_ip = IPPROTO_IP;
inline constexpr int level_ipv6 = IPPROTO_IPV6;

// ---- option numbers (they differ on every platform family; pinned in each family's header) ----
enum class option_id {
  ip_add_membership,
  ip_drop_membership,
  ip_add_source_membership,
  ip_drop_source_membership,
  ip_block_source,
  ip_unblock_source,
  ipv6_add_membership,
  ipv6_drop_membership,
  mcast_join_group,
  mcast_leave_group,
  mcast_block_source,
  mcast_unblock_source,
  mcast_join_source_group,
  mcast_leave_source_group,
};

constexpr int option_name(option_id id) noexcept {
  switch (id) {
  case option_id::ip_add_membership: return IP_ADD_MEMBERSHIP;
  case option_id::ip_drop_membership: return IP_DROP_MEMBERSHIP;
  case option_id::ip_add_source_membership: return IP_ADD_SOURCE_MEMBERSHIP;
  case option_id::ip_drop_source_membership: return IP_DROP_SOURCE_MEMBERSHIP;
  case option_id::ip_block_source: return IP_BLOCK_SOURCE;
  case option_id::ip_unblock_source: return IP_UNBLOCK_SOURCE;
  case option_id::ipv6_add_membership: return ipv6_add_membership_name;
  case option_id::ipv6_drop_membership: return ipv6_drop_membership_name;
  case option_id::mcast_join_group: return MCAST_JOIN_GROUP;
  case option_id::mcast_leave_group: return MCAST_LEAVE_GROUP;
  case option_id::mcast_block_source: return MCAST_BLOCK_SOURCE;
  case option_id::mcast_unblock_source: return MCAST_UNBLOCK_SOURCE;
  case option_id::mcast_join_source_group: return MCAST_JOIN_SOURCE_GROUP;
  case option_id::mcast_leave_source_group: return MCAST_LEAVE_SOURCE_GROUP;
  }
  return -1;
}

// Filter-mode values as the kernel wants them (Windows 0/1, Linux 1/0, BSD 1/2).
inline constexpr filter_mode_field_type mode_include = static_cast<filter_mode_field_type>(MCAST_INCLUDE);
inline constexpr filter_mode_field_type mode_exclude = static_cast<filter_mode_field_type>(MCAST_EXCLUDE);

// ---- the sender / receiver options and their representation per platform --------------------
// IP_MULTICAST_TTL and IP_MULTICAST_LOOP: a DWORD on Windows, an int on Linux (which also takes a
// u_char), a u_char on macOS and the BSDs. The IPv6 twins are an int / unsigned int everywhere.
inline constexpr int ip_multicast_if = IP_MULTICAST_IF;
inline constexpr int ip_multicast_ttl = IP_MULTICAST_TTL;
inline constexpr int ip_multicast_loop = IP_MULTICAST_LOOP;
inline constexpr int ipv6_multicast_if = IPV6_MULTICAST_IF;
inline constexpr int ipv6_multicast_hops = IPV6_MULTICAST_HOPS;
inline constexpr int ipv6_multicast_loop = IPV6_MULTICAST_LOOP;
// IP_TOS / IPV6_TCLASS: the IPv4 type-of-service byte and the IPv6 traffic class (the DS field,
// RFC 2474, and ECN): an int on Linux, macOS and FreeBSD (their kernels read an int for both; a
// one-byte field there would be a different call), a DWORD on Windows.
inline constexpr int ip_tos = IP_TOS;
inline constexpr int ipv6_tclass = IPV6_TCLASS;

// ---- what differs, as the layers above ask it --------------------------------------------------
// Windows gives an IPv4 datagram on a dual-stack IPv6 socket its packet info only with IP_PKTINFO
// set besides IPV6_PKTINFO (Microsoft's IP_PKTINFO page; Linux and the BSDs need IPV6_RECVPKTINFO
// alone and report IPv4 datagrams as v4-mapped).
inline constexpr bool dual_stack_needs_ip_pktinfo = is_windows;

// Linux alone accepts a source-specific join on a group the socket has joined any-source (it
// silently switches the filter to INCLUDE); the handles read the filter first there. Windows
// refuses that join itself (Microsoft's table) and the library adds no probing of its own there.
inline constexpr bool needs_source_join_probe = is_linux;

// Linux stores a membership made on interface 0 under the interface its route picked and, in the
// filter calls (MCAST_MSFILTER) and IPv6's source calls, compares the index it is given
// literally: the library resolves any() to that interface itself (see resolve_interface).
inline constexpr bool resolves_any_interface = is_linux;

// macOS and FreeBSD refuse interface 0 in every MCAST_* call and in the filter calls
// (EADDRNOTAVAIL in in_mcast.c / in6_mcast.c; setipv4sourcefilter fails for 0.0.0.0): there the
// library refuses any() for them itself, before any system call, with errc::no_such_interface.
// Linux and Windows let the route pick.
inline constexpr bool needs_interface_index = is_bsd;

// Linux and Windows check the socket's family before a join: a socket with IPV6_V6ONLY set accepts
// an IPv4 join it can never deliver (Linux; Wine on Windows too), and on Linux a dual-stack socket
// needs both *_MULTICAST_ALL off. An IPv6 socket is IPV6_V6ONLY by default on Windows
// ("Dual-Stack Sockets for IPv6 Winsock Applications"), so an IPv4 group there is refused unless
// the program turned IPV6_V6ONLY off.
inline constexpr bool checks_socket_family = is_linux || is_windows;
// How the family is learnt: Linux answers IPV6_V6ONLY on an IPv4 socket with EOPNOTSUPP (one call
// tells both); Winsock documents no such answer, so there the family comes from SO_PROTOCOL_INFOW
// first and IPV6_V6ONLY is read only on an IPv6 socket.
inline constexpr bool family_from_protocol_info = is_windows;
inline constexpr int ipv6_v6only = IPV6_V6ONLY;

// On Windows an IPv4 interface may be named by index as the address 0.0.0.idx (ip_mreq and
// ip_mreq_source); on POSIX imr_interface must be one of the interface's own addresses.
inline constexpr bool ipv4_interface_by_index = is_windows;

// The longest option or IOCTL input the system call can carry: Winsock's WSAIoctl takes a DWORD;
// Linux's setsockopt reads its length as an int. (Both below SIZE_MAX on 32-bit targets.)
inline constexpr std::size_t max_option_length = is_windows ? 0xffffffffu : 0x7fffffffu;

// Only Linux names the settings that bound its memberships (limit_kind); elsewhere the message of
// errc::limit_exceeded names none.
inline constexpr bool names_limit_settings = is_linux;

// ---- addresses --------------------------------------------------------------------------------
inline bool parse_v4(const char* text, in4_addr_type& out) noexcept { return ::inet_pton(AF_INET, text, &out) == 1; }
inline bool parse_v6(const char* text, in6_addr_type& out) noexcept { return ::inet_pton(AF_INET6, text, &out) == 1; }
inline std::uint16_t host_to_net16(std::uint16_t v) noexcept { return htons(v); }
inline std::uint32_t host_to_net32(std::uint32_t v) noexcept { return htonl(v); }
inline std::uint32_t net_to_host32(std::uint32_t v) noexcept { return ntohl(v); }

// ---- interfaces -------------------------------------------------------------------------------
// The index of the interface named `name`, or 0. On Windows the name may also be the adapter's
// FriendlyName ("Ethernet", what users see; UTF-8): `display` then says so.
inline unsigned interface_index_from_name(const char* name, bool& display) noexcept {
  display = false;
  unsigned index = static_cast<unsigned>(::if_nametoindex(name));
  if (index == 0) {
    index = interface_index_from_display_name(name);
    display = index != 0;
  }
  return index;
}

// ---- receiving: bind, receive with packet info -------------------------------------------------
// Several receivers on one port: SO_REUSEADDR on Linux and Windows; the BSDs and macOS share a
// port between sockets bound to the wildcard address only with SO_REUSEPORT.
inline constexpr int level_socket = SOL_SOCKET;
inline constexpr int so_reuseaddr = SO_REUSEADDR;

// A receiver of one group binds the group's address where the stack allows it (Linux, macOS,
// FreeBSD: it then takes no unicast datagram meant for another program on the port); Windows
// refuses a group address in bind() (WSAEADDRNOTAVAIL), so there it binds the wildcard.
inline constexpr bool binds_group_address = !is_windows;

inline int raw_bind(native_handle_type s, const sockaddr_storage_type& a) noexcept {
  return ::bind(s, reinterpret_cast<const sockaddr_type*>(&a), sockaddr_length(a)) == 0 ? 0 : last_error();
}

inline int raw_local_address(native_handle_type s, sockaddr_storage_type& a) noexcept {
  detail::fill_bytes(&a, 0, sizeof a);
  socklen_type len = sizeof a;
  return ::getsockname(s, reinterpret_cast<sockaddr_type*>(&a), &len) == 0 ? 0 : last_error();
}

inline std::uint16_t sockaddr_port(const sockaddr_storage_type& a) noexcept {
  if (a.ss_family == AF_INET)
    return ntohs(reinterpret_cast<const sockaddr_in4_type*>(&a)->sin_port);
  if (a.ss_family == AF_INET6)
    return ntohs(reinterpret_cast<const sockaddr_in6_type*>(&a)->sin6_port);
  return 0;
}

// Windows has no per-call "do not wait" for WSARecvMsg: a receive that must not wait needs the
// socket in non-blocking mode (FIONBIO), which Winsock cannot read back -- so the caller sets it
// through whoever tracks it (mcast::async_receive: Asio's native_non_blocking). A readiness check
// followed by a blocking call would not be atomic (another reader can take the datagram between).
inline constexpr bool receive_needs_non_blocking_socket = is_windows;

// How mcast::async_receive(_batch) waits for a datagram through Asio. POSIX: a receive of one
// byte with MSG_PEEK (Asio's own reactive receive: tried at once, then queued on the descriptor,
// which stays registered as it is). Not a wait for readiness: Asio re-arms the descriptor
// (EPOLL_CTL_MOD) for each async_wait, and epoll reports EPOLLERR at once while the socket's error
// queue is not empty (IP_RECVERR, transmit timestamps) -- readiness no receive consumes, so a
// wait-then-receive loop never sleeps. A peek completes only when a datagram is queued (or the
// socket has an error to report, once). Windows: Winsock has no error queue, and refuses MSG_PEEK
// on an overlapped receive, so there it is async_wait(wait_read).
inline constexpr bool waits_by_peek = !is_windows;

// ---- layout pins every platform shares (each family's header pins the rest) -------------------
// A structure copied from another platform is silently wrong; these fail the build instead.
static_assert(sizeof(ip_mreq_type) == 8, "mcast: unexpected ip_mreq size on this platform");
static_assert(sizeof(ip_mreq_source_type) == 12, "mcast: unexpected ip_mreq_source size");
static_assert(sizeof(ipv6_mreq_type) == 20, "mcast: unexpected ipv6_mreq size");
static_assert(sizeof(sockaddr_storage_type) == 128, "mcast: unexpected sockaddr_storage size");

} // namespace detail
MCAST_END_NAMESPACE

#endif // MCAST_DETAIL_PLATFORM_PLATFORM_HPP
