// mcast/filtered_membership.hpp -- memberships whose whole source filter is set at once: join_with_filter,
// filtered_membership (a join, then SIOCSMSFILTER / MCAST_MSFILTER / setsourcefilter).
//
// Copyright (c) 2026 The mcast authors.
// Distributed under the Boost Software License, Version 1.0 (see LICENSE).
#ifndef MCAST_FILTERED_MEMBERSHIP_HPP
#define MCAST_FILTERED_MEMBERSHIP_HPP

#if defined(_MSC_VER)
#pragma once
#endif

#include "detail/handles/membership_base.hpp"

#include <initializer_list>
#include <system_error>
#include <utility>

MCAST_BEGIN_NAMESPACE

// ================================================================================================
/// A membership whose whole filter is set at once (final state): joined with MCAST_JOIN_GROUP /
/// IP_ADD_MEMBERSHIP, then SIOCSMSFILTER / SIO_SET_MULTICAST_FILTER (Windows) or MCAST_MSFILTER /
/// IP_MSFILTER (Linux). set() replaces the list and may switch mode in one system call; filter()
/// reads it back. Made by join_with_filter().
template <class Api> class filtered_membership : public detail::membership_base {
public:
  /// The option family this handle uses: api::protocol_independent or api::ipv4.
  using api_type = Api;

  /// Takes over the membership; `o` is left empty.
  filtered_membership(filtered_membership&& o) noexcept = default;
  /// Leaves the group this handle held (best effort, never throws), then takes over `o`'s.
  filtered_membership& operator=(filtered_membership&& o) noexcept {
    if (this != &o) {
      (void)leave_with(req_);
      membership_base::operator=(std::move(o));
      req_ = o.req_;
    }
    return *this;
  }
  // (the sentence stays on the declaration's line, where the compilers show it)
  // clang-format off
  filtered_membership(const filtered_membership&) = delete; // mcast: membership handles are move-only (each owns one kernel membership); std::move it, or keep it in one place and pass it by reference
  filtered_membership& operator=(const filtered_membership&) = delete; // mcast: membership handles are move-only (each owns one kernel membership); std::move it, or keep it in one place and pass it by reference
  // clang-format on
  MCAST_DETAIL_ALWAYS_INLINE ~filtered_membership() { (void)leave_with(req_); }

  /// Replaces the filter in one system call. INCLUDE with no sources leaves the group (the
  /// handle is then not joined). errc::not_joined after leave(); errc::limit_exceeded (filter
  /// unchanged) past the stack's limit; errc::family_mismatch; errc::source_already_present for
  /// a source listed twice.
  template <class Range> void set(filter_mode mode, const Range& sources, std::error_code& ec) noexcept {
    const detail::source_span list = detail::sources_of(sources);
    set_impl(mode, list.data, list.size, ec);
  }
  /// set() with the sources listed in place: `f.set(filter_mode::exclude, {s1, s2}, ec)`.
  void set(filter_mode mode, std::initializer_list<mcast::source> sources, std::error_code& ec) noexcept {
    set_impl(mode, sources.begin(), sources.size(), ec);
  }
  /// Replaces the filter, as the `std::error_code&` overload does.
  /// @throws std::system_error with the same mcast::errc codes (the filter is then unchanged).
  template <class Range> void set(filter_mode mode, const Range& sources) {
    std::error_code ec;
    set(mode, sources, ec);
    detail::throw_if(ec, "mcast::filtered_membership::set");
  }
  /// Replaces the filter with the sources listed in place.
  /// @throws std::system_error with the same mcast::errc codes.
  void set(filter_mode mode, std::initializer_list<mcast::source> sources) {
    std::error_code ec;
    set(mode, sources, ec);
    detail::throw_if(ec, "mcast::filtered_membership::set");
  }

  /// Reads the filter back from the stack.
  source_filter filter(std::error_code& ec) const noexcept {
    if (!joined_) {
      ec = make_error_code(errc::not_joined);
      return {};
    }
    return detail::get_filter<Api>(socket_, group_, nic_, ec);
  }
  /// Reads the filter back, as the `std::error_code&` overload does.
  /// @throws std::system_error errc::not_joined after leave(), or the stack's refusal.
  source_filter filter() const {
    std::error_code ec;
    source_filter f = filter(ec);
    detail::throw_if(ec, "mcast::filtered_membership::filter");
    return f;
  }

  /// Not available (rules filtered_block, filtered_include): see the messages.
  // (the sentence stays on the declaration's line, where the compilers show it)
  // clang-format off
  void block(const mcast::source&) = delete; // mcast: block() needs an any-source membership (join_group); a filtered membership changes its whole list at once with set(filter_mode::exclude, {...})
  void block(const mcast::source&, std::error_code&) = delete; // mcast: block() needs an any-source membership (join_group); a filtered membership changes its whole list at once with set(filter_mode::exclude, {...})
  void include(const mcast::source&) = delete; // mcast: include() needs a source-specific membership (join_source_group); a filtered membership changes its whole list at once with set(filter_mode::include, {...})
  void include(const mcast::source&, std::error_code&) = delete; // mcast: include() needs a source-specific membership (join_source_group); a filtered membership changes its whole list at once with set(filter_mode::include, {...})
  // clang-format on

  /// Leaves the group. Nothing on an empty handle.
  MCAST_DETAIL_ALWAYS_INLINE void leave(std::error_code& ec) noexcept { detail::report(leave_with(req_), ec); }
  /// Leaves the group, as the `std::error_code&` overload does.
  /// @throws std::system_error on failure (the handle stays joined).
  MCAST_DETAIL_ALWAYS_INLINE void leave() { detail::throw_if(leave_with(req_), "mcast::filtered_membership::leave"); }

private:
  template <class A, class S>
  friend filtered_membership<A> detail::join_with_filter_impl(S&&, const mcast::group&, const mcast::network_interface&,
                                                              filter_mode, const mcast::source*, std::size_t,
                                                              const join_options&, detail::failure&) noexcept;

  filtered_membership(detail::native_handle_type s, const mcast::group& g, const mcast::network_interface& n) noexcept
      : membership_base(s, g, n) {}

  detail::kernel_request<Api> req_;

  void set_impl(filter_mode mode, const mcast::source* src, std::size_t n, std::error_code& ec) noexcept {
    detail::clear(ec);
    if (!joined_) {
      ec = make_error_code(errc::not_joined);
      return;
    }
    if (detail::failure f; !same_socket(f)) {
      ec = f ? f.code() : make_error_code(errc::not_joined); // (another socket now: this handle let go)
      return;
    }
    detail::set_filter<Api>(socket_, group_, nic_, mode, src, n, ec);
    if (!ec && mode == filter_mode::include && n == 0)
      joined_ = false; // INCLUDE {} is no membership at all
  }
};

