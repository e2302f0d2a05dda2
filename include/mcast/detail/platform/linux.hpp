// mcast/detail/platform/linux.hpp -- Linux.
//
// Copyright (c) 2026 The mcast authors.
// Distributed under the Boost Software License, Version 1.0 (see LICENSE).
//
// What Linux has beyond POSIX and answers differently: ip_mreqn (interfaces by index),
// MCAST_MSFILTER, rtnetlink for routes and interfaces (one dump for any number of them),
// recvmmsg / sendmmsg, SO_TIMESTAMPNS, SO_RXQ_OVFL, SO_COOKIE, the membership limits under /proc.
#ifndef MCAST_DETAIL_PLATFORM_LINUX_HPP
#define MCAST_DETAIL_PLATFORM_LINUX_HPP

#if defined(_MSC_VER)
#pragma once
#endif

#include "posix.hpp"

#include <linux/netlink.h>
// close(), for the netlink sockets: declared as every Linux libc declares it rather than through
// <unistd.h>, which costs a translation unit more to compile than mcast's own option code. A
// program that includes <unistd.h> too sees the same declaration twice, which is valid;
// -Wredundant-decls would say so when <unistd.h> came first, hence the pragmas.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wredundant-decls"
extern "C" int close(int);
#pragma GCC diagnostic pop
#if !defined(IPV6_MULTICAST_ALL)
#define IPV6_MULTICAST_ALL 29 // linux/in6.h; older libcs lack it (Linux 4.20+)
#endif
#include <cstdio> // the limits' settings, read for errc::limit_exceeded's message (<string> has it already)

