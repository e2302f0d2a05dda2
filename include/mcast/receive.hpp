// mcast/receive.hpp -- the receiving end of a multicast socket: bind_receiver (SO_REUSEADDR /
// SO_REUSEPORT, bind, Linux's IP_MULTICAST_ALL / IPV6_MULTICAST_ALL off) and receive, which returns
// a datagram with its source, and -- with packet info on (option::ip_pktinfo /
// option::ipv6_recvpktinfo) -- the group it was sent to and the interface it arrived on (POSIX
// recvmsg with IP_PKTINFO / IPV6_PKTINFO; Windows WSARecvMsg); with option::receive_timestamp /
// option::receive_drops on, the kernel's receive time and drop count too.
//
// Copyright (c) 2026 The mcast authors.
// Distributed under the Boost Software License, Version 1.0 (see LICENSE).
#ifndef MCAST_RECEIVE_HPP
#define MCAST_RECEIVE_HPP

#if defined(_MSC_VER)
#pragma once
#endif

#include "socket_options.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>

MCAST_BEGIN_NAMESPACE

/// One datagram as receive() stored it. `datagram` is `basic_datagram<address>`: a template only so
/// that a translation unit that never receives instantiates no std::optional<address> (about 0.02 s
/// of every compile with g++ 12). Write `mcast::datagram`.
template <class Address> struct basic_datagram {
  /// Bytes stored in the buffer (at most its size).
  std::size_t size = 0;
  /// The datagram was longer than the buffer; the rest is gone. Not an error.
  bool truncated = false;
  /// Who sent it. On a dual-stack socket an IPv4 sender is reported as IPv4, not \::ffff:a.b.c.d.
  Address source;
  /// The sender's UDP port.
  std::uint16_t source_port = 0;
  /// The address it was sent to -- the group, for multicast -- when packet info is on
  /// (option::ip_pktinfo / option::ipv6_recvpktinfo); otherwise empty.
  std::optional<Address> destination;
  /// The interface it arrived on, when packet info is on; 0 when unknown.
  unsigned interface_index = 0;
  /// When the kernel took it, on the wall clock (CLOCK_REALTIME: time since 1970-01-01 UTC, as
  /// std::chrono::system_clock counts), with option::receive_timestamp on; otherwise empty.
  /// Nanoseconds on Linux (SO_TIMESTAMPNS), microseconds on macOS and FreeBSD (SO_TIMESTAMP).
  std::optional<std::chrono::nanoseconds> timestamp;
  /// With option::receive_drops on (Linux SO_RXQ_OVFL): how many datagrams the kernel had dropped
  /// on this socket (its receive buffer full) when this one was queued -- a running count since
  /// the socket was made, never reset. Empty while that count is 0 (the kernel then sends no
  /// count), and with the option off: read it as `drops.value_or(0)`. The difference between two
  /// datagrams' counts is what was lost between them on this host (not on the network).
  std::optional<std::uint32_t> drops;

  /// False for a unicast datagram: its destination is known (packet info on) and is not a group.
  /// True when it was sent to a group -- and when the destination is unknown (packet info off),
  /// since a datagram cannot be told apart then. No system call.
  bool multicast() const noexcept { return !destination || destination->is_multicast(); }
};
/// The datagram type every receive call fills: basic_datagram<address>.
using datagram = basic_datagram<address>;