namespace detail {
template <class Api, class Socket>
filtered_membership<Api> join_with_filter_impl(Socket&& sock, const group& g, const network_interface& nic,
                                               filter_mode mode, const source* src, std::size_t n,
                                               const join_options& opts, failure& out) noexcept {
  assert_filter_api<Api>();
  const native_handle_type s = native_of(sock);
  filtered_membership<Api> m(s, g, nic);
  // Everything that can be checked is checked before the join.
  filter_buffer buf;
  {
    std::error_code ec; // (the filter's checks report in error codes; a filter join builds a list anyway)
    if (!build_filter<Api>(buf, g, nic, mode, src, n, ec)) {
      out = passed_on(ec);
      return m;
    }
  }
  if (mode == filter_mode::include && n == 0)
    return m; // INCLUDE {} is no membership: nothing to do
  socket_facts facts;
  if (!prepare_join(s, g, nic, facts, m.nic_, out))
    return m;
  m.cookie_ = facts.cookie;
  {
    std::error_code ec;
    if (!set_filter_interface<Api>(buf, m.nic_, ec)) {
      out = passed_on(ec);
      return m;
    }
  }
  m.req_.fill(g, m.nic_);
  if (int r = m.req_.group_call(s, kernel_request<Api>::join_any); r != 0) {
    out = kernel_refused(r, operation::join_any, mstate::none, g);
    return m;
  }
  if (!(mode == filter_mode::exclude && n == 0)) { // EXCLUDE {} is what the join made
    if (int r = sys_set_filter(s, filter_struct_of<Api>(), level_of(g), buf.data(), buf.size()); r != 0) {
      out = kernel_refused(r, operation::set_filter, mstate::none, g);
      m.joined_ = !undo_join(s, m.req_);
      return m;
    }
  }
  m.joined_ = finish_join(s, m.req_, facts, opts, out);
  return m;
}
} // namespace detail