MCAST_BEGIN_NAMESPACE
namespace detail {

inline constexpr bool is_windows = false;
inline constexpr bool is_linux = true;
inline constexpr bool is_bsd = false;
inline constexpr bool is_macos = false;

// ---- structures and option numbers ------------------------------------------------------------
using group_filter_type = ::group_filter;
using ip_msfilter_type = ::ip_msfilter;
inline constexpr int ipv6_add_membership_name = IPV6_ADD_MEMBERSHIP;
inline constexpr int ipv6_drop_membership_name = IPV6_DROP_MEMBERSHIP;

// IP_MULTICAST_ALL: a socket receives every group joined by any socket unless it is 0.
inline constexpr bool has_multicast_all = true;
inline constexpr int ip_multicast_all = IP_MULTICAST_ALL;
inline constexpr int ipv6_multicast_all = IPV6_MULTICAST_ALL;

inline constexpr platform_family this_family = platform_family::linux_family;
// IP_MULTICAST_IF: an ip_mreqn, which names the interface by index (and reads back as an in_addr:
// 0.0.0.0 when set by index).
using ip_multicast_if_type = ::ip_mreqn;
inline constexpr bool ip_multicast_if_by_index = true;
inline void fill_ip_multicast_if(ip_multicast_if_type& r, unsigned index, const in4_addr_type&) noexcept {
  r.imr_ifindex = static_cast<int>(index);
}
// Packet info: IP_PKTINFO and IPV6_RECVPKTINFO (RFC 3542).
inline constexpr bool has_ip_pktinfo = true;
inline constexpr int ip_pktinfo = IP_PKTINFO;
inline constexpr int ipv6_recvpktinfo = IPV6_RECVPKTINFO;
constexpr int ipv6_pktinfo_message() noexcept { return IPV6_PKTINFO; }

// IP_ADD_MEMBERSHIP / IP_DROP_MEMBERSHIP take an ip_mreqn too, which names the interface by index
// (an address held by two interfaces names one of them, the kernel's pick). The source options
// (ip_mreq_source) have no by-index form.
using ip_membership_req_type = ::ip_mreqn;
inline constexpr bool ipv4_membership_by_index = true;
inline void fill_ip_membership(ip_membership_req_type& r, const in4_addr_type& group, const in4_addr_type&,
                               unsigned index) noexcept {
  r.imr_multiaddr = group;
  r.imr_address = in4_addr_type{};
  r.imr_ifindex = static_cast<int>(index);
}

// Several receivers on one port: SO_REUSEADDR alone (SO_REUSEPORT balances datagrams instead).
inline constexpr int so_reuseport = -1;

// SO_COOKIE, a 64-bit number the kernel gives each socket and never gives another while the
// system runs. A handle reads it at its join and compares it before each later change, so it
// never acts on a socket that took its descriptor's number after its own was closed.
inline constexpr bool has_socket_cookie = true;
#if defined(SO_COOKIE)
inline constexpr int so_cookie = SO_COOKIE;
#else
inline constexpr int so_cookie = 57; // <asm-generic/socket.h>, Linux 2.6.x+ (read since 4.12)
#endif

// Receive timestamps: SO_TIMESTAMPNS (a timespec control message, nanoseconds, CLOCK_REALTIME).
inline constexpr bool has_receive_timestamp = true;
inline constexpr int so_receive_timestamp = SO_TIMESTAMPNS;
// Drops: SO_RXQ_OVFL hands each datagram the socket's count of datagrams dropped so far (receive
// buffer full) as it was when the datagram was queued -- a control message present only once
// that count is not 0.
inline constexpr bool has_receive_drops = true;
inline constexpr int so_rxq_ovfl = SO_RXQ_OVFL;

inline void read_socket_message(int type, const unsigned char* data, std::size_t size, receive_extras& out) noexcept {
  if (type == SCM_TIMESTAMPNS && size >= sizeof(::timespec)) {
    ::timespec t;
    detail::copy_bytes(&t, data, sizeof t);
    // (in unsigned arithmetic: a value the kernel never writes wraps instead of overflowing)
    out.timestamp_ns = static_cast<std::int64_t>(static_cast<std::uint64_t>(t.tv_sec) * 1000000000u +
                                                 static_cast<std::uint64_t>(t.tv_nsec));
    out.set |= receive_extras::timestamp_set;
  } else if (type == SO_RXQ_OVFL && size >= sizeof out.drops) {
    detail::copy_bytes(&out.drops, data, sizeof out.drops);
    out.set |= receive_extras::drops_set;
  }
}

// Whether the control message at `control` is exactly one of `level` and `type` with `size` bytes
// of data.
MCAST_DETAIL_ALWAYS_INLINE bool message_is(const unsigned char* control, int level, int type,
                                           std::size_t size) noexcept {
  cmsghdr c;
  detail::copy_bytes(&c, control, sizeof c);
  return c.cmsg_len == CMSG_LEN(size) && c.cmsg_level == level && c.cmsg_type == type;
}

// When the CMSG_SPACE(sizeof(in_pktinfo)) bytes at `control` are one IP_PKTINFO message, reads it
// into `out` and returns true.
template <class Out>
MCAST_DETAIL_ALWAYS_INLINE bool read_ip_pktinfo_alone(const unsigned char* control, Out& out) noexcept {
  constexpr std::size_t header = CMSG_ALIGN(sizeof(cmsghdr));
  // (message_is's test written out, here and for the timestamp in read_control: through it g++
  // spent 2 instructions more a datagram)
  cmsghdr c;
  detail::copy_bytes(&c, control, sizeof c);
  if (c.cmsg_len != CMSG_LEN(sizeof(::in_pktinfo)) || c.cmsg_level != IPPROTO_IP || c.cmsg_type != IP_PKTINFO)
    return false;
  int index;
  detail::copy_bytes(&index, control + header + offsetof(::in_pktinfo, ipi_ifindex), sizeof index);
  out.set_destination(AF_INET, control + header + offsetof(::in_pktinfo, ipi_addr), static_cast<unsigned>(index));
  return true;
}

// The IPv6 layouts: IPV6_PKTINFO alone, and a dual-stack socket's IPv4 datagram -- IPV6_PKTINFO
// (the group IPv4-mapped) then IP_PKTINFO, of which the walk keeps the second; anything else by
// the walk. Out of line, as the walk is: inside read_control they made the IPv4 paths too big to
// inline (a receive() cost 19 instructions more).
template <class Out> MCAST_DETAIL_NOINLINE void read_ipv6_layouts_or_walk(const msghdr& msg, Out& out) noexcept {
  constexpr std::size_t header = CMSG_ALIGN(sizeof(cmsghdr)); // where CMSG_DATA is
  const auto* control = static_cast<const unsigned char*>(msg.msg_control);
  const std::size_t length = msg.msg_controllen;
  constexpr std::size_t pktinfo6_space = CMSG_SPACE(ipv6_pktinfo_size);
  if ((length == pktinfo6_space || length == pktinfo6_space + CMSG_SPACE(sizeof(::in_pktinfo))) &&
      message_is(control, IPPROTO_IPV6, IPV6_PKTINFO, ipv6_pktinfo_size)) {
    if (length == pktinfo6_space) {
      read_ipv6_pktinfo(control + header, out);
      return;
    }
    if (read_ip_pktinfo_alone(control + pktinfo6_space, out))
      return;
  }
  walk_control(msg, out);
}

// A received msghdr's control messages into `out`: the layouts the usual options produce read
// without a walk -- IP_PKTINFO alone, or after the SO_TIMESTAMPNS message (the kernel writes the
// socket-level messages first); the IPv6 ones just above -- and anything else by walk_control
// (posix.hpp), which checks every length (CMSG_NXTHDR's checks a batch paid for every datagram
// are not needed). tests/fuzz/fuzz_control.cpp holds them to the same facts.
template <class Out> MCAST_DETAIL_ALWAYS_INLINE void read_control(msghdr& msg, Out& out) noexcept {
  constexpr std::size_t header = CMSG_ALIGN(sizeof(cmsghdr)); // where CMSG_DATA is
  const auto* control = static_cast<const unsigned char*>(msg.msg_control);
  const std::size_t length = msg.msg_controllen;
  constexpr std::size_t pktinfo_space = CMSG_SPACE(sizeof(::in_pktinfo));
  constexpr std::size_t timestamp_space = CMSG_SPACE(sizeof(::timespec));
  if (length == pktinfo_space && read_ip_pktinfo_alone(control, out))
    return;
  if (length == timestamp_space + pktinfo_space) {
    cmsghdr c;
    detail::copy_bytes(&c, control, sizeof c);
    if (c.cmsg_len == CMSG_LEN(sizeof(::timespec)) && c.cmsg_level == SOL_SOCKET && c.cmsg_type == SCM_TIMESTAMPNS &&
        read_ip_pktinfo_alone(control + timestamp_space, out)) {
      read_socket_message(SCM_TIMESTAMPNS, control + header, sizeof(::timespec), out.extras);
      return;
    }
  }
  if constexpr (Out::walk_a_copy) {
    // Handed itself to the out-of-line reader, a batch entry would be kept in memory on the fast
    // paths too.
    Out walked = out;
    read_ipv6_layouts_or_walk(msg, walked);
    out = walked;
  } else {
    read_ipv6_layouts_or_walk(msg, out);
  }
}

// ---- the final-state filter: MCAST_MSFILTER / IP_MSFILTER socket options (what libc's
// setsourcefilter does) ---------------------------------------------------------------------------
inline int raw_set_filter(native_handle_type s, filter_struct kind, int level, void* buf, std::size_t size) noexcept {
  int r = kind == filter_struct::group_filter
              ? ::setsockopt(s, level, MCAST_MSFILTER, buf, static_cast<socklen_type>(size))
              : ::setsockopt(s, IPPROTO_IP, IP_MSFILTER, buf, static_cast<socklen_type>(size));
  return r == 0 ? 0 : last_error();
}

inline int raw_get_filter(native_handle_type s, filter_struct kind, int level, void* buf, std::size_t size) noexcept {
  socklen_type len = static_cast<socklen_type>(size);
  int r = kind == filter_struct::group_filter ? ::getsockopt(s, level, MCAST_MSFILTER, buf, &len)
                                              : ::getsockopt(s, IPPROTO_IP, IP_MSFILTER, buf, &len);
  return r == 0 ? 0 : last_error();
}

// ---- rtnetlink --------------------------------------------------------------------------------
// The rtnetlink pieces the route lookup needs, as Linux's user ABI fixes them (struct rtmsg,
// struct rtattr, RTM_NEWROUTE / RTM_GETROUTE, RTA_DST / RTA_OIF / RTA_UID): <linux/rtnetlink.h> and what it
// includes cost more to compile than the rest of this file. tests/unit/network_interface_test.cpp
// compares them with that header.
struct route_message {
  unsigned char family, dst_len, src_len, tos, table, protocol, scope, type;
  unsigned flags;
};
struct route_attribute {
  unsigned short len, type;
};
inline constexpr unsigned short rtm_newroute = 24, rtm_getroute = 26, rta_dst = 1, rta_oif = 4, rta_uid = 25;
constexpr std::size_t route_aligned(std::size_t n) noexcept { return (n + 3) & ~std::size_t(3); } // NLMSG_ALIGN
inline constexpr std::size_t route_header = route_aligned(sizeof(nlmsghdr));
inline constexpr std::size_t route_attribute_at = route_header + route_aligned(sizeof(route_message));

// Reads the kernel's answer to RTM_GETROUTE: the `got` bytes received. Returns 0 and sets `index`
// from the route's RTA_OIF, the error the kernel answered with, or ENETUNREACH (no route, or a
// reply it cannot read). Every read stays within the message and the bytes received: a length
// that points past them ends the walk.
inline int route_reply_interface(const unsigned char* reply, std::size_t got, unsigned& index) noexcept {
  for (std::size_t at = 0; at + sizeof(nlmsghdr) <= got;) {
    nlmsghdr m{};
    detail::copy_bytes(&m, reply + at, sizeof m);
    if (m.nlmsg_len < sizeof m || m.nlmsg_len > got - at)
      break;
    const unsigned char* message = reply + at; // m.nlmsg_len bytes, all received
    if (m.nlmsg_type == NLMSG_ERROR) {
      nlmsgerr e{};
      if (m.nlmsg_len < route_header + sizeof e)
        break;
      detail::copy_bytes(&e, message + route_header, sizeof e);
      return e.error < 0 ? -e.error : ENETUNREACH;
    }
    if (m.nlmsg_type == rtm_newroute) {
      // Its attributes follow the rtmsg, as in the request (offsets within the message).
      for (std::size_t off = route_attribute_at; off + sizeof(route_attribute) <= m.nlmsg_len;) {
        route_attribute ra{};
        detail::copy_bytes(&ra, message + off, sizeof ra);
        if (ra.len < sizeof ra || ra.len > m.nlmsg_len - off)
          break;
        int oif = 0;
        if (ra.type == rta_oif && ra.len >= sizeof ra + sizeof oif) {
          detail::copy_bytes(&oif, message + off + sizeof ra, sizeof oif);
          if (oif > 0) {
            index = static_cast<unsigned>(oif);
            return 0;
          }
        }
        off += route_aligned(ra.len);
      }
      break;
    }
    at += route_aligned(m.nlmsg_len); // another kind of message: skipped
  }
  return ENETUNREACH;
}
// The rtnetlink pieces the interface walks need (struct ifinfomsg, struct ifaddrmsg,
// RTM_GETLINK / RTM_GETADDR, IFLA_IFNAME, IFA_ADDRESS / IFA_LOCAL), checked against
// <linux/rtnetlink.h> by tests/unit/network_interface_test.cpp like the route pieces above.
struct link_message {
  unsigned char family, pad;
  unsigned short type;
  int index;
  unsigned flags, change;
};
struct address_message {
  unsigned char family, prefix_len, flags, scope;
  unsigned index;
};
inline constexpr unsigned short rtm_newlink = 16, rtm_getlink = 18, rtm_newaddr = 20, rtm_getaddr = 22;
inline constexpr unsigned short ifla_ifname = 3, ifa_address = 1, ifa_local = 2;

// One rtnetlink dump (RTM_GETLINK or RTM_GETADDR; `family` 0 for all): on_message(type, message,
// length) for each message of the answer, `message` pointing at its nlmsghdr and `length` bytes
// of it received. What `ip -o link` / `ip -o addr` ask: one request, however many interfaces the
// host has (the answer comes in as many reads of up to 32 KiB as it needs). Returns 0 or an error
// number; EMSGSIZE for an answer it could not read whole.
template <class OnMessage>
int netlink_dump(unsigned short type, unsigned char family, OnMessage&& on_message) noexcept {
  const int fd = ::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (fd < 0)
    return errno;
  // nlmsghdr and a zeroed ifinfomsg (the larger of the two request bodies) with its family set.
  alignas(nlmsghdr) unsigned char req[route_header + route_aligned(sizeof(link_message))] = {};
  nlmsghdr h{};
  h.nlmsg_len =
      static_cast<std::uint32_t>(route_header + (type == rtm_getlink ? sizeof(link_message) : sizeof(address_message)));
  h.nlmsg_type = type;
  h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  h.nlmsg_seq = 1;
  detail::copy_bytes(req, &h, sizeof h);
  req[route_header] = family; // ifi_family and ifa_family are both the first byte
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  // 32 KiB: the kernel never makes one read of a dump larger than that (it sizes its buffers by
  // the reader's, capped there), so no message is cut.
  constexpr std::size_t size = 32768;
  auto* buf = static_cast<unsigned char*>(::operator new(size, std::nothrow));
  int result = buf == nullptr ? ENOMEM : 0;
  if (result == 0 && ::sendto(fd, req, h.nlmsg_len, 0, reinterpret_cast<sockaddr*>(&kernel), sizeof kernel) < 0)
    result = errno;
  for (bool done = result != 0; !done;) {
    iovec v{buf, size};
    msghdr mh{};
    mh.msg_iov = &v;
    mh.msg_iovlen = 1;
    const ssize_t n = ::recvmsg(fd, &mh, 0);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      result = errno;
      break;
    }
    if ((mh.msg_flags & MSG_TRUNC) != 0 || n == 0) {
      result = EMSGSIZE;
      break;
    }
    const std::size_t got = static_cast<std::size_t>(n);
    for (std::size_t at = 0; at + sizeof(nlmsghdr) <= got && !done;) {
      nlmsghdr m{};
      detail::copy_bytes(&m, buf + at, sizeof m);
      if (m.nlmsg_len < sizeof m || m.nlmsg_len > got - at) {
        result = EMSGSIZE;
        done = true;
      } else if (m.nlmsg_type == NLMSG_DONE) {
        done = true;
      } else if (m.nlmsg_type == NLMSG_ERROR) {
        nlmsgerr e{};
        if (m.nlmsg_len >= route_header + sizeof e)
          detail::copy_bytes(&e, buf + at + route_header, sizeof e);
        result = e.error < 0 ? -e.error : EPROTO;
        done = true;
      } else {
        on_message(m.nlmsg_type, buf + at, static_cast<std::size_t>(m.nlmsg_len));
      }
      at += route_aligned(m.nlmsg_len);
    }
  }
  ::operator delete(buf);
  ::close(fd);
  return result;
}

