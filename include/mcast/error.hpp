// mcast/error.hpp -- mcast::errc, its category, and the one translation of system errors.
//
// Copyright (c) 2026 The mcast authors.
// Distributed under the Boost Software License, Version 1.0 (see LICENSE).
#ifndef MCAST_ERROR_HPP
#define MCAST_ERROR_HPP

#if defined(_MSC_VER)
#pragma once
#endif

#include "detail/socket_types.hpp"

#include <cstring>
#include <string>
#include <system_error>

MCAST_BEGIN_NAMESPACE

/// Portable error conditions. Compare any `std::error_code` the library gives you with them:
/// `if (ec == mcast::errc::already_joined) ...` -- the same on Windows and Linux.
///
/// Like `std::errc`, this is an error *condition* enum. Errors the library detects itself (bad
/// values, ordering rules) are codes of `mcast::error_category()`; when a kernel refusal was
/// translated the code also keeps the raw system error, see `mcast::system_error_of()`. Codes the
/// raw layer (`mcast::set_option`) returns are the untouched system codes; they still compare
/// equal to the condition they unambiguously mean (ENOBUFS == errc::limit_exceeded, ...).
enum class errc {
  invalid_address = 1,    ///< the text is not an IPv4 or IPv6 address
  not_multicast,          ///< a group address that is not multicast
  not_unicast,            ///< a source that is multicast, unspecified or the limited broadcast
  family_mismatch,        ///< IPv4 and IPv6 mixed (group, source, option family, interface)
  no_such_interface,      ///< the interface name, index or address names no interface
  no_ipv4_address,        ///< an IPv4 option on POSIX needs the interface's IPv4 address; it has none
  already_joined,         ///< the group is already joined on this socket and interface
  not_joined,             ///< the group is not joined (never, or no longer)
  source_already_present, ///< the source is already blocked / already included
  source_not_present,     ///< the source is not blocked / not included
  wrong_mode,             ///< the operation needs the other kind of membership (any-source vs source-specific)
  limit_exceeded,         ///< too many groups or sources for the stack (Linux igmp_max_msf, ...)
  unsupported,            ///< this stack does not implement the option or IOCTL (WSAENOPROTOOPT, ...)
  invalid_sequence,       ///< apply_sequence: the options cannot be applied in this order
  still_joined,           ///< a call failed half way and so did the leave that undoes it: the group is still joined
};

namespace detail {

// Which operation failed decides what an ambiguous kernel error means (semantics.md §4.2).
enum class operation { join_any, leave_group, join_source, leave_source, block, unblock, set_filter, get_filter, other };

inline const char* errc_text(int e) noexcept {
  switch (static_cast<errc>(e)) {
  case errc::invalid_address: return "not an IPv4 or IPv6 address";
  case errc::not_multicast: return "the group address is not a multicast address";
  case errc::not_unicast: return "the source address must be a specified unicast address";
  case errc::family_mismatch: return "IPv4 and IPv6 addresses or options are mixed";
  case errc::no_such_interface: return "no such network interface";
  case errc::no_ipv4_address: return "the interface has no IPv4 address (needed by the IP_* options on this platform)";
  case errc::already_joined: return "the group is already joined on this socket and interface";
  case errc::not_joined: return "the group is not joined on this socket and interface";
  case errc::source_already_present: return "the source is already blocked or included";
  case errc::source_not_present: return "the source is not blocked or included";
  case errc::wrong_mode: return "the operation does not fit the membership's mode (any-source vs source-specific)";
  case errc::limit_exceeded: return "too many groups or sources for this socket";
  case errc::unsupported: return "the network stack does not support this option";
  case errc::invalid_sequence: return "the options cannot be applied in this order";
  case errc::still_joined: return "the call failed and so did the leave that undoes it: the group is still joined";
  }
  return "unknown mcast error";
}

// Maps a raw system error to the condition it means whatever the operation was.
inline int unambiguous_condition(int raw) noexcept {
  if (raw == sys_errc::no_buffers || raw == sys_errc::no_memory)
    return static_cast<int>(errc::limit_exceeded);
  if (raw == sys_errc::no_protocol_option || raw == sys_errc::not_supported)
    return static_cast<int>(errc::unsupported);
  if (raw == sys_errc::no_device)
    return static_cast<int>(errc::no_such_interface);
  return 0;
}

// Value layout of a code in mcast's category: the errc in the low byte, the raw system error
// (if the code is a translation) above it.
inline constexpr int errc_bits = 8;

class category_impl final : public std::error_category {
public:
  const char* name() const noexcept override { return "mcast"; }