/// Joins `g` on `nic` with a whole filter: the join, then one filter call (none for EXCLUDE {}).
/// If the filter call fails the group is left again. INCLUDE {} makes no membership and no
/// system call. errc::already_joined if the socket has the group on that interface already
/// (through any handle). The noexcept form returns an empty handle on error.
template <class Api = api::protocol_independent, class Socket, class Range, detail::if_api_has_sources<Api> = 0>
[[nodiscard]] filtered_membership<Api> join_with_filter(Socket&& sock, const group& g, const network_interface& nic,
                                                        filter_mode mode, const Range& sources,
                                                        const join_options& opts, std::error_code& ec) noexcept {
  const detail::source_span list = detail::sources_of(sources);
  return detail::made<&detail::join_with_filter_impl<Api, Socket>>(ec, std::forward<Socket>(sock), g, nic, mode,
                                                                   list.data, list.size, opts);
}
/// join_with_filter() with the default join_options.
template <class Api = api::protocol_independent, class Socket, class Range, detail::if_api_has_sources<Api> = 0>
[[nodiscard]] filtered_membership<Api> join_with_filter(Socket&& sock, const group& g, const network_interface& nic,
                                                        filter_mode mode, const Range& sources,
                                                        std::error_code& ec) noexcept {
  return join_with_filter<Api>(std::forward<Socket>(sock), g, nic, mode, sources, join_options{}, ec);
}
/// join_with_filter() with the sources listed in place: `join_with_filter(sock, g, nic, mode, {s1, s2}, ec)`.
template <class Api = api::protocol_independent, class Socket, detail::if_api_has_sources<Api> = 0>
[[nodiscard]] filtered_membership<Api> join_with_filter(Socket&& sock, const group& g, const network_interface& nic,
                                                        filter_mode mode, std::initializer_list<source> sources,
                                                        std::error_code& ec) noexcept {
  return detail::made<&detail::join_with_filter_impl<Api, Socket>>(ec, std::forward<Socket>(sock), g, nic, mode,
                                                                   sources.begin(), sources.size(), join_options{});
}
/// Joins with a whole filter, as the `std::error_code&` overloads do.
/// @throws std::system_error with the same mcast::errc codes (nothing stays joined).
///
/// @par Example
/// @code
/// auto f = mcast::join_with_filter(sock, g, nic, mcast::filter_mode::exclude, {noisy1, noisy2});
/// f.set(mcast::filter_mode::exclude, {noisy2, noisy3}); // one SIOCSMSFILTER / MCAST_MSFILTER call
/// @endcode
template <class Api = api::protocol_independent, class Socket, class Range, detail::if_api_has_sources<Api> = 0>
[[nodiscard]] filtered_membership<Api> join_with_filter(Socket&& sock, const group& g, const network_interface& nic,
                                                        filter_mode mode, const Range& sources,
                                                        const join_options& opts = {}) {
  const detail::source_span list = detail::sources_of(sources);
  return detail::made_or_throw<&detail::join_with_filter_impl<Api, Socket>>(
      "mcast::join_with_filter", std::forward<Socket>(sock), g, nic, mode, list.data, list.size, opts);
}
/// Joins with a whole filter, the sources listed in place.
/// @throws std::system_error with the same mcast::errc codes.
template <class Api = api::protocol_independent, class Socket, detail::if_api_has_sources<Api> = 0>
[[nodiscard]] filtered_membership<Api> join_with_filter(Socket&& sock, const group& g, const network_interface& nic,
                                                        filter_mode mode, std::initializer_list<source> sources,
                                                        const join_options& opts = {}) {
  return detail::made_or_throw<&detail::join_with_filter_impl<Api, Socket>>(
      "mcast::join_with_filter", std::forward<Socket>(sock), g, nic, mode, sources.begin(), sources.size(), opts);
}
// Not available through api::ipv6 (rule ipv6_api_no_sources): see the message.
// clang-format off
template <class Api, class... Args, detail::if_api_lacks_sources<Api> = 0> filtered_membership<Api> join_with_filter(Args&&...) = delete; // mcast: IPV6_ADD_MEMBERSHIP (api::ipv6) has no source options (no block, no source-specific join, no filter); use the default api::protocol_independent (MCAST_* with GROUP_SOURCE_REQ / GROUP_FILTER) for IPv6 sources
template <class Api, class Socket, class... Rest, detail::if_api_lacks_sources<Api> = 0> filtered_membership<Api> join_with_filter(Socket&&, const group&, const network_interface&, filter_mode, std::initializer_list<source>, Rest&&...) = delete; // mcast: IPV6_ADD_MEMBERSHIP (api::ipv6) has no source options (no block, no source-specific join, no filter); use the default api::protocol_independent (MCAST_* with GROUP_SOURCE_REQ / GROUP_FILTER) for IPv6 sources
// clang-format on

MCAST_END_NAMESPACE

#endif // MCAST_FILTERED_MEMBERSHIP_HPP