// Calls on_attribute(type, const unsigned char* value, length) for each attribute of a message
// whose attributes start `at` bytes in; every read stays within the message.
template <class OnAttribute>
void netlink_attributes(const unsigned char* message, std::size_t length, std::size_t at,
                        OnAttribute&& on_attribute) noexcept {
  for (std::size_t off = at; off + sizeof(route_attribute) <= length;) {
    route_attribute ra{};
    detail::copy_bytes(&ra, message + off, sizeof ra);
    if (ra.len < sizeof ra || ra.len > length - off)
      return;
    on_attribute(ra.type, message + off + sizeof ra, static_cast<std::size_t>(ra.len - sizeof ra));
    off += route_aligned(ra.len);
  }
}

// Each unicast address of `family` (0: IPv4 and IPv6) with its interface's index, from one
// RTM_GETADDR dump: fn(index, family, const void* bytes) returns true to stop. The address is
// IFA_LOCAL where there is one (IPv4; IFA_ADDRESS is then the peer of a point-to-point link),
// else IFA_ADDRESS -- as getifaddrs() reads it.
template <class Fn> int netlink_addresses(unsigned char family, Fn&& fn) noexcept {
  bool stop = false;
  return netlink_dump(rtm_getaddr, family, [&](unsigned short type, const unsigned char* m, std::size_t len) noexcept {
    constexpr std::size_t at = route_header + route_aligned(sizeof(address_message));
    if (stop || type != rtm_newaddr || len < at)
      return;
    address_message a{};
    detail::copy_bytes(&a, m + route_header, sizeof a);
    const std::size_t alen = a.family == AF_INET ? 4 : a.family == AF_INET6 ? 16 : 0;
    if (alen == 0)
      return;
    const unsigned char* local = nullptr;
    const unsigned char* addr = nullptr;
    netlink_attributes(m, len, at, [&](unsigned short t, const unsigned char* v, std::size_t n) noexcept {
      if (n == alen && t == ifa_local)
        local = v;
      else if (n == alen && t == ifa_address)
        addr = v;
    });
    if (local != nullptr || addr != nullptr) {
      unsigned char bytes[16];
      detail::copy_bytes(bytes, local != nullptr ? local : addr, alen);
      stop = fn(a.index, static_cast<int>(a.family), static_cast<const void*>(bytes));
    }
  });
}
// The interface the kernel's routing picks for a destination -- what Linux itself does for a
// membership on interface 0 (IPv4: the output route of the group; IPv6: the route lookup of the
// group) -- asked with one RTM_GETROUTE over rtnetlink. `addr` is the 4 or 16 address bytes.
// Returns 0 and sets `index`, or an error number. `answered` tells the two kinds of error apart:
// true when it is the kernel's answer to the lookup (ENETUNREACH: no route or no usable one;
// a prohibit, blackhole or unreachable route: EACCES, EINVAL, EHOSTUNREACH), false when the
// netlink socket itself failed. Linux only.
inline int raw_route_interface(int family, const void* addr, unsigned& index, bool& answered) noexcept {
  answered = false;
  const std::size_t alen = family == AF_INET ? 4 : 16;
  const int fd = ::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (fd < 0)
    return errno;
  // nlmsghdr, rtmsg, an RTA_DST and an RTA_UID attribute: copied by offset into a zeroed, aligned
  // buffer. RTA_UID 0: the kernel's own join on interface 0 looks its route up as uid 0
  // (ip_mc_find_dev, rt6_lookup), whoever calls, while a request without RTA_UID is answered for
  // the caller's uid -- which a uid routing rule (`ip rule add uidrange ...`) can send elsewhere.
  // (The kernel reads the uid in the caller's user namespace: its 0.)
  alignas(nlmsghdr) unsigned char req[route_attribute_at + route_aligned(sizeof(route_attribute) + 16) +
                                      route_aligned(sizeof(route_attribute) + 4)];
  detail::fill_bytes(req, 0, sizeof req);
  const std::size_t attribute_length = sizeof(route_attribute) + alen;
  const std::size_t uid_at = route_attribute_at + route_aligned(attribute_length);
  route_attribute uid_attribute{};
  uid_attribute.len = static_cast<unsigned short>(sizeof(route_attribute) + 4);
  uid_attribute.type = rta_uid;
  nlmsghdr h{};
  h.nlmsg_len = static_cast<std::uint32_t>(uid_at + route_aligned(uid_attribute.len));
  h.nlmsg_type = rtm_getroute;
  h.nlmsg_flags = NLM_F_REQUEST;
  h.nlmsg_seq = 1;
  route_message r{};
  r.family = static_cast<unsigned char>(family);
  r.dst_len = static_cast<unsigned char>(alen * 8);
  route_attribute a{};
  a.len = static_cast<unsigned short>(attribute_length);
  a.type = rta_dst;
  detail::copy_bytes(req, &h, sizeof h);
  detail::copy_bytes(req + route_header, &r, sizeof r);
  detail::copy_bytes(req + route_attribute_at, &a, sizeof a);
  detail::copy_bytes(req + route_attribute_at + sizeof a, addr, alen);
  detail::copy_bytes(req + uid_at, &uid_attribute, sizeof uid_attribute); // its value: the zeroed 4 bytes after it
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  int result = 0;
  if (::sendto(fd, req, h.nlmsg_len, 0, reinterpret_cast<sockaddr*>(&kernel), sizeof kernel) < 0) {
    result = errno;
  } else {
    alignas(nlmsghdr) unsigned char reply[8192];
    const ssize_t n = ::recv(fd, reply, sizeof reply, 0);
    answered = n >= 0;
    result = n < 0 ? errno : route_reply_interface(reply, static_cast<std::size_t>(n), index);
  }
  ::close(fd);
  return result;
}

