// mcast/detail/platform/change_source.hpp -- where a keeper hears of the network's changes.
//
// Copyright (c) 2026 The mcast authors.
// Distributed under the Boost Software License, Version 1.0 (see LICENSE).
//
// Linux: one rtnetlink socket subscribed to the link, address (IPv4, IPv6) and route (IPv4, IPv6)
// groups, non-blocking; the kernel writes to it only when something changes, so a program that
// waits on it wakes for nothing else. Its messages are read with the pieces linux.hpp declares
// (no <linux/rtnetlink.h>). macOS and FreeBSD: one PF_ROUTE socket, which hears every change
// (RTM_IFINFO, RTM_IFANNOUNCE on FreeBSD, RTM_NEWADDR / RTM_DELADDR, RTM_ADD / RTM_DELETE /
// RTM_CHANGE), non-blocking; see change_source_bsd.hpp, whose parser is tested on Linux. Windows:
// IP Helper's interface, unicast address and route notifications (NotifyIpInterfaceChange,
// NotifyUnicastIpAddressChange, NotifyRouteChange2), handed from their system thread to the
// user's through a queue and a loopback UDP socket that becomes readable:
// change_source_windows.hpp. Each platform gives the keeper the same five things: change_source
// (what it holds; .handle is what it waits on), open_change_source, close_change_source,
// read_changes and read_all_links.
#ifndef MCAST_DETAIL_PLATFORM_CHANGE_SOURCE_HPP
#define MCAST_DETAIL_PLATFORM_CHANGE_SOURCE_HPP

#if defined(_MSC_VER)
#pragma once
#endif

#include "platform.hpp"

#include <cstddef>
#if defined(__APPLE__) || defined(__FreeBSD__)
#include <unistd.h> // close (linux.hpp declares its own)
#endif

MCAST_BEGIN_NAMESPACE
namespace detail {

// One change, as the platform reports it.
struct change_record {
  enum kind_type : unsigned char { link_new, link_gone, address_new, address_gone, route, overflow } kind = route;
  unsigned index = 0;           // the interface (links, addresses)
  bool up = false;              // link_new: administratively up
  char name[32] = {};           // link_new / link_gone: the interface's name, NUL-terminated
  int family = 0;               // addresses: AF_INET / AF_INET6
  unsigned char bytes[16] = {}; // addresses: 4 or 16 bytes
};

#if defined(__linux__) || defined(__APPLE__) || defined(__FreeBSD__)
// What a keeper holds: the socket to wait on.
struct change_source {
  native_handle_type handle = invalid_native_handle;
};
inline void close_change_source(change_source& cs) noexcept {
  if (cs.handle >= 0)
    ::close(cs.handle);
  cs.handle = invalid_native_handle;
}
// Closes a half-opened change socket; answers the error number that stopped it.
inline int abandon_change_source(change_source& cs) noexcept {
  const int e = errno;
  close_change_source(cs);
  return e;
}

// Reads the change socket until it is drained (0) or fails (an error number), handing each
// datagram to on_datagram(bytes, size). ENOBUFS (the kernel's queue overflowed: changes were
// lost) comes as an `overflow` record, after which the caller must look at everything again.
template <class OnRecord, class OnDatagram>
int drain_change_socket(native_handle_type fd, unsigned char* buf, std::size_t size, OnRecord& on_record,
                        OnDatagram&& on_datagram) noexcept {
  for (int rounds = 0; rounds < 1024; ++rounds) { // bounded: a storm is read over several calls
    const ssize_t n = ::recv(fd, buf, size, MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK)
        return 0;
      if (errno == ENOBUFS) {
        change_record r;
        r.kind = change_record::overflow;
        on_record(r);
        continue;
      }
      return errno;
    }
    on_datagram(static_cast<const unsigned char*>(buf), static_cast<std::size_t>(n));
  }
  return 0;
}
#endif

} // namespace detail
MCAST_END_NAMESPACE

// (After change_record: the BSD parser fills it, and is compiled on every system for its tests.)
#include "change_source_bsd.hpp"

MCAST_BEGIN_NAMESPACE
namespace detail {

#if defined(_WIN32)
} // namespace detail
MCAST_END_NAMESPACE
#include "change_source_windows.hpp"
MCAST_BEGIN_NAMESPACE
namespace detail {
#elif defined(__linux__)
inline constexpr bool has_change_source = true;

// <linux/rtnetlink.h>'s RTMGRP_LINK, RTMGRP_IPV4_IFADDR, RTMGRP_IPV4_ROUTE, RTMGRP_IPV6_IFADDR,
// RTMGRP_IPV6_ROUTE, and the messages beyond those linux.hpp names.
inline constexpr unsigned rtmgrp_link = 0x1, rtmgrp_ipv4_ifaddr = 0x10, rtmgrp_ipv4_route = 0x40,
                          rtmgrp_ipv6_ifaddr = 0x100, rtmgrp_ipv6_route = 0x400;
inline constexpr unsigned short rtm_dellink = 17, rtm_deladdr = 21, rtm_delroute = 25;

// Opens the change socket: 0 and `fd`, or an error number.
inline int open_change_source(change_source& cs) noexcept {
  native_handle_type& fd = cs.handle;
  fd = ::socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (fd < 0)
    return errno;
  sockaddr_nl local{};
  local.nl_family = AF_NETLINK;
  local.nl_groups = rtmgrp_link | rtmgrp_ipv4_ifaddr | rtmgrp_ipv4_route | rtmgrp_ipv6_ifaddr | rtmgrp_ipv6_route;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0)
    return abandon_change_source(cs);
  return 0;
}

