// mcast/detail/platform/bsd.hpp -- macOS and FreeBSD.
//
// Copyright (c) 2026 The mcast authors.
// Distributed under the Boost Software License, Version 1.0 (see LICENSE).
//
// One multicast code base (in_mcast.c / in6_mcast.c in xnu and FreeBSD), one column of the rule
// table: the filters through libc's RFC 3678 calls, interfaces through if_nameindex and
// getifaddrs, batches by one call per datagram. Never run here; checked against the systems' own
// headers by cmake/cross-check.sh.
#ifndef MCAST_DETAIL_PLATFORM_BSD_HPP
#define MCAST_DETAIL_PLATFORM_BSD_HPP

#if defined(_MSC_VER)
#pragma once
#endif

#include "posix.hpp"

MCAST_BEGIN_NAMESPACE
namespace detail {

inline constexpr bool is_windows = false;
inline constexpr bool is_linux = false;
// (Other BSDs compile here where their headers have what is used; only these two are checked.)
#if defined(__APPLE__) || defined(__FreeBSD__)
inline constexpr bool is_bsd = true;
#else
inline constexpr bool is_bsd = false;
#endif
// macOS and FreeBSD differ in some numbers (EOPNOTSUPP) and structure packings (group_req).
#if defined(__APPLE__)
inline constexpr bool is_macos = true;
#else
inline constexpr bool is_macos = false;
#endif

// ---- structures and option numbers ------------------------------------------------------------
// macOS and the BSDs declare no group_filter / ip_msfilter (only a private structure that points
// to a separate source array); their public API is libc's setsourcefilter / getsourcefilter and
// setipv4sourcefilter / getipv4sourcefilter. mcast builds its filters in these structures of its
// own -- the RFC 3678 shape, the same fields as Linux's -- and hands their fields to those calls.
struct group_filter_type {
  std::uint32_t gf_interface;
  ::sockaddr_storage gf_group;
  std::uint32_t gf_fmode;
  std::uint32_t gf_numsrc;
  ::sockaddr_storage gf_slist[1];
};
struct ip_msfilter_type {
  ::in_addr imsf_multiaddr;
  ::in_addr imsf_interface;
  std::uint32_t imsf_fmode;
  std::uint32_t imsf_numsrc;
  ::in_addr imsf_slist[1];
};
// Only the RFC 3493 names of the IPv6 membership options (the same options).
inline constexpr int ipv6_add_membership_name = IPV6_JOIN_GROUP;
inline constexpr int ipv6_drop_membership_name = IPV6_LEAVE_GROUP;

inline constexpr bool has_multicast_all = false; // (Linux's IP_MULTICAST_ALL)
inline constexpr int ip_multicast_all = -1;
inline constexpr int ipv6_multicast_all = -1;

inline constexpr platform_family this_family = platform_family::bsd_family;
// IP_MULTICAST_IF: an in_addr, one of the interface's own addresses.
using ip_multicast_if_type = in_addr_multicast_if;
inline constexpr bool ip_multicast_if_by_index = false;
// Packet info: macOS has IP_PKTINFO; FreeBSD has IP_RECVDSTADDR / IP_RECVIF instead.
#if defined(IP_PKTINFO)
inline constexpr bool has_ip_pktinfo = true;
inline constexpr int ip_pktinfo = IP_PKTINFO;
#else
inline constexpr bool has_ip_pktinfo = false;
inline constexpr int ip_pktinfo = -1;
#endif
// macOS declares the RFC 3542 names only under __APPLE_USE_RFC_3542 (its IPV6_PKTINFO is otherwise
// the RFC 2292 one); the values are its in6.h's: IPV6_RECVPKTINFO 61, the control message 46.
#if defined(IPV6_RECVPKTINFO)
inline constexpr int ipv6_recvpktinfo = IPV6_RECVPKTINFO;
#else
inline constexpr int ipv6_recvpktinfo = 61;
#endif
#if defined(__APPLE__) && !defined(__APPLE_USE_RFC_3542)
constexpr int ipv6_pktinfo_message() noexcept { return 46; }
#else
constexpr int ipv6_pktinfo_message() noexcept { return IPV6_PKTINFO; }
#endif

// IP_ADD_MEMBERSHIP / IP_DROP_MEMBERSHIP: an ip_mreq, the interface by address.
using ip_membership_req_type = ip_mreq_type;
inline constexpr bool ipv4_membership_by_index = false;

// Several receivers on one port: sockets bound to the wildcard address share it only with
// SO_REUSEPORT besides SO_REUSEADDR.
inline constexpr int so_reuseport = SO_REUSEPORT;

inline constexpr bool has_socket_cookie = false; // (Linux's SO_COOKIE: a handle trusts its descriptor here)
inline constexpr int so_cookie = -1;

// Receive timestamps: SO_TIMESTAMP (a timeval, microseconds, the wall clock). No drop counts.
#if defined(SO_TIMESTAMP)
inline constexpr bool has_receive_timestamp = true;
inline constexpr int so_receive_timestamp = SO_TIMESTAMP;
#else
inline constexpr bool has_receive_timestamp = false;
inline constexpr int so_receive_timestamp = -1;
#endif
inline constexpr bool has_receive_drops = false;
inline constexpr int so_rxq_ovfl = -1;

inline void read_socket_message(int type, const unsigned char* data, std::size_t size, receive_extras& out) noexcept {
#if defined(SCM_TIMESTAMP)
  if (type == SCM_TIMESTAMP && size >= sizeof(::timeval)) {
    ::timeval t;
    detail::copy_bytes(&t, data, sizeof t);
    // (in unsigned arithmetic: a value the kernel never writes wraps instead of overflowing)
    out.timestamp_ns = static_cast<std::int64_t>(static_cast<std::uint64_t>(t.tv_sec) * 1000000000u +
                                                 static_cast<std::uint64_t>(t.tv_usec) * 1000u);
    out.set |= receive_extras::timestamp_set;
  }
#else
  (void)type;
  (void)data;
  (void)size;
  (void)out;
#endif
}

// A received msghdr's control messages: the portable walk (CMSG_FIRSTHDR / CMSG_NXTHDR).
template <class Out> MCAST_DETAIL_ALWAYS_INLINE void read_control(msghdr& msg, Out& out) noexcept {
  walk_control(msg, out);
}

// ---- the final-state filter: libc's RFC 3678 calls ---------------------------------------------
inline int raw_set_filter(native_handle_type s, filter_struct kind, int level, void* buf, std::size_t size) noexcept {
  // libc's RFC 3678 calls, one setsockopt(IP_MSFILTER / IPV6_MSFILTER) each.
  (void)level;
  (void)size;
  int r = 0;
  if (kind == filter_struct::group_filter) {
    const auto a = sourcefilter_arguments_of(*static_cast<group_filter_type*>(buf));
    r = ::setsourcefilter(s, a.interface_index, a.group, a.group_length, *a.mode, *a.count, a.sources);
  } else {
    const auto a = ipv4_sourcefilter_arguments_of(*static_cast<ip_msfilter_type*>(buf));
    r = ::setipv4sourcefilter(s, a.interface_address, a.group, *a.mode, *a.count, a.sources);
  }
  return r == 0 ? 0 : last_error();
}

inline int raw_get_filter(native_handle_type s, filter_struct kind, int level, void* buf, std::size_t size) noexcept {
  // libc's calls: numsrc in = room, out = how many the stack holds (more than the room: ask again).
  (void)level;
  (void)size;
  int r = 0;
  if (kind == filter_struct::group_filter) {
    const auto a = sourcefilter_arguments_of(*static_cast<group_filter_type*>(buf));
    r = ::getsourcefilter(s, a.interface_index, a.group, a.group_length, a.mode, a.count, a.sources);
  } else {
    const auto a = ipv4_sourcefilter_arguments_of(*static_cast<ip_msfilter_type*>(buf));
    r = ::getipv4sourcefilter(s, a.interface_address, a.group, a.mode, a.count, a.sources);
  }
  return r == 0 ? 0 : last_error();
}

// No route lookup (only Linux resolves any() itself: see resolves_any_interface), no limit settings.
inline int raw_route_interface(int, const void*, unsigned&, bool& answered) noexcept {
  answered = false;
  return EOPNOTSUPP;
}
inline long read_limit_setting(const limit_setting&) noexcept { return -1; }

// ---- batches: one call per datagram -------------------------------------------------------------
template <class Buffer, class OnDatagram>
int raw_receive_batch(native_handle_type s, const Buffer* bufs, std::size_t n, bool wait_first, std::size_t& got,
                      OnDatagram&& on) noexcept {
  // MSG_DONTWAIT makes each later receive not wait: nothing to ask first.
  return receive_one_by_one(
      s, bufs, n, wait_first, got, on, [](native_handle_type) noexcept { return true; }, EWOULDBLOCK);
}
template <class Buffer>
int raw_send_batch(native_handle_type s, const sockaddr_storage_type& to, const Buffer* bufs, std::size_t n,
                   std::size_t& sent) noexcept {
  return send_one_by_one(s, to, bufs, n, sent);
}

// ---- the host's interfaces --------------------------------------------------------------------
template <class OnInterface, class OnAddress>
int raw_list_interfaces(OnInterface&& on_interface, OnAddress&& on_address) noexcept {
  // Every interface by if_nameindex (one without any address too), its flags and addresses by
  // getifaddrs (whose entries for a labelled IPv4 address carry the label: see names_interface).
  struct ::if_nameindex* names = ::if_nameindex();
  if (names == nullptr)
    return last_error();
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0) {
    const int e = last_error();
    ::if_freenameindex(names);
    return e;
  }
  for (const struct ::if_nameindex* n = names; n->if_index != 0 && n->if_name != nullptr; ++n) {
    raw_interface i;
    i.index = n->if_index;
    copy_name(i.name, n->if_name);
    for (ifaddrs* p = list; p != nullptr; p = p->ifa_next)
      if (p->ifa_name != nullptr && names_interface(p->ifa_name, n->if_name)) {
        i.up = (p->ifa_flags & IFF_UP) != 0;
        i.multicast = (p->ifa_flags & IFF_MULTICAST) != 0;
        i.loopback = (p->ifa_flags & IFF_LOOPBACK) != 0;
        break;
      }
    on_interface(i);
    for (ifaddrs* p = list; p != nullptr; p = p->ifa_next) {
      if (p->ifa_addr == nullptr || p->ifa_name == nullptr || !names_interface(p->ifa_name, n->if_name))
        continue;
      if (p->ifa_addr->sa_family == AF_INET)
        on_address(i.index, AF_INET, &reinterpret_cast<const sockaddr_in*>(p->ifa_addr)->sin_addr);
      else if (p->ifa_addr->sa_family == AF_INET6)
        on_address(i.index, AF_INET6, &reinterpret_cast<const sockaddr_in6*>(p->ifa_addr)->sin6_addr);
    }
  }
  ::freeifaddrs(list);
  ::if_freenameindex(names);
  return 0;
}