// The limit setting's value now (see limit_kind), or -1 where it cannot be read (no /proc).
inline long read_limit_setting(const limit_setting& s) noexcept {
  std::FILE* f = s.path != nullptr ? std::fopen(s.path, "re") : nullptr;
  long v = -1;
  if (f != nullptr) {
    if (std::fscanf(f, "%ld", &v) != 1)
      v = -1;
    std::fclose(f);
  }
  return v;
}

// ---- batches: recvmmsg / sendmmsg ---------------------------------------------------------------
static_assert(CMSG_SPACE(sizeof(::in_pktinfo)) + CMSG_SPACE(20) + CMSG_SPACE(sizeof(::timespec)) +
                      CMSG_SPACE(sizeof(std::uint32_t)) <=
                  batch_control_size,
              "mcast: a batch entry's control room holds both packet infos, a timestamp and a drop count");

// Up to `n` datagrams (at most batch_chunk) into bufs[0..n) (anything with .data and .size);
// on(i, const batch_received&) is called for each in order; `got` is how many. One recvmmsg:
// MSG_WAITFORONE with `wait_first` (it waits for the first datagram unless the socket is
// non-blocking, then takes only what is queued), else MSG_DONTWAIT; its timeout is never used.
template <class Buffer, class OnDatagram>
int raw_receive_batch(native_handle_type s, const Buffer* bufs, std::size_t n, bool wait_first, std::size_t& got,
                      OnDatagram&& on) noexcept {
  got = 0;
  if (n > batch_chunk)
    n = batch_chunk;
  mmsghdr msgs[batch_chunk];
  iovec iovs[batch_chunk];
  sockaddr_storage_type from[batch_chunk]; // not cleared: the kernel reports each one's length
  alignas(8) unsigned char control[batch_chunk][batch_control_size];
  for (std::size_t i = 0; i < n; ++i) {
    iovs[i].iov_base = bufs[i].data;
    iovs[i].iov_len = bufs[i].size;
    msghdr& m = msgs[i].msg_hdr; // (msg_flags and msg_len are outputs only)
    m.msg_name = &from[i];
    m.msg_namelen = sizeof from[i];
    m.msg_iov = &iovs[i];
    m.msg_iovlen = 1;
    m.msg_control = control[i];
    m.msg_controllen = batch_control_size;
  }
  const int r = ::recvmmsg(s, msgs, static_cast<unsigned>(n), wait_first ? MSG_WAITFORONE : MSG_DONTWAIT, nullptr);
  if (r < 0)
    return last_error();
  // A copy in a register: through the reference, each datagram's stores (bytes, which may alias
  // anything) made the compiler load it again per datagram.
  const std::decay_t<OnDatagram> fill = on;
  for (std::size_t i = 0; i < static_cast<std::size_t>(r); ++i) {
    msghdr& m = msgs[i].msg_hdr;
    batch_received d;
    d.size = msgs[i].msg_len;
    d.truncated = (m.msg_flags & MSG_TRUNC) != 0;
    d.from = &from[i];
    d.destination_family = 0;
    d.destination = nullptr;
    d.interface_index = 0;
    d.extras.set = 0;
    read_control(m, d);
    fill(i, static_cast<const batch_received&>(d));
  }
  got = static_cast<std::size_t>(r);
  return 0;
}

