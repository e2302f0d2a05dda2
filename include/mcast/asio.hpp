// mcast/asio.hpp -- opt-in glue for standalone Asio (never included by mcast.hpp).
//
// Copyright (c) 2026 The mcast authors.
// Distributed under the Boost Software License, Version 1.0 (see LICENSE).
//
// Nothing else is needed to use mcast with Asio: every mcast::option type is an Asio
// SettableSocketOption (`socket.set_option(mcast::option::block_source{g, s, nic})`), and the
// handles and filter calls take an asio::ip::udp::socket directly (through native_handle()).
// This header adds the conversions between asio::ip::address and mcast's address types,
// async_receive (a datagram with its group and interface, as mcast::receive), and makes Asio's
// error codes compare equal to mcast::errc (include it where you compare them).
// Link the CMake target mcast::asio (it brings Asio, with ASIO_STANDALONE).
#ifndef MCAST_ASIO_HPP
#define MCAST_ASIO_HPP

#if defined(_MSC_VER)
#pragma once
#endif

#include "mcast.hpp"

#include <asio/async_result.hpp>
#include <asio/buffer.hpp>
#include <asio/compose.hpp>
#include <asio/error.hpp>
#include <asio/error_code.hpp>
#include <asio/ip/address.hpp>
#include <asio/socket_base.hpp>

#include <utility>

MCAST_BEGIN_NAMESPACE

namespace detail {
// Asio reports system errors in its own category ("asio.system") with the system's numbers:
// registered here, by identity, its codes compare equal to the errc they unambiguously mean
// (`socket.set_option(opt, ec); ec == mcast::errc::limit_exceeded`).
inline const bool asio_category_registered = (register_system_category(::asio::system_category()), true);
} // namespace detail

/// An asio::ip::address as an mcast::address (IPv6 scope ids are not carried: name the
/// interface with network_interface instead).
inline address to_address(const ::asio::ip::address& a) noexcept {
  if (a.is_v4())
    return address::from_bytes(a.to_v4().to_bytes());
  return address::from_bytes(a.to_v6().to_bytes());
}

/// An mcast address, group or source as an asio::ip::address.
inline ::asio::ip::address to_asio(const address& a) {
  if (a.is_v4()) {
    ::asio::ip::address_v4::bytes_type b;
    detail::copy_bytes(b.data(), a.data(), 4);
    return ::asio::ip::address_v4(b);
  }
  ::asio::ip::address_v6::bytes_type b;
  detail::copy_bytes(b.data(), a.data(), 16);
  return ::asio::ip::address_v6(b);
}
inline ::asio::ip::address to_asio(const group& g) { return to_asio(g.address()); }
inline ::asio::ip::address to_asio(const source& s) { return to_asio(s.address()); }

/// errc::not_multicast unless `a` is a multicast address.
inline std::optional<group> make_group(const ::asio::ip::address& a, std::error_code& ec) noexcept {
  return make_group(to_address(a), ec);
}
inline group make_group(const ::asio::ip::address& a) { return make_group(to_address(a)); }

/// errc::not_unicast for a multicast, unspecified or limited-broadcast address.
inline std::optional<source> make_source(const ::asio::ip::address& a, std::error_code& ec) noexcept {
  return make_source(to_address(a), ec);
}
inline source make_source(const ::asio::ip::address& a) { return make_source(to_address(a)); }

namespace detail {
// Waits until the socket is readable, then takes one datagram without blocking; a wake-up with
// nothing queued (another reader took it) waits again. Always completes through the executor,
// never inside the initiating call.
template <class Socket> struct receive_op {
  Socket& socket;
  ::asio::mutable_buffer buffer;
  bool waited = false;

  template <class Self> void operator()(Self& self, std::error_code ec = {}) {
    if (!ec && waited) {
      // Windows: the receive that must not wait needs a non-blocking socket; Asio records the
      // mode (its own operations go on behaving as the user asked).
      if constexpr (receive_needs_non_blocking_socket)
        if (!socket.native_non_blocking())
          socket.native_non_blocking(true, ec);
      datagram d;
      if (!ec)
        d = receive_native(native_of(socket), buffer.data(), buffer.size(), true, ec);
      if (ec != std::errc::operation_would_block && ec != std::errc::resource_unavailable_try_again) {
        self.complete(ec, d);
        return;
      }
      ec.clear();
    }
    if (ec) {
      self.complete(ec, datagram{});
      return;
    }
    waited = true;
    socket.async_wait(::asio::socket_base::wait_read, std::move(self));
  }
};
} // namespace detail

/// Receives one datagram into `buffer` asynchronously, like mcast::receive: the completion gets
/// (std::error_code, mcast::datagram) -- the source and, with packet info on, the group and the
/// interface. Any completion token: a callback, asio::use_future, asio::use_awaitable... No thread
/// of its own: the socket's executor runs it (async_wait, then one non-blocking receive). Closing
/// or cancelling the socket completes it with asio::error::operation_aborted. On Windows, where a
/// receive cannot be told not to wait, it puts the socket in non-blocking mode through
/// `native_non_blocking(true)` (as Asio's own reactor does on Linux): Asio's own synchronous calls
/// still wait, a later blocking mcast::receive on that socket gets would-block instead.
template <class DatagramSocket, class CompletionToken>
auto async_receive(DatagramSocket& socket, const ::asio::mutable_buffer& buffer, CompletionToken&& token) {
  return ::asio::async_compose<CompletionToken, void(std::error_code, datagram)>(
      detail::receive_op<DatagramSocket>{socket, buffer}, token, socket);
}

MCAST_END_NAMESPACE

#endif // MCAST_ASIO_HPP
