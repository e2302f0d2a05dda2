// mcast/membership.hpp -- RAII membership handles with typestate.
//
// Copyright (c) 2026 The mcast authors.
// Distributed under the Boost Software License, Version 1.0 (see LICENSE).
//
//   auto conf  = mcast::join_group(sock, g, nic);            // any_source_membership  MCAST_JOIN_GROUP
//   auto mute  = conf.block(s);                              // blocked_source         MCAST_BLOCK_SOURCE
//   mute.unblock();                                          //                        MCAST_UNBLOCK_SOURCE
//   conf.leave();                                            //                        MCAST_LEAVE_GROUP
//   auto radio = mcast::join_source_group(sock, g, s, nic);  // source_membership      MCAST_JOIN_SOURCE_GROUP
//   auto extra = radio.include(s2);                          // included_source        MCAST_JOIN_SOURCE_GROUP
//   extra.drop();                                            //                        MCAST_LEAVE_SOURCE_GROUP
//   auto f = mcast::join_with_filter(sock, g, nic, mcast::filter_mode::exclude, {s1, s2});
//   f.set(mcast::filter_mode::include, {s3});                // filtered_membership    SIOCSMSFILTER / MCAST_MSFILTER
//
// Rules (the README, "Platform notes"; the rules themselves: detail/rule_table.hpp):
// - Each handle is move-only; a moved-from handle is empty and inert; destructors undo best
//   effort and never throw. leave()/unblock()/drop() on an empty handle do nothing.
// - A child (blocked_source, included_source) undoes itself when destroyed -- unless its
//   membership has left, in which case it makes no system call. Moving the membership keeps its
//   children working. A membership and its children are used from one thread at a time.
// - A handle never owns its socket and must not outlive it: destroy handles before closing it.
// - Operations a state does not allow are compile errors with an `mcast:` sentence.
// - Errors that depend on values are the same mcast::errc on every platform and are found before
//   the system call where the handle can know (the same source twice, a family mismatch).
// - Linux only: every join first reads the socket's IPV6_V6ONLY (a group the socket can never
//   receive is errc::family_mismatch before any change), and afterwards turns IP_MULTICAST_ALL /
//   IPV6_MULTICAST_ALL off (both on a dual-stack socket; idempotent), so the socket receives only
//   what its own memberships admit, as on Windows. Opt out with join_options::keep_multicast_all.
// - Linux only: join_source_group reads the kernel's filter for the group (one getsockopt): if
//   the group is already joined on that socket and interface -- by any handle, any API, or an
//   interface spelled differently -- it fails with errc::already_joined, as Windows does by
//   itself. Linux alone would silently switch an any-source membership to INCLUDE mode.
// - network_interface::any() is resolved to the interface the stack's route picks (Linux; see
//   network_interface.hpp); nic() then reports that interface.
// - A join whose later step fails is left again; if that leave fails too, the handle is returned
//   joined (with the error) so that leave() or its destructor retries. A membership destroyed or
//   assigned over lets go of its children whatever its leave returned.
#ifndef MCAST_MEMBERSHIP_HPP
#define MCAST_MEMBERSHIP_HPP

#if defined(_MSC_VER)
#pragma once
#endif

#include "detail/kernel_request.hpp"
#include "option.hpp"
#include "ordering.hpp"
#include "source_filter.hpp"

#include <initializer_list>
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

template <class Api> constexpr bool api_has_sources = !std::is_same_v<Api, api::ipv6>;

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
    ec = translate(Option::op, r, state);
}
template <class Option> std::error_code issue(native_handle_type s, const Option& opt) noexcept {
  std::error_code ec;
  issue(s, opt, ec);
  return ec;
}

// What a join needs to know about the socket (Linux only; elsewhere nothing is read): whether
// it is an IPv6 socket and whether IPV6_V6ONLY is set. One getsockopt (IPV6_V6ONLY, which an
// IPv4 socket refuses with EOPNOTSUPP). A group the socket can never receive is refused before
// the join: an IPv6 group on an IPv4 socket, an IPv4 group on an IPV6_V6ONLY socket (Linux would
// accept that join and never deliver).
struct socket_facts {
  bool v6 = false;
  bool v6only = false;
};

inline bool read_socket_facts(native_handle_type s, const group& g, socket_facts& f, std::error_code& ec) noexcept {
  if constexpr (checks_socket_family) {
    int v = 0;
    std::size_t len = sizeof v;
    if (int r = sys_getsockopt(s, level_ipv6, ipv6_v6only, &v, len); r == 0) {
      f.v6 = true;
      f.v6only = v != 0;
    } else if (r != sys_errc::not_supported && r != sys_errc::no_protocol_option) {
      ec = translate(operation::other, r);
      return false;
    }
    if (g.is_v6() ? !f.v6 : (f.v6 && f.v6only)) {
      ec = make_error_code(errc::family_mismatch);
      return false;
    }
  } else {
    (void)s;
    (void)g;
    (void)f;
    (void)ec;
  }
  return true;
}