// UDP GSO (UDP_SEGMENT, Linux 4.18+; the numbers of <netinet/udp.h>, checked against it in
// tests/unit/batch_test.cpp): one sendmsg carries several datagrams of one size -- the last may be
// shorter -- and the kernel (or the device) cuts them apart after one trip through the stack.
inline constexpr int sol_udp = 17;
inline constexpr int udp_segment = 103;
// At most this many bytes of datagrams in one segmented send (an IPv4 UDP payload's limit).
inline constexpr std::size_t udp_segment_bytes = 65507;

// Whether this kernel knows UDP_SEGMENT: asked once per process (getsockopt on `s`, a UDP socket),
// because a kernel without it ignores the control message and would send ONE datagram of all the
// bytes. (GCC / clang atomics: <atomic> costs every translation unit more to compile.)
inline bool udp_segment_known(native_handle_type s) noexcept {
  static int known = 0; // 0: not asked yet, 1: yes, -1: no
  int k = __atomic_load_n(&known, __ATOMIC_RELAXED);
  if (k == 0) {
    int size = 0;
    socklen_type length = sizeof size;
    if (::getsockopt(s, sol_udp, udp_segment, &size, &length) == 0)
      k = 1;
    else if (errno == ENOPROTOOPT)
      k = -1;
    else
      return false; // (not a UDP socket, say: ask again next time)
    __atomic_store_n(&known, k, __ATOMIC_RELAXED);
  }
  return k > 0;
}

