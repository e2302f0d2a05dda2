// mcast/address.hpp -- address, group and source: addresses validated once, on construction.
//
// Copyright (c) 2026 The mcast authors.
// Distributed under the Boost Software License, Version 1.0 (see LICENSE).
#ifndef MCAST_ADDRESS_HPP
#define MCAST_ADDRESS_HPP

#if defined(_MSC_VER)
#pragma once
#endif

#include "error.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

MCAST_BEGIN_NAMESPACE

namespace detail {
// FNV-1a's prime for the width of std::size_t (a 64-bit constant cast down on 32-bit targets is
// cl.exe's C4310).
template <std::size_t Bytes> struct fnv_prime { static constexpr std::size_t value = 16777619u; };
template <> struct fnv_prime<8> { static constexpr unsigned long long value = 1099511628211ull; };
} // namespace detail

/// IP version of an address, group, source or option.
enum class family { v4, v6 };

namespace detail {
struct address_access; // (receive.hpp: fills a received address in place)
} // namespace detail

/// An IPv4 or IPv6 address. A plain value: copyable, ordered (IPv4 before IPv6, then bytewise),
/// hashable. Default-constructed it is 0.0.0.0.
class address {
public:
  address() noexcept = default;

  /// From an IPv4 `in_addr` (Winsock `IN_ADDR`), as the stack hands it over.
  explicit address(const detail::in4_addr_type& a) noexcept : family_(mcast::family::v4) {
    detail::copy_bytes(bytes_.data(), &a, 4);
  }
  /// From an IPv6 `in6_addr` (Winsock `IN6_ADDR`), as the stack hands it over.
  explicit address(const detail::in6_addr_type& a) noexcept : family_(mcast::family::v6) {
    detail::copy_bytes(bytes_.data(), &a, 16);
  }
  /// From network-order bytes: 4 for IPv4, 16 for IPv6.
  static address from_bytes(const std::array<unsigned char, 4>& b) noexcept {
    address a;
    detail::copy_bytes(a.bytes_.data(), b.data(), 4);
    return a;
  }
  /// From the 16 network-order bytes of an IPv6 address.
  static address from_bytes(const std::array<unsigned char, 16>& b) noexcept {
    address a;
    a.family_ = mcast::family::v6;
    detail::copy_bytes(a.bytes_.data(), b.data(), 16);
    return a;
  }

  /// family::v4 or family::v6.
  mcast::family family() const noexcept { return family_; }
  /// True for an IPv4 address.
  bool is_v4() const noexcept { return family_ == mcast::family::v4; }
  /// True for an IPv6 address (an IPv4-mapped one included).
  bool is_v6() const noexcept { return family_ == mcast::family::v6; }

  /// True for 224.0.0.0/4 (IPv4) or ff00::/8 (IPv6): what a group must be.
  bool is_multicast() const noexcept { return is_v4() ? (bytes_[0] & 0xf0) == 0xe0 : bytes_[0] == 0xff; }
  /// True for 0.0.0.0 or `::`.
  bool is_unspecified() const noexcept {
    for (std::size_t i = 0; i < size(); ++i)
      if (bytes_[i] != 0)
        return false;
    return true;
  }
  /// True for 127.0.0.0/8 or `::1`.
  bool is_loopback() const noexcept {
    if (is_v4())
      return bytes_[0] == 127;
    for (std::size_t i = 0; i < 15; ++i)
      if (bytes_[i] != 0)
        return false;
    return bytes_[15] == 1;
  }
  /// \::ffff:a.b.c.d, an IPv4 address written as IPv6 (RFC 4291 2.5.5.2).
  bool is_v4_mapped() const noexcept {
    if (!is_v6())
      return false;
    for (std::size_t i = 0; i < 10; ++i)
      if (bytes_[i] != 0)
        return false;
    return bytes_[10] == 0xff && bytes_[11] == 0xff;
  }
  /// 255.255.255.255 (IPv4 only).
  bool is_limited_broadcast() const noexcept {
    return is_v4() && bytes_[0] == 0xff && bytes_[1] == 0xff && bytes_[2] == 0xff && bytes_[3] == 0xff;
  }

