// mcast/socket_options.hpp -- the multicast socket's own settings as typed values, and get_option.
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

MCAST_BEGIN_NAMESPACE
namespace detail {

// An int-valued boolean option at (Level, Name); `Available` is false where the stack lacks it.
template <int Level, int Name, bool Available> class boolean_option {
public:
  constexpr boolean_option() noexcept = default;
  constexpr explicit boolean_option(bool on) noexcept : value_(on ? 1 : 0) {}

  bool value() const noexcept { return value_ != 0; }
  explicit operator bool() const noexcept { return value(); }

  template <class Protocol> int level(const Protocol&) const noexcept { return Level; }
  template <class Protocol> int name(const Protocol&) const noexcept { return Name; }
  template <class Protocol> const void* data(const Protocol&) const noexcept { return &value_; }
  template <class Protocol> void* data(const Protocol&) noexcept { return &value_; }
  template <class Protocol> std::size_t size(const Protocol&) const noexcept { return sizeof value_; }
  // A stack that answers with fewer bytes (a u_char) keeps the low byte's meaning.
  template <class Protocol> void resize(const Protocol&, std::size_t n) noexcept {
    if (n == 1)
      value_ = static_cast<int>(*reinterpret_cast<const unsigned char*>(&value_) != 0);
  }

  std::error_code check() const noexcept { return Available ? std::error_code() : make_error_code(errc::unsupported); }

private:
  int value_ = 0;
};

} // namespace detail

namespace option {
/// IP_MULTICAST_ALL (Linux): whether the socket receives IPv4 groups joined by other sockets.
using ip_multicast_all = detail::boolean_option<detail::level_ip, detail::ip_multicast_all, detail::has_multicast_all>;
/// IPV6_MULTICAST_ALL (Linux 4.20+): the same for IPv6 groups.
using ipv6_multicast_all =
    detail::boolean_option<detail::level_ipv6, detail::ipv6_multicast_all, detail::has_multicast_all>;
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

template <class Socket, class Option> void get_option(Socket&& socket, Option& opt) {
  std::error_code ec;
  get_option(std::forward<Socket>(socket), opt, ec);
  detail::throw_if(ec, "mcast::get_option");
}

MCAST_END_NAMESPACE

#endif // MCAST_SOCKET_OPTIONS_HPP