// How many of bufs[0..n) one segmented send takes (0: none, use sendmmsg): each of the first's
// size but the last, which may be shorter but not empty, within udp_segment_bytes; at least
// min_segment_run of them, or all n (at least 2) -- a short run among other sizes costs a system
// call that sendmmsg shares.
inline constexpr std::size_t min_segment_run = 8;
template <class Buffer> std::size_t segment_run(const Buffer* bufs, std::size_t n) noexcept {
  const std::size_t size = bufs[0].size;
  if (n < 2 || size == 0 || size > udp_segment_bytes / 2)
    return 0;
  const std::size_t most = udp_segment_bytes / size;
  std::size_t k = 1;
  while (k < n && k < most && bufs[k].size == size)
    ++k;
  if (k < n && k < most && bufs[k].size != 0 && bufs[k].size < size)
    ++k; // a shorter last one
  return k >= min_segment_run || (k == n && k >= 2) ? k : 0;
}

// Sends bufs[0..k) with one sendmsg cut by the kernel into datagrams of bufs[0].size bytes.
template <class Buffer>
int send_segmented(native_handle_type s, const sockaddr_storage_type& to, socklen_type to_length, const Buffer* bufs,
                   std::size_t k) noexcept {
  iovec iovs[batch_chunk];
  for (std::size_t i = 0; i < k; ++i) {
    iovs[i].iov_base = const_cast<void*>(bufs[i].data); // sendmsg does not write through it
    iovs[i].iov_len = bufs[i].size;
  }
  alignas(cmsghdr) unsigned char control[CMSG_SPACE(sizeof(std::uint16_t))] = {};
  cmsghdr c{};
  c.cmsg_level = sol_udp;
  c.cmsg_type = udp_segment;
  c.cmsg_len = CMSG_LEN(sizeof(std::uint16_t));
  detail::copy_bytes(control, &c, sizeof c);
  const auto size = static_cast<std::uint16_t>(bufs[0].size);
  detail::copy_bytes(control + CMSG_LEN(0), &size, sizeof size);
  msghdr m{};
  m.msg_name = const_cast<sockaddr_storage_type*>(&to);
  m.msg_namelen = to_length;
  m.msg_iov = iovs;
  m.msg_iovlen = k;
  m.msg_control = control;
  m.msg_controllen = sizeof control;
  return ::sendmsg(s, &m, 0) < 0 ? last_error() : 0;
}

