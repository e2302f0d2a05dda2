// mcast/source_membership.hpp -- source-specific memberships and their extra sources: join_source_group,
// source_membership (MCAST_JOIN_SOURCE_GROUP / IP_ADD_SOURCE_MEMBERSHIP), included_source.
//
// Copyright (c) 2026 The mcast authors.
// Distributed under the Boost Software License, Version 1.0 (see LICENSE).
#ifndef MCAST_SOURCE_MEMBERSHIP_HPP
#define MCAST_SOURCE_MEMBERSHIP_HPP

#if defined(_MSC_VER)
#pragma once
#endif

#include "detail/handles/child_list.hpp"
#include "detail/handles/membership_base.hpp"

#include <system_error>
#include <utility>

MCAST_BEGIN_NAMESPACE

// ================================================================================================
/// A source-specific membership (INCLUDE mode): MCAST_JOIN_SOURCE_GROUP /
/// IP_ADD_SOURCE_MEMBERSHIP for its first source; include() adds more; leave() drops them all at
/// once with MCAST_LEAVE_GROUP / IP_DROP_MEMBERSHIP. It cannot block. Made by join_source_group().
template <class Api>
class source_membership : public detail::parent_membership<source_membership<Api>, Api, included_source<Api>> {
  using base = detail::parent_membership<source_membership<Api>, Api, included_source<Api>>;

public:
  /// The option family this handle uses: api::protocol_independent or api::ipv4.
  using api_type = Api;

  /// Takes over the membership and its included sources; `other` is left empty (inert).
  source_membership(source_membership&&) noexcept = default;
  /// Leaves the group this handle held (best effort, never throws), then takes over `other`'s.
  source_membership& operator=(source_membership&&) noexcept = default;
  // (the sentence stays on the declaration's line, where the compilers show it)
  // clang-format off
  source_membership(const source_membership&) = delete; // mcast: membership handles are move-only (each owns one kernel membership); std::move it, or keep it in one place and pass it by reference
  source_membership& operator=(const source_membership&) = delete; // mcast: membership handles are move-only (each owns one kernel membership); std::move it, or keep it in one place and pass it by reference
  // clang-format on
  MCAST_DETAIL_ALWAYS_INLINE ~source_membership() = default; // (the base leaves)

  /// Adds a source: MCAST_JOIN_SOURCE_GROUP / IP_ADD_SOURCE_MEMBERSHIP. The returned handle drops
  /// it (MCAST_LEAVE_SOURCE_GROUP / IP_DROP_SOURCE_MEMBERSHIP) when it goes, unless the group was
  /// left first. errc::source_already_present if it is included already; errc::not_joined after
  /// leave(); errc::family_mismatch; errc::limit_exceeded past the stack's limit.
  [[nodiscard]] MCAST_DETAIL_ALWAYS_INLINE included_source<Api> include(const mcast::source& s,
                                                                        std::error_code& ec) noexcept {
    const detail::failure f = include_core(s);
    detail::report(f, ec);
    return f ? included_source<Api>(s) : included_source<Api>(this, s);
  }
  /// Adds a source, as the `std::error_code&` overload does.
  /// @throws std::system_error with the same mcast::errc codes.
  [[nodiscard]] MCAST_DETAIL_ALWAYS_INLINE included_source<Api> include(const mcast::source& s) {
    detail::throw_if(include_core(s), "mcast::source_membership::include");
    return included_source<Api>(this, s);
  }

  /// Not available (rule block_on_source): see the message.
  // (the sentence stays on the declaration's line, where the compilers show it)
  // clang-format off
  void block(const mcast::source&) = delete; // mcast: block() needs an any-source membership (join_group); a source-specific membership stops a source by dropping its included_source (Windows refuses BLOCK_SOURCE here with WSAEINVAL)
  void block(const mcast::source&, std::error_code&) = delete; // mcast: block() needs an any-source membership (join_group); a source-specific membership stops a source by dropping its included_source (Windows refuses BLOCK_SOURCE here with WSAEINVAL)
  // clang-format on

  /// Leaves the group, dropping every source in one call (MCAST_LEAVE_GROUP /
  /// IP_DROP_MEMBERSHIP); every included_source becomes inert. Nothing on an empty handle.
  MCAST_DETAIL_ALWAYS_INLINE void leave(std::error_code& ec) noexcept { detail::report(leave_core(), ec); }
  /// Leaves the group, as the `std::error_code&` overload does.
  /// @throws std::system_error on failure (the handle stays joined).
  MCAST_DETAIL_ALWAYS_INLINE void leave() { detail::throw_if(leave_core(), "mcast::source_membership::leave"); }

