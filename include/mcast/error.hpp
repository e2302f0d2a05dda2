// mcast/error.hpp -- mcast::errc, its categories, and how a system error keeps its meaning.
//
// Copyright (c) 2026 The mcast authors.
// Distributed under the Boost Software License, Version 1.0 (see LICENSE).
//
// Two kinds of std::error_code come out of the library, and `ec.value()` is never a mix:
// - a problem mcast found itself (a bad value, an ordering rule): value = the errc, category
//   mcast::error_category();
// - a kernel refusal mcast translated: value = the raw system error, exactly as the system gave
//   it, in a category that says which errc it means. Its message is the errc's text plus the
//   system's; mcast::system_error_of() gives the raw code in the system category.
// Either compares equal to its errc (`ec == mcast::errc::already_joined`), as Boost.Beast
// separates codes from conditions. Raw system codes (the raw layer, Asio's codes) compare equal to
// the conditions they unambiguously mean (ENOBUFS == errc::limit_exceeded, ...); a code mcast
// passes on untranslated stays in std::system_category() / std::generic_category().
// Which raw code means what for which operation is decided by the rule table
// (detail/rule_table.hpp), not here.
//
// The categories, and why each exists (Beast needs two plain enums because its codes are its
// own; mcast keeps the system's number in every code that came from the kernel):
// - error_category() ("mcast"): the errc codes and conditions. Needed by any library with an enum.
// - one translated category per errc ("mcast.system", 18): a std::error_code is only a value and
//   a category. The value is the system's number (so logs and system_error_of() show what the
//   kernel said), so the meaning -- which errc, decided by the operation and the membership's
//   state, not by the number (EINVAL is not_joined for a leave, wrong_mode for a block) -- can
//   only travel in the category. One category for all would keep the number and lose the meaning.
// - one limit category per limit_kind (4): limit_exceeded whose message names the stack's setting
//   that bounds the call (Linux: net.ipv4.igmp_max_memberships, ...). error_category::message()
//   is given the value alone, so what the message names must be the category.
// Internally a failure travels as detail::failure (detail/kernel_request.hpp, where its layout
// is written) and becomes one of these only when something failed.
#ifndef MCAST_ERROR_HPP
#define MCAST_ERROR_HPP

#if defined(_MSC_VER)
#pragma once
#endif

#include "detail/platform/platform.hpp"

#include <string>
#include <system_error>

MCAST_BEGIN_NAMESPACE

// Every errc with its message: the enum, the messages and the translated categories come from
// this one list.
#define MCAST_DETAIL_ERRC_LIST(X)                                                                                      \
  X(invalid_address, "not an IPv4 or IPv6 address")                                                                    \
  X(not_multicast, "the group address is not a multicast address")                                                     \
  X(not_unicast, "the source address must be a specified unicast address")                                             \
  X(family_mismatch, "IPv4 and IPv6 addresses, options or sockets are mixed")                                          \
  X(no_such_interface, "no such network interface")                                                                    \
  X(no_ipv4_address, "the interface has no IPv4 address (needed by the IP_* options on this platform)")                \
  X(already_joined, "the group is already joined on this socket and interface")                                        \
  X(not_joined, "the group is not joined on this socket and interface")                                                \
  X(source_already_present, "the source is already blocked or included")                                               \
  X(source_not_present, "the source is not blocked or included")                                                       \
  X(wrong_mode, "the operation does not fit the membership's mode (any-source vs source-specific)")                    \
  X(limit_exceeded, "too many groups or sources for this socket")                                                      \
  X(unsupported, "the network stack does not support this option")                                                     \
  X(invalid_sequence, "the options cannot be applied in this order")                                                   \
  X(still_joined, "the call failed and so did the leave that undoes it: the group is still joined")                    \
  X(invalid_value, "the value is outside the option's range")                                                          \
  X(port_in_use, "the port is held by a socket that does not share it (it did not set SO_REUSEADDR: on Linux a "       \
                 "program that sets only SO_REUSEPORT, or neither)")                                                   \
  X(ambiguous_interface,                                                                                               \
    "the interface's IPv4 address is held by another interface too: the IP_* options that "                            \
    "name an interface by address cannot name it (the protocol-independent API names it by index)")

