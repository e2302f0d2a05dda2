// mcast/any_source_membership.hpp -- any-source memberships and their blocked sources: join_group,
// any_source_membership (MCAST_JOIN_GROUP / IP_ADD_MEMBERSHIP / IPV6_ADD_MEMBERSHIP), blocked_source
// (MCAST_BLOCK_SOURCE / IP_BLOCK_SOURCE).
//
// Copyright (c) 2026 The mcast authors.
// Distributed under the Boost Software License, Version 1.0 (see LICENSE).
#ifndef MCAST_ANY_SOURCE_MEMBERSHIP_HPP
#define MCAST_ANY_SOURCE_MEMBERSHIP_HPP

#if defined(_MSC_VER)
#pragma once
#endif

#include "detail/handles/child_list.hpp"
#include "detail/handles/membership_base.hpp"

#include <system_error>
#include <utility>

MCAST_BEGIN_NAMESPACE

// ================================================================================================
/// An any-source membership (EXCLUDE mode): MCAST_JOIN_GROUP / IP_ADD_MEMBERSHIP /
/// IPV6_ADD_MEMBERSHIP, left with MCAST_LEAVE_GROUP / IP_DROP_MEMBERSHIP / IPV6_DROP_MEMBERSHIP.
/// It can block sources (block()); it cannot include them. Made by join_group().
template <class Api>
class any_source_membership : public detail::parent_membership<any_source_membership<Api>, Api, blocked_source<Api>> {
  using base = detail::parent_membership<any_source_membership<Api>, Api, blocked_source<Api>>;

public:
  /// The option family this handle uses: api::protocol_independent, api::ipv4 or api::ipv6.
  using api_type = Api;

  /// Takes over the membership and its blocked sources; `other` is left empty (inert).
  any_source_membership(any_source_membership&&) noexcept = default;
  /// Leaves the group this handle held (best effort, never throws), then takes over `other`'s.
  any_source_membership& operator=(any_source_membership&&) noexcept = default;
  // (the sentence stays on the declaration's line, where the compilers show it)
  // clang-format off
  any_source_membership(const any_source_membership&) = delete; // mcast: membership handles are move-only (each owns one kernel membership); std::move it, or keep it in one place and pass it by reference
  any_source_membership& operator=(const any_source_membership&) = delete; // mcast: membership handles are move-only (each owns one kernel membership); std::move it, or keep it in one place and pass it by reference
  // clang-format on
  MCAST_DETAIL_ALWAYS_INLINE ~any_source_membership() = default; // (the base leaves)

  /// Blocks one source: MCAST_BLOCK_SOURCE / IP_BLOCK_SOURCE. The returned handle unblocks it
  /// (MCAST_UNBLOCK_SOURCE / IP_UNBLOCK_SOURCE) when it goes, unless the group was left first.
  /// errc::source_already_present if this membership blocks it already; errc::not_joined after
  /// leave(); errc::family_mismatch for a source of the other family; errc::limit_exceeded past
  /// the stack's limit (Linux igmp_max_msf).
  template <class A = Api, detail::if_api_has_sources<A> = 0>
  [[nodiscard]] MCAST_DETAIL_ALWAYS_INLINE blocked_source<Api> block(const source& s, std::error_code& ec) noexcept {
    const detail::failure f = block_core(s);
    detail::report(f, ec);
    return f ? blocked_source<Api>(s) : blocked_source<Api>(this, s);
  }
  template <class A = Api, detail::if_api_has_sources<A> = 0>
  /// Blocks one source, as the `std::error_code&` overload does.
  /// @throws std::system_error with the same mcast::errc codes.
  [[nodiscard]] MCAST_DETAIL_ALWAYS_INLINE blocked_source<Api> block(const source& s) {
    detail::throw_if(block_core(s), "mcast::any_source_membership::block");
    return blocked_source<Api>(this, s);
  }

  /// Not available through api::ipv6 (rule ipv6_api_no_sources): see the message.
  // clang-format off
  template <class A = Api, detail::if_api_lacks_sources<A> = 0> void block(const mcast::source&) = delete; // mcast: IPV6_ADD_MEMBERSHIP (api::ipv6) has no source options (no block, no source-specific join, no filter); use the default api::protocol_independent (MCAST_* with GROUP_SOURCE_REQ / GROUP_FILTER) for IPv6 sources
  template <class A = Api, detail::if_api_lacks_sources<A> = 0> void block(const mcast::source&, std::error_code&) = delete; // mcast: IPV6_ADD_MEMBERSHIP (api::ipv6) has no source options (no block, no source-specific join, no filter); use the default api::protocol_independent (MCAST_* with GROUP_SOURCE_REQ / GROUP_FILTER) for IPv6 sources
  // clang-format on