  /// Network-order bytes; `size()` of them are meaningful (4 or 16).
  const unsigned char* data() const noexcept { return bytes_.data(); }
  /// 4 for IPv4, 16 for IPv6: how many bytes data() points at.
  std::size_t size() const noexcept { return is_v4() ? 4u : 16u; }

  /// Precondition: is_v4() (an IPv6 address gives 0.0.0.0).
  detail::in4_addr_type to_in_addr() const noexcept {
    detail::in4_addr_type a{};
    if (is_v4())
      detail::copy_bytes(&a, bytes_.data(), 4);
    return a;
  }
  /// Precondition: is_v6() (an IPv4 address gives ::).
  detail::in6_addr_type to_in6_addr() const noexcept {
    detail::in6_addr_type a{};
    if (is_v6())
      detail::copy_bytes(&a, bytes_.data(), 16);
    return a;
  }
  /// Writes family, port and address into `out`, which the caller has zeroed (the kernel
  /// structures are zeroed once, whole, then filled field by field -- no temporary copies).
  void fill_sockaddr(detail::sockaddr_storage_type& out, std::uint16_t port = 0) const noexcept {
    if (is_v4()) {
      auto& sin = reinterpret_cast<detail::sockaddr_in4_type&>(out);
      detail::set_sockaddr_length(sin);
      sin.sin_family = static_cast<decltype(sin.sin_family)>(detail::af_inet);
      sin.sin_port = detail::host_to_net16(port);
      detail::copy_bytes(&sin.sin_addr, bytes_.data(), 4);
    } else {
      auto& sin6 = reinterpret_cast<detail::sockaddr_in6_type&>(out);
      detail::set_sockaddr_length(sin6);
      sin6.sin6_family = static_cast<decltype(sin6.sin6_family)>(detail::af_inet6);
      sin6.sin6_port = detail::host_to_net16(port);
      detail::copy_bytes(&sin6.sin6_addr, bytes_.data(), 16);
    }
  }

  /// A sockaddr_in or sockaddr_in6 inside a sockaddr_storage, as GROUP_REQ wants it.
  detail::sockaddr_storage_type to_sockaddr(std::uint16_t port = 0) const noexcept {
    detail::sockaddr_storage_type ss{};
    if (is_v4()) {
      detail::sockaddr_in4_type sin{};
      detail::set_sockaddr_length(sin);
      sin.sin_family = static_cast<decltype(sin.sin_family)>(detail::af_inet);
      sin.sin_port = detail::host_to_net16(port);
      sin.sin_addr = to_in_addr();
      detail::copy_bytes(&ss, &sin, sizeof sin);
    } else {
      detail::sockaddr_in6_type sin6{};
      detail::set_sockaddr_length(sin6);
      sin6.sin6_family = static_cast<decltype(sin6.sin6_family)>(detail::af_inet6);
      sin6.sin6_port = detail::host_to_net16(port);
      sin6.sin6_addr = to_in6_addr();
      detail::copy_bytes(&ss, &sin6, sizeof sin6);
    }
    return ss;
  }
  /// From a sockaddr_in / sockaddr_in6 held in a sockaddr_storage; errc::family_mismatch for
  /// any other family.
  static address from_sockaddr(const detail::sockaddr_storage_type& ss, std::error_code& ec) noexcept {
    ec.clear();
    if (ss.ss_family == detail::af_inet) {
      detail::sockaddr_in4_type sin{};
      detail::copy_bytes(&sin, &ss, sizeof sin);
      return address(sin.sin_addr);
    }
    if (ss.ss_family == detail::af_inet6) {
      detail::sockaddr_in6_type sin6{};
      detail::copy_bytes(&sin6, &ss, sizeof sin6);
      return address(sin6.sin6_addr);
    }
    ec = make_error_code(errc::family_mismatch);
    return address();
  }
  /// From a `sockaddr_in` / `sockaddr_in6` in a `sockaddr_storage`; the port is dropped.
  /// @throws std::system_error errc::family_mismatch for any other address family.
  static address from_sockaddr(const detail::sockaddr_storage_type& ss) {
    std::error_code ec;
    address a = from_sockaddr(ss, ec);
    detail::throw_if(ec, "mcast::address::from_sockaddr");
    return a;
  }