// Linux: IP_MULTICAST_ALL / IPV6_MULTICAST_ALL off for every family the socket receives (a
// dual-stack IPv6 socket receives both), so that it gets only what its own memberships admit.
// Returns the raw error of the first call that failed, or 0.
inline int multicast_all_off(native_handle_type s, const group& g, const socket_facts& f,
                             const join_options& o) noexcept {
  if constexpr (has_multicast_all) {
    if (o.keep_multicast_all)
      return 0;
    const int off = 0;
    const bool v4 = g.is_v4() || (f.v6 && !f.v6only);
    const bool v6 = g.is_v6() || f.v6;
    if (v4)
      if (int r = sys_setsockopt(s, level_ip, ip_multicast_all, &off, sizeof off); r != 0)
        return r;
    if (v6 && !(g.is_v4() && f.v6only))
      if (int r = sys_setsockopt(s, level_ipv6, ipv6_multicast_all, &off, sizeof off); r != 0)
        return r;
  } else {
    (void)s;
    (void)g;
    (void)f;
    (void)o;
  }
  return 0;
}

// Before any join: the socket's facts, then the interface any() stands for (resolve_interface).
inline bool prepare_join(native_handle_type s, const group& g, const network_interface& nic, socket_facts& f,
                         network_interface& resolved, std::error_code& ec) noexcept {
  return read_socket_facts(s, g, f, ec) && resolve_interface(g, nic, resolved, ec);
}

// A join succeeded and a later step failed: leave again. Returns false when that leave failed too
// -- the kernel still holds the group, so the handle must stay joined (its leave() or destructor
// retries) rather than report a membership nobody could remove.
template <class Request> bool undo_join(native_handle_type s, const Request& req) noexcept {
  const int r = req.group_call(s, Request::leave);
  return r == 0 || translate(operation::leave_group, r) == errc::not_joined;
}

// Intrusive list of a membership's live children: no allocation, and moving either side only
// relinks pointers.
template <class Child> struct child_list {
  Child* head = nullptr;
  std::size_t count = 0;

  void push(Child* c) noexcept {
    c->prev_ = nullptr;
    c->next_ = head;
    if (head)
      head->prev_ = c;
    head = c;
    ++count;
  }
  void unlink(Child* c) noexcept {
    if (c->prev_)
      c->prev_->next_ = c->next_;
    else
      head = c->next_;
    if (c->next_)
      c->next_->prev_ = c->prev_;
    c->prev_ = c->next_ = nullptr;
    --count;
  }
  void replace(Child* from, Child* to) noexcept {
    to->prev_ = from->prev_;
    to->next_ = from->next_;
    if (to->prev_)
      to->prev_->next_ = to;
    else
      head = to;
    if (to->next_)
      to->next_->prev_ = to;
    from->prev_ = from->next_ = nullptr;
  }
  bool contains(const source& s) const noexcept {
    for (Child* c = head; c; c = c->next_)
      if (c->source_ == s)
        return true;
    return false;
  }
  template <class Parent> void reparent(Parent* p) noexcept {
    for (Child* c = head; c; c = c->next_)
      c->parent_ = p;
  }
  // The membership left: every child becomes inert.
  void detach_all() noexcept {
    Child* c = head;
    while (c) {
      Child* n = c->next_;
      c->parent_ = nullptr;
      c->prev_ = c->next_ = nullptr;
      c = n;
    }
    head = nullptr;
    count = 0;
  }
};