  std::string message(int value) const override {
    std::string text = errc_text(value & ((1 << errc_bits) - 1));
    if (int raw = value >> errc_bits; raw != 0)
      text += " (system error " + std::to_string(raw) + ": " + std::system_category().message(raw) + ")";
    return text;
  }

  std::error_condition default_error_condition(int value) const noexcept override {
    return std::error_condition(value & ((1 << errc_bits) - 1), *this);
  }

  bool equivalent(const std::error_code& code, int condition) const noexcept override {
    if (code.category() == *this)
      return (code.value() & ((1 << errc_bits) - 1)) == condition;
    // The system's own codes -- and Asio's, whose Windows category ("asio.system") carries the
    // raw WSA numbers too (socket.set_option(opt, ec) reports through it).
    if (code.category() == std::system_category() || code.category() == std::generic_category() ||
        std::strcmp(code.category().name(), "asio.system") == 0)
      return code.value() != 0 && unambiguous_condition(code.value()) == condition;
    return false;
  }
};

} // namespace detail

/// The category of every error code whose meaning mcast decided.
inline const std::error_category& error_category() noexcept {
  static const detail::category_impl instance;
  return instance;
}

inline std::error_code make_error_code(errc e) noexcept {
  return std::error_code(static_cast<int>(e), error_category());
}

inline std::error_condition make_error_condition(errc e) noexcept {
  return std::error_condition(static_cast<int>(e), error_category());
}

/// The raw system error behind `ec`, for diagnosis: the code itself when it is a system code,
/// the translated one when mcast translated it, and an empty code when mcast detected the
/// problem itself before any system call.
inline std::error_code system_error_of(const std::error_code& ec) noexcept {
  if (ec.category() == error_category()) {
    int raw = ec.value() >> detail::errc_bits;
    return raw != 0 ? std::error_code(raw, std::system_category()) : std::error_code();
  }
  return ec;
}

namespace detail {

inline std::error_code system_error(int raw) noexcept {
  return std::error_code(raw, std::system_category());
}

inline std::error_code translated(errc e, int raw) noexcept {
  return std::error_code(static_cast<int>(e) | (raw << errc_bits), error_category());
}

// The one place a kernel refusal becomes a portable error. Linux and Windows answer the same
// misuse with different numbers (EADDRINUSE vs WSAEADDRNOTAVAIL for a second join, ...); what
// the operation was tells which condition is meant. Anything not listed stays a system code.
inline std::error_code translate(operation op, int raw) noexcept {
  using namespace sys_errc;
  if (int cond = unambiguous_condition(raw); cond != 0)
    return translated(static_cast<errc>(cond), raw);
  switch (op) {
  case operation::join_any:
    if (raw == addr_in_use || raw == addr_not_avail)
      return translated(errc::already_joined, raw);
    break;
  case operation::join_source:
    if (raw == addr_in_use)
      return translated(errc::already_joined, raw);
    if (raw == addr_not_avail)
      return translated(errc::source_already_present, raw);
    if (raw == invalid)
      return translated(errc::wrong_mode, raw);
    break;
  case operation::leave_group:
    if (raw == addr_not_avail || raw == invalid)
      return translated(errc::not_joined, raw);
    break;
  case operation::leave_source:
    if (raw == addr_not_avail)
      return translated(errc::source_not_present, raw);
    if (raw == invalid)
      return translated(errc::not_joined, raw);
    break;
  case operation::block:
    if (raw == addr_not_avail)
      return translated(errc::source_already_present, raw);
    if (raw == invalid)
      return translated(errc::wrong_mode, raw);
    break;
  case operation::unblock:
    if (raw == addr_not_avail || raw == invalid)
      return translated(errc::source_not_present, raw);
    break;
  case operation::set_filter:
  case operation::get_filter:
    if (raw == addr_not_avail || raw == invalid)
      return translated(errc::not_joined, raw);
    break;
  case operation::other:
    break;
  }
  return system_error(raw);
}

// ec.clear() reaches libstdc++'s out-of-line system_category() every time; on the hot paths
// (every handle operation) clear only what is set. A value of 0 means success in any category.
inline void clear(std::error_code& ec) noexcept {
  if (ec.value() != 0)
    ec.clear();
}

[[noreturn]] inline void throw_error(const std::error_code& ec, const char* what) {
  throw std::system_error(ec, what);
}

inline void throw_if(const std::error_code& ec, const char* what) {
  if (ec)
    throw_error(ec, what);
}

} // namespace detail

MCAST_END_NAMESPACE

namespace std {
template <> struct is_error_condition_enum<::mcast::errc> : true_type {};
} // namespace std

#endif // MCAST_ERROR_HPP