template <class Fn> bool for_each_interface_address(int family, Fn&& fn) noexcept {
  (void)family;
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0)
    return false;
  bool stop = false;
  for (ifaddrs* p = list; p != nullptr && !stop; p = p->ifa_next) {
    if (p->ifa_addr == nullptr || p->ifa_name == nullptr)
      continue;
    unsigned index = static_cast<unsigned>(::if_nametoindex(p->ifa_name));
    if (index == 0)
      continue;
    if (p->ifa_addr->sa_family == AF_INET)
      stop = fn(index, AF_INET, &reinterpret_cast<const sockaddr_in*>(p->ifa_addr)->sin_addr);
    else if (p->ifa_addr->sa_family == AF_INET6)
      stop = fn(index, AF_INET6, &reinterpret_cast<const sockaddr_in6*>(p->ifa_addr)->sin6_addr);
  }
  ::freeifaddrs(list);
  return true;
}

// ---- layout pins (checked against the systems' headers by cmake/cross-check.sh) ----------------
#if defined(__APPLE__)
static_assert(sizeof(group_req_type) == 132 && offsetof(group_req_type, gr_group) == 4,
              "mcast: macOS packs group_req to 4 (132 bytes, gr_group at 4)");
static_assert(sizeof(group_source_req_type) == 260 && offsetof(group_source_req_type, gsr_source) == 132,
              "mcast: macOS packs group_source_req to 4 (260 bytes, gsr_source at 132)");