  /// The source it was joined with.
  const mcast::source& source() const noexcept { return source_; }
  /// How many sources it includes: the first one plus each live included_source.
  std::size_t source_count() const noexcept { return joined_ ? 1 + children_.count : 0; }

private:
  template <class A, class S>
  friend source_membership<A> detail::join_source_group_impl(S&&, const mcast::group&, const mcast::source&,
                                                             const mcast::network_interface&, const join_options&,
                                                             detail::failure&) noexcept;
  friend class included_source<Api>;
  friend class detail::child_handle<included_source<Api>, source_membership<Api>>;

  using base::children_;
  using base::group_;
  using base::joined_;
  using base::leave_core;
  using base::nic_;
  using base::req_;
  using base::same_socket_or_let_go;
  using base::socket_;

  source_membership(detail::native_handle_type s, const mcast::group& g, const mcast::source& src,
                    const mcast::network_interface& n) noexcept
      : base(s, g, n), source_(src) {}

  // The type proves the state (source-specific): of the rule table only the value rule is left.
  static_assert(detail::cell_rule(detail::mstate::src, detail::operation::join_source) == detail::rule::ok &&
                detail::cell_rule(detail::mstate::src, detail::operation::leave_source) == detail::rule::ok);
  MCAST_DETAIL_ALWAYS_INLINE detail::failure include_core(const mcast::source& s) noexcept {
    if (!joined_)
      return detail::refused(errc::not_joined);
    if (s.family() != group_.family())
      return detail::refused(errc::family_mismatch);
    if (s == source_ || children_.contains(s))
      return detail::refused(
          detail::rule_errc(detail::value_rule(detail::mstate::src, detail::operation::join_source)));
    if (detail::failure f; !same_socket_or_let_go(f))
      return f ? f : detail::refused(errc::not_joined); // (another socket now: this handle let go)
    if constexpr (detail::api_has_sources<Api>)
      if (int r = req_.source_call(socket_, detail::kernel_request<Api>::join_source, s); r != 0)
        return detail::kernel_refused(r, detail::operation::join_source, detail::mstate::src, group_);
    return {};
  }
  mcast::source source_;
};

// ================================================================================================
/// One extra source of a source_membership. drop() (or destruction) issues
/// MCAST_LEAVE_SOURCE_GROUP / IP_DROP_SOURCE_MEMBERSHIP -- unless the membership has left.
template <class Api> class included_source : public detail::child_handle<included_source<Api>, source_membership<Api>> {
  using base = detail::child_handle<included_source<Api>, source_membership<Api>>;

public:
  /// Takes over the source; `other` is left empty.
  included_source(included_source&&) noexcept = default;
  /// Drops the source this handle held (best effort), then takes over `other`'s.
  included_source& operator=(included_source&&) noexcept = default;
  // (the sentence stays on the declaration's line, where the compilers show it)
  // clang-format off
  included_source(const included_source&) = delete; // mcast: included_source handles are move-only (each undoes one source join); std::move it
  included_source& operator=(const included_source&) = delete; // mcast: included_source handles are move-only (each undoes one source join); std::move it
  // clang-format on
  MCAST_DETAIL_ALWAYS_INLINE ~included_source() { this->release(); }

  /// Drops the source. No system call if the handle is empty or the membership has left. If it
  /// was the membership's last source the kernel removes the membership, and the membership
  /// handle then knows it has left (no second leave). On failure the handle stays armed.
  MCAST_DETAIL_ALWAYS_INLINE void drop(std::error_code& ec) noexcept {
    detail::report(this->active() ? undo() : detail::failure{}, ec);
  }
  /// Drops the source, as the `std::error_code&` overload does.
  /// @throws std::system_error on failure (errc::source_not_present, or the stack's refusal).
  MCAST_DETAIL_ALWAYS_INLINE void drop() {
    if (this->active())
      detail::throw_if(undo(), "mcast::included_source::drop");
  }

private:
  friend base;
  friend class source_membership<Api>;
  using base::base;

  // The source is included (this handle is armed) and the membership source-specific: the rule
  // table has nothing left to refuse.
  MCAST_DETAIL_ALWAYS_INLINE detail::failure undo() noexcept {
    source_membership<Api>* p = this->parent_;
    if (detail::failure f; !p->same_socket_or_let_go(f))
      return f; // (clear when another socket has the number now: nothing to undo, the child is inert)
    const detail::abstract_state st{detail::mstate::src, static_cast<int>(1 + p->children_.count)};
    if constexpr (detail::api_has_sources<Api>) { // (an api::ipv6 included_source is never armed)
      if (int r = p->req_.source_call(p->socket_, detail::kernel_request<Api>::leave_source, this->source_); r != 0)
        return detail::kernel_refused(r, detail::operation::leave_source, detail::mstate::src);
    }
    this->detach();
    if (detail::step(st, detail::operation::leave_source).next.state == detail::mstate::none) {
      p->joined_ = false; // the last source is gone, and with it the membership
      p->children_.detach_all();
    }
    return {};
  }
};

