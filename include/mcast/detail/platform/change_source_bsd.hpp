// mcast/detail/platform/change_source_bsd.hpp -- the keeper's change source on macOS and FreeBSD:
// a PF_ROUTE socket.
//
// Copyright (c) 2026 The mcast authors.
// Distributed under the Boost Software License, Version 1.0 (see LICENSE).
//
// Two parts. The parser of one routing message is plain code over bytes, its offsets and numbers
// taken from a route_layout; macos_route_layout and freebsd_route_layout are neutral copies of the
// two kernels' layouts, so that tests/unit/change_source_bsd_test.cpp runs the parser for both on
// Linux. On macOS and FreeBSD themselves, the second part opens the socket, reads it, and pins
// this system's layout against its own <net/route.h>, <net/if.h> and <net/if_dl.h> field by field
// (cmake/cross-check.sh compiles the pins against the real headers).
//
// Included by change_source.hpp after change_record; includes nothing of mcast's own.
#ifndef MCAST_DETAIL_PLATFORM_CHANGE_SOURCE_BSD_HPP
#define MCAST_DETAIL_PLATFORM_CHANGE_SOURCE_BSD_HPP

#if defined(_MSC_VER)
#pragma once
#endif

#include <cstddef>
#include <cstdint>

#if defined(__APPLE__) || defined(__FreeBSD__)
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <net/if_dl.h>
#include <net/route.h>
#endif

