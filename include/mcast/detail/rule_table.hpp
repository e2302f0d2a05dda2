// mcast/detail/rule_table.hpp -- THE rule table: every ordering rule once, with its errc, its
// compile-time sentence and the raw codes the stacks answer it with.
//
// Copyright (c) 2026 The mcast authors.
// Distributed under the Boost Software License, Version 1.0 (see LICENSE).
//
// Everything else derives from MCAST_DETAIL_RULES below: the handles' run-time checks and their
// compile-time messages, is_valid_sequence / apply_sequence (ordering.hpp), the translation of
// kernel refusals into errc (translate() here), the README's error table (checked by a unit test
// against rule_rows), and the conformance probe (mcast-probe). The Windows column is Microsoft's
// "Multicast Socket Option Behavior" table (written for IP_*; applied alike to MCAST_* and IPV6_*);
// the Linux column is what the kernel answers, measured by the tests; the BSD column (macOS and
// FreeBSD) is read from their kernels' in_mcast.c and in6_mcast.c, never run here.
#ifndef MCAST_DETAIL_RULE_TABLE_HPP
#define MCAST_DETAIL_RULE_TABLE_HPP

#if defined(_MSC_VER)
#pragma once
#endif

#include "../error.hpp"

#include <cstddef>

MCAST_BEGIN_NAMESPACE
namespace detail {

// The state of one (socket, interface, group): no membership, any-source (EXCLUDE mode with a
// blocked set), or source-specific (INCLUDE mode with a non-empty source set).
enum class mstate : unsigned char { none, any, src };

// The raw codes a row can be answered with, by meaning (the numbers differ per platform; see
// sys_errc in platform/windows.hpp, posix.hpp).
enum raw_code : unsigned { rc_none = 0, rc_inval = 1, rc_addrinuse = 2, rc_addrnotavail = 4 };

// clang-format off
// X(id, what it is, errc, Windows codes, Windows as documented, Linux codes, Linux as measured,
//   BSD codes, BSD as read (macOS and FreeBSD: xnu's and FreeBSD's in_mcast.c / in6_mcast.c, which
//   answer alike), sentence for a sequence (is_valid_sequence / apply_sequence), sentence for a
//   handle call)
// An empty sentence: the rule is never a compile-time error in that form.
#define MCAST_DETAIL_RULES(X)                                                                                     \
  X(not_joined, "anything but a join with no membership (never joined, or left)", not_joined, \
    rc_inval, "WSAEINVAL",                                                                                         \
    rc_addrnotavail | rc_inval, "EADDRNOTAVAIL (leave), EINVAL (source calls)",                                    \
    rc_addrnotavail, "EADDRNOTAVAIL",                                                                              \
    "mcast: invalid option sequence: after the group was left (or its last source dropped), or before the first "  \
    "join, only a new join is valid (Windows fails it with WSAEINVAL); start with join_group / join_source_group " \
    "/ ip_add_membership",                                                                                         \
    "")                                                                                                            \
  X(join_refused, "a join refused where mcast knows of no membership (the interface cannot take it)",              \
    no_such_interface,                                                                                             \
    rc_addrnotavail | rc_inval, "WSAEADDRNOTAVAIL or WSAEINVAL: an interface whose address is not usable "         \
    "(disconnected, VPN and virtual adapters); the same code as a second join of the group on this socket, "      \
    "which mcast cannot tell apart without a probe (the raw code is kept)",                                       \
    rc_none, "ENODEV (no_such_interface for any call)",                                                           \
    rc_addrnotavail, "EADDRNOTAVAIL (no such interface, or one without multicast)",                               \
    "", "")                                                                                                        \
  X(join_twice, "an any-source join on an any-source membership", already_joined, \
    rc_addrnotavail | rc_inval | rc_addrinuse, "WSAEADDRNOTAVAIL (WSAEINVAL after a BLOCK; Wine: WSAEADDRINUSE)",   \
    rc_addrinuse, "EADDRINUSE",                                                                                    \
    rc_addrinuse, "EADDRINUSE",                                                                                    \
    "mcast: invalid option sequence: the group is joined twice on one socket and interface (WSAEADDRNOTAVAIL on "  \
    "Windows, EADDRINUSE on Linux); leave it first, or join it on another interface",                              \
    "")                                                                                                            \
  X(source_join_on_any, "a source-specific join on an any-source membership", already_joined, \
    rc_addrnotavail | rc_inval, "WSAEADDRNOTAVAIL (WSAEINVAL after a BLOCK)",                                      \
    rc_inval, "accepted: the group silently switches to INCLUDE (EINVAL after a BLOCK); mcast refuses it first",   \
    rc_inval, "EINVAL",                                                                                            \
    "mcast: invalid option sequence: a source-specific join (ADD_SOURCE_MEMBERSHIP / JOIN_SOURCE_GROUP) on an "    \
    "any-source membership is refused by Windows (WSAEADDRNOTAVAIL, or WSAEINVAL after a BLOCK) and silently "     \
    "switches the filter on Linux; to accept a blocked source use UNBLOCK_SOURCE, to change mode leave first or "  \
    "use set_source_filter",                                                                                       \
    "mcast: include() needs a source-specific membership (join_source_group); an any-source membership already "   \
    "receives every source it does not block -- unblock the source instead (Windows refuses ADD_SOURCE_MEMBERSHIP " \
    "here with WSAEADDRNOTAVAIL)")                                                                                 \
  X(any_join_on_source, "an any-source join on a source-specific membership", already_joined, \
    rc_addrnotavail | rc_addrinuse, "WSAEADDRNOTAVAIL (Wine: WSAEADDRINUSE)",                                      \
    rc_addrinuse, "EADDRINUSE",                                                                                    \
    rc_inval, "EINVAL",                                                                                            \
    "mcast: invalid option sequence: an any-source join (ADD_MEMBERSHIP / JOIN_GROUP) after a source-specific "    \
    "join of the same group fails (WSAEADDRNOTAVAIL); leave the group first, or use set_source_filter to switch "  \
    "mode in one call",                                                                                            \
    "")                                                                                                            \
  X(source_leave_on_any, "a source leave on an any-source membership", wrong_mode, \
    rc_inval, "WSAEINVAL",                                                                                         \
    rc_addrnotavail | rc_inval, "EADDRNOTAVAIL and the filter becomes INCLUDE {} (EINVAL after a BLOCK); mcast "    \
    "refuses it first",                                                                                            \
    rc_addrnotavail, "EADDRNOTAVAIL",                                                                              \
    "mcast: invalid option sequence: DROP_SOURCE_MEMBERSHIP / LEAVE_SOURCE_GROUP on an any-source membership "     \
    "fails on Windows (WSAEINVAL) and corrupts the filter on Linux; use BLOCK_SOURCE to stop a source",            \
    "")                                                                                                            \
  X(block_on_source, "a block or unblock on a source-specific membership", wrong_mode, \
    rc_inval, "WSAEINVAL (documented for UNBLOCK; BLOCK is not in the table)",                                     \
    rc_inval, "EINVAL",                                                                                            \
    rc_inval, "EINVAL",                                                                                            \
    "mcast: invalid option sequence: BLOCK_SOURCE / UNBLOCK_SOURCE need an any-source membership (WSAEINVAL on a " \
    "source-specific one); drop the source with DROP_SOURCE_MEMBERSHIP / LEAVE_SOURCE_GROUP instead",              \
    "mcast: block() needs an any-source membership (join_group); a source-specific membership stops a source by "  \
    "dropping its included_source (Windows refuses BLOCK_SOURCE here with WSAEINVAL)")                             \
  X(unblock_without_block, "an unblock of a source that is not blocked", source_not_present, \
    rc_inval | rc_addrnotavail, "WSAEINVAL (never blocked), WSAEADDRNOTAVAIL (unblocked already)",                 \
    rc_addrnotavail, "EADDRNOTAVAIL",                                                                              \
    rc_addrnotavail, "EADDRNOTAVAIL",                                                                              \
    "mcast: invalid option sequence: more UNBLOCK_SOURCE than BLOCK_SOURCE (unblocking a source that is not "      \
    "blocked fails with WSAEINVAL); unblock only what the sequence blocked",                                       \
    "")                                                                                                            \
  X(source_twice, "the same source blocked or included twice", source_already_present, \
    rc_addrnotavail, "WSAEADDRNOTAVAIL",                                                                           \
    rc_addrnotavail, "EADDRNOTAVAIL",                                                                              \
    rc_addrnotavail, "EADDRNOTAVAIL",                                                                              \
    "", "")                                                                                                        \
  X(source_absent, "a source leave of a source that is not included", source_not_present, \
    rc_addrnotavail, "WSAEADDRNOTAVAIL",                                                                           \
    rc_addrnotavail, "EADDRNOTAVAIL (EINVAL once the last source is gone: not_joined)",                            \
    rc_addrnotavail, "EADDRNOTAVAIL (the last one leaves INCLUDE {}, still joined)",                               \
    "", "")                                                                                                        \
  X(filter_not_joined, "a filter read or set with no membership", not_joined, \
    rc_none, "not documented (the raw code is kept)",                                                              \
    rc_addrnotavail | rc_inval, "EADDRNOTAVAIL (read), EINVAL (IPv6 set)",                                         \
    rc_addrnotavail, "EADDRNOTAVAIL",                                                                              \
    "", "")                                                                                                        \
  X(mixed_families, "IPv4-only and IPv6-only options in one sequence", family_mismatch, \
    rc_none, "(compile time)",                                                                                     \
    rc_none, "(compile time)",                                                                                     \
    rc_none, "(compile time)",                                                                                     \
    "mcast: invalid option sequence: IPv4-only (IP_*) and IPv6-only (IPV6_*) options cannot name the same group; " \
    "use one family per sequence (MCAST_* works for both)",                                                        \
    "")                                                                                                            \
  X(ipv6_api_no_sources, "a source call through IPV6_ADD_MEMBERSHIP (api::ipv6)", unsupported, \
    rc_none, "(compile time)",                                                                                     \
    rc_none, "(compile time)",                                                                                     \
    rc_none, "(compile time)",                                                                                     \
    "",                                                                                                            \
    "mcast: IPV6_ADD_MEMBERSHIP (api::ipv6) has no source options (no block, no source-specific join, no filter); " \
    "use the default api::protocol_independent (MCAST_* with GROUP_SOURCE_REQ / GROUP_FILTER) for IPv6 sources")  \
  X(filtered_block, "block() on a filtered membership", wrong_mode, \
    rc_none, "(compile time)",                                                                                     \
    rc_none, "(compile time)",                                                                                     \
    rc_none, "(compile time)",                                                                                     \
    "",                                                                                                            \
    "mcast: block() needs an any-source membership (join_group); a filtered membership changes its whole list at " \
    "once with set(filter_mode::exclude, {...})")                                                                  \
  X(filtered_include, "include() on a filtered membership", wrong_mode, \
    rc_none, "(compile time)",                                                                                     \
    rc_none, "(compile time)",                                                                                     \
    rc_none, "(compile time)",                                                                                     \
    "",                                                                                                            \
    "mcast: include() needs a source-specific membership (join_source_group); a filtered membership changes its "  \
    "whole list at once with set(filter_mode::include, {...})")
// clang-format on

enum class rule : unsigned char {
  ok,
#define MCAST_DETAIL_RULE_ID(id, what, e, wc, wt, lc, lt, bc, bt, seq, handle) id,
  MCAST_DETAIL_RULES(MCAST_DETAIL_RULE_ID)
#undef MCAST_DETAIL_RULE_ID
};

struct rule_row {
  rule id;
  const char* name;
  const char* what;
  errc code;
  unsigned windows_codes;
  const char* windows_text;
  unsigned linux_codes;
  const char* linux_text;
  unsigned bsd_codes;
  const char* bsd_text;
  const char* sequence_sentence;
  const char* handle_sentence;
};

inline constexpr rule_row rule_rows[] = {
#define MCAST_DETAIL_RULE_ROW(id, what, e, wc, wt, lc, lt, bc, bt, seq, handle)                                        \
  {rule::id, #id, what, errc::e, wc, wt, lc, lt, bc, bt, seq, handle},
    MCAST_DETAIL_RULES(MCAST_DETAIL_RULE_ROW)
#undef MCAST_DETAIL_RULE_ROW
};
inline constexpr std::size_t rule_count = sizeof rule_rows / sizeof rule_rows[0];

constexpr const rule_row& row_of(rule r) noexcept { return rule_rows[static_cast<std::size_t>(r) - 1]; }
constexpr errc rule_errc(rule r) noexcept { return r == rule::ok ? errc{} : row_of(r).code; }

// The table's columns: which stack answers.
enum class stack_column : unsigned char { windows_column, linux_column, bsd_column };
inline constexpr stack_column this_stack = is_windows ? stack_column::windows_column
                                           : is_bsd   ? stack_column::bsd_column
                                                      : stack_column::linux_column;

constexpr unsigned column_codes(const rule_row& r, stack_column c) noexcept {
  return c == stack_column::windows_column ? r.windows_codes
         : c == stack_column::bsd_column   ? r.bsd_codes
                                           : r.linux_codes;
}
// The codes this platform answers a row with.
constexpr unsigned platform_codes(const rule_row& r) noexcept { return column_codes(r, this_stack); }
// How this platform answers a row, in words.
constexpr const char* platform_text(const rule_row& r) noexcept {
  return is_windows ? r.windows_text : is_bsd ? r.bsd_text : r.linux_text;
}

// Microsoft's code for one CELL of its table (read by mcast-probe, which compares each cell
// against exactly this code; the translation keeps reading the whole column). A row's Windows
// column can list several codes because several cells -- and Wine -- answer it; the page gives
// each cell one: the code the column's text names first, except where the call the same (socket,
// interface, group) saw just before (`previous`) makes it another cell of the page.
struct windows_cell {
  rule id;
  operation previous;
  unsigned code;
};
inline constexpr windows_cell windows_other_cells[] = {
    {rule::join_twice, operation::block, rc_inval},                     // "IP_BLOCK_SOURCE, IP_ADD_MEMBERSHIP"
    {rule::source_join_on_any, operation::block, rc_inval},             // "IP_BLOCK_SOURCE, IP_ADD_SOURCE_MEMBERSHIP"
    {rule::unblock_without_block, operation::unblock, rc_addrnotavail}, // "IP_UNBLOCK_SOURCE, IP_UNBLOCK_SOURCE"
};
constexpr bool text_begins_with_code(const char* text, const char* prefix) noexcept {
  for (; *prefix != '\0'; ++text, ++prefix)
    if (*text != *prefix)
      return false;
  return *text == '\0' || *text == ' ' || *text == ',' || *text == '(';
}
// rc_none: the page documents no code for the cell.
constexpr unsigned windows_cell_code(rule r, operation previous) noexcept {
  for (const windows_cell& c : windows_other_cells)
    if (c.id == r && c.previous == previous)
      return c.code;
  const char* t = row_of(r).windows_text;
  const unsigned first = text_begins_with_code(t, "WSAEADDRNOTAVAIL") ? rc_addrnotavail
                         : text_begins_with_code(t, "WSAEINVAL")      ? rc_inval
                         : text_begins_with_code(t, "WSAEADDRINUSE")  ? rc_addrinuse
                                                                      : rc_none;
  return first & row_of(r).windows_codes;
}

inline unsigned raw_code_of(int raw) noexcept {
  if (raw == sys_errc::invalid)
    return rc_inval;
  if (raw == sys_errc::addr_in_use)
    return rc_addrinuse;
  if (raw == sys_errc::addr_not_avail)
    return rc_addrnotavail;
  return rc_none;
}

struct rule_entry {
  mstate next;
  signed char delta; // change in the number of blocked (any) or included (src) sources
  rule violation;
};

constexpr std::size_t op_index(operation op) noexcept { return static_cast<std::size_t>(op); }

// The transitions. Rows: state; columns: join_any, leave_group, join_source, leave_source, block,
// unblock. Which rule a refused cell breaks is the rule row above (codes, errc, sentences).
inline constexpr rule_entry transitions[3][6] = {
    // none: only a join is valid
    {{mstate::any, 0, rule::ok},
     {mstate::none, 0, rule::not_joined},
     {mstate::src, +1, rule::ok},
     {mstate::none, 0, rule::not_joined},
     {mstate::none, 0, rule::not_joined},
     {mstate::none, 0, rule::not_joined}},
    // any(B): block/unblock/leave
    {{mstate::any, 0, rule::join_twice},
     {mstate::none, 0, rule::ok},
     {mstate::any, 0, rule::source_join_on_any},
     {mstate::any, 0, rule::source_leave_on_any},
     {mstate::any, +1, rule::ok},
     {mstate::any, -1, rule::ok}},
    // src(S): more sources, fewer sources, leave
    {{mstate::src, 0, rule::any_join_on_source},
     {mstate::none, 0, rule::ok},
     {mstate::src, +1, rule::ok},
     {mstate::src, -1, rule::ok},
     {mstate::src, 0, rule::block_on_source},
     {mstate::src, 0, rule::block_on_source}},
};

// The rule a structural cell breaks (filter calls: only "not joined").
constexpr rule cell_rule(mstate s, operation op) noexcept {
  if (op == operation::set_filter || op == operation::get_filter)
    return s == mstate::none ? rule::filter_not_joined : rule::ok;
  if (op == operation::other)
    return rule::ok;
  return transitions[static_cast<std::size_t>(s)][op_index(op)].violation;
}

// The rule a refused join breaks when the caller knows of no membership: a first join is never
// "already joined" (Windows answers an unusable interface and a second join alike).
constexpr rule fresh_join_rule(mstate s, operation op) noexcept {
  return s == mstate::none && (op == operation::join_any || op == operation::join_source) ? rule::join_refused
                                                                                          : rule::ok;
}

// The rule that depends on the source value: the same source twice, or one that is not there.
constexpr rule value_rule(mstate s, operation op) noexcept {
  if (s == mstate::none)
    return rule::ok;
  switch (op) {
  case operation::block: return s == mstate::any ? rule::source_twice : rule::ok;
  case operation::join_source: return s == mstate::src ? rule::source_twice : rule::ok;
  case operation::unblock: return s == mstate::any ? rule::unblock_without_block : rule::ok;
  case operation::leave_source: return s == mstate::src ? rule::source_absent : rule::ok;
  default: return rule::ok;
  }
}

// The one place a kernel refusal becomes a portable error. `state` is what the caller knows of
// the (socket, interface, group): a handle's own state, apply_sequence's simulation, or none for
// a new membership. One raw code can answer several rows (Windows' WSAEINVAL is "not joined",
// "wrong mode" and "never blocked"); the caller's state decides, in this order: the rows of that
// state; then "no membership" (someone else left it); then the other states (someone else joined
// it). A join the caller knows as the first one is read by join_refused before any other row
// (fresh_join_rule). Anything no row claims stays the system's code; ENOBUFS and friends mean the
// same for every operation.
// The row a refusal answers, by its meaning (`code`, a raw_code) in one column of the table.
constexpr rule rule_answered(operation op, unsigned code, mstate state, stack_column column) noexcept {
  if (code == rc_none)
    return rule::ok;
  const mstate order[4] = {state, mstate::none, mstate::any, mstate::src};
  for (mstate s : order)
    for (rule r : {s == state ? fresh_join_rule(s, op) : rule::ok, cell_rule(s, op), value_rule(s, op)})
      if (r != rule::ok && (column_codes(row_of(r), column) & code) != 0)
        return r;
  return rule::ok;
}

// The limit a refused call ran into: a join that makes a group counts against the groups, the
// rest against the sources (group_family_v6: the group is IPv6).
constexpr limit_kind limit_of(operation op, mstate state, bool group_family_v6) noexcept {
  const bool group = op == operation::join_any || (op == operation::join_source && state == mstate::none);
  return group ? (group_family_v6 ? limit_kind::groups_v6 : limit_kind::groups_v4)
               : (group_family_v6 ? limit_kind::sources_v6 : limit_kind::sources_v4);
}

inline std::error_code translate(operation op, int raw, mstate state = mstate::none, bool v6 = false) noexcept {
  if (int cond = unambiguous_condition(raw); cond != 0)
    return cond == static_cast<int>(errc::limit_exceeded) &&
                   (op == operation::join_any || op == operation::join_source || op == operation::block ||
                    op == operation::set_filter)
               ? translated_limit(limit_of(op, state, v6), raw)
               : translated(static_cast<errc>(cond), raw);
  if (const rule r = rule_answered(op, raw_code_of(raw), state, this_stack); r != rule::ok)
    return translated(row_of(r).code, raw);
  return system_error(raw);
}

// A compile-time check of one rule, with the rule's sentence: the handles use it for what their
// type forbids (one static_assert per row; only the one for `R` can fire, and only when `Ok` is
// false).
template <rule R, bool Ok> constexpr void assert_handle_rule() noexcept {
#define MCAST_DETAIL_RULE_HANDLE_ASSERT(id, what, e, wc, wt, lc, lt, bc, bt, seq, handle)                              \
  static_assert(Ok || R != rule::id, handle);
  MCAST_DETAIL_RULES(MCAST_DETAIL_RULE_HANDLE_ASSERT)
#undef MCAST_DETAIL_RULE_HANDLE_ASSERT
}

} // namespace detail
MCAST_END_NAMESPACE

#endif // MCAST_DETAIL_RULE_TABLE_HPP
