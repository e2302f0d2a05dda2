// mcast/ordering.hpp -- the rule table, is_valid_sequence and apply_sequence.
//
// Copyright (c) 2026 The mcast authors.
// Distributed under the Boost Software License, Version 1.0 (see LICENSE).
//
// The rule table (detail/rule_table.hpp: Microsoft's "Multicast Socket Option Behavior" rules,
// written for IP_* and applied alike to MCAST_* and IPV6_*, for the options issued on one (socket,
// interface, group)) drives is_valid_sequence<Options...> and apply_sequence here: at compile time
// for what is wrong whatever the sources are, at run time for what depends on the source values.
#ifndef MCAST_ORDERING_HPP
#define MCAST_ORDERING_HPP

#if defined(_MSC_VER)
#pragma once
#endif

#include "detail/rule_table.hpp"
#include "option.hpp"
#include "source_filter.hpp"

#include <array>
#include <cstddef>
#include <type_traits>

MCAST_BEGIN_NAMESPACE
namespace detail {

// The state with a count: how many sources are blocked (any) or included (src).
struct abstract_state {
  mstate state = mstate::none;
  int count = 0;
};

struct step_result {
  abstract_state next;
  rule violation;
};

// One step of the table, knowing only how many sources there are (not which).
constexpr step_result step(abstract_state s, operation op) noexcept {
  const rule_entry& e = transitions[static_cast<std::size_t>(s.state)][op_index(op)];
  if (e.violation != rule::ok)
    return {s, e.violation};
  abstract_state n{e.next, e.next == s.state ? s.count + e.delta : (e.next == mstate::none ? 0 : e.delta)};
  if (n.count < 0) // unblock with nothing blocked
    return {s, rule::unblock_without_block};
  if (n.state == mstate::src && n.count == 0) // the last source dropped: the membership is gone
    n = abstract_state{mstate::none, 0};
  return {n, rule::ok};
}

struct sequence_result {
  rule violation = rule::ok;
  std::size_t index = 0; // which option (0-based) broke the rule
};

template <class Api> constexpr int api_family_of() noexcept {
  if constexpr (std::is_same_v<Api, api::ipv4>)
    return 4;
  else if constexpr (std::is_same_v<Api, api::ipv6>)
    return 6;
  else
    return 0;
}

template <class... Options> constexpr sequence_result check_sequence() noexcept {
  constexpr std::size_t n = sizeof...(Options);
  constexpr operation ops[n + 1] = {Options::op..., operation::other};
  constexpr int fams[n + 1] = {api_family_of<typename Options::api_type>()..., 0};
  int family = 0;
  abstract_state s;
  for (std::size_t i = 0; i < n; ++i) {
    if (fams[i] != 0) {
      if (family != 0 && family != fams[i])
        return {rule::mixed_families, i};
      family = fams[i];
    }
    step_result r = step(s, ops[i]);
    if (r.violation != rule::ok)
      return {r.violation, i};
    s = r.next;
  }
  return {};
}

// One static_assert per rule row, each with the row's sentence; only the broken rule's fires.
template <class... Options> constexpr void assert_valid_sequence() noexcept {
  constexpr rule r = check_sequence<Options...>().violation;
#define MCAST_DETAIL_RULE_SEQUENCE_ASSERT(id, what, e, w, l, b, seq, handle)                                           \
  static_assert(r != rule::id, MCAST_DETAIL_RULE_SEQUENCE_##seq);
  MCAST_DETAIL_RULES(MCAST_DETAIL_RULE_SEQUENCE_ASSERT)
#undef MCAST_DETAIL_RULE_SEQUENCE_ASSERT
}

// The first of a pack (no <tuple> for one element).
template <class First, class... Rest> constexpr const First& first_of(const First& f, const Rest&...) noexcept {
  return f;
}

// ---- run time: the same table with the actual sources ----------------------------------------
// A small set of sources (no allocation up to its capacity; the kernel's own limits are far
// below it by default: 10 for IPv4, 64 for IPv6).
class source_set {
public:
  bool contains(const source& s) const noexcept {
    for (std::size_t i = 0; i < size_; ++i)
      if (items_[i] == s.address())
        return true;
    return false;
  }
  bool insert(const source& s) noexcept {
    if (size_ == items_.size())
      return false;
    items_[size_++] = s.address();
    return true;
  }
  void erase(const source& s) noexcept {
    for (std::size_t i = 0; i < size_; ++i)
      if (items_[i] == s.address()) {
        items_[i] = items_[--size_];
        return;
      }
  }
  void clear() noexcept { size_ = 0; }
  std::size_t size() const noexcept { return size_; }

private:
  std::size_t size_ = 0;
  std::array<address, 64> items_{};
};

} // namespace detail

/// True when the options, issued in this order on one (socket, interface, group) that has no
/// membership yet, are valid whatever sources they carry. Sound: a sequence that is rejected is
/// invalid for every choice of sources (so `join_group, block_source, block_source` is accepted:
/// the two sources may differ); re-joining after a leave is valid.
template <class... Options>
inline constexpr bool is_valid_sequence = detail::check_sequence<Options...>().violation == detail::rule::ok;

namespace detail {

// The leave that undoes whatever the sequence did, in the options' own family.
template <class Option> int raw_leave_like(native_handle_type s, const Option& opt) noexcept {
  using api_type = typename Option::api_type;
  const any_protocol p;
  if constexpr (std::is_same_v<api_type, api::ipv4>) {
    ip_mreq_type req;
    detail::fill_bytes(&req, 0, sizeof req);
    req.imr_multiaddr = opt.native().imr_multiaddr;
    req.imr_interface = opt.native().imr_interface;
    return sys_setsockopt(s, level_ip, option_name(option_id::ip_drop_membership), &req, sizeof req);
  } else if constexpr (std::is_same_v<api_type, api::ipv6>) {
    return sys_setsockopt(s, level_ipv6, option_name(option_id::ipv6_drop_membership), opt.data(p), opt.size(p));
  } else {
    group_req_type req;
    detail::fill_bytes(&req, 0, sizeof req);
    req.gr_interface = static_cast<decltype(req.gr_interface)>(opt.interface_index());
    req.gr_group = opt.group().address().to_sockaddr();
    return sys_setsockopt(s, opt.level(p), option_name(option_id::mcast_leave_group), &req, sizeof req);
  }
}

// The same option on another interface (any() resolved).
template <class Option> Option with_interface(const Option& o, const network_interface& nic) noexcept {
  if constexpr (Option::op == operation::join_any || Option::op == operation::leave_group)
    return Option{o.group(), nic};
  else
    return Option{o.group(), o.source(), nic};
}

template <class Option> const source* source_of(const Option& opt) noexcept {
  if constexpr (Option::op == operation::join_any || Option::op == operation::leave_group)
    return nullptr;
  else
    return &opt.source();
}

struct concrete_state {
  abstract_state abs;
  source_set sources; // blocked (any) or included (src)
};

// The rows that depend on which source it is: `present` says whether the source is already in
// the blocked (any) or included (src) set. Used by apply_sequence and by the handles alike.
inline errc check_op(abstract_state st, operation op, bool present) noexcept {
  step_result r = step(st, op);
  if (r.violation != rule::ok)
    return rule_errc(r.violation);
  const rule v = value_rule(st.state, op);
  const bool adds = op == operation::block || op == operation::join_source;
  if (v != rule::ok && present == adds)
    return rule_errc(v);
  return errc{};
}

// One runtime step of apply_sequence's simulation.
inline errc runtime_step(concrete_state& st, operation op, const source* s) noexcept {
  const bool present = s != nullptr && st.abs.state != mstate::none && st.sources.contains(*s);
  if (errc e = check_op(st.abs, op, present); e != errc{})
    return e;
  switch (op) {
  case operation::block:
  case operation::join_source:
    if (st.abs.state == mstate::none)
      st.sources.clear();
    if (!st.sources.insert(*s))
      return errc::limit_exceeded;
    break;
  case operation::unblock:
  case operation::leave_source: st.sources.erase(*s); break;
  default: st.sources.clear(); break;
  }
  st.abs = step(st.abs, op).next;
  if (st.abs.state == mstate::none)
    st.sources.clear();
  return errc{};
}

} // namespace detail

/// Applies the options in order to one socket, as one unit. At compile time, a sequence that is
/// invalid whatever its sources fails with an `mcast:` message naming the rule. At run time,
/// before any system call: each option's values (errc::family_mismatch, errc::no_ipv4_address),
/// that all name one group and interface (errc::invalid_sequence), that the socket can receive
/// the group (errc::family_mismatch: an IPv6 group on an IPv4 socket, an IPv4 group on an
/// IPV6_V6ONLY socket; read as the handles read it), and the rules that depend on
/// the sources (the same source blocked or joined twice: errc::source_already_present; unblock or
/// drop of one that is not there: errc::source_not_present). A sequence that starts with a source
/// join first reads the kernel's filter and refuses (errc::already_joined) if the group is already
/// joined, as Windows does (Linux would silently switch the filter). If a system call fails half
/// way, the group is left again, so nothing stays half-applied; the error is the translated one.
template <class Socket, class... Options>
void apply_sequence(Socket&& socket, std::error_code& ec, const Options&... opts) noexcept {
  detail::assert_valid_sequence<Options...>();
  static_assert(sizeof...(Options) > 0, "mcast: apply_sequence needs at least one option");
  detail::clear(ec);
  const detail::native_handle_type s = detail::native_of(socket);

  // 1. Values, and one group / interface for all.
  const auto& first = detail::first_of(opts...);
  bool same_target = true;
  auto check_one = [&](const auto& o) {
    if (!ec)
      ec = o.check();
    if (!(o.group() == first.group()) || o.interface_index() != first.interface_index())
      same_target = false;
  };
  (check_one(opts), ...);
  if (ec)
    return;
  if (!same_target) {
    ec = make_error_code(errc::invalid_sequence);
    return;
  }
  // 2. The rules with the actual sources, simulated from "no membership".
  {
    detail::concrete_state st;
    errc bad{};
    auto sim = [&](const auto& o) {
      if (bad == errc{})
        bad = detail::runtime_step(st, std::decay_t<decltype(o)>::op, detail::source_of(o));
    };
    (sim(opts), ...);
    if (bad != errc{}) {
      ec = make_error_code(bad);
      return;
    }
  }
  // 3. The socket: a group it can never receive is errc::family_mismatch (as for the handles).
  if (!detail::read_socket_facts(s, first.group(), ec))
    return;
  // 4. any(): every option names the interface the stack would pick (see network_interface).
  network_interface chosen = network_interface::any();
  const bool resolve = detail::resolves_any_interface && first.interface_index() == 0;
  if (resolve && !detail::resolve_interface(first.group(), chosen, chosen, ec))
    return;
  // 5. A leading source join: refuse if the kernel already has this group (Linux would accept).
  if constexpr (detail::needs_source_join_probe &&
                std::decay_t<decltype(first)>::op == detail::operation::join_source) {
    const unsigned index = resolve ? chosen.index() : first.interface_index();
    int raw = 0;
    detail::membership_probe probe = detail::probe_membership(s, first.group(), index, raw);
    if (raw != 0) {
      ec = detail::translate(detail::operation::get_filter, raw);
      return;
    }
    if (probe != detail::membership_probe::none) {
      ec = make_error_code(errc::already_joined);
      return;
    }
  }
  // 6. Apply; on failure, leave again if anything was joined. If that leave fails too, the group
  // is still joined and the error says so (errc::still_joined, with the first failure's raw code).
  detail::abstract_state st;
  bool failed = false;
  auto apply_raw = [&](const auto& o) {
    if (failed)
      return;
    const detail::any_protocol p;
    int r = detail::sys_setsockopt(s, o.level(p), o.name(p), o.data(p), o.size(p));
    if (r != 0) {
      failed = true;
      ec = detail::translate(std::decay_t<decltype(o)>::op, r, st.state, o.group().is_v6());
      if (st.state != detail::mstate::none)
        if (int u = detail::raw_leave_like(s, o); u != 0 && u != detail::sys_errc::addr_not_avail)
          ec = detail::translated(errc::still_joined, r);
      return;
    }
    st = detail::step(st, std::decay_t<decltype(o)>::op).next;
  };
  auto apply_one = [&](const auto& o) {
    if (resolve)
      apply_raw(detail::with_interface(o, chosen));
    else
      apply_raw(o);
  };
  (apply_one(opts), ...);
}

/// Applies the options in order, as the `std::error_code&` overload does; an invalid sequence is a
/// compile error with an `mcast:` sentence naming the rule.
/// @throws std::system_error with the same mcast::errc codes (errc::still_joined when the undoing leave
/// failed too).
///
/// @par Example
/// @code
/// namespace o = mcast::option;
/// mcast::apply_sequence(sock, o::join_group{g, nic}, o::block_source{g, s, nic});
/// @endcode
template <class Socket, class... Options> void apply_sequence(Socket&& socket, const Options&... opts) {
  detail::assert_valid_sequence<Options...>();
  std::error_code ec;
  apply_sequence(std::forward<Socket>(socket), ec, opts...);
  detail::throw_if(ec, "mcast::apply_sequence");
}

MCAST_END_NAMESPACE

#endif // MCAST_ORDERING_HPP