MCAST_BEGIN_NAMESPACE
namespace detail {

// Where the fields of the routing messages sit, and the numbers they carry, on one kernel.
struct route_layout {
  std::size_t sockaddr_align; // the rounding of each sockaddr after a header (SA_SIZE / ROUNDUP32)
  unsigned char version;      // RTM_VERSION
  unsigned char rtm_add, rtm_delete, rtm_change, rtm_newaddr, rtm_deladdr, rtm_ifinfo;
  unsigned char rtm_ifannounce; // 0 where the kernel has none (macOS)
  std::size_t rtm_size;
  std::size_t ifm_size, ifm_addrs, ifm_flags, ifm_index;
  std::size_t ifam_size, ifam_addrs, ifam_index;
  std::size_t ifan_size, ifan_index, ifan_name, ifan_what, name_size; // (name_size: IFNAMSIZ)
  unsigned short ifan_arrival, ifan_departure;
  int iff_up;
  int af_inet, af_inet6, af_link;
  std::size_t sin_addr, sin6_addr, sdl_nlen, sdl_data;
  int rta_ifp, rta_ifa; // the bits of ifm_addrs / ifam_addrs; the sockaddrs come in bit order
};

// The two kernels, from xnu's and FreeBSD's headers (pinned in the BSD part below on each
// system): if_msghdr differs (each its own if_data), macOS has no RTM_IFANNOUNCE, AF_INET6 is 30
// and 28, and the sockaddrs are rounded to 4 bytes on macOS and to a long on FreeBSD.
constexpr route_layout route_layout_common() noexcept {
  route_layout l{};
  l.version = 5;
  l.rtm_add = 0x1;
  l.rtm_delete = 0x2;
  l.rtm_change = 0x3;
  l.rtm_newaddr = 0xc;
  l.rtm_deladdr = 0xd;
  l.rtm_ifinfo = 0xe;
  l.ifm_addrs = 4;
  l.ifm_flags = 8;
  l.ifm_index = 12;
  l.ifam_size = 20;
  l.ifam_addrs = 4;
  l.ifam_index = 12;
  l.name_size = 16;
  l.iff_up = 0x1;
  l.af_inet = 2;
  l.af_link = 18;
  l.sin_addr = 4;
  l.sin6_addr = 8;
  l.sdl_nlen = 5;
  l.sdl_data = 8;
  l.rta_ifp = 0x10;
  l.rta_ifa = 0x20;
  return l;
}
constexpr route_layout route_layout_macos() noexcept {
  route_layout l = route_layout_common();
  l.sockaddr_align = 4;
  l.rtm_size = 92;
  l.ifm_size = 112;
  l.af_inet6 = 30;
  return l;
}
constexpr route_layout route_layout_freebsd() noexcept { // 64-bit (amd64, arm64): u_longs are 8
  route_layout l = route_layout_common();
  l.sockaddr_align = 8;
  l.rtm_size = 152;
  l.ifm_size = 168;
  l.rtm_ifannounce = 17;
  l.ifan_size = 24;
  l.ifan_index = 4;
  l.ifan_name = 6;
  l.ifan_what = 22;
  l.ifan_arrival = 0;
  l.ifan_departure = 1;
  l.af_inet6 = 28;
  return l;
}
inline constexpr route_layout macos_route_layout = route_layout_macos();
inline constexpr route_layout freebsd_route_layout = route_layout_freebsd();

// What one message is to the keeper.
enum class route_message_kind { record, ignored, garbled };

namespace route_bytes {
inline unsigned u8(const unsigned char* m, std::size_t at) noexcept { return m[at]; }
inline unsigned u16(const unsigned char* m, std::size_t at) noexcept {
  std::uint16_t v = 0;
  detail::copy_bytes(&v, m + at, sizeof v);
  return v;
}
inline int i32(const unsigned char* m, std::size_t at) noexcept {
  std::int32_t v = 0;
  detail::copy_bytes(&v, m + at, sizeof v);
  return v;
}
// The room one sockaddr takes after a header: its sa_len rounded up (an empty one still takes a
// word), as the kernel's SA_SIZE (FreeBSD, sizeof(long)) and ROUNDUP32 (macOS, 4) compute it.
inline std::size_t sockaddr_room(std::size_t sa_len, std::size_t align) noexcept {
  return sa_len == 0 ? align : 1 + ((sa_len - 1) | (align - 1));
}
inline void copy_name(char (&to)[32], const unsigned char* from, std::size_t n) noexcept {
  std::size_t k = 0;
  while (k < n && k + 1 < sizeof to && from[k] != 0)
    ++k;
  detail::copy_bytes(to, from, k);
  to[k] = '\0';
}
// Calls on(bit, sockaddr, its sa_len) for each sockaddr selected by `addrs` in [at, end), in bit
// order; false when one is missing or runs past the end.
template <class On>
bool each_sockaddr(const route_layout& l, const unsigned char* m, std::size_t at, std::size_t end, int addrs,
                   On&& on) noexcept {
  for (int bit = 1; bit <= 0x80; bit <<= 1) { // RTAX_MAX is 8 on both
    if ((addrs & bit) == 0)
      continue;
    if (at >= end)
      return false;
    const std::size_t room = sockaddr_room(m[at], l.sockaddr_align); // (the kernel counts the padding too)
    if (room > end - at)
      return false;
    on(bit, m + at, std::size_t{m[at]});
    at += room;
  }
  return true;
}
} // namespace route_bytes

// Reads the routing message at m (len bytes received from there; the message may say it is
// shorter) into r. Checks every length before reading; messages of another version and of other
// types are ignored.
inline route_message_kind parse_route_message(const route_layout& l, const unsigned char* m, std::size_t len,
                                              change_record& r) noexcept {
  namespace b = route_bytes;
  if (len < 4)
    return route_message_kind::garbled;
  const std::size_t msglen = b::u16(m, 0);
  if (msglen < 4 || msglen > len)
    return route_message_kind::garbled;
  if (b::u8(m, 2) != l.version)
    return route_message_kind::ignored;
  const unsigned type = b::u8(m, 3);
  r = change_record{};
  if (type == l.rtm_ifinfo) {
    if (msglen < l.ifm_size)
      return route_message_kind::garbled;
    r.kind = change_record::link_new;
    r.index = b::u16(m, l.ifm_index);
    r.up = (b::i32(m, l.ifm_flags) & l.iff_up) != 0;
    // The name where a sockaddr_dl follows (RTA_IFP); else the caller asks if_indextoname.
    const bool whole = b::each_sockaddr(l, m, l.ifm_size, msglen, b::i32(m, l.ifm_addrs),
                                        [&](int bit, const unsigned char* sa, std::size_t n) noexcept {
                                          if (bit != l.rta_ifp || n < l.sdl_data || sa[1] != l.af_link)
                                            return;
                                          const std::size_t nlen = sa[l.sdl_nlen];
                                          if (nlen <= n - l.sdl_data)
                                            b::copy_name(r.name, sa + l.sdl_data, nlen);
                                        });
    return whole ? route_message_kind::record : route_message_kind::garbled;
  }
  if (l.rtm_ifannounce != 0 && type == l.rtm_ifannounce) {
    if (msglen < l.ifan_size)
      return route_message_kind::garbled;
    const unsigned what = b::u16(m, l.ifan_what);
    if (what != l.ifan_arrival && what != l.ifan_departure)
      return route_message_kind::ignored;
    r.kind = what == l.ifan_arrival ? change_record::link_new : change_record::link_gone;
    r.index = b::u16(m, l.ifan_index);
    b::copy_name(r.name, m + l.ifan_name, l.name_size);
    return route_message_kind::record; // (arrived down: an RTM_IFINFO follows when it comes up)
  }
  if (type == l.rtm_newaddr || type == l.rtm_deladdr) {
    if (msglen < l.ifam_size)
      return route_message_kind::garbled;
    r.kind = type == l.rtm_newaddr ? change_record::address_new : change_record::address_gone;
    r.index = b::u16(m, l.ifam_index);
    bool found = false;
    const bool whole = b::each_sockaddr(l, m, l.ifam_size, msglen, b::i32(m, l.ifam_addrs),
                                        [&](int bit, const unsigned char* sa, std::size_t n) noexcept {
                                          if (bit != l.rta_ifa || n < 2)
                                            return;
                                          const bool v4 = sa[1] == l.af_inet, v6 = sa[1] == l.af_inet6;
                                          const std::size_t at = v4 ? l.sin_addr : l.sin6_addr, size = v4 ? 4 : 16;
                                          if ((v4 || v6) && n >= at + size) {
                                            r.family = v4 ? AF_INET : AF_INET6; // this system's numbers
                                            detail::copy_bytes(r.bytes, sa + at, size);
                                            found = true;
                                          }
                                        });
    if (!whole)
      return route_message_kind::garbled;
    return found ? route_message_kind::record : route_message_kind::ignored;
  }
  if (type == l.rtm_add || type == l.rtm_delete || type == l.rtm_change) {
    if (msglen < l.rtm_size)
      return route_message_kind::garbled;
    r.kind = change_record::route;
    return route_message_kind::record;
  }
  return route_message_kind::ignored;
}

#if defined(__APPLE__) || defined(__FreeBSD__)
inline constexpr bool has_change_source = true;

// This system's layout, from its own structures and numbers.
constexpr route_layout route_layout_here() noexcept {
  route_layout l{};
#if defined(__APPLE__)
  l.sockaddr_align = sizeof(std::uint32_t); // xnu's ROUNDUP32
#else
  l.sockaddr_align = sizeof(long); // SA_SIZE
#endif
  l.version = RTM_VERSION;
  l.rtm_add = RTM_ADD;
  l.rtm_delete = RTM_DELETE;
  l.rtm_change = RTM_CHANGE;
  l.rtm_newaddr = RTM_NEWADDR;
  l.rtm_deladdr = RTM_DELADDR;
  l.rtm_ifinfo = RTM_IFINFO;
  l.rtm_size = sizeof(::rt_msghdr);
  l.ifm_size = sizeof(::if_msghdr);
  l.ifm_addrs = offsetof(::if_msghdr, ifm_addrs);
  l.ifm_flags = offsetof(::if_msghdr, ifm_flags);
  l.ifm_index = offsetof(::if_msghdr, ifm_index);
  l.ifam_size = sizeof(::ifa_msghdr);
  l.ifam_addrs = offsetof(::ifa_msghdr, ifam_addrs);
  l.ifam_index = offsetof(::ifa_msghdr, ifam_index);
#if defined(RTM_IFANNOUNCE)
  l.rtm_ifannounce = RTM_IFANNOUNCE;
  l.ifan_size = sizeof(::if_announcemsghdr);
  l.ifan_index = offsetof(::if_announcemsghdr, ifan_index);
  l.ifan_name = offsetof(::if_announcemsghdr, ifan_name);
  l.ifan_what = offsetof(::if_announcemsghdr, ifan_what);
  l.ifan_arrival = IFAN_ARRIVAL;
  l.ifan_departure = IFAN_DEPARTURE;
#endif
  l.name_size = IFNAMSIZ;
  l.iff_up = IFF_UP;
  l.af_inet = AF_INET;
  l.af_inet6 = AF_INET6;
  l.af_link = AF_LINK;
  l.sin_addr = offsetof(::sockaddr_in, sin_addr);
  l.sin6_addr = offsetof(::sockaddr_in6, sin6_addr);
  l.sdl_nlen = offsetof(::sockaddr_dl, sdl_nlen);
  l.sdl_data = offsetof(::sockaddr_dl, sdl_data);
  l.rta_ifp = RTA_IFP;
  l.rta_ifa = RTA_IFA;
  return l;
}
inline constexpr route_layout route_layout_this_system = route_layout_here();

constexpr bool same_route_layout(const route_layout& a, const route_layout& b) noexcept {
  return a.sockaddr_align == b.sockaddr_align && a.version == b.version && a.rtm_add == b.rtm_add &&
         a.rtm_delete == b.rtm_delete && a.rtm_change == b.rtm_change && a.rtm_newaddr == b.rtm_newaddr &&
         a.rtm_deladdr == b.rtm_deladdr && a.rtm_ifinfo == b.rtm_ifinfo && a.rtm_ifannounce == b.rtm_ifannounce &&
         a.rtm_size == b.rtm_size && a.ifm_size == b.ifm_size && a.ifm_addrs == b.ifm_addrs &&
         a.ifm_flags == b.ifm_flags && a.ifm_index == b.ifm_index && a.ifam_size == b.ifam_size &&
         a.ifam_addrs == b.ifam_addrs && a.ifam_index == b.ifam_index && a.ifan_size == b.ifan_size &&
         a.ifan_index == b.ifan_index && a.ifan_name == b.ifan_name && a.ifan_what == b.ifan_what &&
         a.name_size == b.name_size && a.ifan_arrival == b.ifan_arrival && a.ifan_departure == b.ifan_departure &&
         a.iff_up == b.iff_up && a.af_inet == b.af_inet && a.af_inet6 == b.af_inet6 && a.af_link == b.af_link &&
         a.sin_addr == b.sin_addr && a.sin6_addr == b.sin6_addr && a.sdl_nlen == b.sdl_nlen &&
         a.sdl_data == b.sdl_data && a.rta_ifp == b.rta_ifp && a.rta_ifa == b.rta_ifa;
}
// The copies the Linux tests run are this system's own (64-bit FreeBSD; 32-bit is read from its
// own structures above, untested).
#if defined(__APPLE__)
static_assert(same_route_layout(route_layout_this_system, macos_route_layout),
              "mcast: macOS's routing messages differ from macos_route_layout");
#elif defined(__LP64__)
static_assert(same_route_layout(route_layout_this_system, freebsd_route_layout),
              "mcast: FreeBSD's routing messages differ from freebsd_route_layout");
#endif

// Opens the routing socket (every message of every family): 0 and `cs`, or an error number.
inline int open_change_source(change_source& cs) noexcept {
  native_handle_type& fd = cs.handle;
#if defined(SOCK_NONBLOCK) && defined(SOCK_CLOEXEC)
  fd = ::socket(PF_ROUTE, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, AF_UNSPEC);
  if (fd < 0)
    return errno;
  bool ok = true;
#else
  // macOS has no SOCK_NONBLOCK / SOCK_CLOEXEC: fcntl right after.
  fd = ::socket(PF_ROUTE, SOCK_RAW, AF_UNSPEC);
  if (fd < 0)
    return errno;
  const int flags = ::fcntl(fd, F_GETFL);
  bool ok = flags >= 0 && ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0 && ::fcntl(fd, F_SETFD, FD_CLOEXEC) == 0;
#endif
  // No copies of what this socket writes (it writes nothing): the replies are never ours to read.
  const int off = 0;
  ok = ok && ::setsockopt(fd, SOL_SOCKET, SO_USELOOPBACK, &off, sizeof off) == 0;
  return ok ? 0 : abandon_change_source(cs);
}

// Reads every message queued on the routing socket (one per read), as read_changes on Linux.
template <class OnRecord> int read_changes(change_source& cs, OnRecord&& on_record) noexcept {
  alignas(long) unsigned char buf[8192]; // a routing message is at most a few hundred bytes
  return drain_change_socket(
      cs.handle, buf, sizeof buf, on_record, [&](const unsigned char* m, std::size_t n) noexcept {
        change_record r;
        if (parse_route_message(route_layout_this_system, m, n, r) != route_message_kind::record)
          return;
        if (r.kind == change_record::link_new && r.name[0] == '\0') {
          char name[IF_NAMESIZE] = {};
          if (::if_indextoname(r.index, name) == nullptr)
            r.kind = change_record::link_gone; // gone already (macOS says so only this way)
          else
            route_bytes::copy_name(r.name, reinterpret_cast<const unsigned char*>(name), sizeof name);
        }
        on_record(r);
      });
}

// Every interface as a link_new record (at start-up, after an overflow): getifaddrs' AF_LINK entries.
template <class OnRecord> int read_all_links(OnRecord&& on_record) noexcept {
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0)
    return errno;
  for (const ifaddrs* p = list; p != nullptr; p = p->ifa_next) {
    if (p->ifa_addr == nullptr || p->ifa_name == nullptr || p->ifa_addr->sa_family != AF_LINK)
      continue;
    change_record r;
    r.kind = change_record::link_new;
    r.index = reinterpret_cast<const ::sockaddr_dl*>(p->ifa_addr)->sdl_index;
    r.up = (p->ifa_flags & IFF_UP) != 0;
    route_bytes::copy_name(r.name, reinterpret_cast<const unsigned char*>(p->ifa_name), sizeof r.name);
    on_record(r);
  }
  ::freeifaddrs(list);
  return 0;
}
#endif

} // namespace detail
MCAST_END_NAMESPACE

#endif // MCAST_DETAIL_PLATFORM_CHANGE_SOURCE_BSD_HPP
