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
#include <string>

MCAST_BEGIN_NAMESPACE
namespace detail {

// The state of one (socket, interface, group): no membership, any-source (EXCLUDE mode with a
// blocked set), or source-specific (INCLUDE mode with a non-empty source set).
enum class mstate : unsigned char { none, any, src };

// The raw codes a row can be answered with, by meaning (the numbers differ per system; see
// numbers_of in error.hpp).
enum raw_code : unsigned { rc_none = 0, rc_inval = 1, rc_addrinuse = 2, rc_addrnotavail = 4 };

// One answer in a column: a raw code, and where the column has several, which call gets it.
struct answer {
  unsigned code;    // one rc_* bit
  const char* when; // the calls that get it, in words (nullptr: every call of the row)
  operation after;  // the cell where the same (socket, interface, group) saw this call just
                    // before (operation::other: whatever came before)
  bool wine;        // Wine answers it; Microsoft documents another code
};

// How one stack answers a row, built by name: answers(rc_addrnotavail).after(operation::block,
// rc_inval).wine(rc_addrinuse). Its text (column_text) is made from the answers, so the codes a
// cell names are the codes the translation reads; a note adds words that name no rule code
// (tests/unit/rule_table_test.cpp checks).
struct column {
  answer list[3];
  std::size_t count;
  const char* accepted; // the stack accepts the call, doing this instead (nullptr: it refuses)
  const char* note;