// What a child handle (blocked_source, included_source) is: one source, a link in its
// membership's list, and the rules for moving and going away. Derived supplies undo(ec), the one
// system call that takes the source back (unblock or drop), returning a detail::failure.
template <class Derived, class Parent> class child_handle {
public:
  child_handle(child_handle&& o) noexcept : parent_(std::exchange(o.parent_, nullptr)), source_(o.source_) {
    if (parent_)
      parent_->children_.replace(static_cast<Derived*>(&o), derived());
  }
  child_handle& operator=(child_handle&& o) noexcept {
    if (this != &o) {
      release();
      parent_ = std::exchange(o.parent_, nullptr);
      source_ = o.source_;
      if (parent_)
        parent_->children_.replace(static_cast<Derived*>(&o), derived());
    }
    return *this;
  }

  /// True while this handle's source is blocked / included (its membership has not left).
  bool active() const noexcept { return parent_ != nullptr && parent_->joined_; }
  explicit operator bool() const noexcept { return active(); }
  const mcast::source& source() const noexcept { return source_; }

protected:
  explicit child_handle(const mcast::source& s) noexcept : source_(s) {}
  child_handle(Parent* p, const mcast::source& s) noexcept : parent_(p), source_(s) { p->children_.push(derived()); }
  child_handle(const child_handle&) = delete;
  child_handle& operator=(const child_handle&) = delete;
  ~child_handle() = default;

  Derived* derived() noexcept { return static_cast<Derived*>(this); }

  // Undo, best effort, then forget the membership whatever happened (destructor, move-assign).
  void release() noexcept {
    if (active())
      (void)derived()->undo();
    detach();
  }
  void detach() noexcept {
    if (parent_) {
      parent_->children_.unlink(derived());
      parent_ = nullptr;
    }
  }

  friend struct child_list<Derived>;
  Parent* parent_ = nullptr;
  Derived* prev_ = nullptr;
  Derived* next_ = nullptr;
  mcast::source source_;
};

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
      : socket_(o.socket_), group_(o.group_), nic_(std::move(o.nic_)), joined_(std::exchange(o.joined_, false)) {}
  // Member-wise: the caller has already left (or given up on) what this handle held.
  membership_base& operator=(membership_base&& o) noexcept {
    socket_ = o.socket_;
    group_ = o.group_;
    nic_ = std::move(o.nic_);
    joined_ = std::exchange(o.joined_, false);
    return *this;
  }

  // Issues the API's leave from the handle's kept request. The handle is no longer joined when it
  // succeeds -- or when the kernel says there is no membership any more (it is gone either way).
  template <class Request> failure leave_with(const Request& req) noexcept {
    if (!joined_)
      return {};
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
  bool joined_ = false;
};

} // namespace detail

// ================================================================================================
/// An any-source membership (EXCLUDE mode): MCAST_JOIN_GROUP / IP_ADD_MEMBERSHIP /
/// IPV6_ADD_MEMBERSHIP, left with MCAST_LEAVE_GROUP / IP_DROP_MEMBERSHIP / IPV6_DROP_MEMBERSHIP.
/// It can block sources (block()); it cannot include them. Made by join_group().
template <class Api> class any_source_membership : public detail::membership_base {
public:
  using api_type = Api;

  any_source_membership(any_source_membership&& o) noexcept : membership_base(std::move(o)), req_(o.req_) {
    children_ = std::exchange(o.children_, {});
    children_.reparent(this);
  }
  any_source_membership& operator=(any_source_membership&& o) noexcept {
    if (this != &o) {
      // Whatever the leave returns, this handle's children stay with what it held (they become
      // inert); only `o`'s children follow `o`'s membership here.
      abandon();
      membership_base::operator=(std::move(o));
      req_ = o.req_;
      children_ = std::exchange(o.children_, {});
      children_.reparent(this);
    }
    return *this;
  }
  // (the sentence stays on the declaration's line, where the compilers show it)
  // clang-format off
  any_source_membership(const any_source_membership&) = delete; // mcast: membership handles are move-only (each owns one kernel membership); std::move it, or keep it in one place and pass it by reference
  any_source_membership& operator=(const any_source_membership&) = delete; // mcast: membership handles are move-only (each owns one kernel membership); std::move it, or keep it in one place and pass it by reference
  // clang-format on
  ~any_source_membership() { abandon(); }

  /// Blocks one source: MCAST_BLOCK_SOURCE / IP_BLOCK_SOURCE. The returned handle unblocks it
  /// (MCAST_UNBLOCK_SOURCE / IP_UNBLOCK_SOURCE) when it goes, unless the group was left first.
  /// errc::source_already_present if this membership blocks it already; errc::not_joined after
  /// leave(); errc::family_mismatch for a source of the other family; errc::limit_exceeded past
  /// the stack's limit (Linux igmp_max_msf).
  [[nodiscard]] blocked_source<Api> block(const source& s, std::error_code& ec) noexcept {
    const detail::failure f = block_core(s);
    detail::report(f, ec);
    return f ? blocked_source<Api>(s) : blocked_source<Api>(this, s);
  }
  [[nodiscard]] blocked_source<Api> block(const source& s) {
    detail::throw_if(block_core(s), "mcast::any_source_membership::block");
    return blocked_source<Api>(this, s);
  }

  /// Not available (rule source_join_on_any): see the message.
  // (the sentence stays on the declaration's line, where the compilers show it)
  // clang-format off
  void include(const mcast::source&) = delete; // mcast: include() needs a source-specific membership (join_source_group); an any-source membership already receives every source it does not block -- unblock the source instead (Windows refuses ADD_SOURCE_MEMBERSHIP here with WSAEADDRNOTAVAIL)
  void include(const mcast::source&, std::error_code&) = delete; // mcast: include() needs a source-specific membership (join_source_group); an any-source membership already receives every source it does not block -- unblock the source instead (Windows refuses ADD_SOURCE_MEMBERSHIP here with WSAEADDRNOTAVAIL)
  // clang-format on

  /// Leaves the group (MCAST_LEAVE_GROUP / IP_DROP_MEMBERSHIP / IPV6_DROP_MEMBERSHIP); every
  /// blocked_source becomes inert. Does nothing on an empty handle. On failure the handle stays
  /// joined.
  void leave(std::error_code& ec) noexcept { detail::report(leave_core(), ec); }
  void leave() { detail::throw_if(leave_core(), "mcast::any_source_membership::leave"); }

  /// How many sources this membership blocks through live blocked_source handles.
  std::size_t blocked_count() const noexcept { return children_.count; }

private:
  template <class A, class S>
  friend any_source_membership<A> join_group_impl(S&&, const mcast::group&, const mcast::network_interface&,
                                                  const join_options&, std::error_code&) noexcept;
  friend class blocked_source<Api>;
  friend class detail::child_handle<blocked_source<Api>, any_source_membership<Api>>;

  any_source_membership(detail::native_handle_type s, const mcast::group& g, const mcast::network_interface& n) noexcept
      : membership_base(s, g, n) {}

  // The type proves the state (any-source): of the rule table only the value rule is left to check.
  static_assert(detail::cell_rule(detail::mstate::any, detail::operation::block) == detail::rule::ok &&
                detail::cell_rule(detail::mstate::any, detail::operation::unblock) == detail::rule::ok);
  detail::failure block_core(const source& s) noexcept {
    detail::assert_handle_rule<detail::rule::ipv6_api_no_sources, detail::api_has_sources<Api>>();
    if (!joined_)
      return detail::refused(errc::not_joined);
    if (s.family() != group_.family())
      return detail::refused(errc::family_mismatch);
    if (children_.contains(s))
      return detail::refused(detail::rule_errc(detail::value_rule(detail::mstate::any, detail::operation::block)));
    if constexpr (detail::api_has_sources<Api>)
      if (int r = req_.source_call(socket_, detail::kernel_request<Api>::block, s); r != 0)
        return detail::kernel_refused(r, detail::operation::block, detail::mstate::any);
    return {};
  }
  detail::failure leave_core() noexcept {
    if (const detail::failure f = leave_with(req_))
      return f;
    children_.detach_all();
    return {};
  }

  // Leaves best effort and lets go of everything, whatever the leave returned: the children become
  // inert, so none is left linked to a handle that is going away or being reused.
  void abandon() noexcept {
    (void)leave_core();
    children_.detach_all();
    joined_ = false;
  }

  detail::kernel_request<Api> req_;
  detail::child_list<blocked_source<Api>> children_;
};

