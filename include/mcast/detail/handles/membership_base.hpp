// mcast/detail/handles/membership_base.hpp -- what every membership handle shares: join_options, the steps of a join (the socket's facts,
// IP_MULTICAST_ALL, undoing a join), and membership_base.
//
// Copyright (c) 2026 The mcast authors.
// Distributed under the Boost Software License, Version 1.0 (see LICENSE).
#ifndef MCAST_DETAIL_MEMBERSHIP_BASE_HPP
#define MCAST_DETAIL_MEMBERSHIP_BASE_HPP

#if defined(_MSC_VER)
#pragma once
#endif

#include "../../option.hpp"
#include "../../ordering.hpp"
#include "../../source_filter.hpp"
#include "child_list.hpp"
#include "../kernel_request.hpp"
#include "../socket_facts.hpp"

#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <utility>

MCAST_BEGIN_NAMESPACE

/// Options for the factories.
struct join_options {
  /// Linux: this join leaves the socket's IP_MULTICAST_ALL / IPV6_MULTICAST_ALL as they are. With
  /// the default (false) every join sets them to 0: the socket then receives a group only through
  /// its own memberships. They are settings of the *socket* (option::ip_multicast_all in
  /// socket_options.hpp), not of a membership: a later join without this flag turns them off for
  /// the whole socket. A socket that must receive every group passes it to every join, or sets
  /// option::ip_multicast_all{true} after its joins. Elsewhere this has no effect.
  bool keep_multicast_all = false;
};

template <class Api = api::protocol_independent> class any_source_membership;
template <class Api = api::protocol_independent> class source_membership;
template <class Api = api::protocol_independent> class blocked_source;
template <class Api = api::protocol_independent> class included_source;
template <class Api = api::protocol_independent> class filtered_membership;

namespace detail {
// The factories' bodies (the public join_group / join_source_group / join_with_filter forward here).
// They report through a detail::failure, so that a join that succeeds makes no std::error_code.
template <class Api, class Socket>
any_source_membership<Api> join_group_impl(Socket&& sock, const group& g, const network_interface& nic,
                                           const join_options& opts, failure& out) noexcept;
template <class Api, class Socket>
source_membership<Api> join_source_group_impl(Socket&& sock, const group& g, const source& src,
                                              const network_interface& nic, const join_options& opts,
                                              failure& out) noexcept;
template <class Api, class Socket>
filtered_membership<Api> join_with_filter_impl(Socket&& sock, const group& g, const network_interface& nic,
                                               filter_mode mode, const source* src, std::size_t n,
                                               const join_options& opts, failure& out) noexcept;
} // namespace detail

