// mcast/socket_options.hpp -- the multicast socket's own settings as typed values, and get_option:
// IP_MULTICAST_IF / IPV6_MULTICAST_IF, IP_MULTICAST_TTL / IPV6_MULTICAST_HOPS, IP_MULTICAST_LOOP /
// IPV6_MULTICAST_LOOP, IP_MULTICAST_ALL / IPV6_MULTICAST_ALL, IP_PKTINFO / IPV6_RECVPKTINFO,
// SO_TIMESTAMPNS / SO_TIMESTAMP (receive_timestamp), SO_RXQ_OVFL (receive_drops), and the DS field
// of what it sends, IP_TOS / IPV6_TCLASS.
//
// Copyright (c) 2026 The mcast authors.
// Distributed under the Boost Software License, Version 1.0 (see LICENSE).
//
// Each type is an Asio SettableSocketOption and GettableSocketOption (level, name, data, size,
// resize), default-constructible for reading, with value() to read it back:
//
//   mcast::set_option(sock, mcast::option::ip_multicast_all{false});   // IP_MULTICAST_ALL (Linux)
//   mcast::option::ip_multicast_all all;  mcast::get_option(sock, all);  all.value() == false
//
// IP_MULTICAST_ALL / IPV6_MULTICAST_ALL are Linux's: with 1 (the kernel's default) a socket
// receives a group joined by *any* socket on the host that is bound to the port; with 0 only what
// its own memberships admit, as on every other stack. It is a setting of the socket, not of a
// membership: the handles turn it off on every join (join_options::keep_multicast_all leaves it
// as it is for that join); a socket that must receive every group sets it back to true after its
// joins, or passes keep_multicast_all to every one of them. Where the stack lacks it,
// errc::unsupported, before any system call.
#ifndef MCAST_SOCKET_OPTIONS_HPP
#define MCAST_SOCKET_OPTIONS_HPP

#if defined(_MSC_VER)
#pragma once
#endif

#include "option.hpp"

#include <cstddef>
#include <type_traits>

MCAST_BEGIN_NAMESPACE
namespace detail {

// THE template of the options that hold one value: what each is to Asio (level, name, data, size,
// resize) and to mcast::set_option / get_option (check()). One kernel field at (Level, Name), of
// the type detail/platform/common.hpp chooses for F on this platform family (option_field_t,
// checked there against the width each family's kernel reads). `Value` is what users give and
// read back:
// - bool: a flag (explicit operator bool too);
// - int: a number in [Min, Max]. One made from a value outside the range can be constructed (as
//   every option, without throwing), but that value reaches the kernel through no door:
//   mcast::set_option refuses it with errc::invalid_value before any system call (check()); to
//   Asio's set_option, or a setsockopt of level(), name(), data() and size() made by hand, it
//   names no option (name() is -1) and hands no bytes (size() is 0): every stack refuses that
//   (ENOPROTOOPT, WSAENOPROTOOPT), so the call fails and the socket keeps its setting. (Linux
//   would read a TTL of -1 as "the default" and a u_char field -- macOS, the BSDs -- would wrap
//   256 to 0; and Linux takes IP_TOS with no bytes as 0: a length alone does not stop every
//   option.) value() of such an option is its value cut to the field, as the kernel never sees it;
// - unsigned: an interface index (any value).
// `Available` is false where the stack lacks the option: errc::unsupported before any system call.
// A stack that answers with one byte (a u_char) for a wider field is read from that byte.
template <value_field F, int Level, int Name, class Value, bool Available = true, int Min = 0, int Max = 0>
class value_option {
  using Field = option_field_t<this_family, F>;
  static constexpr bool out_of_range(Value v) noexcept {
    if constexpr (std::is_same<Value, int>::value)
      return v < Min || v > Max;
    else
      return (void)v, false;
  }

public:
  constexpr value_option() noexcept = default;
  constexpr explicit value_option(Value v) noexcept : value_(static_cast<Field>(v)), bad_(out_of_range(v)) {}