  /// Not available (rule source_join_on_any): see the message.
  // (the sentence stays on the declaration's line, where the compilers show it)
  // clang-format off
  void include(const mcast::source&) = delete; // mcast: include() needs a source-specific membership (join_source_group); an any-source membership already receives every source it does not block -- unblock the source instead (Windows refuses ADD_SOURCE_MEMBERSHIP here with WSAEADDRNOTAVAIL)
  void include(const mcast::source&, std::error_code&) = delete; // mcast: include() needs a source-specific membership (join_source_group); an any-source membership already receives every source it does not block -- unblock the source instead (Windows refuses ADD_SOURCE_MEMBERSHIP here with WSAEADDRNOTAVAIL)
  // clang-format on

  /// Leaves the group (MCAST_LEAVE_GROUP / IP_DROP_MEMBERSHIP / IPV6_DROP_MEMBERSHIP); every
  /// blocked_source becomes inert. Does nothing on an empty handle. On failure the handle stays
  /// joined.
  MCAST_DETAIL_ALWAYS_INLINE void leave(std::error_code& ec) noexcept { detail::report(leave_core(), ec); }
  /// Leaves the group, as the `std::error_code&` overload does.
  /// @throws std::system_error on failure (the handle stays joined, so that a retry or the destructor
  /// can leave).
  MCAST_DETAIL_ALWAYS_INLINE void leave() { detail::throw_if(leave_core(), "mcast::any_source_membership::leave"); }

  /// How many sources this membership blocks through live blocked_source handles.
  std::size_t blocked_count() const noexcept { return children_.count; }

private:
  template <class A, class S>
  friend any_source_membership<A> detail::join_group_impl(S&&, const mcast::group&, const mcast::network_interface&,
                                                          const join_options&, detail::failure&) noexcept;
  friend class blocked_source<Api>;
  friend class detail::child_handle<blocked_source<Api>, any_source_membership<Api>>;

  using base::children_;
  using base::group_;
  using base::joined_;
  using base::leave_core;
  using base::nic_;
  using base::req_;
  using base::same_socket_or_let_go;
  using base::socket_;

  any_source_membership(detail::native_handle_type s, const mcast::group& g, const mcast::network_interface& n) noexcept
      : base(s, g, n) {}

  // The type proves the state (any-source): of the rule table only the value rule is left to check.
  static_assert(detail::cell_rule(detail::mstate::any, detail::operation::block) == detail::rule::ok &&
                detail::cell_rule(detail::mstate::any, detail::operation::unblock) == detail::rule::ok);
  MCAST_DETAIL_ALWAYS_INLINE detail::failure block_core(const source& s) noexcept {
    detail::assert_handle_rule<detail::rule::ipv6_api_no_sources, detail::api_has_sources<Api>>();
    if (!joined_)
      return detail::refused(errc::not_joined);
    if (s.family() != group_.family())
      return detail::refused(errc::family_mismatch);
    if (const errc e = req_.source_error(); e != errc{})
      return detail::refused(e); // (api::ipv4: the interface cannot be named by address)
    if (children_.contains(s))
      return detail::refused(detail::rule_errc(detail::value_rule(detail::mstate::any, detail::operation::block)));
    if (detail::failure f; !same_socket_or_let_go(f))
      return f ? f : detail::refused(errc::not_joined); // (another socket now: this handle let go)
    if constexpr (detail::api_has_sources<Api>)
      if (int r = req_.source_call(socket_, detail::kernel_request<Api>::block, s); r != 0)
        return detail::kernel_refused(r, detail::operation::block, detail::mstate::any, group_);
    return {};
  }
};

// ================================================================================================
/// One blocked source of an any_source_membership. unblock() (or destruction) issues
/// MCAST_UNBLOCK_SOURCE / IP_UNBLOCK_SOURCE -- unless the membership has left, in which case it
/// does nothing.
template <class Api>
class blocked_source : public detail::child_handle<blocked_source<Api>, any_source_membership<Api>> {
  using base = detail::child_handle<blocked_source<Api>, any_source_membership<Api>>;

public:
  /// Takes over the block; `other` is left empty.
  blocked_source(blocked_source&&) noexcept = default;
  /// Unblocks the source this handle held (best effort), then takes over `other`'s.
  blocked_source& operator=(blocked_source&&) noexcept = default;
  // (the sentence stays on the declaration's line, where the compilers show it)
  // clang-format off
  blocked_source(const blocked_source&) = delete; // mcast: blocked_source handles are move-only (each undoes one block); std::move it
  blocked_source& operator=(const blocked_source&) = delete; // mcast: blocked_source handles are move-only (each undoes one block); std::move it
  // clang-format on
  MCAST_DETAIL_ALWAYS_INLINE ~blocked_source() { this->release(); }

  /// Unblocks the source. No system call if the handle is empty or the membership has left.
  /// On failure the source stays blocked and the handle armed.
  MCAST_DETAIL_ALWAYS_INLINE void unblock(std::error_code& ec) noexcept { detail::report(unblock_core(), ec); }
  /// Unblocks the source, as the `std::error_code&` overload does.
  /// @throws std::system_error on failure (errc::source_not_present, or the stack's refusal).
  MCAST_DETAIL_ALWAYS_INLINE void unblock() { detail::throw_if(unblock_core(), "mcast::blocked_source::unblock"); }

private:
  friend base;
  friend class any_source_membership<Api>;
  using base::base;