namespace detail {

// Issues one change and translates a refusal into the portable errc (raw code kept). Sets `ec`
// only on failure (the callers start from a clear one).
// `state` is what the handle knows of the membership (the rule table reads an ambiguous refusal
// by it).
template <class Option>
void issue(native_handle_type s, const Option& opt, std::error_code& ec, mstate state = mstate::none) noexcept {
  if (!opt.valid()) {
    ec = opt.check();
    return;
  }
  const any_protocol p;
  if (int r = sys_setsockopt(s, opt.level(p), opt.name(p), opt.data(p), opt.size(p)); r != 0)
    ec = translate(Option::op, r, state, opt.group().is_v6());
}
template <class Option> std::error_code issue(native_handle_type s, const Option& opt) noexcept {
  std::error_code ec;
  issue(s, opt, ec);
  return ec;
}

// Linux: IP_MULTICAST_ALL / IPV6_MULTICAST_ALL off for every family the socket receives (a
// dual-stack IPv6 socket receives both), so that it gets only what its own memberships admit.
// Returns the raw error of the first call that failed, or 0.
static_assert(!has_multicast_all || checks_socket_family, "mcast: multicast_all_off reads the socket's facts");
MCAST_DETAIL_ALWAYS_INLINE int multicast_all_off(native_handle_type s, const socket_facts& f,
                                                 const join_options& o) noexcept {
  if constexpr (has_multicast_all) {
    if (o.keep_multicast_all)
      return 0;
    const int off = 0;
    // An IPv4 socket: IP_MULTICAST_ALL; an IPV6_V6ONLY one: IPV6_MULTICAST_ALL; a dual-stack one:
    // both. (read_socket_facts refused the groups a socket cannot receive.)
    if (!f.v6)
      return sys_setsockopt(s, level_ip, ip_multicast_all, &off, sizeof off);
    if (!f.v6only)
      if (int r = sys_setsockopt(s, level_ip, ip_multicast_all, &off, sizeof off); r != 0)
        return r;
    return sys_setsockopt(s, level_ipv6, ipv6_multicast_all, &off, sizeof off);
  } else {
    (void)s;
    (void)f;
    (void)o;
    return 0;
  }
}

// Linux: the socket's SO_COOKIE (see has_socket_cookie). Returns the raw error, or 0.
MCAST_DETAIL_ALWAYS_INLINE int read_socket_cookie(native_handle_type s, std::uint64_t& cookie) noexcept {
  std::size_t len = sizeof cookie;
  return sys_getsockopt(s, level_socket, so_cookie, &cookie, len);
}

// Before any join: the socket's facts (and on Linux its cookie), then the interface any() stands
// for (resolve_interface). A failure here has changed nothing.
MCAST_DETAIL_ALWAYS_INLINE bool prepare_join(native_handle_type s, const group& g, const network_interface& nic,
                                             socket_facts& f, network_interface& resolved, failure& out) noexcept {
  if (!read_socket_facts(s, g, f, out))
    return false;
  if constexpr (has_socket_cookie) {
    if (int r = read_socket_cookie(s, f.cookie); r != 0) {
      out = kernel_refused(r, operation::other, mstate::none);
      return false;
    }
  }
  // A named interface is the handle's already (`resolved` was made from `nic`): nothing to resolve.
  // (`if constexpr` for the platform constant: cl.exe's C4127 would flag `constant && call`.)
  if constexpr (resolves_any_interface) {
    if (nic.is_any()) {
      std::error_code ec;
      if (!resolve_interface(g, nic, resolved, ec)) {
        out = passed_on(ec);
        return false;
      }
    }
  }
  return true;
}

// A join succeeded and a later step failed: leave again. Returns false when that leave failed too
// -- the kernel still holds the group, so the handle must stay joined (its leave() or destructor
// retries) rather than report a membership nobody could remove.
template <class Request> bool undo_join(native_handle_type s, const Request& req) noexcept {
  const int r = req.group_call(s, Request::leave);
  return r == 0 || translate(operation::leave_group, r) == errc::not_joined;
}

// The last step of every join, once the kernel holds the membership: IP_MULTICAST_ALL off (unless
// join_options keeps it), else the join is undone. Returns whether the handle holds the group.
template <class Request>
MCAST_DETAIL_ALWAYS_INLINE bool finish_join(native_handle_type s, const Request& req, const socket_facts& facts,
                                            const join_options& opts, failure& out) noexcept {
  if (int r = multicast_all_off(s, facts, opts); r != 0) {
    out = kernel_refused(r, operation::other, mstate::none);
    return !undo_join(s, req);
  }
  return true;
}

// What every membership handle holds.
class membership_base {
public:
  /// True while the handle holds a membership (false once left, moved from, or failed to join).
  bool joined() const noexcept { return joined_; }
  explicit operator bool() const noexcept { return joined_; }
  const mcast::group& group() const noexcept { return group_; }
  const mcast::network_interface& nic() const noexcept { return nic_; }
  /// The native socket the membership was made on (the handle does not own it).
  native_handle_type socket() const noexcept { return socket_; }

protected:
  membership_base(native_handle_type s, const mcast::group& g, const mcast::network_interface& n) noexcept
      : socket_(s), group_(g), nic_(n) {}
  membership_base(const membership_base&) = delete;
  membership_base& operator=(const membership_base&) = delete;
  membership_base(membership_base&& o) noexcept
      : socket_(o.socket_), group_(o.group_), nic_(std::move(o.nic_)), cookie_(o.cookie_),
        joined_(std::exchange(o.joined_, false)) {}
  // Member-wise: the caller has already left (or given up on) what this handle held.
  membership_base& operator=(membership_base&& o) noexcept {
    socket_ = o.socket_;
    group_ = o.group_;
    nic_ = std::move(o.nic_);
    cookie_ = o.cookie_;
    joined_ = std::exchange(o.joined_, false);
    return *this;
  }