namespace detail {

// Sets an address in place to the one of `family` (AF_INET / AF_INET6) stored at `p` (any
// alignment), IPv4-mapped IPv6 (what a dual-stack socket reports for IPv4) as IPv4. In place and
// forced inline: it is most of a batch's per-datagram work (the bench measures it).
struct address_access {
  static MCAST_DETAIL_ALWAYS_INLINE void set(address& a, int family, const unsigned char* p) noexcept {
    static constexpr unsigned char prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (family == af_inet6 && detail::compare_bytes(p, prefix, sizeof prefix) != 0) {
      a.family_ = family::v6;
      detail::copy_bytes(a.bytes_.data(), p, 16);
      return;
    }
    a.family_ = family::v4;
    detail::fill_bytes(a.bytes_.data() + 4, 0, 12);
    detail::copy_bytes(a.bytes_.data(), family == af_inet6 ? p + 12 : p, 4);
  }
};

// Sets every field of `d` from what one receive learnt (a datagram always comes from AF_INET /
// AF_INET6; a dual-stack socket's IPv4 addresses are reported unmapped).
template <class Datagram>
MCAST_DETAIL_ALWAYS_INLINE void
fill_datagram(Datagram& d, std::size_t size, bool truncated, const sockaddr_storage_type& from, int destination_family,
              const unsigned char* destination, unsigned interface_index, const receive_extras& extras) noexcept {
  static_assert(offsetof(sockaddr_in4_type, sin_port) == offsetof(sockaddr_in6_type, sin6_port),
                "mcast: the port is at the same place in sockaddr_in and sockaddr_in6");
  d.size = size;
  d.truncated = truncated;
  const auto* raw = reinterpret_cast<const unsigned char*>(&from);
  const bool v4 = from.ss_family == af_inet;
  address_access::set(d.source, v4 ? af_inet : af_inet6,
                      raw + (v4 ? offsetof(sockaddr_in4_type, sin_addr) : offsetof(sockaddr_in6_type, sin6_addr)));
  std::uint16_t port;
  detail::copy_bytes(&port, raw + offsetof(sockaddr_in4_type, sin_port), sizeof port);
  d.source_port = ntohs(port);
  if (destination_family != 0) {
    if (!d.destination)
      d.destination.emplace();
    address_access::set(*d.destination, destination_family, destination);
  } else {
    d.destination.reset();
  }
  d.interface_index = interface_index;
  if (extras.set == 0) { // (the common case: neither option on)
    d.timestamp.reset();
    d.drops.reset();
    return;
  }
  if (extras.set & receive_extras::timestamp_set)
    d.timestamp = std::chrono::nanoseconds(extras.timestamp_ns);
  else
    d.timestamp.reset();
  if (extras.set & receive_extras::drops_set)
    d.drops = extras.drops;
  else
    d.drops.reset();
}

// The datagram one receive learnt, made where it is returned (after the system call, so that no
// field is stored twice).
template <class Datagram> MCAST_DETAIL_ALWAYS_INLINE Datagram received_datagram(const received_info& info) noexcept {
  Datagram d;
  fill_datagram(d, info.size, info.truncated, info.from, info.destination_family, info.destination,
                info.interface_index, info.extras);
  return d;
}

// (A template for the reason basic_datagram is one.) Forced inline: as a function of its own it
// cost receive() about 17 instructions more with g++ (the call, and the datagram returned through
// memory). The datagram is made only after the system call: made before it, every field was
// stored twice (the call could read them).
template <class Datagram = datagram>
MCAST_DETAIL_ALWAYS_INLINE Datagram receive_native(native_handle_type s, void* buffer, std::size_t size, bool dont_wait,
                                                   std::error_code& ec) noexcept {
  if (buffer == nullptr && size != 0) {
    ec = make_error_code(errc::invalid_value);
    return Datagram{};
  }
  received_info info;
  if (int r = sys_receive(s, buffer, size, dont_wait, info); r != 0) {
    ec = r == would_block_error() ? would_block_code() : system_error(r);
    return Datagram{};
  }
  clear(ec);
  return received_datagram<Datagram>(info);
}

// One socket setting bind_receiver changes, with the value it had (restored when a later step fails).
struct saved_setting {
  int level = 0;
  int name = 0;
  int value = 0;
  int old = 0;
  bool changed = false;
};

inline int change_setting(native_handle_type s, saved_setting& k) noexcept {
  std::size_t size = sizeof k.old;
  if (int r = sys_getsockopt(s, k.level, k.name, &k.old, size); r != 0)
    return r;
  if (int r = sys_setsockopt(s, k.level, k.name, &k.value, sizeof k.value); r != 0)
    return r;
  k.changed = true;
  return 0;
}

inline void restore_settings(native_handle_type s, saved_setting* settings, std::size_t n) noexcept {
  for (std::size_t i = n; i-- > 0;)
    if (settings[i].changed)
      (void)sys_setsockopt(s, settings[i].level, settings[i].name, &settings[i].old, sizeof settings[i].old);
}

} // namespace detail