  Value value() const noexcept {
    if constexpr (std::is_same<Value, bool>::value)
      return value_ != 0;
    else
      return static_cast<Value>(value_);
  }
  template <class V = Value, std::enable_if_t<std::is_same<V, bool>::value, int> = 0>
  explicit operator bool() const noexcept {
    return value();
  }
  std::error_code check() const noexcept {
    if (!Available)
      return make_error_code(errc::unsupported);
    return bad_ ? make_error_code(errc::invalid_value) : std::error_code();
  }

  template <class Protocol> int level(const Protocol&) const noexcept { return Level; }
  /// -1 for a value out of range: no stack accepts the call (see above).
  template <class Protocol> int name(const Protocol&) const noexcept { return bad_ ? -1 : Name; }
  template <class Protocol> const void* data(const Protocol&) const noexcept { return &value_; }
  template <class Protocol> void* data(const Protocol&) noexcept { return &value_; }
  /// 0 for a value out of range (see above).
  template <class Protocol> std::size_t size(const Protocol&) const noexcept { return bad_ ? 0 : sizeof value_; }
  template <class Protocol> void resize(const Protocol&, std::size_t n) noexcept {
    if (n == 1 && sizeof value_ > 1)
      value_ = static_cast<Field>(*reinterpret_cast<const unsigned char*>(&value_));
  }

private:
  Field value_ = 0;
  bool bad_ = false;
};

} // namespace detail

namespace detail {
// What 4 bytes read back from IP_MULTICAST_IF can name. Windows documents a host-order interface
// index (Microsoft's IPPROTO_IP socket options page); it also takes the address and the 0.0.0.idx
// form on set, and other code (OpenJDK) reads an address back: all three are understood there.
// POSIX stacks report an address.
struct multicast_if_reading {
  bool unset = false;      // 0.0.0.0: none set (Linux also reports this when it was set by index)
  unsigned index_form = 0; // 0.0.0.idx (Windows): the index, network order in the address
  in4_addr_type address{}; // the bytes as an address (candidate, unless index_form or unset)
  unsigned host_index = 0; // the bytes as a host-order DWORD index (Windows' documented answer)
};
inline multicast_if_reading read_multicast_if(const unsigned char* b, bool windows) noexcept {
  multicast_if_reading r;
  if ((b[0] | b[1] | b[2] | b[3]) == 0) {
    r.unset = true;
    return r;
  }
  if (windows && b[0] == 0) { // 0.0.0.0/8 is never an interface's address
    r.index_form = (unsigned(b[1]) << 16) | (unsigned(b[2]) << 8) | unsigned(b[3]);
    return r;
  }
  copy_bytes(&r.address, b, 4);
  if (windows) {
    std::uint32_t host = 0;
    copy_bytes(&host, b, 4); // as the DWORD Windows wrote, in this (little-endian) host's order
    r.host_index = host;
  }
  return r;
}
} // namespace detail