  MCAST_DETAIL_ALWAYS_INLINE detail::failure unblock_core() noexcept {
    if (!this->active())
      return {};
    const detail::failure f = undo();
    if (!f)
      this->detach();
    return f;
  }
  // The source is blocked (this handle is armed) and the membership is any-source: the rule table
  // has nothing left to refuse.
  MCAST_DETAIL_ALWAYS_INLINE detail::failure undo() noexcept {
    if constexpr (detail::api_has_sources<Api>) { // (an api::ipv6 blocked_source is never armed)
      auto* p = this->parent_;
      if (detail::failure f; !p->same_socket_or_let_go(f))
        return f; // (clear when another socket has the number now: nothing to undo, the child is inert)
      if (int r = p->req_.source_call(p->socket_, detail::kernel_request<Api>::unblock, this->source_); r != 0)
        return detail::kernel_refused(r, detail::operation::unblock, detail::mstate::any);
    }
    return {};
  }
};

namespace detail {
template <class Api, class Socket>
MCAST_DETAIL_ALWAYS_INLINE any_source_membership<Api> join_group_impl(Socket&& sock, const group& g,
                                                                      const network_interface& nic,
                                                                      const join_options& opts, failure& out) noexcept {
  const native_handle_type s = native_of(sock);
  socket_facts facts;
  any_source_membership<Api> m(s, g, nic);
  if (const errc e = request_error<Api>(g, nic, true); e != errc{}) {
    out = refused(e); // the values first, before any system call
    return m;
  }
  if (!prepare_join(s, g, nic, facts, m.nic_, out))
    return m;
  m.cookie_ = facts.cookie;
  m.req_.fill(g, m.nic_);
  if (int r = m.req_.group_call(s, kernel_request<Api>::join_any); r != 0) {
    out = kernel_refused(r, operation::join_any, mstate::none, g);
    return m;
  }
  m.joined_ = finish_join(s, m.req_, facts, opts, out);
  return m;
}
} // namespace detail

/// Joins `g` on `nic` for every source not blocked: MCAST_JOIN_GROUP (default),
/// IP_ADD_MEMBERSHIP (api::ipv4) or IPV6_ADD_MEMBERSHIP (api::ipv6). errc::already_joined if the
/// socket has the group on that interface already (WSAEADDRNOTAVAIL / EADDRINUSE);
/// errc::family_mismatch for an IPv6 group through api::ipv4 or the reverse; errc::no_ipv4_address
/// (POSIX, api::ipv4) for an interface without one; errc::limit_exceeded past the stack's limit.
/// The noexcept form returns an empty handle on error.
// (Forced inline, like the handles' operations: out of line, a join costs a call frame and the
// handle returned through memory -- 33 (clang) to 41 (g++) instructions of the bench's cycle.)
/// @param sock a native handle (`SOCKET`, file descriptor) or any socket with `native_handle()`.
/// @param g the group; @param nic the interface (network_interface::any() lets the stack pick).
/// @param opts join_options (Linux: keep_multicast_all).
/// @param ec set to the mcast::errc (or the translated system error) on failure, cleared on success.
template <class Api = api::protocol_independent, class Socket>
[[nodiscard]] MCAST_DETAIL_ALWAYS_INLINE any_source_membership<Api>
join_group(Socket&& sock, const group& g, const network_interface& nic, const join_options& opts,
           std::error_code& ec) noexcept {
  return detail::made<&detail::join_group_impl<Api, Socket>>(ec, std::forward<Socket>(sock), g, nic, opts);
}
/// join_group() with the default join_options; `ec` as above.
template <class Api = api::protocol_independent, class Socket>
[[nodiscard]] MCAST_DETAIL_ALWAYS_INLINE any_source_membership<Api>
join_group(Socket&& sock, const group& g, const network_interface& nic, std::error_code& ec) noexcept {
  return join_group<Api>(std::forward<Socket>(sock), g, nic, join_options{}, ec);
}
/// Joins `g` on `nic` for every source not blocked, as the `std::error_code&` overloads do.
/// @throws std::system_error with the same mcast::errc codes.
///
/// @par Example
/// @code
/// auto conf = mcast::join_group(sock, mcast::make_group("239.1.2.3"), nic);
/// auto mute = conf.block(mcast::make_source("192.0.2.7"));
/// @endcode
template <class Api = api::protocol_independent, class Socket>
[[nodiscard]] MCAST_DETAIL_ALWAYS_INLINE any_source_membership<Api>
join_group(Socket&& sock, const group& g, const network_interface& nic, const join_options& opts = {}) {
  return detail::made_or_throw<&detail::join_group_impl<Api, Socket>>("mcast::join_group", std::forward<Socket>(sock),
                                                                      g, nic, opts);
}

MCAST_END_NAMESPACE

#endif // MCAST_ANY_SOURCE_MEMBERSHIP_HPP
