// mcast/option.hpp -- the fourteen multicast socket options as typed values.
//
// Copyright (c) 2026 The mcast authors.
// Distributed under the Boost Software License, Version 1.0 (see LICENSE).
//
// Each type in mcast::option is a small value holding the kernel structure, already filled (by
// field name, from the platform's own headers). It satisfies Asio's SettableSocketOption, so
// `asio_socket.set_option(mcast::option::block_source{g, s, nic})` works with no adapter, and
// `mcast::set_option(socket, opt[, ec])` applies it to a native handle. This layer is thin and
// exact: it issues precisely the option asked for, and reports the kernel's own error code.
// The portable rules (ordering, one errc everywhere) live in membership.hpp and ordering.hpp.
#ifndef MCAST_OPTION_HPP
#define MCAST_OPTION_HPP

#if defined(_MSC_VER)
#pragma once
#endif

#include "address.hpp"
#include "detail/platform/system.hpp"
#include "network_interface.hpp"

#include <type_traits>
#include <utility>

MCAST_BEGIN_NAMESPACE

/// Which family of socket options a handle or sequence uses.
namespace api {
/// MCAST_* with GROUP_REQ / GROUP_SOURCE_REQ (RFC 3678): IPv4 and IPv6, interface by index.
/// Microsoft's preferred API since Vista, and the default.
struct protocol_independent {};
/// IP_* with ip_mreq / ip_mreq_source: IPv4 only; on POSIX the interface by its IPv4 address.
struct ipv4 {};
/// IPV6_ADD/DROP_MEMBERSHIP with ipv6_mreq: IPv6 any-source only (no source options exist).
struct ipv6 {};
} // namespace api

namespace detail {
// IPV6_ADD_MEMBERSHIP (api::ipv6) has no source options: the source calls through it are not
// callable -- for traits and concepts too -- and a deleted twin carries the rule's sentence, so
// that it is the first error a user sees (rule ipv6_api_no_sources).
template <class Api> inline constexpr bool api_has_sources = !std::is_same_v<Api, api::ipv6>;
template <class Api> using if_api_has_sources = std::enable_if_t<api_has_sources<Api>, int>;
template <class Api> using if_api_lacks_sources = std::enable_if_t<!api_has_sources<Api>, int>;
} // namespace detail

/// A socket as the system names it: a SOCKET on Windows, a file descriptor (int) on POSIX. Every
/// call that takes a socket takes one of these, or anything with native_handle() (Asio sockets).
using native_handle_type = detail::native_handle_type;
/// The value no open socket has (INVALID_SOCKET / -1).
inline constexpr native_handle_type invalid_native_handle = detail::invalid_native_handle;