  constexpr column with(answer a) const noexcept {
    column c = *this;
    c.list[c.count++] = a;
    return c;
  }
  // Another code, for the calls `when` names.
  constexpr column also(unsigned code, const char* when = nullptr) const noexcept {
    return with({code, when, operation::other, false});
  }
  // Another code, when the call just before was `previous`.
  constexpr column after(operation previous, unsigned code) const noexcept {
    return with({code, nullptr, previous, false});
  }
  // What Wine answers besides the documented codes.
  constexpr column wine(unsigned code) const noexcept { return with({code, nullptr, operation::other, true}); }
  constexpr column noted(const char* text) const noexcept {
    column c = *this;
    c.note = text;
    return c;
  }
  // Every code of the column (what the translation reads).
  constexpr unsigned codes() const noexcept {
    unsigned all = rc_none;
    for (std::size_t i = 0; i < count; ++i)
      all |= list[i].code;
    return all;
  }
};
constexpr column answers(unsigned code, const char* when = nullptr) noexcept { return column{}.also(code, when); }
constexpr column accepted(const char* instead) noexcept {
  column c{};
  c.accepted = instead;
  return c;
}
// No code answers the row (none documented, or the rule is a compile-time one).
constexpr column no_code(const char* note) noexcept { return column{}.noted(note); }
// A rule no stack sees: the library refuses it when it compiles the call.
inline constexpr column compile_time = no_code("(compile time)");

// clang-format off
// THE table. Each field is written name(value) in this order; the macros that read a row paste the
// name onto the slot's own prefix (MCAST_DETAIL_RULE_WHAT_ ## what, ...), so a misspelt or
// misplaced field does not compile, as with C++20's designated initializers.
//   what:       what the rule is about
//   errc:       the portable error
//   on_windows: Microsoft's "Multicast Socket Option Behavior" table (written for IP_*; applied
//               alike to MCAST_* and IPV6_*)
//   on_linux:   what the kernel answers, measured by the tests
//   on_bsd:     macOS and FreeBSD, read from xnu's and FreeBSD's in_mcast.c / in6_mcast.c (which
//               answer alike), never run here
//   sequence:   the sentence for a sequence (is_valid_sequence / apply_sequence)
//   handle:     the sentence for a handle call
// An empty sentence: the rule is never a compile-time error in that form.
#define MCAST_DETAIL_RULES(X)                                                                                      \
  X(not_joined,                                                                                                    \
    what("anything but a join with no membership (never joined, or left)"),                                        \
    errc(not_joined),                                                                                              \
    on_windows(answers(rc_inval)),                                                                                 \
    on_linux(answers(rc_addrnotavail, "leave").also(rc_inval, "source calls")),                                    \
    on_bsd(answers(rc_addrnotavail)),                                                                              \
    sequence("mcast: invalid option sequence: after the group was left (or its last source dropped), or before "   \
             "the first join, only a new join is valid (Windows fails it with WSAEINVAL); start with join_group / "\
             "join_source_group / ip_add_membership"),                                                             \
    handle())                                                                                                      \
  X(join_refused,                                                                                                  \
    what("a join refused where mcast knows of no membership (the interface cannot take it)"),                      \
    errc(no_such_interface),                                                                                       \
    on_windows(answers(rc_addrnotavail).also(rc_inval)                                                             \
               .noted("an interface whose address is not usable (disconnected, VPN and virtual adapters); the "    \
                      "same code as a second join of the group on this socket, which mcast cannot tell apart "     \
                      "without a probe (the raw code is kept)")),                                                  \
    on_linux(no_code("ENODEV: no_such_interface for any call")),                                                   \
    on_bsd(answers(rc_addrnotavail).noted("no such interface, or one without multicast")),                         \
    sequence(),                                                                                                    \
    handle())                                                                                                      \
  X(join_twice,                                                                                                    \
    what("an any-source join on an any-source membership"),                                                        \
    errc(already_joined),                                                                                          \
    on_windows(answers(rc_addrnotavail).after(operation::block, rc_inval).wine(rc_addrinuse)),                     \
    on_linux(answers(rc_addrinuse)),                                                                               \
    on_bsd(answers(rc_addrinuse)),                                                                                 \
    sequence("mcast: invalid option sequence: the group is joined twice on one socket and interface "              \
             "(WSAEADDRNOTAVAIL on Windows, EADDRINUSE on Linux); leave it first, or join it on another interface"),\
    handle())                                                                                                      \
  X(source_join_on_any,                                                                                            \
    what("a source-specific join on an any-source membership"),                                                    \
    errc(already_joined),                                                                                          \
    on_windows(answers(rc_addrnotavail).after(operation::block, rc_inval)),                                        \
    on_linux(accepted("the group silently switches to INCLUDE").after(operation::block, rc_inval)                  \
             .noted("mcast refuses it first")),                                                                    \
    on_bsd(answers(rc_inval)),                                                                                     \
    sequence("mcast: invalid option sequence: a source-specific join (ADD_SOURCE_MEMBERSHIP / JOIN_SOURCE_GROUP) " \
             "on an any-source membership is refused by Windows (WSAEADDRNOTAVAIL, or WSAEINVAL after a BLOCK) "   \
             "and silently switches the filter on Linux; to accept a blocked source use UNBLOCK_SOURCE, to "       \
             "change mode leave first or use set_source_filter"),                                                  \
    handle("mcast: include() needs a source-specific membership (join_source_group); an any-source membership "    \
           "already receives every source it does not block -- unblock the source instead (Windows refuses "       \
           "ADD_SOURCE_MEMBERSHIP here with WSAEADDRNOTAVAIL)"))                                                   \
  X(any_join_on_source,                                                                                            \
    what("an any-source join on a source-specific membership"),                                                    \
    errc(already_joined),                                                                                          \
    on_windows(answers(rc_addrnotavail).wine(rc_addrinuse)),                                                       \
    on_linux(answers(rc_addrinuse)),                                                                               \
    on_bsd(answers(rc_inval)),                                                                                     \
    sequence("mcast: invalid option sequence: an any-source join (ADD_MEMBERSHIP / JOIN_GROUP) after a "           \
             "source-specific join of the same group fails (WSAEADDRNOTAVAIL); leave the group first, or use "     \
             "set_source_filter to switch mode in one call"),                                                      \
    handle())                                                                                                      \
  X(source_leave_on_any,                                                                                           \
    what("a source leave on an any-source membership"),                                                            \
    errc(wrong_mode),                                                                                              \
    on_windows(answers(rc_inval)),                                                                                 \
    on_linux(answers(rc_addrnotavail).after(operation::block, rc_inval)                                            \
             .noted("the first also makes the filter INCLUDE {}; mcast refuses it first")),                        \
    on_bsd(answers(rc_addrnotavail)),                                                                              \
    sequence("mcast: invalid option sequence: DROP_SOURCE_MEMBERSHIP / LEAVE_SOURCE_GROUP on an any-source "       \
             "membership fails on Windows (WSAEINVAL) and corrupts the filter on Linux; use BLOCK_SOURCE to stop " \
             "a source"),                                                                                          \
    handle())                                                                                                      \
  X(block_on_source,                                                                                               \
    what("a block or unblock on a source-specific membership"),                                                    \
    errc(wrong_mode),                                                                                              \
    on_windows(answers(rc_inval).noted("documented for UNBLOCK; BLOCK is not in the table")),                      \
    on_linux(answers(rc_inval)),                                                                                   \
    on_bsd(answers(rc_inval)),                                                                                     \
    sequence("mcast: invalid option sequence: BLOCK_SOURCE / UNBLOCK_SOURCE need an any-source membership "        \
             "(WSAEINVAL on a source-specific one); drop the source with DROP_SOURCE_MEMBERSHIP / "                \
             "LEAVE_SOURCE_GROUP instead"),                                                                        \
    handle("mcast: block() needs an any-source membership (join_group); a source-specific membership stops a "     \
           "source by dropping its included_source (Windows refuses BLOCK_SOURCE here with WSAEINVAL)"))           \
  X(unblock_without_block,                                                                                         \
    what("an unblock of a source that is not blocked"),                                                            \
    errc(source_not_present),                                                                                      \
    on_windows(answers(rc_inval, "never blocked").after(operation::unblock, rc_addrnotavail)),                     \
    on_linux(answers(rc_addrnotavail)),                                                                            \
    on_bsd(answers(rc_addrnotavail)),                                                                              \
    sequence("mcast: invalid option sequence: more UNBLOCK_SOURCE than BLOCK_SOURCE (unblocking a source that is " \
             "not blocked fails with WSAEINVAL); unblock only what the sequence blocked"),                         \
    handle())                                                                                                      \
  X(source_twice,                                                                                                  \
    what("the same source blocked or included twice"),                                                             \
    errc(source_already_present),                                                                                  \
    on_windows(answers(rc_addrnotavail)),                                                                          \
    on_linux(answers(rc_addrnotavail)),                                                                            \
    on_bsd(answers(rc_addrnotavail)),                                                                              \
    sequence(),                                                                                                    \
    handle())                                                                                                      \
  X(source_absent,                                                                                                 \
    what("a source leave of a source that is not included"),                                                       \
    errc(source_not_present),                                                                                      \
    on_windows(answers(rc_addrnotavail)),                                                                          \
    on_linux(answers(rc_addrnotavail).noted("once the last source is gone: not_joined")),                          \
    on_bsd(answers(rc_addrnotavail).noted("the last one leaves INCLUDE {}, still joined")),                        \
    sequence(),                                                                                                    \
    handle())                                                                                                      \
  X(filter_not_joined,                                                                                             \
    what("a filter read or set with no membership"),                                                               \
    errc(not_joined),                                                                                              \
    on_windows(no_code("not documented (the raw code is kept)")),                                                  \
    on_linux(answers(rc_addrnotavail, "read").also(rc_inval, "IPv6 set")),                                         \
    on_bsd(answers(rc_addrnotavail)),                                                                              \
    sequence(),                                                                                                    \
    handle())                                                                                                      \
  X(mixed_families,                                                                                                \
    what("IPv4-only and IPv6-only options in one sequence"),                                                       \
    errc(family_mismatch),                                                                                         \
    on_windows(compile_time),                                                                                      \
    on_linux(compile_time),                                                                                        \
    on_bsd(compile_time),                                                                                          \
    sequence("mcast: invalid option sequence: IPv4-only (IP_*) and IPv6-only (IPV6_*) options cannot name the "    \
             "same group; use one family per sequence (MCAST_* works for both)"),                                  \
    handle())                                                                                                      \
  X(ipv6_api_no_sources,                                                                                           \
    what("a source call through IPV6_ADD_MEMBERSHIP (api::ipv6)"),                                                 \
    errc(unsupported),                                                                                             \
    on_windows(compile_time),                                                                                      \
    on_linux(compile_time),                                                                                        \
    on_bsd(compile_time),                                                                                          \
    sequence(),                                                                                                    \
    handle("mcast: IPV6_ADD_MEMBERSHIP (api::ipv6) has no source options (no block, no source-specific join, no "  \
           "filter); use the default api::protocol_independent (MCAST_* with GROUP_SOURCE_REQ / GROUP_FILTER) "    \
           "for IPv6 sources"))                                                                                    \
  X(filtered_block,                                                                                                \
    what("block() on a filtered membership"),                                                                      \
    errc(wrong_mode),                                                                                              \
    on_windows(compile_time),                                                                                      \
    on_linux(compile_time),                                                                                        \
    on_bsd(compile_time),                                                                                          \
    sequence(),                                                                                                    \
    handle("mcast: block() needs an any-source membership (join_group); a filtered membership changes its whole "  \
           "list at once with set(filter_mode::exclude, {...})"))                                                  \
  X(filtered_include,                                                                                              \
    what("include() on a filtered membership"),                                                                    \
    errc(wrong_mode),                                                                                              \
    on_windows(compile_time),                                                                                      \
    on_linux(compile_time),                                                                                        \
    on_bsd(compile_time),                                                                                          \
    sequence(),                                                                                                    \
    handle("mcast: include() needs a source-specific membership (join_source_group); a filtered membership "       \
           "changes its whole list at once with set(filter_mode::include, {...})"))

// The slots: each accepts only its own field name.
#define MCAST_DETAIL_RULE_WHAT_what(text) text
#define MCAST_DETAIL_RULE_ERRC_errc(e) errc::e
#define MCAST_DETAIL_RULE_WINDOWS_on_windows(c) c
#define MCAST_DETAIL_RULE_LINUX_on_linux(c) c
#define MCAST_DETAIL_RULE_BSD_on_bsd(c) c
#define MCAST_DETAIL_RULE_SEQUENCE_sequence(s) "" s
#define MCAST_DETAIL_RULE_HANDLE_handle(s) "" s
// clang-format on

enum class rule : unsigned char {
  ok,
#define MCAST_DETAIL_RULE_ID(id, what, e, w, l, b, seq, handle) id,
  MCAST_DETAIL_RULES(MCAST_DETAIL_RULE_ID)
#undef MCAST_DETAIL_RULE_ID
};

struct rule_row {
  rule id;
  const char* name;
  const char* what;
  errc code;
  column on_windows;
  column on_linux;
  column on_bsd;
  const char* sequence_sentence;
  const char* handle_sentence;
};

inline constexpr rule_row rule_rows[] = {
#define MCAST_DETAIL_RULE_ROW(id, what, e, w, l, b, seq, handle)                                                       \
  {rule::id,                                                                                                           \
   #id,                                                                                                                \
   MCAST_DETAIL_RULE_WHAT_##what,                                                                                      \
   MCAST_DETAIL_RULE_ERRC_##e,                                                                                         \
   MCAST_DETAIL_RULE_WINDOWS_##w,                                                                                      \
   MCAST_DETAIL_RULE_LINUX_##l,                                                                                        \
   MCAST_DETAIL_RULE_BSD_##b,                                                                                          \
   MCAST_DETAIL_RULE_SEQUENCE_##seq,                                                                                   \
   MCAST_DETAIL_RULE_HANDLE_##handle},
    MCAST_DETAIL_RULES(MCAST_DETAIL_RULE_ROW)
#undef MCAST_DETAIL_RULE_ROW
};
inline constexpr std::size_t rule_count = sizeof rule_rows / sizeof rule_rows[0];

constexpr const rule_row& row_of(rule r) noexcept { return rule_rows[static_cast<std::size_t>(r) - 1]; }
constexpr errc rule_errc(rule r) noexcept { return r == rule::ok ? errc{} : row_of(r).code; }

// The table's columns: which stack answers.
enum class stack_column : unsigned char { windows_column, linux_column, bsd_column };
constexpr stack_column column_of(os o) noexcept {
  return o == os::windows                     ? stack_column::windows_column
         : o == os::macos || o == os::freebsd ? stack_column::bsd_column
                                              : stack_column::linux_column;
}
inline constexpr stack_column this_stack = column_of(this_os);

constexpr const column& column_in(const rule_row& r, stack_column c) noexcept {
  return c == stack_column::windows_column ? r.on_windows : c == stack_column::bsd_column ? r.on_bsd : r.on_linux;
}
constexpr unsigned column_codes(const rule_row& r, stack_column c) noexcept { return column_in(r, c).codes(); }
// The codes this platform answers a row with.
constexpr unsigned platform_codes(const rule_row& r) noexcept { return column_codes(r, this_stack); }

// A code's name in one column ("WSAEINVAL", "EINVAL").
inline const char* code_name(unsigned code, stack_column c) noexcept {
  const bool w = c == stack_column::windows_column;
  switch (code) {
  case rc_inval: return w ? "WSAEINVAL" : "EINVAL";
  case rc_addrinuse: return w ? "WSAEADDRINUSE" : "EADDRINUSE";
  case rc_addrnotavail: return w ? "WSAEADDRNOTAVAIL" : "EADDRNOTAVAIL";
  default: return "";
  }
}
inline const char* operation_word(operation op) noexcept {
  switch (op) {
  case operation::join_any: return "an any-source join";
  case operation::leave_group: return "a leave";
  case operation::join_source: return "a source join";
  case operation::leave_source: return "a source leave";
  case operation::block: return "a BLOCK";
  case operation::unblock: return "an UNBLOCK";
  default: return "another call";
  }
}
// How a column answers a row, in words made from its answers (the README's table, mcast-probe).
inline std::string column_text(const column& col, stack_column c) {
  std::string text;
  auto part = [&text](const std::string& p) { text += (text.empty() ? "" : "; ") + p; };
  if (col.accepted != nullptr)
    part(std::string("accepted: ") + col.accepted);
  std::string codes;
  for (std::size_t i = 0; i < col.count; ++i) {
    const answer& a = col.list[i];
    codes += (codes.empty() ? "" : ", ") + std::string(code_name(a.code, c));
    if (a.when != nullptr)
      codes += std::string(" (") + a.when + ")";
    if (a.after != operation::other)
      codes += std::string(" after ") + operation_word(a.after);
    if (a.wine)
      codes += " on Wine";
  }
  if (!codes.empty())
    part(codes);
  if (col.note != nullptr)
    part(col.note);
  return text;
}
inline std::string column_text(const rule_row& r, stack_column c) { return column_text(column_in(r, c), c); }
// How this platform answers a row, in words.
inline std::string platform_text(const rule_row& r) { return column_text(r, this_stack); }

// Microsoft's code for one CELL of its table (read by mcast-probe, which compares each cell
// against exactly this code; the translation keeps reading the whole column). A row's Windows
// column can list several codes because several cells -- and Wine -- answer it; the page gives
// each cell one: the column's first code, except where the call the same (socket, interface,
// group) saw just before (`previous`) makes it another cell of the page (an answer's `after`).
// rc_none: the page documents no code for the cell.
constexpr unsigned windows_cell_code(rule r, operation previous) noexcept {
  const column& w = row_of(r).on_windows;
  for (std::size_t i = 0; i < w.count; ++i)
    if (!w.list[i].wine && w.list[i].after != operation::other && w.list[i].after == previous)
      return w.list[i].code;
  for (std::size_t i = 0; i < w.count; ++i)
    if (!w.list[i].wine && w.list[i].after == operation::other)
      return w.list[i].code;
  return rc_none;
}

// A raw number of system `o` by its meaning.
constexpr unsigned raw_code_on(os o, int raw) noexcept {
  const error_numbers n = numbers_of(o);
  return raw == n.invalid          ? rc_inval
         : raw == n.addr_in_use    ? rc_addrinuse
         : raw == n.addr_not_avail ? rc_addrnotavail
                                   : rc_none;
}
inline unsigned raw_code_of(int raw) noexcept { return raw_code_on(this_os, raw); }

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

// rule_answered for this stack, every (operation, state, code) worked out at compile time: the
// handles read it on their paths (a source-specific join's probe on Linux reads it every time),
// where walking the rows' answer lists cost a quarter of a join's instructions (the bench).
struct answered_table {
  rule at[9][3][3]; // [operation][mstate][rc_inval, rc_addrinuse, rc_addrnotavail]
};
constexpr answered_table make_answered_table(stack_column column) noexcept {
  answered_table t{};
  const unsigned codes[3] = {rc_inval, rc_addrinuse, rc_addrnotavail};
  for (std::size_t op = 0; op < 9; ++op)
    for (std::size_t st = 0; st < 3; ++st)
      for (std::size_t k = 0; k < 3; ++k)
        t.at[op][st][k] = rule_answered(static_cast<operation>(op), codes[k], static_cast<mstate>(st), column);
  return t;
}
inline constexpr answered_table answered_here = make_answered_table(this_stack);
static_assert(static_cast<std::size_t>(operation::other) == 8, "mcast: answered_table has a row per operation");
// The same as rule_answered(op, code, state, this_stack), by one read.
constexpr rule rule_answered_here(operation op, unsigned code, mstate state) noexcept {
  const int k = code == rc_inval ? 0 : code == rc_addrinuse ? 1 : code == rc_addrnotavail ? 2 : -1;
  return k < 0 ? rule::ok : answered_here.at[op_index(op)][static_cast<std::size_t>(state)][k];
}

// The limit a refused call ran into: a join that makes a group counts against the groups, the
// rest against the sources (group_family_v6: the group is IPv6).
constexpr limit_kind limit_of(operation op, mstate state, bool group_family_v6) noexcept {
  const bool group = op == operation::join_any || (op == operation::join_source && state == mstate::none);
  return group ? (group_family_v6 ? limit_kind::groups_v6 : limit_kind::groups_v4)
               : (group_family_v6 ? limit_kind::sources_v6 : limit_kind::sources_v4);
}

// What a raw number of system `o` means for `op` in `state`: errc{} when it stays the system's
// code. A pure function of its arguments, so every system's column is tested on every platform.
constexpr errc meaning_on(os o, operation op, mstate state, int raw) noexcept {
  if (const int cond = unambiguous_condition_on(o, raw); cond != 0)
    return static_cast<errc>(cond);
  return rule_errc(rule_answered(op, raw_code_on(o, raw), state, column_of(o)));
}

inline std::error_code translate(operation op, int raw, mstate state = mstate::none, bool v6 = false) noexcept {
  const int cond = unambiguous_condition_on(this_os, raw);
  const errc e =
      cond != 0 ? static_cast<errc>(cond) : rule_errc(rule_answered_here(op, raw_code_on(this_os, raw), state));
  if (e == errc{})
    return system_error(raw);
  if (e == errc::limit_exceeded && (op == operation::join_any || op == operation::join_source ||
                                    op == operation::block || op == operation::set_filter))
    return translated_limit(limit_of(op, state, v6), raw);
  return translated(e, raw);
}

// A compile-time check of one rule, with the rule's sentence: the handles use it for what their
// type forbids (one static_assert per row; only the one for `R` can fire, and only when `Ok` is
// false).
template <rule R, bool Ok> constexpr void assert_handle_rule() noexcept {
#define MCAST_DETAIL_RULE_HANDLE_ASSERT(id, what, e, w, l, b, seq, handle)                                             \
  static_assert(Ok || R != rule::id, MCAST_DETAIL_RULE_HANDLE_##handle);
  MCAST_DETAIL_RULES(MCAST_DETAIL_RULE_HANDLE_ASSERT)
#undef MCAST_DETAIL_RULE_HANDLE_ASSERT
}

} // namespace detail
MCAST_END_NAMESPACE

#endif // MCAST_DETAIL_RULE_TABLE_HPP