/// Portable error conditions. Compare any `std::error_code` the library gives you with them:
/// `if (ec == mcast::errc::already_joined) ...` -- the same on every platform. Like `std::errc`
/// this is an error *condition* enum (see the top of this file for the codes behind it). The
/// messages are in MCAST_DETAIL_ERRC_LIST above, in this order.
/// @par Which codes come from where
/// - family_mismatch: a group, source (an IPv4-mapped \::ffff:a.b.c.d one too) or option of the
///   other family, or a socket that can never receive the group (an IPv6 group on an IPv4 socket,
///   an IPv4 group on an `IPV6_V6ONLY` socket); found before any change (Linux and Windows read the
///   socket's family first).
/// - no_such_interface: an unknown name, index or address, a Linux address label (`lo:0`), no route
///   to the group for network_interface::any() (none, or a `prohibit`, `blackhole` or `unreachable`
///   one: the lookup's ENETUNREACH, EACCES, EINVAL or EHOSTUNREACH is kept), Linux ENODEV, or a first
///   join Windows refuses for its interface (WSAEADDRNOTAVAIL / WSAEINVAL: disconnected, VPN and
///   virtual adapters).
/// - ambiguous_interface: the IP_* source calls (`ip_mreq_source` has no by-index form) on an
///   interface whose IPv4 address another interface holds too; Linux api::ipv4 joins and leaves go
///   by index (`ip_mreqn`) and are not refused.
/// - already_joined, not_joined, source_already_present, source_not_present, wrong_mode: the
///   ordering rules (detail/rule_table.hpp; the README prints the table with each stack's raw
///   codes). The handles and apply_sequence refuse them before the call where they can know; a
///   kernel's refusal is read by the rule table, and where one raw code answers several rules
///   (Windows' WSAEINVAL) the handle's own state decides.
/// - limit_exceeded: ENOBUFS / ENOMEM (Windows WSAENOBUFS). On Linux the message names the setting
///   that bounds the call and its value now: `net.ipv4.igmp_max_memberships` (IPv4 groups per
///   socket, 20 by default), `net.ipv4.igmp_max_msf` / `net.ipv6.mld_max_msf` (sources per group and
///   socket, 10 / 64), `net.core.optmem_max` (option memory per socket: the only bound on IPv6
///   groups, and the next one for IPv4 groups once their count is raised).
/// - unsupported: ENOPROTOOPT / EOPNOTSUPP and their WSA twins, or an option mcast knows the stack
///   lacks (found before any call).
/// - still_joined: apply_sequence only; a handle in that case stays joined instead, so that its
///   destructor retries. The raw code is the first failure's.
/// - invalid_value: mcast::set_option refuses it before any call; through Asio's set_option or a raw
///   setsockopt such an option names no option and hands no bytes, which every stack refuses
///   (ENOPROTOOPT; Windows WSAENOPROTOOPT). A null receive buffer of non-zero size too.
/// - port_in_use: the bind's EADDRINUSE (WSAEADDRINUSE), kept as the raw code; the throwing
///   bind_receiver names the port in its message.
enum class errc {
  invalid_address = 1,    ///< the text is not an IPv4 or IPv6 address
  not_multicast,          ///< a group address that is not multicast
  not_unicast,            ///< a source that is multicast, unspecified or the limited broadcast
  family_mismatch,        ///< IPv4 and IPv6 mixed (group, source, option family, interface, socket)
  no_such_interface,      ///< the interface name, index or address names no interface (or no route leads to the group)
  no_ipv4_address,        ///< an IPv4 option on POSIX needs the interface's IPv4 address; it has none
  already_joined,         ///< the group is already joined on this socket and interface
  not_joined,             ///< the group is not joined (never, or no longer)
  source_already_present, ///< the source is already blocked / already included
  source_not_present,     ///< the source is not blocked / not included
  wrong_mode,             ///< the operation needs the other kind of membership (any-source vs source-specific)
  limit_exceeded,         ///< too many groups or sources for the stack (Linux igmp_max_msf, ...)
  unsupported,            ///< this stack does not implement the option or IOCTL (ENOPROTOOPT, WSAENOPROTOOPT, ...)
  invalid_sequence,       ///< apply_sequence: the options cannot be applied in this order
  still_joined,           ///< a call failed half way and so did the leave that undoes it: the group is still joined
  invalid_value,          ///< a socket option's value outside its range (TTL 0..255, hops -1..255)
  port_in_use,            ///< bind_receiver: a socket that does not share the port holds it (raw EADDRINUSE kept)
  ambiguous_interface,    ///< IP_* by address (POSIX) on an interface whose IPv4 address another interface holds too
};