// ================================================================================================
/// One blocked source of an any_source_membership. unblock() (or destruction) issues
/// MCAST_UNBLOCK_SOURCE / IP_UNBLOCK_SOURCE -- unless the membership has left, in which case it
/// does nothing.
template <class Api>
class blocked_source : public detail::child_handle<blocked_source<Api>, any_source_membership<Api>> {
  using base = detail::child_handle<blocked_source<Api>, any_source_membership<Api>>;

public:
  blocked_source(blocked_source&&) noexcept = default;
  blocked_source& operator=(blocked_source&&) noexcept = default;
  // (the sentence stays on the declaration's line, where the compilers show it)
  // clang-format off
  blocked_source(const blocked_source&) = delete; // mcast: blocked_source handles are move-only (each undoes one block); std::move it
  blocked_source& operator=(const blocked_source&) = delete; // mcast: blocked_source handles are move-only (each undoes one block); std::move it
  // clang-format on
  ~blocked_source() { this->release(); }

  /// Unblocks the source. No system call if the handle is empty or the membership has left.
  /// On failure the source stays blocked and the handle armed.
  void unblock(std::error_code& ec) noexcept { detail::report(unblock_core(), ec); }
  void unblock() { detail::throw_if(unblock_core(), "mcast::blocked_source::unblock"); }

private:
  friend base;
  friend class any_source_membership<Api>;
  using base::base;

  detail::failure unblock_core() noexcept {
    if (!this->active())
      return {};
    const detail::failure f = undo();
    if (!f)
      this->detach();
    return f;
  }
  // The source is blocked (this handle is armed) and the membership is any-source: the rule table
  // has nothing left to refuse.
  detail::failure undo() noexcept {
    if constexpr (detail::api_has_sources<Api>) { // (an api::ipv6 blocked_source is never armed)
      auto* p = this->parent_;
      if (int r = p->req_.source_call(p->socket_, detail::kernel_request<Api>::unblock, this->source_); r != 0)
        return detail::kernel_refused(r, detail::operation::unblock, detail::mstate::any);
    }
    return {};
  }
};