namespace detail {

// ---- natives: a raw SOCKET / fd, or anything with native_handle() (Asio sockets) --------------
template <class T, class = void> struct has_native_handle : std::false_type {};
template <class T>
struct has_native_handle<T, std::void_t<decltype(std::declval<T&>().native_handle())>> : std::true_type {};

template <class Socket> native_handle_type native_of(Socket&& s) noexcept {
  if constexpr (has_native_handle<std::remove_reference_t<Socket>>::value) {
    return static_cast<native_handle_type>(s.native_handle());
  } else {
    static_assert(std::is_convertible_v<std::decay_t<Socket>, native_handle_type>,
                  "mcast: a socket argument must be a native handle (SOCKET / int file descriptor) "
                  "or have native_handle(), as Asio sockets do");
    return static_cast<native_handle_type>(s);
  }
}

inline int level_of(const group& g) noexcept { return g.is_v4() ? level_ip : level_ipv6; }

// The value checks of a membership request, before any system call (errc{} when usable). The
// option types and the handles make these same checks. `by_index`: the request is a handle's
// join or leave, which Linux issues by index (ip_mreqn): an IPv4 address another interface holds
// too is no obstacle there (the source calls, by address, refuse it when they are made).
template <class Api>
errc request_error(const mcast::group& g, const network_interface& nic, bool by_index = false) noexcept {
  if constexpr (std::is_same_v<Api, api::ipv4>) {
    if (!g.is_v4())
      return errc::family_mismatch;
    in4_addr_type iface{};
    const errc e = ipv4_interface_field(nic, iface);
    return e == errc::ambiguous_interface && by_index && ipv4_membership_by_index ? errc{} : e;
  } else if constexpr (std::is_same_v<Api, api::ipv6>) {
    return g.is_v6() ? errc{} : errc::family_mismatch;
  } else {
    return needs_interface_index && nic.is_any() ? errc::no_such_interface : errc{};
  }
}
template <class Api>
errc request_error(const mcast::group& g, const mcast::source& s, const network_interface& nic) noexcept {
  return g.family() != s.family() ? errc::family_mismatch : request_error<Api>(g, nic);
}

// What every option holds: the kernel structure (filled by the derived constructor, by field
// name), the values it was made from (for the ordering rules and the error translation), and
// the Asio SettableSocketOption members.
template <class Api, operation Op, option_id Id, class Struct> class request_base {
public:
  using api_type = Api;
  static constexpr operation op = Op;

  template <class Protocol> int level(const Protocol&) const noexcept {
    if constexpr (std::is_same_v<Api, api::ipv4>)
      return level_ip;
    else if constexpr (std::is_same_v<Api, api::ipv6>)
      return level_ipv6;
    else
      return level_of(group_); // MCAST_*: the group's family, whatever the socket's
  }
  template <class Protocol> int name(const Protocol&) const noexcept { return option_name(Id); }
  template <class Protocol> const void* data(const Protocol&) const noexcept { return &req_; }
  template <class Protocol> std::size_t size(const Protocol&) const noexcept { return sizeof req_; }

  const mcast::group& group() const noexcept { return group_; }
  unsigned interface_index() const noexcept { return interface_index_; }
  /// What mcast::set_option reports before any system call; empty when the values are usable.
  std::error_code check() const noexcept { return error_ == errc{} ? std::error_code() : make_error_code(error_); }
  /// True when the values are usable (check() is empty).
  bool valid() const noexcept { return error_ == errc{}; }
  /// The structure handed to the kernel.
  const Struct& native() const noexcept { return req_; }

protected:
  request_base(const mcast::group& g, const network_interface& nic) noexcept
      : group_(g), interface_index_(nic.index()) {
    detail::fill_bytes(&req_, 0, sizeof req_); // padding too: the bytes are compared in tests
  }

  mcast::group group_;
  unsigned interface_index_;
  errc error_{};
  Struct req_;
};

template <class Api, operation Op, option_id Id, class Struct>
class source_request_base : public request_base<Api, Op, Id, Struct> {
public:
  const mcast::source& source() const noexcept { return source_; }

protected:
  source_request_base(const mcast::group& g, const mcast::source& s, const network_interface& nic) noexcept
      : request_base<Api, Op, Id, Struct>(g, nic), source_(s) {}
  mcast::source source_;
};

// ---- GROUP_REQ: MCAST_JOIN_GROUP, MCAST_LEAVE_GROUP -------------------------------------------
template <option_id Id, operation Op>
class group_request : public request_base<api::protocol_independent, Op, Id, group_req_type> {
public:
  group_request(const mcast::group& g, const network_interface& nic) noexcept
      : request_base<api::protocol_independent, Op, Id, group_req_type>(g, nic) {
    this->error_ = request_error<api::protocol_independent>(g, nic);
    this->req_.gr_interface = static_cast<decltype(this->req_.gr_interface)>(nic.index());
    g.address().fill_sockaddr(this->req_.gr_group);
  }
};

// ---- GROUP_SOURCE_REQ: MCAST_{BLOCK,UNBLOCK}_SOURCE, MCAST_{JOIN,LEAVE}_SOURCE_GROUP ----------
template <option_id Id, operation Op>
class group_source_request : public source_request_base<api::protocol_independent, Op, Id, group_source_req_type> {
public:
  group_source_request(const mcast::group& g, const mcast::source& s, const network_interface& nic) noexcept
      : source_request_base<api::protocol_independent, Op, Id, group_source_req_type>(g, s, nic) {
    this->error_ = request_error<api::protocol_independent>(g, s, nic);
    this->req_.gsr_interface = static_cast<decltype(this->req_.gsr_interface)>(nic.index());
    g.address().fill_sockaddr(this->req_.gsr_group);
    s.address().fill_sockaddr(this->req_.gsr_source);
  }
};

// ---- ip_mreq: IP_ADD_MEMBERSHIP, IP_DROP_MEMBERSHIP -------------------------------------------
template <option_id Id, operation Op> class ipv4_request : public request_base<api::ipv4, Op, Id, ip_mreq_type> {
public:
  ipv4_request(const mcast::group& g, const network_interface& nic) noexcept
      : request_base<api::ipv4, Op, Id, ip_mreq_type>(g, nic) {
    this->error_ = request_error<api::ipv4>(g, nic);
    if (this->error_ == errc{} && ipv4_interface_field(nic, this->req_.imr_interface) == errc{})
      this->req_.imr_multiaddr = g.address().to_in_addr();
  }
};

// ---- ip_mreq_source: IP_{ADD,DROP}_SOURCE_MEMBERSHIP, IP_{BLOCK,UNBLOCK}_SOURCE ---------------
// Filled by name: Windows and the BSDs order the fields {multiaddr, sourceaddr, interface},
// Linux {multiaddr, interface, sourceaddr}.
template <option_id Id, operation Op>
class ipv4_source_request : public source_request_base<api::ipv4, Op, Id, ip_mreq_source_type> {
public:
  ipv4_source_request(const mcast::group& g, const mcast::source& s, const network_interface& nic) noexcept
      : source_request_base<api::ipv4, Op, Id, ip_mreq_source_type>(g, s, nic) {
    this->error_ = request_error<api::ipv4>(g, s, nic);
    if (this->error_ == errc{} && ipv4_interface_field(nic, this->req_.imr_interface) == errc{}) {
      this->req_.imr_multiaddr = g.address().to_in_addr();
      this->req_.imr_sourceaddr = s.address().to_in_addr();
    }
  }
};

// ---- ipv6_mreq: IPV6_ADD_MEMBERSHIP, IPV6_DROP_MEMBERSHIP -------------------------------------
template <option_id Id, operation Op> class ipv6_request : public request_base<api::ipv6, Op, Id, ipv6_mreq_type> {
public:
  ipv6_request(const mcast::group& g, const network_interface& nic) noexcept
      : request_base<api::ipv6, Op, Id, ipv6_mreq_type>(g, nic) {
    if ((this->error_ = request_error<api::ipv6>(g, nic)) != errc{})
      return;
    this->req_.ipv6mr_multiaddr = g.address().to_in6_addr();
    this->req_.ipv6mr_interface = static_cast<decltype(this->req_.ipv6mr_interface)>(nic.index());
  }
};

// A protocol argument for level(p)/name(p)/... when no Asio protocol is at hand.
struct any_protocol {};

// An option that needs a second setting to mean the same on every stack (see
// option::ipv6_recvpktinfo) has `int companion(native_handle_type) const noexcept`, which
// mcast::set_option calls after the option itself. (Asio's set_option makes only the first call.)
template <class Option, class = void> struct has_companion : std::false_type {};
template <class Option>
struct has_companion<Option, std::void_t<decltype(std::declval<const Option&>().companion(native_handle_type{}))>>
    : std::true_type {};

} // namespace detail