// Sends bufs[0..n) (at most batch_chunk) to `to` in order; `sent` is how many went. Returns 0, or
// the error of the first send. Datagrams of one size (the last may be shorter) go by UDP GSO where
// the kernel has it, in sends of at most udp_segment_bytes; from the first run that is not (a
// mix of sizes) or that the kernel refuses (a datagram larger than the interface's MTU, a device
// without checksum offload, SO_NO_CHECK), the rest go by one sendmmsg -- so a refused run in the
// middle costs no short count; an error that lasts, sendmmsg meets again and reports.
template <class Buffer>
int raw_send_batch(native_handle_type s, const sockaddr_storage_type& to, const Buffer* bufs, std::size_t n,
                   std::size_t& sent) noexcept {
  sent = 0;
  if (n > batch_chunk)
    n = batch_chunk;
  const socklen_type to_length = sockaddr_length(to);
  std::size_t done = 0; // sent by GSO
  if (segment_run(bufs, n) != 0 && udp_segment_known(s)) {
    for (std::size_t k; done < n && (k = segment_run(bufs + done, n - done)) != 0; done += k) {
      if (send_segmented(s, to, to_length, bufs + done, k) != 0)
        break;
    }
    if (done == n) {
      sent = n;
      return 0;
    }
  }
  bufs += done;
  n -= done;
  mmsghdr msgs[batch_chunk];
  iovec iovs[batch_chunk];
  for (std::size_t i = 0; i < n; ++i) {
    iovs[i].iov_base = const_cast<void*>(bufs[i].data); // sendmsg does not write through it
    iovs[i].iov_len = bufs[i].size;
    msghdr& m = msgs[i].msg_hdr;
    m.msg_name = const_cast<sockaddr_storage_type*>(&to);
    m.msg_namelen = to_length;
    m.msg_iov = &iovs[i];
    m.msg_iovlen = 1;
    m.msg_control = nullptr;
    m.msg_controllen = 0;
    m.msg_flags = 0;
    msgs[i].msg_len = 0;
  }
  const int r = ::sendmmsg(s, msgs, static_cast<unsigned>(n), 0);
  if (r < 0) {
    sent = done;
    return done != 0 ? 0 : last_error();
  }
  sent = done + static_cast<std::size_t>(r);
  return 0;
}