namespace detail {
// The list above and the enum agree, entry by entry.
inline constexpr errc errc_list_order[] = {
#define MCAST_DETAIL_ERRC_ORDER(name, text) errc::name,
    MCAST_DETAIL_ERRC_LIST(MCAST_DETAIL_ERRC_ORDER)
#undef MCAST_DETAIL_ERRC_ORDER
};
constexpr bool errc_list_in_order() noexcept {
  for (std::size_t i = 0; i < sizeof errc_list_order / sizeof errc_list_order[0]; ++i)
    if (static_cast<std::size_t>(errc_list_order[i]) != i + 1)
      return false;
  return sizeof errc_list_order / sizeof errc_list_order[0] == static_cast<std::size_t>(errc::ambiguous_interface);
}
static_assert(errc_list_in_order(), "mcast: MCAST_DETAIL_ERRC_LIST and enum errc must list the same errors in order");
} // namespace detail

namespace detail {

// Which operation failed decides what an ambiguous kernel error means (rule_table.hpp).
enum class operation : unsigned char {
  join_any,
  leave_group,
  join_source,
  leave_source,
  block,
  unblock,
  set_filter,
  get_filter,
  other
};

inline constexpr int errc_count = static_cast<int>(errc::ambiguous_interface);

inline const char* errc_text(int e) noexcept {
  switch (static_cast<errc>(e)) {
#define MCAST_DETAIL_ERRC_TEXT(name, text)                                                                             \
  case errc::name: return text;
    MCAST_DETAIL_ERRC_LIST(MCAST_DETAIL_ERRC_TEXT)
#undef MCAST_DETAIL_ERRC_TEXT
  }
  return "unknown mcast error";
}

// The enumerator's name, for documentation and diagnostics ("already_joined").
inline const char* errc_name(errc e) noexcept {
  switch (e) {
#define MCAST_DETAIL_ERRC_NAME(name, text)                                                                             \
  case errc::name: return #name;
    MCAST_DETAIL_ERRC_LIST(MCAST_DETAIL_ERRC_NAME)
#undef MCAST_DETAIL_ERRC_NAME
  }
  return "?";
}

// The systems whose error numbers mcast reads. macOS and FreeBSD share the BSD column of the
// rule table, not every number (EOPNOTSUPP). `other`: a system mcast names no numbers for (read
// from its own headers, translated by Linux's column, as before this list existed).
enum class os : unsigned char { windows, linux_kernel, macos, freebsd, other };

// The error numbers the translation reads, per system, as data: the translation of every
// system's numbers is a pure function that runs anywhere (tests/unit/error_test.cpp runs all
// four on each platform); the static_assert below pins this platform's row to its own headers.
struct error_numbers {
  int invalid, addr_in_use, addr_not_avail, no_buffers, no_memory, no_device, no_protocol_option, not_supported;
};
constexpr error_numbers numbers_of(os o) noexcept {
  switch (o) {
  case os::windows: // WSAE* = WSABASEERR (10000) + the BSD number; ERROR_NOT_ENOUGH_MEMORY; no ENODEV
    return {10022, 10048, 10049, 10055, 8, -1, 10042, 10045};
  case os::linux_kernel: return {22, 98, 99, 105, 12, 19, 92, 95};
  case os::macos: return {22, 48, 49, 55, 12, 19, 42, 102}; // EOPNOTSUPP as user space sees it (__DARWIN_UNIX03)
  case os::freebsd: return {22, 48, 49, 55, 12, 19, 42, 45};
  case os::other:
    return {sys_errc::invalid,   sys_errc::addr_in_use, sys_errc::addr_not_avail,     sys_errc::no_buffers,
            sys_errc::no_memory, sys_errc::no_device,   sys_errc::no_protocol_option, sys_errc::not_supported};
  }
  return {};
}
inline constexpr os this_os = is_windows ? os::windows
                              : is_linux ? os::linux_kernel
                              : !is_bsd  ? os::other
                              : is_macos ? os::macos
                                         : os::freebsd;
static_assert(numbers_of(this_os).invalid == sys_errc::invalid &&
                  numbers_of(this_os).addr_in_use == sys_errc::addr_in_use &&
                  numbers_of(this_os).addr_not_avail == sys_errc::addr_not_avail &&
                  numbers_of(this_os).no_buffers == sys_errc::no_buffers &&
                  numbers_of(this_os).no_memory == sys_errc::no_memory &&
                  numbers_of(this_os).no_device == sys_errc::no_device &&
                  numbers_of(this_os).no_protocol_option == sys_errc::no_protocol_option &&
                  numbers_of(this_os).not_supported == sys_errc::not_supported,
              "mcast: numbers_of(this_os) differs from this platform's own error numbers");

// Maps a raw system error of system `o` to the condition it means whatever the operation was
// (0: none).
constexpr int unambiguous_condition_on(os o, int raw) noexcept {
  const error_numbers n = numbers_of(o);
  if (raw == n.no_buffers || raw == n.no_memory)
    return static_cast<int>(errc::limit_exceeded);
  if (raw == n.no_protocol_option || raw == n.not_supported)
    return static_cast<int>(errc::unsupported);
  if (raw == n.no_device)
    return static_cast<int>(errc::no_such_interface);
  return 0;
}
inline int unambiguous_condition(int raw) noexcept { return unambiguous_condition_on(this_os, raw); }

// Categories whose values are the system's own error numbers besides std::system_category():
// Asio's "asio.system" (mcast/asio.hpp registers it, by identity). Two slots are plenty.
// (Read and written only through load_pointer / install_pointer: atomic.)
inline const std::error_category* foreign_system_categories[2] = {};

inline void register_system_category(const std::error_category& c) noexcept {
  for (auto& slot : foreign_system_categories) {
    const std::error_category* held = install_pointer(&slot, &c);
    if (held == nullptr || held == &c)
      return;
  }
}

inline bool is_system_like(const std::error_category& c) noexcept {
  if (c == std::system_category() || c == std::generic_category())
    return true;
  for (const auto& slot : foreign_system_categories)
    if (load_pointer(&slot) == &c)
      return true;
  return false;
}

const std::error_category& translated_category(errc e) noexcept;

class category_impl final : public std::error_category {
public:
  const char* name() const noexcept override { return "mcast"; }
  std::string message(int value) const override { return errc_text(value); }
  bool equivalent(const std::error_code& code, int condition) const noexcept override {
    if (code.category() == *this)
      return code.value() == condition;
    if (is_system_like(code.category()))
      return code.value() != 0 && unambiguous_condition(code.value()) == condition;
    return code.category().default_error_condition(code.value()) == std::error_condition(condition, *this);
  }
};

// A kernel refusal that means `e`: the value is the raw system error.
class translated_category_impl final : public std::error_category {
public:
  // Not constexpr: std::error_category's constructor is not constexpr in the MSVC STL before
  // VS 2022 17.5 (VS 2019 16.11 included). The instances live in a function-local static.
  explicit translated_category_impl(errc e) noexcept : meaning_(e) {}
  // A limit_exceeded whose message names the setting that bounds it (see limit_kind).
  explicit translated_category_impl(limit_kind k) noexcept
      : meaning_(errc::limit_exceeded), limit_(k), names_limit_(true) {}
  const char* name() const noexcept override { return "mcast.system"; }
  std::string message(int raw) const override {
    std::string m = std::string(errc_text(static_cast<int>(meaning_))) + " (system error " + std::to_string(raw) +
                    ": " + std::system_category().message(raw) + ")";
    if (names_limit_)
      m += limit_advice();
    return m;
  }
  std::error_condition default_error_condition(int) const noexcept override;
  errc meaning() const noexcept { return meaning_; }

private:
  // "; Linux: net.ipv4.igmp_max_msf (now 10) bounds ...": the settings with their values now.
  std::string limit_advice() const {
    if constexpr (!names_limit_settings) {
      return std::string();
    } else {
      const bool groups = limit_ == limit_kind::groups_v4 || limit_ == limit_kind::groups_v6;
      const limit_setting& count = limit_settings[static_cast<int>(limit_)];
      auto named = [](const limit_setting& s) {
        const long v = read_limit_setting(s);
        return std::string(s.name) + (v >= 0 ? " (now " + std::to_string(v) + ")" : std::string());
      };
      std::string m = "; Linux bounds ";
      if (count.name != nullptr)
        m += (groups ? "the groups per IPv4 socket by " : "the sources per group and socket by ") + named(count) +
             " and ";
      m += "the option memory per socket, which each group and source takes some of, by " + named(optmem_max) +
           ": raise the one reached (sysctl -w NAME=VALUE)";
      if (groups)
        m += ", or spread the groups over more sockets";
      return m;
    }
  }