/// The option types. Constructed as `X{group, nic}` or `X{group, source, nic}`.
///
/// Each membership option holds its kernel structure, filled by field name when it is made:
/// `X{group, nic}` for GROUP_REQ / ip_mreq / ipv6_mreq, `X{group, source, nic}` for
/// GROUP_SOURCE_REQ / ip_mreq_source. Each is an Asio SettableSocketOption (`level()`, `name()`,
/// `data()`, `size()`), so `asio_socket.set_option(opt)` takes it as it is, and mcast::set_option()
/// applies it to a native handle. This layer issues exactly the option asked for and reports the
/// kernel's own code (which compares equal to the mcast::errc it unambiguously means); the ordering
/// rules are checked by the handles (membership.hpp) and apply_sequence (ordering.hpp), not here.
///
/// @par Errors found before the call (mcast::set_option)
/// errc::family_mismatch (a source of the other family, an IPv6 group in an IP_* option),
/// errc::no_ipv4_address (IP_* on POSIX, an interface without IPv4 address), errc::ambiguous_interface
/// (IP_* by address on POSIX, on an interface whose IPv4 address another interface holds too).
///
/// @par Platform notes
/// The structures differ per OS and mcast fills them by field name: `ip_mreq_source` has its fields in
/// another order on Windows than on Linux, every MCAST_* number differs per OS, macOS packs `group_req`
/// to 4 bytes, and macOS and FreeBSD need `sin_len` / `sin6_len` (mcast sets them). On Windows the IP_*
/// options name an interface without an IPv4 address in the `0.0.0.index` form.
///
/// @par Example
/// @code
/// asio::ip::udp::socket socket(io, {asio::ip::udp::v4(), 5000});
/// socket.set_option(mcast::option::join_source_group{g, s, nic}); // MCAST_JOIN_SOURCE_GROUP
/// mcast::set_option(socket, mcast::option::leave_group{g, nic});  // MCAST_LEAVE_GROUP
/// @endcode
namespace option {

/// MCAST_JOIN_GROUP with GROUP_REQ: any-source join (IGMPv3 / MLDv2 EXCLUDE {}).
using join_group = detail::group_request<detail::option_id::mcast_join_group, detail::operation::join_any>;
/// MCAST_LEAVE_GROUP with GROUP_REQ: leave the group, dropping every source.
using leave_group = detail::group_request<detail::option_id::mcast_leave_group, detail::operation::leave_group>;
/// MCAST_BLOCK_SOURCE with GROUP_SOURCE_REQ: stop one source of an any-source membership.
using block_source = detail::group_source_request<detail::option_id::mcast_block_source, detail::operation::block>;
/// MCAST_UNBLOCK_SOURCE with GROUP_SOURCE_REQ: let a blocked source through again.
using unblock_source =
    detail::group_source_request<detail::option_id::mcast_unblock_source, detail::operation::unblock>;
/// MCAST_JOIN_SOURCE_GROUP with GROUP_SOURCE_REQ: source-specific join (INCLUDE {source}).
using join_source_group =
    detail::group_source_request<detail::option_id::mcast_join_source_group, detail::operation::join_source>;
/// MCAST_LEAVE_SOURCE_GROUP with GROUP_SOURCE_REQ: drop one source of a source-specific membership.
using leave_source_group =
    detail::group_source_request<detail::option_id::mcast_leave_source_group, detail::operation::leave_source>;

/// IP_ADD_MEMBERSHIP with ip_mreq (IPv4 any-source join).
using ip_add_membership = detail::ipv4_request<detail::option_id::ip_add_membership, detail::operation::join_any>;
/// IP_DROP_MEMBERSHIP with ip_mreq (IPv4 leave).
using ip_drop_membership = detail::ipv4_request<detail::option_id::ip_drop_membership, detail::operation::leave_group>;
/// IP_ADD_SOURCE_MEMBERSHIP with ip_mreq_source (IPv4 source-specific join).
using ip_add_source_membership =
    detail::ipv4_source_request<detail::option_id::ip_add_source_membership, detail::operation::join_source>;
/// IP_DROP_SOURCE_MEMBERSHIP with ip_mreq_source (drop one IPv4 source).
using ip_drop_source_membership =
    detail::ipv4_source_request<detail::option_id::ip_drop_source_membership, detail::operation::leave_source>;
/// IP_BLOCK_SOURCE with ip_mreq_source (block one IPv4 source of an any-source membership).
using ip_block_source = detail::ipv4_source_request<detail::option_id::ip_block_source, detail::operation::block>;
/// IP_UNBLOCK_SOURCE with ip_mreq_source.
using ip_unblock_source = detail::ipv4_source_request<detail::option_id::ip_unblock_source, detail::operation::unblock>;

/// IPV6_ADD_MEMBERSHIP (= IPV6_JOIN_GROUP) with ipv6_mreq (IPv6 any-source join).
using ipv6_add_membership = detail::ipv6_request<detail::option_id::ipv6_add_membership, detail::operation::join_any>;
/// IPV6_DROP_MEMBERSHIP (= IPV6_LEAVE_GROUP) with ipv6_mreq (IPv6 leave).
using ipv6_drop_membership =
    detail::ipv6_request<detail::option_id::ipv6_drop_membership, detail::operation::leave_group>;

} // namespace option