static_assert(offsetof(ip_mreq_source_type, imr_sourceaddr) == 4 && offsetof(ip_mreq_source_type, imr_interface) == 8,
              "mcast: macOS ip_mreq_source is {multiaddr, sourceaddr, interface}");
static_assert(MCAST_INCLUDE == 1 && MCAST_EXCLUDE == 2, "mcast: macOS MCAST_INCLUDE/EXCLUDE are 1/2");
static_assert(MCAST_JOIN_GROUP == 80 && MCAST_LEAVE_GROUP == 81 && MCAST_JOIN_SOURCE_GROUP == 82 &&
                  MCAST_LEAVE_SOURCE_GROUP == 83 && MCAST_BLOCK_SOURCE == 84 && MCAST_UNBLOCK_SOURCE == 85,
              "mcast: unexpected macOS MCAST_* option numbers");
static_assert(sizeof(sockaddr_in4_type) == 16 && offsetof(sockaddr_in4_type, sin_len) == 0 && has_sockaddr_length,
              "mcast: macOS sockaddr_in starts with sin_len");
#elif defined(__FreeBSD__)
// Checked against FreeBSD's own headers with cmake/cross-check.sh (see the README's platform notes).
static_assert(sizeof(group_req_type) == 136 && offsetof(group_req_type, gr_group) == 8,
              "mcast: FreeBSD group_req is 136 bytes, gr_group at 8");