namespace detail {
// bind_receiver's steps; `bind_to` is the address to bind (the wildcard of `f` when null).
inline std::uint16_t bind_receiver_native(native_handle_type s, family f, const address* bind_to, std::uint16_t port,
                                          std::error_code& ec) noexcept {
  int socket_family = 0;
  if (int r = detail::sys_socket_family(s, socket_family); r != 0) {
    ec = detail::system_error(r);
    return 0;
  }
  const bool v6 = f == family::v6;
  if (socket_family != (v6 ? detail::af_inet6 : detail::af_inet)) {
    ec = make_error_code(errc::family_mismatch);
    return 0;
  }
  detail::saved_setting settings[4];
  std::size_t n = 0;
  settings[n++] = {detail::level_socket, detail::so_reuseaddr, 1, 0, false};
  if constexpr (detail::so_reuseport >= 0)
    settings[n++] = {detail::level_socket, detail::so_reuseport, 1, 0, false};
  if constexpr (detail::has_multicast_all) {
    // An IPv6 socket receives IPv4 too unless it is IPV6_V6ONLY: turning IP_MULTICAST_ALL off on
    // it as well costs nothing and is right either way.
    settings[n++] = {detail::level_ip, detail::ip_multicast_all, 0, 0, false};
    if (v6)
      settings[n++] = {detail::level_ipv6, detail::ipv6_multicast_all, 0, 0, false};
  }
  int r = 0;
  bool bound = false;
  for (std::size_t i = 0; i < n && r == 0; ++i) {
    r = detail::change_setting(s, settings[i]);
    if (r == detail::sys_errc::no_protocol_option && settings[i].name == detail::ipv6_multicast_all &&
        settings[i].level == detail::level_ipv6)
      r = 0; // Linux before 4.20 has no IPV6_MULTICAST_ALL (nor its behaviour)
  }
  if (r == 0) {
    detail::sockaddr_storage_type at;
    detail::fill_bytes(&at, 0, sizeof at);
    if (bind_to != nullptr)
      bind_to->fill_sockaddr(at, port);
    else
      (v6 ? address::from_bytes(std::array<unsigned char, 16>{}) : address()).fill_sockaddr(at, port);
    r = detail::sys_bind(s, at);
    bound = r == 0;
  }
  detail::sockaddr_storage_type local{}; // (set on every path that reads it; cl.exe cannot tell: C4701)
  if (r == 0)
    r = detail::sys_local_address(s, local);
  if (r != 0) {
    detail::restore_settings(s, settings, n);
    // The bind's EADDRINUSE, with SO_REUSEADDR set here: the socket holding the port did not set
    // it (Linux shares a UDP port between SO_REUSEADDR sockets, or between SO_REUSEPORT sockets
    // of one user -- never between the two kinds).
    ec = bound ? detail::system_error(r)
               : (r == detail::sys_errc::addr_in_use ? detail::translated(errc::port_in_use, r)
                                                     : detail::system_error(r));
    return 0;
  }
  detail::clear(ec);
  return detail::sockaddr_port(local);
}

// The throwing forms' message names the port: "mcast::bind_receiver: port 5353".
[[noreturn]] inline void throw_bind_error(const std::error_code& ec, std::uint16_t port) {
  throw_error(ec, ("mcast::bind_receiver: port " + std::to_string(port)).c_str());
}
} // namespace detail

/// Makes `socket` a multicast receiver on `port` (0: the stack picks one) the portable way, and
/// returns the port it is bound to:
/// - SO_REUSEADDR (and SO_REUSEPORT on macOS and the BSDs, which need it), so that several
///   receivers -- in one program or several -- share the port;
/// - bound to the wildcard address of `f`: the form for a socket that joins several groups, and
///   for Windows (which refuses binding a group). It also takes the unicast datagrams sent to the
///   port; on a port another program shares (mDNS 5353 next to avahi-daemon) prefer the group
///   form below, which takes none;
/// - Linux: IP_MULTICAST_ALL off (and IPV6_MULTICAST_ALL, and for a dual-stack IPv6 socket both),
///   so that it receives only the groups its own memberships admit, as on every other stack.
/// errc::family_mismatch when `f` is not the socket's family, before any change;
/// errc::port_in_use (raw EADDRINUSE kept) when a socket that does not share the port holds it --
/// on Linux a program that sets only SO_REUSEPORT, or neither (below: how to share with it); the
/// throwing forms name the port in the exception's message. When a step fails, the
/// settings changed before it are put back (best effort) and the first failure is reported.
/// @par Sharing a port with a program that sets only SO_REUSEPORT (Linux)
/// Linux shares a UDP port between SO_REUSEADDR sockets, or between SO_REUSEPORT sockets of one
/// user, never between the two kinds; such a program holds its port against bind_receiver, and both
/// forms fail with errc::port_in_use, the exception naming the port (`mcast::bind_receiver: port 5353:
/// ...`). To share it, make that program set SO_REUSEADDR too (socat: `reuseaddr`), or, when it runs
/// as the same user, set SO_REUSEPORT on your socket yourself before bind_receiver (which keeps it)
/// and use the group form. mcast does not set SO_REUSEPORT on Linux by itself: a wildcard-bound
/// socket would join the other program's SO_REUSEPORT group, and Linux spreads that group's unicast
/// across its members by hash, so the receiver would take a share of the program's unicast. The
/// group form binds another address, so it never takes that unicast (a test checks this).
///
/// @par Which form
/// The group form for a socket that joins one group (several sources or interfaces are fine), above
/// all on a well-known port other programs share; the family form for a socket that joins several
/// groups, or that must also receive unicast.
///
/// @par Example
/// @code
/// std::uint16_t port = mcast::bind_receiver(rx, mcast::family::v4, 5000); // SO_REUSEADDR, 0.0.0.0:5000
/// @endcode
template <class Socket>
std::uint16_t bind_receiver(Socket&& socket, family f, std::uint16_t port, std::error_code& ec) noexcept {
  return detail::bind_receiver_native(detail::native_of(socket), f, nullptr, port, ec);
}