/// Applies one option to a socket (a native SOCKET / fd, or anything with native_handle()).
/// Value errors (errc::family_mismatch, errc::no_ipv4_address) are reported before any system
/// call; a kernel refusal is reported as the kernel's own code (compare it with mcast::errc).
template <class Socket, class Option>
void set_option(Socket&& socket, const Option& opt, std::error_code& ec) noexcept {
  ec = opt.check();
  if (ec)
    return;
  const detail::any_protocol p;
  const native_handle_type s = detail::native_of(socket);
  int r = detail::sys_setsockopt(s, opt.level(p), opt.name(p), opt.data(p), opt.size(p));
  if constexpr (detail::has_companion<Option>::value)
    if (r == 0)
      r = opt.companion(s);
  if (r != 0)
    ec = detail::system_error(r);
}

/// Applies one option, as the `std::error_code&` overload does.
/// @throws std::system_error with the value error or the kernel's own code.
///
/// @par Example
/// @code
/// mcast::set_option(sock, mcast::option::join_source_group{g, s, nic}); // MCAST_JOIN_SOURCE_GROUP
/// @endcode
template <class Socket, class Option> void set_option(Socket&& socket, const Option& opt) {
  std::error_code ec;
  set_option(std::forward<Socket>(socket), opt, ec);
  detail::throw_if(ec, "mcast::set_option");
}

MCAST_END_NAMESPACE

#endif // MCAST_OPTION_HPP