// One RTM_NEWLINK / RTM_DELLINK as a record (dumps answer with the same message).
inline bool read_link_record(unsigned short type, const unsigned char* m, std::size_t len, change_record& r) noexcept {
  constexpr std::size_t at = route_header + route_aligned(sizeof(link_message));
  if (len < at)
    return false;
  link_message l{};
  detail::copy_bytes(&l, m + route_header, sizeof l);
  r.kind = type == rtm_dellink ? change_record::link_gone : change_record::link_new;
  r.index = static_cast<unsigned>(l.index);
  r.up = (l.flags & IFF_UP) != 0;
  netlink_attributes(m, len, at, [&](unsigned short t, const unsigned char* v, std::size_t n) noexcept {
    if (t == ifla_ifname && n > 0) {
      const std::size_t k = n < sizeof r.name ? n : sizeof r.name - 1;
      detail::copy_bytes(r.name, v, k);
      r.name[k] = '\0';
    }
  });
  return true;
}

// Reads every message queued on the change socket, calling on_record(const change_record&) for
// each link, address and route change (see drain_change_socket); a datagram holds several.
template <class OnRecord> int read_changes(change_source& cs, OnRecord&& on_record) noexcept {
  alignas(nlmsghdr) unsigned char buf[16384];
  return drain_change_socket(
      cs.handle, buf, sizeof buf, on_record, [&](const unsigned char* data, std::size_t got) noexcept {
        for (std::size_t at = 0; at + sizeof(nlmsghdr) <= got;) {
          nlmsghdr h{};
          detail::copy_bytes(&h, data + at, sizeof h);
          if (h.nlmsg_len < sizeof h || h.nlmsg_len > got - at)
            break;
          const unsigned char* m = data + at;
          const std::size_t len = h.nlmsg_len;
          change_record r;
          if (h.nlmsg_type == rtm_newlink || h.nlmsg_type == rtm_dellink) {
            if (read_link_record(h.nlmsg_type, m, len, r))
              on_record(r);
          } else if (h.nlmsg_type == rtm_newaddr || h.nlmsg_type == rtm_deladdr) {
            constexpr std::size_t aat = route_header + route_aligned(sizeof(address_message));
            if (len >= aat) {
              address_message a{};
              detail::copy_bytes(&a, m + route_header, sizeof a);
              r.kind = h.nlmsg_type == rtm_deladdr ? change_record::address_gone : change_record::address_new;
              r.index = a.index;
              r.family = a.family;
              const std::size_t alen = a.family == AF_INET ? 4 : a.family == AF_INET6 ? 16 : 0;
              bool local = false, found = false;
              netlink_attributes(m, len, aat, [&](unsigned short t, const unsigned char* v, std::size_t vn) noexcept {
                // IFA_LOCAL where there is one (see netlink_addresses), else IFA_ADDRESS.
                if (vn == alen && (t == ifa_local || (t == ifa_address && !local))) {
                  detail::copy_bytes(r.bytes, v, alen);
                  found = true;
                  local = local || t == ifa_local;
                }
              });
              if (found)
                on_record(r);
            }
          } else if (h.nlmsg_type == rtm_newroute || h.nlmsg_type == rtm_delroute) {
            r.kind = change_record::route;
            on_record(r);
          }
          at += route_aligned(h.nlmsg_len);
        }
      });
}

// Every interface as a link_new record (after an overflow): one RTM_GETLINK dump.
template <class OnRecord> int read_all_links(OnRecord&& on_record) noexcept {
  return netlink_dump(rtm_getlink, 0, [&](unsigned short type, const unsigned char* m, std::size_t len) noexcept {
    change_record r;
    if (type == rtm_newlink && read_link_record(type, m, len, r))
      on_record(r);
  });
}
#elif !defined(__APPLE__) && !defined(__FreeBSD__)
inline constexpr bool has_change_source = false;
inline constexpr int change_source_unsupported = EOPNOTSUPP;
struct change_source {
  native_handle_type handle = invalid_native_handle;
};
inline int open_change_source(change_source& cs) noexcept {
  cs.handle = invalid_native_handle;
  return change_source_unsupported;
}
inline void close_change_source(change_source&) noexcept {}
template <class OnRecord> int read_changes(change_source&, OnRecord&&) noexcept { return 0; }
template <class OnRecord> int read_all_links(OnRecord&&) noexcept { return change_source_unsupported; }
#endif

} // namespace detail
MCAST_END_NAMESPACE

#endif // MCAST_DETAIL_PLATFORM_CHANGE_SOURCE_HPP