namespace detail {
template <class Api, class Socket>
MCAST_DETAIL_ALWAYS_INLINE source_membership<Api>
join_source_group_impl(Socket&& sock, const group& g, const source& src, const network_interface& nic,
                       const join_options& opts, failure& out) noexcept {
  assert_handle_rule<rule::ipv6_api_no_sources, api_has_sources<Api>>();
  const native_handle_type s = native_of(sock);
  source_membership<Api> m(s, g, src, nic);
  if (const errc e = request_error<Api>(g, src, nic); e != errc{}) {
    out = refused(e);
    return m;
  }
  socket_facts facts;
  if (!prepare_join(s, g, nic, facts, m.nic_, out))
    return m;
  m.cookie_ = facts.cookie;
  // Linux: refuse a group this socket already has on this interface before the join, which Linux
  // would accept by switching the filter to INCLUDE (Windows refuses it itself: no probe there).
  if constexpr (needs_source_join_probe) {
    int raw = 0;
    if (probe_membership(s, g, m.nic_.index(), raw) != membership_probe::none) {
      out = refused(errc::already_joined);
      return m;
    }
    if (raw != 0) {
      out = kernel_refused(raw, operation::get_filter, mstate::none);
      return m;
    }
  }
  m.req_.fill(g, m.nic_);
  if (int r = m.req_.source_call(s, kernel_request<Api>::join_source, src); r != 0) {
    out = kernel_refused(r, operation::join_source, mstate::none, g);
    return m;
  }
  m.joined_ = finish_join(s, m.req_, facts, opts, out);
  return m;
}
} // namespace detail

/// Joins `g` on `nic` for one source only: MCAST_JOIN_SOURCE_GROUP (default) or
/// IP_ADD_SOURCE_MEMBERSHIP (api::ipv4). Reads the group's filter first (one getsockopt /
/// ioctl) and fails with errc::already_joined if the socket already has the group on that
/// interface in any mode. The noexcept form returns an empty handle on error.
// (Forced inline, as join_group is.)
/// @param sock a native handle or any socket with `native_handle()`; @param g the group;
/// @param s the source; @param nic the interface; @param opts join_options;
/// @param ec set on failure, cleared on success. Errors: errc::already_joined,
/// errc::family_mismatch, errc::no_ipv4_address (api::ipv4, POSIX), errc::ambiguous_interface
/// (api::ipv4 by address), errc::limit_exceeded.
template <class Api = api::protocol_independent, class Socket, detail::if_api_has_sources<Api> = 0>
[[nodiscard]] MCAST_DETAIL_ALWAYS_INLINE source_membership<Api>
join_source_group(Socket&& sock, const group& g, const source& s, const network_interface& nic,
                  const join_options& opts, std::error_code& ec) noexcept {
  return detail::made<&detail::join_source_group_impl<Api, Socket>>(ec, std::forward<Socket>(sock), g, s, nic, opts);
}
/// join_source_group() with the default join_options; `ec` as above.
template <class Api = api::protocol_independent, class Socket, detail::if_api_has_sources<Api> = 0>
[[nodiscard]] MCAST_DETAIL_ALWAYS_INLINE source_membership<Api>
join_source_group(Socket&& sock, const group& g, const source& s, const network_interface& nic,
                  std::error_code& ec) noexcept {
  return join_source_group<Api>(std::forward<Socket>(sock), g, s, nic, join_options{}, ec);
}
/// Joins `g` on `nic` for the source `s` only, as the `std::error_code&` overloads do.
/// @throws std::system_error with the same mcast::errc codes.
///
/// @par Example
/// @code
/// auto radio = mcast::join_source_group(sock, mcast::make_group("232.1.2.3"), station, nic);
/// auto extra = radio.include(backup); // MCAST_JOIN_SOURCE_GROUP for a second source
/// @endcode
template <class Api = api::protocol_independent, class Socket, detail::if_api_has_sources<Api> = 0>
[[nodiscard]] MCAST_DETAIL_ALWAYS_INLINE source_membership<Api>
join_source_group(Socket&& sock, const group& g, const source& s, const network_interface& nic,
                  const join_options& opts = {}) {
  return detail::made_or_throw<&detail::join_source_group_impl<Api, Socket>>(
      "mcast::join_source_group", std::forward<Socket>(sock), g, s, nic, opts);
}
// Not available through api::ipv6 (rule ipv6_api_no_sources): see the message.
// clang-format off
template <class Api, class... Args, detail::if_api_lacks_sources<Api> = 0> source_membership<Api> join_source_group(Args&&...) = delete; // mcast: IPV6_ADD_MEMBERSHIP (api::ipv6) has no source options (no block, no source-specific join, no filter); use the default api::protocol_independent (MCAST_* with GROUP_SOURCE_REQ / GROUP_FILTER) for IPv6 sources
// clang-format on

MCAST_END_NAMESPACE

#endif // MCAST_SOURCE_MEMBERSHIP_HPP