namespace option {
/// IP_MULTICAST_TTL: the hop limit of IPv4 multicast this socket sends, 0..255 (a DWORD on Windows,
/// an int on Linux, a u_char on macOS and the BSDs). Out of range: errc::invalid_value from
/// mcast::set_option, and a call every stack refuses through Asio or setsockopt (detail::value_option).
using ip_multicast_ttl = detail::value_option<detail::value_field::ip_multicast_ttl, detail::level_ip,
                                              detail::ip_multicast_ttl, int, true, 0, 255>;
/// IPV6_MULTICAST_HOPS: the same for IPv6, -1 (the route's default) .. 255 (an int); out of range
/// refused the same way.
using ipv6_multicast_hops = detail::value_option<detail::value_field::ipv6_multicast_hops, detail::level_ipv6,
                                                 detail::ipv6_multicast_hops, int, true, -1, 255>;
/// IP_TOS: the type-of-service byte of the IPv4 datagrams this socket sends, 0..255: the DS field
/// (DSCP in the upper six bits: `ip_tos{dscp << 2}`; 46, expedited forwarding, is 184) and ECN in
/// the lower two. An int on Linux, macOS and FreeBSD, a DWORD on Windows -- where the stack
/// accepts it but, unless the system's policy allows, sends 0 (Microsoft points to its QoS API).
/// Out of range: refused as ip_multicast_ttl is.
using ip_tos = detail::value_option<detail::value_field::ip_tos, detail::level_ip, detail::ip_tos, int, true, 0, 255>;
/// IPV6_TCLASS: the traffic class of the IPv6 datagrams this socket sends, from -1 (the stack's
/// default) to 255, the same bits as ip_tos; an int everywhere.
using ipv6_tclass =
    detail::value_option<detail::value_field::ipv6_tclass, detail::level_ipv6, detail::ipv6_tclass, int, true, -1, 255>;
/// IP_MULTICAST_LOOP: whether this socket's IPv4 multicast is looped back to local receivers. On
/// POSIX the sending socket decides; on Windows the *receiving* one does. Linux loops back what is
/// sent out of lo whatever this says.
using ip_multicast_loop =
    detail::value_option<detail::value_field::ip_multicast_loop, detail::level_ip, detail::ip_multicast_loop, bool>;
/// IPV6_MULTICAST_LOOP: the same for IPv6 (an unsigned int).
using ipv6_multicast_loop = detail::value_option<detail::value_field::ipv6_multicast_loop, detail::level_ipv6,
                                                 detail::ipv6_multicast_loop, bool>;
/// IP_PKTINFO: deliver each IPv4 datagram's destination and interface with it (recvmsg /
/// WSARecvMsg). FreeBSD has no IP_PKTINFO: errc::unsupported there.
using ip_pktinfo = detail::value_option<detail::value_field::ip_pktinfo, detail::level_ip, detail::ip_pktinfo, bool,
                                        detail::has_ip_pktinfo>;
/// IPV6_RECVPKTINFO (IPV6_PKTINFO on Windows): the same for IPv6. On Windows an IPv4 datagram that
/// reaches a dual-stack socket carries its packet info only when IP_PKTINFO is set as well
/// (Microsoft's IP_PKTINFO and WSARecvMsg pages): mcast::set_option sets both there, so that
/// receive() gives IPv4 datagrams their group and interface too. Asio's set_option makes only the
/// IPV6_PKTINFO call: on a dual-stack socket on Windows set option::ip_pktinfo as well.
class ipv6_recvpktinfo : public detail::value_option<detail::value_field::ipv6_recvpktinfo, detail::level_ipv6,
                                                     detail::ipv6_recvpktinfo, bool> {
public:
  using value_option::value_option;

  /// (mcast::set_option) Windows, dual-stack socket: IP_PKTINFO to the same value. 0 or the raw error.
  int companion(native_handle_type s) const noexcept {
    if constexpr (detail::dual_stack_needs_ip_pktinfo) {
      int family = 0;
      if (int r = detail::sys_socket_family(s, family); r != 0 || family != detail::af_inet6)
        return r;
      int v6only = 0;
      std::size_t len = sizeof v6only;
      if (int r = detail::sys_getsockopt(s, detail::level_ipv6, detail::ipv6_v6only, &v6only, len); r != 0 || v6only)
        return r;
      const int on = value() ? 1 : 0;
      return detail::sys_setsockopt(s, detail::level_ip, detail::ip_pktinfo, &on, sizeof on);
    } else {
      (void)s;
      return 0;
    }
  }
};

/// IPV6_MULTICAST_IF: the interface this socket's IPv6 multicast leaves by (its index; any() is
/// the route's choice).
class ipv6_multicast_if : public detail::value_option<detail::value_field::ipv6_multicast_if, detail::level_ipv6,
                                                      detail::ipv6_multicast_if, unsigned> {
public:
  /// An empty option, to read the setting back with get_option.
  ipv6_multicast_if() noexcept = default;
  /// Sends by `nic` (its index; any(): the route's choice).
  explicit ipv6_multicast_if(const network_interface& nic) noexcept : value_option(nic.index()) {}
  /// The interface index the stack holds (0: the route's choice).
  unsigned index() const noexcept { return value(); }
};

/// IP_MULTICAST_IF: the interface this socket's IPv4 multicast leaves by. Linux: an ip_mreqn that
/// names it by index; elsewhere its IPv4 address (Windows: or the 0.0.0.index form). Reads back as
/// the stack reports it: an address (Linux: 0.0.0.0 when it was set by index). An interface that
/// cannot be named so is errc::no_ipv4_address before any system call.
class ip_multicast_if {
public:
  /// An empty option, to read the setting back with get_option.
  ip_multicast_if() noexcept { detail::fill_bytes(&req_, 0, sizeof req_); }
  /// Sends by `nic`: by index on Linux (`ip_mreqn`), else by its IPv4 address (Windows: or the
  /// `0.0.0.index` form). An interface that cannot be named so makes check() report
  /// errc::no_ipv4_address.
  explicit ip_multicast_if(const network_interface& nic) noexcept {
    detail::fill_bytes(&req_, 0, sizeof req_);
    detail::in4_addr_type address{};
    std::error_code ec;
    if (!detail::ip_multicast_if_by_index && !detail::ipv4_interface_field(nic, address, ec))
      bad_ = true;
    detail::fill_ip_multicast_if(req_, nic.index(), address);
  }
  /// The address the stack reports (read back with get_option).
  address value() const noexcept {
    detail::in4_addr_type a{};
    detail::copy_bytes(&a, &req_, sizeof a); // the stack answers with an in_addr at the start
    return address(a);
  }