static_assert(sizeof(group_source_req_type) == 264 && offsetof(group_source_req_type, gsr_source) == 136,
              "mcast: FreeBSD group_source_req is 264 bytes, gsr_source at 136");
static_assert(offsetof(ip_mreq_source_type, imr_sourceaddr) == 4 && offsetof(ip_mreq_source_type, imr_interface) == 8,
              "mcast: FreeBSD ip_mreq_source is {multiaddr, sourceaddr, interface}");
static_assert(MCAST_INCLUDE == 1 && MCAST_EXCLUDE == 2, "mcast: FreeBSD MCAST_INCLUDE/EXCLUDE are 1/2");
static_assert(MCAST_JOIN_GROUP == 80 && MCAST_LEAVE_GROUP == 81 && MCAST_JOIN_SOURCE_GROUP == 82 &&
                  MCAST_LEAVE_SOURCE_GROUP == 83 && MCAST_BLOCK_SOURCE == 84 && MCAST_UNBLOCK_SOURCE == 85,
              "mcast: unexpected FreeBSD MCAST_* option numbers");
static_assert(IP_ADD_SOURCE_MEMBERSHIP == 70 && IP_DROP_SOURCE_MEMBERSHIP == 71 && IP_BLOCK_SOURCE == 72 &&
                  IP_UNBLOCK_SOURCE == 73 && IP_ADD_MEMBERSHIP == 12 && IP_DROP_MEMBERSHIP == 13,
              "mcast: unexpected FreeBSD IP_* option numbers");
static_assert(sizeof(sockaddr_in4_type) == 16 && offsetof(sockaddr_in4_type, sin_len) == 0 && has_sockaddr_length,
              "mcast: FreeBSD sockaddr_in starts with sin_len");
static_assert(!has_ip_pktinfo && ipv6_recvpktinfo == 36 && ipv6_pktinfo_message() == 46,
              "mcast: FreeBSD has no IP_PKTINFO; IPV6_RECVPKTINFO is 36, its control message IPV6_PKTINFO 46");
#endif

} // namespace detail
MCAST_END_NAMESPACE

#endif // MCAST_DETAIL_PLATFORM_BSD_HPP