  /// The usual text form: dotted quad, or RFC 5952's IPv6 form (`inet_ntop`).
  std::string to_string() const {
    char buf[64] = {};
    if (!detail::format_address(is_v4() ? detail::af_inet : detail::af_inet6, bytes_.data(), buf, sizeof buf))
      return std::string();
    return std::string(static_cast<const char*>(buf), detail::text_length(buf));
  }

  friend bool operator==(const address& a, const address& b) noexcept {
    return a.family_ == b.family_ && detail::compare_bytes(a.bytes_.data(), b.bytes_.data(), a.size()) == 0;
  }
  friend bool operator!=(const address& a, const address& b) noexcept { return !(a == b); }
  friend bool operator<(const address& a, const address& b) noexcept {
    if (a.family_ != b.family_)
      return a.is_v4();
    return detail::compare_bytes(a.bytes_.data(), b.bytes_.data(), a.size()) < 0;
  }
  friend bool operator>(const address& a, const address& b) noexcept { return b < a; }
  friend bool operator<=(const address& a, const address& b) noexcept { return !(b < a); }
  friend bool operator>=(const address& a, const address& b) noexcept { return !(a < b); }

  /// A hash of the family and the meaningful bytes (what std::hash<address> returns).
  std::size_t hash() const noexcept {
    std::size_t h = is_v4() ? 0x9e3779b9u : 0x7f4a7c15u; // FNV-1a over the meaningful bytes
    for (std::size_t i = 0; i < size(); ++i)
      h = (h ^ bytes_[i]) * detail::fnv_prime<sizeof(std::size_t)>::value;
    return h;
  }

private:
  friend struct detail::address_access;
  mcast::family family_ = mcast::family::v4;
  std::array<unsigned char, 16> bytes_{};
};