  /// SettableSocketOption: IPPROTO_IP.
  template <class Protocol> int level(const Protocol&) const noexcept { return detail::level_ip; }
  /// SettableSocketOption: IP_MULTICAST_IF.
  template <class Protocol> int name(const Protocol&) const noexcept { return detail::ip_multicast_if; }
  /// SettableSocketOption: the structure handed to setsockopt.
  template <class Protocol> const void* data(const Protocol&) const noexcept { return &req_; }
  /// GettableSocketOption: where getsockopt writes the answer.
  template <class Protocol> void* data(const Protocol&) noexcept { return &req_; }
  /// SettableSocketOption: the structure's size.
  template <class Protocol> std::size_t size(const Protocol&) const noexcept { return sizeof req_; }
  /// GettableSocketOption: the answer's length is not needed (the first 4 bytes are read).
  template <class Protocol> void resize(const Protocol&, std::size_t) noexcept {}
  /// What mcast::set_option checks before the call: errc::no_ipv4_address for an interface that
  /// cannot be named by address here.
  std::error_code check() const noexcept { return bad_ ? make_error_code(errc::no_ipv4_address) : std::error_code(); }

  /// The interface the stack reports, read unambiguously: any() when none is set; on Windows
  /// the 0.0.0.idx form's index, else an interface holding the reported address, else the
  /// host-order index Microsoft documents; elsewhere the interface holding the address.
  /// errc::no_such_interface when the bytes name none of these. (Linux reports 0.0.0.0 for an
  /// interface set by index, which is how mcast sets it there: any() then means "not by address".)
  network_interface nic(std::error_code& ec) const noexcept {
    unsigned char b[4];
    detail::copy_bytes(b, &req_, 4);
    const detail::multicast_if_reading r = detail::read_multicast_if(b, detail::is_windows);
    detail::clear(ec);
    if (r.unset)
      return network_interface::any();
    if (r.index_form != 0)
      return network_interface::from_index(r.index_form, ec);
    network_interface by_address = network_interface::from_address(address(r.address), ec);
    if (!ec || r.host_index == 0)
      return by_address;
    return network_interface::from_index(r.host_index, ec);
  }
  /// The interface the stack reports, as the `std::error_code&` overload reads it.
  /// @throws std::system_error errc::no_such_interface.
  network_interface nic() const {
    std::error_code ec;
    network_interface n = nic(ec);
    detail::throw_if(ec, "mcast::option::ip_multicast_if::nic");
    return n;
  }

private:
  static_assert(sizeof(detail::ip_multicast_if_type) ==
                    detail::kernel_field_size(detail::this_family, detail::value_field::ip_multicast_if),
                "mcast: IP_MULTICAST_IF's structure is not what the platform's kernel reads (kernel_field_size)");
  detail::ip_multicast_if_type req_;
  bool bad_ = false;
};
} // namespace option