// ================================================================================================
/// A source-specific membership (INCLUDE mode): MCAST_JOIN_SOURCE_GROUP /
/// IP_ADD_SOURCE_MEMBERSHIP for its first source; include() adds more; leave() drops them all at
/// once with MCAST_LEAVE_GROUP / IP_DROP_MEMBERSHIP. It cannot block. Made by join_source_group().
template <class Api> class source_membership : public detail::membership_base {
public:
  using api_type = Api;

  source_membership(source_membership&& o) noexcept : membership_base(std::move(o)), source_(o.source_), req_(o.req_) {
    children_ = std::exchange(o.children_, {});
    children_.reparent(this);
  }
  source_membership& operator=(source_membership&& o) noexcept {
    if (this != &o) {
      // Whatever the leave returns, this handle's children stay with what it held (they become
      // inert); only `o`'s children follow `o`'s membership here.
      abandon();
      membership_base::operator=(std::move(o));
      source_ = o.source_;
      req_ = o.req_;
      children_ = std::exchange(o.children_, {});
      children_.reparent(this);
    }
    return *this;
  }
  // (the sentence stays on the declaration's line, where the compilers show it)
  // clang-format off
  source_membership(const source_membership&) = delete; // mcast: membership handles are move-only (each owns one kernel membership); std::move it, or keep it in one place and pass it by reference
  source_membership& operator=(const source_membership&) = delete; // mcast: membership handles are move-only (each owns one kernel membership); std::move it, or keep it in one place and pass it by reference
  // clang-format on
  ~source_membership() { abandon(); }

  /// Adds a source: MCAST_JOIN_SOURCE_GROUP / IP_ADD_SOURCE_MEMBERSHIP. The returned handle drops
  /// it (MCAST_LEAVE_SOURCE_GROUP / IP_DROP_SOURCE_MEMBERSHIP) when it goes, unless the group was
  /// left first. errc::source_already_present if it is included already; errc::not_joined after
  /// leave(); errc::family_mismatch; errc::limit_exceeded past the stack's limit.
  [[nodiscard]] included_source<Api> include(const mcast::source& s, std::error_code& ec) noexcept {
    const detail::failure f = include_core(s);
    detail::report(f, ec);
    return f ? included_source<Api>(s) : included_source<Api>(this, s);
  }
  [[nodiscard]] included_source<Api> include(const mcast::source& s) {
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
  void leave(std::error_code& ec) noexcept { detail::report(leave_core(), ec); }
  void leave() { detail::throw_if(leave_core(), "mcast::source_membership::leave"); }

  /// The source it was joined with.
  const mcast::source& source() const noexcept { return source_; }
  /// How many sources it includes: the first one plus each live included_source.
  std::size_t source_count() const noexcept { return joined_ ? 1 + children_.count : 0; }

private:
  template <class A, class S>
  friend source_membership<A> join_source_group_impl(S&&, const mcast::group&, const mcast::source&,
                                                     const mcast::network_interface&, const join_options&,
                                                     std::error_code&) noexcept;
  friend class included_source<Api>;
  friend class detail::child_handle<included_source<Api>, source_membership<Api>>;

  source_membership(detail::native_handle_type s, const mcast::group& g, const mcast::source& src,
                    const mcast::network_interface& n) noexcept
      : membership_base(s, g, n), source_(src) {}

  // The type proves the state (source-specific): of the rule table only the value rule is left.
  static_assert(detail::cell_rule(detail::mstate::src, detail::operation::join_source) == detail::rule::ok &&
                detail::cell_rule(detail::mstate::src, detail::operation::leave_source) == detail::rule::ok);
  detail::failure include_core(const mcast::source& s) noexcept {
    if (!joined_)
      return detail::refused(errc::not_joined);
    if (s.family() != group_.family())
      return detail::refused(errc::family_mismatch);
    if (s == source_ || children_.contains(s))
      return detail::refused(
          detail::rule_errc(detail::value_rule(detail::mstate::src, detail::operation::join_source)));
    if constexpr (detail::api_has_sources<Api>)
      if (int r = req_.source_call(socket_, detail::kernel_request<Api>::join_source, s); r != 0)
        return detail::kernel_refused(r, detail::operation::join_source, detail::mstate::src);
    return {};
  }
  detail::failure leave_core() noexcept {
    if (const detail::failure f = leave_with(req_))
      return f;
    children_.detach_all();
    return {};
  }

  // As any_source_membership::abandon().
  void abandon() noexcept {
    (void)leave_core();
    children_.detach_all();
    joined_ = false;
  }

  mcast::source source_;
  detail::kernel_request<Api> req_;
  detail::child_list<included_source<Api>> children_;
};

// ================================================================================================
/// One extra source of a source_membership. drop() (or destruction) issues
/// MCAST_LEAVE_SOURCE_GROUP / IP_DROP_SOURCE_MEMBERSHIP -- unless the membership has left.
template <class Api> class included_source : public detail::child_handle<included_source<Api>, source_membership<Api>> {
  using base = detail::child_handle<included_source<Api>, source_membership<Api>>;

public:
  included_source(included_source&&) noexcept = default;
  included_source& operator=(included_source&&) noexcept = default;
  // (the sentence stays on the declaration's line, where the compilers show it)
  // clang-format off
  included_source(const included_source&) = delete; // mcast: included_source handles are move-only (each undoes one source join); std::move it
  included_source& operator=(const included_source&) = delete; // mcast: included_source handles are move-only (each undoes one source join); std::move it
  // clang-format on
  ~included_source() { this->release(); }

  /// Drops the source. No system call if the handle is empty or the membership has left. If it
  /// was the membership's last source the kernel removes the membership, and the membership
  /// handle then knows it has left (no second leave). On failure the handle stays armed.
  void drop(std::error_code& ec) noexcept { detail::report(this->active() ? undo() : detail::failure{}, ec); }
  void drop() {
    if (this->active())
      detail::throw_if(undo(), "mcast::included_source::drop");
  }

private:
  friend base;
  friend class source_membership<Api>;
  using base::base;

  // The source is included (this handle is armed) and the membership source-specific: the rule
  // table has nothing left to refuse.
  detail::failure undo() noexcept {
    source_membership<Api>* p = this->parent_;
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

// ================================================================================================
/// A membership whose whole filter is set at once (final state): joined with MCAST_JOIN_GROUP /
/// IP_ADD_MEMBERSHIP, then SIOCSMSFILTER / SIO_SET_MULTICAST_FILTER (Windows) or MCAST_MSFILTER /
/// IP_MSFILTER (Linux). set() replaces the list and may switch mode in one system call; filter()
/// reads it back. Made by join_with_filter().
template <class Api> class filtered_membership : public detail::membership_base {
public:
  using api_type = Api;

  filtered_membership(filtered_membership&& o) noexcept = default;
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
  ~filtered_membership() { (void)leave_with(req_); }

  /// Replaces the filter in one system call. INCLUDE with no sources leaves the group (the
  /// handle is then not joined). errc::not_joined after leave(); errc::limit_exceeded (filter
  /// unchanged) past the stack's limit; errc::family_mismatch; errc::source_already_present for
  /// a source listed twice.
  template <class Range> void set(filter_mode mode, const Range& sources, std::error_code& ec) noexcept {
    const detail::source_span list = detail::sources_of(sources);
    set_impl(mode, list.data, list.size, ec);
  }
  void set(filter_mode mode, std::initializer_list<mcast::source> sources, std::error_code& ec) noexcept {
    set_impl(mode, sources.begin(), sources.size(), ec);
  }
  template <class Range> void set(filter_mode mode, const Range& sources) {
    std::error_code ec;
    set(mode, sources, ec);
    detail::throw_if(ec, "mcast::filtered_membership::set");
  }
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
  void leave(std::error_code& ec) noexcept { detail::report(leave_with(req_), ec); }
  void leave() { detail::throw_if(leave_with(req_), "mcast::filtered_membership::leave"); }

private:
  template <class A, class S>
  friend filtered_membership<A> join_with_filter_impl(S&&, const mcast::group&, const mcast::network_interface&,
                                                      filter_mode, const mcast::source*, std::size_t,
                                                      const join_options&, std::error_code&) noexcept;

  filtered_membership(detail::native_handle_type s, const mcast::group& g, const mcast::network_interface& n) noexcept
      : membership_base(s, g, n) {}

  detail::kernel_request<Api> req_;

  void set_impl(filter_mode mode, const mcast::source* src, std::size_t n, std::error_code& ec) noexcept {
    detail::clear(ec);
    if (!joined_) {
      ec = make_error_code(errc::not_joined);
      return;
    }
    detail::set_filter<Api>(socket_, group_, nic_, mode, src, n, ec);
    if (!ec && mode == filter_mode::include && n == 0)
      joined_ = false; // INCLUDE {} is no membership at all
  }
};

// ================================================================================================
// Factories

template <class Api, class Socket>
any_source_membership<Api> join_group_impl(Socket&& sock, const group& g, const network_interface& nic,
                                           const join_options& opts, std::error_code& ec) noexcept {
  const detail::native_handle_type s = detail::native_of(sock);
  detail::clear(ec);
  detail::socket_facts facts;
  any_source_membership<Api> m(s, g, nic);
  if (const errc e = detail::request_error<Api>(g, nic); e != errc{}) {
    ec = make_error_code(e); // the values first, before any system call
    return m;
  }
  if (!detail::prepare_join(s, g, nic, facts, m.nic_, ec))
    return m;
  m.req_.fill(g, m.nic_);
  if (int r = m.req_.group_call(s, detail::kernel_request<Api>::join_any); r != 0) {
    ec = detail::translate(detail::operation::join_any, r);
    return m;
  }
  if (int r = detail::multicast_all_off(s, g, facts, opts); r != 0) {
    ec = detail::translate(detail::operation::other, r);
    m.joined_ = !detail::undo_join(s, m.req_);
    return m;
  }
  m.joined_ = true;
  return m;
}

/// Joins `g` on `nic` for every source not blocked: MCAST_JOIN_GROUP (default),
/// IP_ADD_MEMBERSHIP (api::ipv4) or IPV6_ADD_MEMBERSHIP (api::ipv6). errc::already_joined if the
/// socket has the group on that interface already (WSAEADDRNOTAVAIL / EADDRINUSE);
/// errc::family_mismatch for an IPv6 group through api::ipv4 or the reverse; errc::no_ipv4_address
/// (POSIX, api::ipv4) for an interface without one; errc::limit_exceeded past the stack's limit.
/// The noexcept form returns an empty handle on error.
template <class Api = api::protocol_independent, class Socket>
[[nodiscard]] any_source_membership<Api> join_group(Socket&& sock, const group& g, const network_interface& nic,
                                                    const join_options& opts, std::error_code& ec) noexcept {
  return join_group_impl<Api>(std::forward<Socket>(sock), g, nic, opts, ec);
}
template <class Api = api::protocol_independent, class Socket>
[[nodiscard]] any_source_membership<Api> join_group(Socket&& sock, const group& g, const network_interface& nic,
                                                    std::error_code& ec) noexcept {
  return join_group_impl<Api>(std::forward<Socket>(sock), g, nic, join_options{}, ec);
}
template <class Api = api::protocol_independent, class Socket>
[[nodiscard]] any_source_membership<Api> join_group(Socket&& sock, const group& g, const network_interface& nic,
                                                    const join_options& opts = {}) {
  std::error_code ec;
  any_source_membership<Api> m = join_group_impl<Api>(std::forward<Socket>(sock), g, nic, opts, ec);
  detail::throw_if(ec, "mcast::join_group");
  return m;
}

template <class Api, class Socket>
source_membership<Api> join_source_group_impl(Socket&& sock, const group& g, const source& src,
                                              const network_interface& nic, const join_options& opts,
                                              std::error_code& ec) noexcept {
  detail::assert_handle_rule<detail::rule::ipv6_api_no_sources, detail::api_has_sources<Api>>();
  const detail::native_handle_type s = detail::native_of(sock);
  detail::clear(ec);
  source_membership<Api> m(s, g, src, nic);
  if (const errc e = detail::request_error<Api>(g, src, nic); e != errc{}) {
    ec = make_error_code(e);
    return m;
  }
  detail::socket_facts facts;
  if (!detail::prepare_join(s, g, nic, facts, m.nic_, ec))
    return m;
  // Refuse a group this socket already has on this interface, before the join (see the top).
  if constexpr (detail::needs_source_join_probe) {
    if (detail::probe_membership(s, g, m.nic_.index(), ec) != detail::membership_probe::none) {
      ec = make_error_code(errc::already_joined);
      return m;
    }
    if (ec)
      return m;
  }
  m.req_.fill(g, m.nic_);
  if (int r = m.req_.source_call(s, detail::kernel_request<Api>::join_source, src); r != 0) {
    ec = detail::translate(detail::operation::join_source, r);
    return m;
  }
  if (int r = detail::multicast_all_off(s, g, facts, opts); r != 0) {
    ec = detail::translate(detail::operation::other, r);
    m.joined_ = !detail::undo_join(s, m.req_);
    return m;
  }
  m.joined_ = true;
  return m;
}

/// Joins `g` on `nic` for one source only: MCAST_JOIN_SOURCE_GROUP (default) or
/// IP_ADD_SOURCE_MEMBERSHIP (api::ipv4). Reads the group's filter first (one getsockopt /
/// ioctl) and fails with errc::already_joined if the socket already has the group on that
/// interface in any mode. The noexcept form returns an empty handle on error.
template <class Api = api::protocol_independent, class Socket>
[[nodiscard]] source_membership<Api> join_source_group(Socket&& sock, const group& g, const source& s,
                                                       const network_interface& nic, const join_options& opts,
                                                       std::error_code& ec) noexcept {
  return join_source_group_impl<Api>(std::forward<Socket>(sock), g, s, nic, opts, ec);
}
template <class Api = api::protocol_independent, class Socket>
[[nodiscard]] source_membership<Api> join_source_group(Socket&& sock, const group& g, const source& s,
                                                       const network_interface& nic, std::error_code& ec) noexcept {
  return join_source_group_impl<Api>(std::forward<Socket>(sock), g, s, nic, join_options{}, ec);
}
template <class Api = api::protocol_independent, class Socket>
[[nodiscard]] source_membership<Api> join_source_group(Socket&& sock, const group& g, const source& s,
                                                       const network_interface& nic, const join_options& opts = {}) {
  std::error_code ec;
  source_membership<Api> m = join_source_group_impl<Api>(std::forward<Socket>(sock), g, s, nic, opts, ec);
  detail::throw_if(ec, "mcast::join_source_group");
  return m;
}

template <class Api, class Socket>
filtered_membership<Api> join_with_filter_impl(Socket&& sock, const group& g, const network_interface& nic,
                                               filter_mode mode, const source* src, std::size_t n,
                                               const join_options& opts, std::error_code& ec) noexcept {
  detail::assert_filter_api<Api>();
  detail::clear(ec);
  const detail::native_handle_type s = detail::native_of(sock);
  filtered_membership<Api> m(s, g, nic);
  // Everything that can be checked is checked before the join.
  detail::filter_buffer buf;
  if (!detail::build_filter<Api>(buf, g, nic, mode, src, n, ec))
    return m;
  if (mode == filter_mode::include && n == 0)
    return m; // INCLUDE {} is no membership: nothing to do
  detail::socket_facts facts;
  if (!detail::prepare_join(s, g, nic, facts, m.nic_, ec))
    return m;
  if (!detail::set_filter_interface<Api>(buf, m.nic_, ec))
    return m;
  m.req_.fill(g, m.nic_);
  if (int r = m.req_.group_call(s, detail::kernel_request<Api>::join_any); r != 0) {
    ec = detail::translate(detail::operation::join_any, r);
    return m;
  }
  if (!(mode == filter_mode::exclude && n == 0)) { // EXCLUDE {} is what the join made
    if (int r = detail::sys_set_filter(s, detail::filter_struct_of<Api>(), detail::level_of(g), buf.data(), buf.size());
        r != 0) {
      ec = detail::translate(detail::operation::set_filter, r);
      m.joined_ = !detail::undo_join(s, m.req_);
      return m;
    }
  }
  if (int r = detail::multicast_all_off(s, g, facts, opts); r != 0) {
    ec = detail::translate(detail::operation::other, r);
    m.joined_ = !detail::undo_join(s, m.req_);
    return m;
  }
  m.joined_ = true;
  return m;
}

/// Joins `g` on `nic` with a whole filter: the join, then one filter call (none for EXCLUDE {}).
/// If the filter call fails the group is left again. INCLUDE {} makes no membership and no
/// system call. errc::already_joined if the socket has the group on that interface already
/// (through any handle). The noexcept form returns an empty handle on error.
template <class Api = api::protocol_independent, class Socket, class Range>
[[nodiscard]] filtered_membership<Api> join_with_filter(Socket&& sock, const group& g, const network_interface& nic,
                                                        filter_mode mode, const Range& sources,
                                                        const join_options& opts, std::error_code& ec) noexcept {
  const detail::source_span list = detail::sources_of(sources);
  return join_with_filter_impl<Api>(std::forward<Socket>(sock), g, nic, mode, list.data, list.size, opts, ec);
}
template <class Api = api::protocol_independent, class Socket, class Range>
[[nodiscard]] filtered_membership<Api> join_with_filter(Socket&& sock, const group& g, const network_interface& nic,
                                                        filter_mode mode, const Range& sources,
                                                        std::error_code& ec) noexcept {
  return join_with_filter<Api>(std::forward<Socket>(sock), g, nic, mode, sources, join_options{}, ec);
}
template <class Api = api::protocol_independent, class Socket>
[[nodiscard]] filtered_membership<Api> join_with_filter(Socket&& sock, const group& g, const network_interface& nic,
                                                        filter_mode mode, std::initializer_list<source> sources,
                                                        std::error_code& ec) noexcept {
  return join_with_filter_impl<Api>(std::forward<Socket>(sock), g, nic, mode, sources.begin(), sources.size(),
                                    join_options{}, ec);
}
template <class Api = api::protocol_independent, class Socket, class Range>
[[nodiscard]] filtered_membership<Api> join_with_filter(Socket&& sock, const group& g, const network_interface& nic,
                                                        filter_mode mode, const Range& sources,
                                                        const join_options& opts = {}) {
  std::error_code ec;
  filtered_membership<Api> m = join_with_filter<Api>(std::forward<Socket>(sock), g, nic, mode, sources, opts, ec);
  detail::throw_if(ec, "mcast::join_with_filter");
  return m;
}
template <class Api = api::protocol_independent, class Socket>
[[nodiscard]] filtered_membership<Api> join_with_filter(Socket&& sock, const group& g, const network_interface& nic,
                                                        filter_mode mode, std::initializer_list<source> sources,
                                                        const join_options& opts = {}) {
  std::error_code ec;
  filtered_membership<Api> m =
      join_with_filter_impl<Api>(std::forward<Socket>(sock), g, nic, mode, sources.begin(), sources.size(), opts, ec);
  detail::throw_if(ec, "mcast::join_with_filter");
  return m;
}

MCAST_END_NAMESPACE

#endif // MCAST_MEMBERSHIP_HPP