  errc meaning_;
  limit_kind limit_ = limit_kind::groups_v4;
  bool names_limit_ = false;
};

} // namespace detail

/// The category of the codes for problems mcast found itself (value: the errc).
inline const std::error_category& error_category() noexcept {
  static const detail::category_impl instance;
  return instance;
}

/// An error code for `e` in error_category(); what `std::error_code ec = mcast::errc::...` calls.
inline std::error_code make_error_code(errc e) noexcept {
  return std::error_code(static_cast<int>(e), error_category());
}

/// An error condition for `e`: what `ec == mcast::errc::limit_exceeded` compares with, whichever
/// category `ec` is in (mcast's own, its translated system codes, the system's or Asio's).
inline std::error_condition make_error_condition(errc e) noexcept {
  return std::error_condition(static_cast<int>(e), error_category());
}

namespace detail {

inline std::error_condition translated_category_impl::default_error_condition(int) const noexcept {
  return make_error_condition(meaning_);
}

inline const translated_category_impl* translated_categories() noexcept {
  static const translated_category_impl all[] = {
#define MCAST_DETAIL_ERRC_CATEGORY(name, text) translated_category_impl(errc::name),
      MCAST_DETAIL_ERRC_LIST(MCAST_DETAIL_ERRC_CATEGORY)
#undef MCAST_DETAIL_ERRC_CATEGORY
  };
  return all;
}

inline const std::error_category& translated_category(errc e) noexcept {
  return translated_categories()[static_cast<int>(e) - 1];
}

// limit_exceeded, one category per limit_kind: the same condition, a message that names the
// setting.
inline const translated_category_impl* limit_categories() noexcept {
  static const translated_category_impl all[] = {
      translated_category_impl(limit_kind::groups_v4), translated_category_impl(limit_kind::groups_v6),
      translated_category_impl(limit_kind::sources_v4), translated_category_impl(limit_kind::sources_v6)};
  return all;
}

// The errc a translated code means, or errc{} when `c` is not one of the translated categories.
inline errc translated_meaning(const std::error_category& c) noexcept {
  const translated_category_impl* all = translated_categories();
  for (int i = 0; i < errc_count; ++i)
    if (&all[i] == &c)
      return all[i].meaning();
  const translated_category_impl* limits = limit_categories();
  for (int i = 0; i < 4; ++i)
    if (&limits[i] == &c)
      return errc::limit_exceeded;
  return errc{};
}

} // namespace detail

