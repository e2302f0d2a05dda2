// mcast/asio.hpp -- opt-in glue for standalone Asio (never included by mcast.hpp).
//
// Copyright (c) 2026 The mcast authors.
// Distributed under the Boost Software License, Version 1.0 (see LICENSE).
//
// Nothing else is needed to use mcast with Asio: every mcast::option type is an Asio
// SettableSocketOption (`socket.set_option(mcast::option::block_source{g, s, nic})`), and the
// handles and filter calls take an asio::ip::udp::socket directly (through native_handle()).
// This header adds the conversions between asio::ip::address and mcast's address types, and makes
// Asio's error codes compare equal to mcast::errc (include it where you compare them).
// Link the CMake target mcast::asio (it brings Asio, with ASIO_STANDALONE).
#ifndef MCAST_ASIO_HPP
#define MCAST_ASIO_HPP

#if defined(_MSC_VER)
#pragma once
#endif

#include "mcast.hpp"

#include <asio/error_code.hpp>
#include <asio/ip/address.hpp>

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
    std::memcpy(b.data(), a.data(), 4);
    return ::asio::ip::address_v4(b);
  }
  ::asio::ip::address_v6::bytes_type b;
  std::memcpy(b.data(), a.data(), 16);
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

MCAST_END_NAMESPACE

#endif // MCAST_ASIO_HPP