// ---- the host's interfaces --------------------------------------------------------------------
// Calls on_interface(const raw_interface&) for each interface, then on_address(index, family,
// const void* addr) for each of its unicast addresses. Returns 0 or the system's error number.
template <class OnInterface, class OnAddress>
int raw_list_interfaces(OnInterface&& on_interface, OnAddress&& on_address) noexcept {
  // One RTM_GETLINK dump (every interface, one without any address too: index, name, flags), then
  // one RTM_GETADDR dump (every address with its interface's index): two requests for any number
  // of interfaces. (if_nameindex and getifaddrs ask the same, but getifaddrs names an address by
  // its label, "lo:7", which costs a name lookup per address to map back to an index.)
  int r = netlink_dump(rtm_getlink, 0, [&](unsigned short type, const unsigned char* m, std::size_t len) noexcept {
    constexpr std::size_t at = route_header + route_aligned(sizeof(link_message));
    if (type != rtm_newlink || len < at)
      return;
    link_message l{};
    detail::copy_bytes(&l, m + route_header, sizeof l);
    raw_interface i;
    i.index = static_cast<unsigned>(l.index);
    i.up = (l.flags & IFF_UP) != 0;
    i.multicast = (l.flags & IFF_MULTICAST) != 0;
    i.loopback = (l.flags & IFF_LOOPBACK) != 0;
    netlink_attributes(m, len, at, [&](unsigned short t, const unsigned char* v, std::size_t n) noexcept {
      if (t == ifla_ifname && n > 0) {
        const std::size_t k = n < interface_name_max ? n : interface_name_max - 1;
        detail::copy_bytes(i.name, v, k);
        i.name[k] = '\0';
      }
    });
    if (i.index != 0 && i.name[0] != '\0')
      on_interface(i);
  });
  if (r == 0)
    r = netlink_addresses(0, [&](unsigned index, int family, const void* bytes) noexcept {
      on_address(index, family, bytes);
      return false;
    });
  return r;
}

// Walks the interfaces' unicast addresses of `family` (AF_INET, AF_INET6, 0: both): fn(index,
// family, const void* addr) returns true to stop. Returns false when the table could not be read.
template <class Fn> bool for_each_interface_address(int family, Fn&& fn) noexcept {
  return netlink_addresses(static_cast<unsigned char>(family), fn) == 0;
}

// ---- layout pins (checked against the system's headers by the build itself) -------------------
static_assert(offsetof(ip_mreq_source_type, imr_interface) == 4 && offsetof(ip_mreq_source_type, imr_sourceaddr) == 8,
              "mcast: Linux ip_mreq_source is {multiaddr, interface, sourceaddr}");
static_assert(MCAST_INCLUDE == 1 && MCAST_EXCLUDE == 0, "mcast: Linux MCAST_INCLUDE/EXCLUDE are 1/0");
static_assert(IP_ADD_MEMBERSHIP == 35 && MCAST_JOIN_GROUP == 42 && MCAST_LEAVE_GROUP == 45 &&
                  MCAST_JOIN_SOURCE_GROUP == 46 && MCAST_MSFILTER == 48,
              "mcast: unexpected Linux option numbers");
#if defined(__x86_64__) || defined(__aarch64__)
static_assert(sizeof(group_req_type) == 136 && offsetof(group_req_type, gr_group) == 8,
              "mcast: unexpected group_req layout on 64-bit Linux");
static_assert(offsetof(group_filter_type, gf_fmode) == 136 && offsetof(group_filter_type, gf_numsrc) == 140 &&
                  offsetof(group_filter_type, gf_slist) == 144,
              "mcast: unexpected group_filter layout on 64-bit Linux");
#endif

} // namespace detail
MCAST_END_NAMESPACE

#endif // MCAST_DETAIL_PLATFORM_LINUX_HPP