  // Linux: true while the descriptor still names the socket the handle joined on (its SO_COOKIE
  // is the join's). When another socket has taken the number (the joined one was closed, and its
  // memberships went with it) the handle becomes empty (joined_ false) and false is returned with
  // `f` clear: nothing is issued on the other socket. A read that fails (EBADF: the descriptor is
  // closed; ENOTSOCK: it names a file now; anything else) returns false with `f` set and changes
  // nothing, like any failed call. Elsewhere: true, no call.
  MCAST_DETAIL_ALWAYS_INLINE bool same_socket(failure& f) noexcept {
    if constexpr (has_socket_cookie) {
      std::uint64_t now = 0;
      if (int r = read_socket_cookie(socket_, now); r != 0) {
        f = kernel_refused(r, operation::other, mstate::none);
        return false;
      }
      if (now == cookie_)
        return true;
      joined_ = false;
      return false;
    } else {
      (void)f;
      return true;
    }
  }

  // Issues the API's leave from the handle's kept request. The handle is no longer joined when it
  // succeeds -- or when the kernel says there is no membership any more (it is gone either way),
  // or (Linux) when the descriptor no longer names the joined socket (nothing is issued then).
  template <class Request> MCAST_DETAIL_ALWAYS_INLINE failure leave_with(const Request& req) noexcept {
    if (!joined_)
      return {};
    if (failure f; !same_socket(f))
      return f;
    if (int r = req.group_call(socket_, Request::leave); r != 0) {
      const failure f = kernel_refused(r, operation::leave_group, mstate::none);
      if (!(f.code() == errc::not_joined))
        return f;
    }
    joined_ = false;
    return {};
  }

  native_handle_type socket_;
  mcast::group group_;
  mcast::network_interface nic_;
  std::uint64_t cookie_ = 0; // Linux: the socket's SO_COOKIE at the join
  bool joined_ = false;
};

// What a membership with children (any_source_membership: blocked sources; source_membership:
// included ones) adds: the kernel request it keeps, the list of its live children, and how both
// follow a move, a leave and the end of the handle. `Derived` is the handle (the children point
// to it).
template <class Derived, class Api, class Child> class parent_membership : public membership_base {
protected:
  parent_membership(native_handle_type s, const mcast::group& g, const mcast::network_interface& n) noexcept
      : membership_base(s, g, n) {}
  parent_membership(parent_membership&& o) noexcept
      : membership_base(std::move(o)), req_(o.req_), children_(std::exchange(o.children_, {})) {
    children_.reparent(static_cast<Derived*>(this));
  }
  parent_membership& operator=(parent_membership&& o) noexcept {
    if (this != &o) {
      // Whatever the leave returns, this handle's children stay with what it held (they become
      // inert); only `o`'s children follow `o`'s membership here.
      abandon();
      membership_base::operator=(std::move(o));
      req_ = o.req_;
      children_ = std::exchange(o.children_, {});
      children_.reparent(static_cast<Derived*>(this));
    }
    return *this;
  }
  MCAST_DETAIL_ALWAYS_INLINE ~parent_membership() { abandon(); }

  // Leaves (MCAST_LEAVE_GROUP / IP_DROP_MEMBERSHIP / IPV6_DROP_MEMBERSHIP); every child becomes
  // inert. Nothing on a handle that is not joined; on failure it stays joined, children and all.
  MCAST_DETAIL_ALWAYS_INLINE failure leave_core() noexcept {
    if (!joined_)
      return {};
    if (const failure f = leave_with(req_))
      return f;
    children_.detach_all();
    return {};
  }

  // Leaves best effort and lets go of everything, whatever the leave returned: the children become
  // inert, so none is left linked to a handle that is going away or being reused. (A handle that
  // is not joined has no children: every step that clears joined_ lets them go.)
  MCAST_DETAIL_ALWAYS_INLINE void abandon() noexcept {
    if (joined_ && leave_core()) {
      children_.detach_all();
      joined_ = false;
    }
  }

  // same_socket() for a change the membership or a child is about to make: when the descriptor
  // names another socket now, every child becomes inert too.
  MCAST_DETAIL_ALWAYS_INLINE bool same_socket_or_let_go(failure& f) noexcept {
    if (same_socket(f))
      return true;
    if (!joined_)
      children_.detach_all();
    return false;
  }

  kernel_request<Api> req_;
  child_list<Child> children_;
};

} // namespace detail

MCAST_END_NAMESPACE

#endif // MCAST_DETAIL_MEMBERSHIP_BASE_HPP