/// Parses an IPv4 dotted quad or an IPv6 address (no scope suffix, no brackets).
/// errc::invalid_address otherwise; the noexcept form then returns 0.0.0.0.
inline address make_address(std::string_view text, std::error_code& ec) noexcept {
  ec.clear();
  char buf[64];
  if (text.empty() || text.size() >= sizeof buf || text.find('\0') != std::string_view::npos) {
    ec = make_error_code(errc::invalid_address);
    return address();
  }
  detail::copy_bytes(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  detail::in4_addr_type a4{};
  if (detail::parse_v4(buf, a4))
    return address(a4);
  detail::in6_addr_type a6{};
  if (detail::parse_v6(buf, a6))
    return address(a6);
  ec = make_error_code(errc::invalid_address);
  return address();
}

/// Parses an address, as the `std::error_code&` overload does.
/// @throws std::system_error errc::invalid_address.
inline address make_address(std::string_view text) {
  std::error_code ec;
  address a = make_address(text, ec);
  detail::throw_if(ec, "mcast::make_address");
  return a;
}

class group;
class source;

namespace detail {
// The one way around group's and source's private constructors, for an address already checked
// (group_error / source_error said errc{}).
struct value_access {
  static group group_of(const address& a) noexcept;
  static source source_of(const address& a) noexcept;
};

// What make_group / make_source refuse `a` with; errc{} when it is a group / a source.
inline errc group_error(const address& a) noexcept { return a.is_multicast() ? errc{} : errc::not_multicast; }
inline errc source_error(const address& a) noexcept {
  if (a.is_multicast() || a.is_unspecified() || a.is_limited_broadcast())
    return errc::not_unicast;
  return a.is_v4_mapped() ? errc::family_mismatch : errc{};
}
} // namespace detail

namespace detail {
// What group and source share: an address checked when the value was made, its accessors, its
// comparisons and its hash (`Salt` keeps a group's and a source's hashes of one address apart).
// The constructor is the value type's, and private there: only make_group / make_source make one.
template <class Value, std::size_t Salt> class checked_address {
public:
  const ::mcast::address& address() const noexcept { return address_; }
  mcast::family family() const noexcept { return address_.family(); }
  bool is_v4() const noexcept { return address_.is_v4(); }
  bool is_v6() const noexcept { return address_.is_v6(); }
  std::string to_string() const { return address_.to_string(); }
  std::size_t hash() const noexcept { return address_.hash() ^ Salt; }

  friend bool operator==(const Value& a, const Value& b) noexcept { return a.address() == b.address(); }
  friend bool operator!=(const Value& a, const Value& b) noexcept { return a.address() != b.address(); }
  friend bool operator<(const Value& a, const Value& b) noexcept { return a.address() < b.address(); }
  friend bool operator>(const Value& a, const Value& b) noexcept { return b.address() < a.address(); }
  friend bool operator<=(const Value& a, const Value& b) noexcept { return !(b.address() < a.address()); }
  friend bool operator>=(const Value& a, const Value& b) noexcept { return !(a.address() < b.address()); }

protected:
  explicit checked_address(const ::mcast::address& a) noexcept : address_(a) {}

private:
  ::mcast::address address_;
};
} // namespace detail

/// A multicast address (224.0.0.0/4 or ff00::/8). There is no default group: a value of this
/// type is always a multicast address. Made by make_group(). address(), family(), is_v4(),
/// is_v6(), to_string(), hash() and the comparisons (by address) come from detail::checked_address.
class group : public detail::checked_address<group, 0x51> {
private:
  explicit group(const ::mcast::address& a) noexcept : checked_address(a) {}
  friend struct detail::value_access;
};

/// A unicast address that can send: not multicast, not unspecified, not 255.255.255.255.
/// There is no default source. Made by make_source(). Its accessors and comparisons are group's.
class source : public detail::checked_address<source, 0x53> {
private:
  explicit source(const ::mcast::address& a) noexcept : checked_address(a) {}
  friend struct detail::value_access;
};

inline group detail::value_access::group_of(const address& a) noexcept { return group(a); }
inline source detail::value_access::source_of(const address& a) noexcept { return source(a); }

// The noexcept forms below are function templates whose one parameter defaults to the value type
// they make (and may be nothing else): a translation unit that does not call them then
// instantiates no std::optional<group> / std::optional<source> (about 0.02 s of compile time each,
// measured with g++ 12). Call them without template arguments; the throwing forms do not use
// std::optional.

namespace detail {
// What makes a group or a source from an address or text, written once for both (`what`: the
// throwing form's name).
template <class Value> errc value_error(const address& a) noexcept {
  if constexpr (std::is_same_v<Value, group>)
    return group_error(a);
  else
    return source_error(a);
}
template <class Value> Value value_of(const address& a) noexcept {
  if constexpr (std::is_same_v<Value, group>)
    return value_access::group_of(a);
  else
    return value_access::source_of(a);
}
template <class Value> std::optional<Value> make_value(const address& a, std::error_code& ec) noexcept {
  const errc e = value_error<Value>(a);
  if (e != errc{}) {
    ec = make_error_code(e);
    return std::nullopt;
  }
  ec.clear();
  return value_of<Value>(a);
}
template <class Value> std::optional<Value> make_value(std::string_view text, std::error_code& ec) noexcept {
  const address a = make_address(text, ec);
  if (ec)
    return std::nullopt;
  return make_value<Value>(a, ec);
}
template <class Value> Value make_value(const address& a, const char* what) {
  const errc e = value_error<Value>(a);
  if (e != errc{})
    throw_if(make_error_code(e), what);
  return value_of<Value>(a);
}
template <class Value> Value make_value(std::string_view text, const char* what) {
  std::error_code ec;
  const address a = make_address(text, ec);
  throw_if(ec, what);
  return make_value<Value>(a, what);
}
} // namespace detail

/// errc::not_multicast unless `a` is a multicast address; the noexcept form returns no value then.
template <class Group = group> std::optional<Group> make_group(const address& a, std::error_code& ec) noexcept {
  static_assert(std::is_same_v<Group, group>, "mcast: call make_group() without template arguments");
  return detail::make_value<group>(a, ec);
}

/// Parses `text` as a group: errc::invalid_address or errc::not_multicast; no value then.
template <class Group = group> std::optional<Group> make_group(std::string_view text, std::error_code& ec) noexcept {
  static_assert(std::is_same_v<Group, group>, "mcast: call make_group() without template arguments");
  return detail::make_value<group>(text, ec);
}

/// A group from an address.
/// @throws std::system_error errc::not_multicast.
inline group make_group(const address& a) { return detail::make_value<group>(a, "mcast::make_group"); }

/// Parses a group: `mcast::make_group("239.1.2.3")`, `make_group("ff15::1")`.
/// @throws std::system_error errc::invalid_address or errc::not_multicast.
inline group make_group(std::string_view text) { return detail::make_value<group>(text, "mcast::make_group"); }

/// errc::not_unicast for a multicast, unspecified or limited-broadcast address;
/// errc::family_mismatch for an IPv4-mapped IPv6 address (\::ffff:a.b.c.d): no IPv6 datagram comes
/// from one, and as an IPv4 source it must be written as IPv4. The noexcept form returns no value
/// then.
template <class Source = source> std::optional<Source> make_source(const address& a, std::error_code& ec) noexcept {
  static_assert(std::is_same_v<Source, source>, "mcast: call make_source() without template arguments");
  return detail::make_value<source>(a, ec);
}

/// Parses `text` as a source: errc::invalid_address, errc::not_unicast or errc::family_mismatch; no
/// value then.
template <class Source = source>
std::optional<Source> make_source(std::string_view text, std::error_code& ec) noexcept {
  static_assert(std::is_same_v<Source, source>, "mcast: call make_source() without template arguments");
  return detail::make_value<source>(text, ec);
}

/// A source from an address.
/// @throws std::system_error errc::not_unicast or errc::family_mismatch.
inline source make_source(const address& a) { return detail::make_value<source>(a, "mcast::make_source"); }

/// Parses a source: `mcast::make_source("192.0.2.7")`.
/// @throws std::system_error errc::invalid_address, errc::not_unicast or errc::family_mismatch.
inline source make_source(std::string_view text) { return detail::make_value<source>(text, "mcast::make_source"); }

MCAST_END_NAMESPACE

/// Hashes an mcast::address, so that it can key an unordered container.
template <> struct std::hash<mcast::address> {
  /// Returns `a.hash()`.
  std::size_t operator()(const mcast::address& a) const noexcept { return a.hash(); }
};
/// Hashes an mcast::group, so that it can key an unordered container.
template <> struct std::hash<mcast::group> {
  /// Returns `g.hash()`.
  std::size_t operator()(const mcast::group& g) const noexcept { return g.hash(); }
};
/// Hashes an mcast::source, so that it can key an unordered container.
template <> struct std::hash<mcast::source> {
  /// Returns `s.hash()`.
  std::size_t operator()(const mcast::source& s) const noexcept { return s.hash(); }
};

#endif // MCAST_ADDRESS_HPP