namespace option {
/// IP_MULTICAST_ALL (Linux): whether the socket receives IPv4 groups joined by other sockets.
using ip_multicast_all = detail::value_option<detail::value_field::multicast_all, detail::level_ip,
                                              detail::ip_multicast_all, bool, detail::has_multicast_all>;
/// IPV6_MULTICAST_ALL (Linux 4.20+): the same for IPv6 groups.
using ipv6_multicast_all = detail::value_option<detail::value_field::multicast_all, detail::level_ipv6,
                                                detail::ipv6_multicast_all, bool, detail::has_multicast_all>;
} // namespace option

namespace option {
/// Receive timestamps: each datagram's `timestamp` is the time the kernel took it, on the wall
/// clock (CLOCK_REALTIME). Implements SOL_SOCKET/SO_TIMESTAMPNS on Linux (nanoseconds) and
/// SOL_SOCKET/SO_TIMESTAMP on macOS and FreeBSD (microseconds); Windows: errc::unsupported from
/// mcast::set_option and get_option (its SIO_TIMESTAMPING ioctl counts QueryPerformanceCounter
/// ticks, not the wall clock). Off costs a receive nothing. Concepts: SettableSocketOption,
/// GettableSocketOption.
///   mcast::set_option(sock, mcast::option::receive_timestamp{true});
using receive_timestamp = detail::value_option<detail::value_field::receive_timestamp, detail::level_socket,
                                               detail::so_receive_timestamp, bool, detail::has_receive_timestamp>;
/// Drop counts: each datagram's `drops` is the socket's running count of datagrams the kernel
/// dropped because the receive buffer was full (see datagram::drops). Implements
/// SOL_SOCKET/SO_RXQ_OVFL (Linux); elsewhere errc::unsupported. Concepts: SettableSocketOption,
/// GettableSocketOption.
using receive_drops = detail::value_option<detail::value_field::receive_drops, detail::level_socket,
                                           detail::so_rxq_ovfl, bool, detail::has_receive_drops>;
} // namespace option

/// Reads an option the socket holds into `opt` (a GettableSocketOption, e.g.
/// option::ip_multicast_all). errc::unsupported where the stack lacks it, before any system call;
/// otherwise the kernel's own code.
template <class Socket, class Option> void get_option(Socket&& socket, Option& opt, std::error_code& ec) noexcept {
  ec = opt.check();
  if (ec)
    return;
  const detail::any_protocol p;
  std::size_t size = opt.size(p);
  if (int r = detail::sys_getsockopt(detail::native_of(socket), opt.level(p), opt.name(p), opt.data(p), size); r != 0) {
    ec = detail::system_error(r);
    return;
  }
  opt.resize(p, size);
}

/// Reads an option the socket holds, as the `std::error_code&` overload does.
/// @throws std::system_error errc::unsupported, or the kernel's own code.
///
/// @par Example
/// @code
/// mcast::option::ip_multicast_ttl ttl;
/// mcast::get_option(tx, ttl); // ttl.value()
/// @endcode
template <class Socket, class Option> void get_option(Socket&& socket, Option& opt) {
  std::error_code ec;
  get_option(std::forward<Socket>(socket), opt, ec);
  detail::throw_if(ec, "mcast::get_option");
}

MCAST_END_NAMESPACE

#endif // MCAST_SOCKET_OPTIONS_HPP