/// The raw system error behind `ec`, for diagnosis: the code itself when it is a system code,
/// the untranslated one when mcast translated it, and an empty code when mcast detected the
/// problem itself before any system call.
inline std::error_code system_error_of(const std::error_code& ec) noexcept {
  if (ec.category() == error_category())
    return std::error_code();
  if (detail::translated_meaning(ec.category()) != errc{})
    return std::error_code(ec.value(), std::system_category());
  return ec;
}

namespace detail {

inline std::error_code system_error(int raw) noexcept { return std::error_code(raw, std::system_category()); }

// "Nothing queued" from a receive that must not wait, as a code that compares equal to
// std::errc::operation_would_block with every standard library: the system's own code where its
// system_category() maps it (POSIX, MSVC's STL), else the generic one (MinGW's libstdc++ maps no
// Winsock code: there WSAEWOULDBLOCK would compare equal to nothing).
inline std::error_code would_block_code() noexcept {
  if constexpr (is_windows) {
    static const bool mapped =
        std::system_category().default_error_condition(would_block_error()) == std::errc::operation_would_block;
    if (!mapped)
      return std::make_error_code(std::errc::operation_would_block);
  }
  return system_error(would_block_error());
}

// A kernel refusal that means `e`; the raw number stays the value.
inline std::error_code translated(errc e, int raw) noexcept { return std::error_code(raw, translated_category(e)); }

// A limit_exceeded refusal whose message names the setting behind `k`; the raw number stays.
inline std::error_code translated_limit(limit_kind k, int raw) noexcept {
  return std::error_code(raw, limit_categories()[static_cast<int>(k)]);
}

// The kernel's refusal of the route lookup that stands for network_interface::any() (Linux
// RTM_GETROUTE): no route (ENETUNREACH), a prohibit (EACCES), blackhole (EINVAL) or unreachable
// (EHOSTUNREACH) route, whatever else it answers. The stack's own join on interface 0 fails with
// ENODEV for each, so each means no_such_interface; the lookup's answer stays the raw code.
inline std::error_code route_refused(int raw) noexcept { return translated(errc::no_such_interface, raw); }

// ec.clear() reaches libstdc++'s out-of-line system_category() every time; on the hot paths
// (every handle operation) clear only what is set. A value of 0 means success in any category.
inline void clear(std::error_code& ec) noexcept {
  if (ec.value() != 0)
    ec.clear();
}

[[noreturn]] inline void throw_error(const std::error_code& ec, const char* what) { throw std::system_error(ec, what); }

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