/// A receiver of ONE group: as above, but on Linux, macOS and FreeBSD the socket is bound to the
/// group's address itself, so it receives only datagrams sent to that group -- never the unicast
/// datagrams of another program sharing the port (avahi-daemon on 5353 keeps answering unicast
/// queries), nor another group's. Windows refuses binding a group address (WSAEADDRNOTAVAIL), so
/// there this binds the wildcard address, as the family form does (Windows hands
/// a unicast datagram on a shared port to one of the sockets; a program that must not lose its
/// unicast binds with SO_EXCLUSIVEADDRUSE, which then keeps every other socket off the port).
/// The socket must be of the group's family (an IPv4 group on an IPv6 socket, dual-stack or not,
/// is errc::family_mismatch, before any change). Join the group afterwards, as always.
template <class Socket>
std::uint16_t bind_receiver(Socket&& socket, const group& g, std::uint16_t port, std::error_code& ec) noexcept {
  if constexpr (detail::binds_group_address)
    return detail::bind_receiver_native(detail::native_of(socket), g.family(), &g.address(), port, ec);
  else
    return detail::bind_receiver_native(detail::native_of(socket), g.family(), nullptr, port, ec);
}
/// The receiver of one group, as the `std::error_code&` overload does.
/// @throws std::system_error errc::family_mismatch, errc::port_in_use or the bind's error; the
/// message names the port.
template <class Socket> std::uint16_t bind_receiver(Socket&& socket, const group& g, std::uint16_t port) {
  std::error_code ec;
  const std::uint16_t bound = bind_receiver(std::forward<Socket>(socket), g, port, ec);
  if (ec)
    detail::throw_bind_error(ec, port);
  return bound;
}

/// A receiver on the wildcard address, as the `std::error_code&` overload does.
/// @throws std::system_error errc::family_mismatch, errc::port_in_use or the bind's error; the
/// message names the port.
template <class Socket> std::uint16_t bind_receiver(Socket&& socket, family f, std::uint16_t port) {
  std::error_code ec;
  const std::uint16_t bound = bind_receiver(std::forward<Socket>(socket), f, port, ec);
  if (ec)
    detail::throw_bind_error(ec, port);
  return bound;
}

/// Receives one datagram into `buffer` (waits for one unless the socket is non-blocking: then
/// std::errc::operation_would_block when none is queued). A datagram longer than `size` is stored
/// in part and reported `truncated`; that is not an error. errc::invalid_value for a null buffer of
/// non-zero size, before any system call.
/// Returns the datagram (`auto`: see basic_datagram).
/// @par Platform notes
/// recvmsg on POSIX, WSARecvMsg on Windows. With packet info on (option::ip_pktinfo /
/// option::ipv6_recvpktinfo) `destination` is the group and `interface_index` the interface, so a
/// socket joined to several groups on several interfaces can tell them apart. A pending ICMP error
/// (IP_RECVERR) is reported once as this call's error. Windows: "nothing queued" compares equal to
/// std::errc::operation_would_block with every standard library (MinGW's libstdc++ maps no Winsock
/// code itself), and the WSAECONNRESET / WSAENETRESET reports an earlier send's ICMP error leaves on a
/// UDP socket are skipped, so a receive loop does not end on them.
template <class Socket>
MCAST_DETAIL_ALWAYS_INLINE auto receive(Socket&& socket, void* buffer, std::size_t size, std::error_code& ec) noexcept {
  return detail::receive_native(detail::native_of(socket), buffer, size, false, ec);
}

/// Receives one datagram, as the `std::error_code&` overload does.
/// @throws std::system_error errc::invalid_value or the stack's error (would-block included).
///
/// @par Example
/// @code
/// char buf[1500];
/// mcast::datagram d = mcast::receive(rx, buf, sizeof buf); // d.destination: the group
/// @endcode
template <class Socket> MCAST_DETAIL_ALWAYS_INLINE auto receive(Socket&& socket, void* buffer, std::size_t size) {
  std::error_code ec;
  auto d = receive(std::forward<Socket>(socket), buffer, size, ec);
  detail::throw_if(ec, "mcast::receive");
  return d;
}

MCAST_END_NAMESPACE

#endif // MCAST_RECEIVE_HPP
