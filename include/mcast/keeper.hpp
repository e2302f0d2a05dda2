// mcast/keeper.hpp -- memberships that follow the network: re-joined when their interface comes
// back, moved when the route moves, and reported.
//
// Copyright (c) 2026 The mcast authors.
// Distributed under the Boost Software License, Version 1.0 (see LICENSE).
/// @file
/// @brief mcast::keeper: memberships kept across interface changes (issue #28).
///
/// A membership is made on an interface index. When the interface is deleted and made again under
/// the same name (a new index), the kernel drops the membership and an ordinary handle still looks
/// joined. A keeper watches the system's network changes and keeps its memberships right:
///
/// @code
/// mcast::keeper k(sock);
/// auto conf  = k.join_group(g, mcast::network_interface::from_name("eth0"));
/// auto mute  = conf.block(noisy);                                 // kept too
/// auto radio = k.join_source_group(g2, station, mcast::network_interface::any());
/// k.on_event([](const mcast::membership_event& e) { ... });      // lost, restored, moved, retrying, failed
/// // wait for k.native_handle() to be readable (poll/epoll/select), at most k.next_timeout(),
/// // then call k.handle_events()
/// @endcode
///
/// What is followed: a membership on a named interface follows the name (re-created interface:
/// joined again on the new index, with its blocked / included sources or its filter); down then up
/// is checked with get_source_filter and re-applied if the kernel lost it; any() follows the route
/// to the group (a changed route: leave the old interface, join the new one, `moved`); an interface
/// named by its address (join_group(g, address)) follows that address. A refused re-join is
/// retried with bounded backoff (keeper_options).
///
/// Platforms: Linux (rtnetlink: links, addresses, routes, IPv4 and IPv6). macOS and FreeBSD: a
/// PF_ROUTE socket -- RTM_IFINFO (a link up or down), RTM_IFANNOUNCE (FreeBSD: an interface made or
/// deleted; on macOS a deleted interface is seen as its index going away), RTM_NEWADDR /
/// RTM_DELADDR, RTM_ADD / RTM_DELETE / RTM_CHANGE (the route to an any() group is looked at
/// again); a lost message (ENOBUFS) makes the keeper read every interface again (getifaddrs).
/// Compiled against their headers, not run yet. Windows (IP Helper: NotifyIpInterfaceChange,
/// NotifyUnicastIpAddressChange, NotifyRouteChange2, IPv4 and IPv6; their system thread hands each
/// change over through a queue, and native_handle() is a loopback UDP SOCKET that becomes readable
/// for select / WSAPoll; an interface counts as up when it is operationally up). Wine 8 accepts
/// the three registrations but calls none of them for a change: there a keeper opens and never
/// wakes (Windows' own stack calls them).
/// Kept handles use api::protocol_independent (MCAST_*).
#ifndef MCAST_KEEPER_HPP
#define MCAST_KEEPER_HPP

#if defined(_MSC_VER)
#pragma once
#endif

#include "membership.hpp"
#include "membership_event.hpp"
#include "detail/keeper_core.hpp"
#include "detail/platform/change_source.hpp"

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

MCAST_BEGIN_NAMESPACE

/// The three kinds of kept membership (the `Kind` of kept_membership).
enum class kept_kind {
  any_source, ///< made by keeper::join_group: block() only
  source,     ///< made by keeper::join_source_group: include() only
  filtered,   ///< made by keeper::join_with_filter: set() only
};

namespace detail {

// One kept membership: what to make again, and the ordinary handles that hold it now.
struct kept_entry {
  kept_kind kind;
  group g;
  std::optional<source> first; // source: the source it was made with
  filter_mode mode = filter_mode::exclude;
  std::vector<source> sources; // blocked (any_source), included besides `first` (source), the filter (filtered)
  std::optional<any_source_membership<>> any;
  std::vector<blocked_source<>> blocks; // blocks[i] is sources[i] while joined
  std::optional<source_membership<>> ssm;
  std::vector<included_source<>> includes;
  std::optional<filtered_membership<>> filtered;

  kept_entry(kept_kind k, const group& gr) : kind(k), g(gr) {}
  bool joined() const noexcept {
    return (any && any->joined()) || (ssm && ssm->joined()) || (filtered && filtered->joined());
  }
  // Leaves (the destructors): on Linux a leave on a deleted interface's index also frees the
  // socket's stale entry, which otherwise counts against igmp_max_memberships.
  void reset() noexcept {
    blocks.clear();
    includes.clear();
    any.reset();
    ssm.reset();
    filtered.reset();
  }
  // Leaves what it holds, each leave checked: false (with `ec`) when the kernel refused it. The
  // refused handle is kept, still joined, so the group stays removable (by the next make() or the
  // user's leave) instead of held by the kernel with no handle left for it.
  bool leave_held(std::error_code& ec) noexcept {
    ec.clear();
    blocks.clear();
    includes.clear();
    if (any && any->joined())
      any->leave(ec);
    else if (ssm && ssm->joined())
      ssm->leave(ec);
    else if (filtered && filtered->joined())
      filtered->leave(ec);
    if (ec)
      return false;
    reset();
    return true;
  }
  // Makes the membership on `nic` with its whole source state; on failure nothing is left joined,
  // or, when the undoing leave is refused too, the joined handle is kept for the next try.
  void make(native_handle_type s, const network_interface& nic, std::error_code& ec) {
    if (!leave_held(ec))
      return;
    if (kind == kept_kind::any_source) {
      any.emplace(mcast::join_group(s, g, nic, ec));
      for (std::size_t i = 0; !ec && i < sources.size(); ++i)
        blocks.push_back(any->block(sources[i], ec));
    } else if (kind == kept_kind::source) {
      ssm.emplace(mcast::join_source_group(s, g, *first, nic, ec));
      for (std::size_t i = 0; !ec && i < sources.size(); ++i)
        includes.push_back(ssm->include(sources[i], ec));
    } else {
      filtered.emplace(mcast::join_with_filter(s, g, nic, mode, sources, ec));
    }
    std::error_code undo;
    if (ec)
      (void)leave_held(undo);
  }
  network_interface nic() const noexcept {
    if (any)
      return any->nic();
    if (ssm)
      return ssm->nic();
    if (filtered)
      return filtered->nic();
    return network_interface::any();
  }
};

// What a keeper and its handles share (handles may outlive the keeper: they then stop following
// and still leave when destroyed).
struct keeper_state {
  native_handle_type sock = invalid_native_handle;
  std::uint64_t cookie = 0; // Linux: the socket's SO_COOKIE (its identity, not its number)
  change_source changes;    // what native_handle() waits on
  keeper_core core;
  std::vector<std::unique_ptr<kept_entry>> entries; // by the core's id
  std::function<void(const membership_event&)> on_event;
  std::size_t calls = 0; // system calls made for memberships (the cost tests read it)

  explicit keeper_state(const keeper_options& o) : core(o) {}
  keeper_state(const keeper_state&) = delete;
  keeper_state& operator=(const keeper_state&) = delete;
  // keeper::close() closes the change source; this is for a state dropped half-made (the
  // registry's push_back threw after the source was opened).
  ~keeper_state() { close_change_source(changes); }

  // Is `sock` still the socket the keeper was made for? (Linux: its cookie; a socket closed and
  // its number reused by another is not.) Elsewhere the descriptor is all there is: true.
  bool same_socket() const noexcept {
    if constexpr (has_socket_cookie) {
      std::uint64_t c = 0;
      return read_socket_cookie(sock, c) == 0 && c == cookie;
    } else {
      return true;
    }
  }

  void run(std::vector<keeper_action>& actions, keeper_clock::time_point now) {
    // Actions may add actions (a refused join schedules a retry): a queue, bounded.
    for (std::size_t i = 0; i < actions.size() && i < 100000; ++i) {
      const keeper_action a = actions[i];
      kept_entry* e = a.id < entries.size() ? entries[a.id].get() : nullptr;
      if (e == nullptr)
        continue;
      switch (a.call) {
      case keeper_call::release:
      case keeper_call::leave:
        ++calls;
        e->reset();
        break;
      case keeper_call::join: {
        std::error_code ec;
        const network_interface nic = network_interface::from_index(a.index, ec);
        if (!ec && !same_socket())
          ec = std::make_error_code(std::errc::bad_file_descriptor); // never join another socket
        if (!ec) {
          ++calls;
          e->make(sock, nic, ec);
        }
        // A retry's backoff counts from the refusal, not from when handle_events began (a
        // thread descheduled in between would retry early).
        core.joined(a.id, a.index, ec, ec ? keeper_clock::now() : now, actions);
        break;
      }
      case keeper_call::check: {
        std::error_code ec;
        const network_interface nic = network_interface::from_index(a.index, ec);
        if (!ec && !same_socket())
          ec = std::make_error_code(std::errc::bad_file_descriptor);
        if (!ec) {
          ++calls;
          (void)get_source_filter(sock, e->g, nic, ec);
        }
        const bool present = !ec;
        if (!present)
          e->reset();
        core.checked(a.id, present, now, actions);
        break;
      }
      case keeper_call::lookup_route: {
        std::error_code ec;
        network_interface out = network_interface::any();
        ++calls;
        const unsigned index = resolve_interface(e->g, network_interface::any(), out, ec) ? out.index() : 0;
        core.routed(a.id, index, now, actions);
        break;
      }
      case keeper_call::report:
        if (on_event && a.event)
          on_event(*a.event);
        break;
      }
    }
    actions.clear();
  }
};

// One keeper per socket in a process: the sockets that have one, by their identity (the
// descriptor and, on Linux, the socket's cookie: a closed socket's number taken by a new socket is
// another socket) and the keeper's state (a keeper removes its own entry only).
struct keeper_registry {
  struct entry {
    native_handle_type sock;
    std::uint64_t cookie;
    const keeper_state* owner;
  };
  std::mutex m;
  std::vector<entry> sockets;
  static keeper_registry& get() {
    static keeper_registry r;
    return r;
  }
};

// What a kept handle holds: the shared state, its entry's id and what it names (the source of a
// kept_source, the group of a kept_membership). Moving empties the source; assigning first undoes
// what the target held (Derived::undo()). The move members of both handles are these.
template <class Derived, class Value> class kept_ref {
protected:
  kept_ref(std::shared_ptr<keeper_state> s, std::size_t id, const Value& v) noexcept
      : state_(std::move(s)), id_(id), value_(v) {}
  kept_ref(kept_ref&& o) noexcept : state_(std::move(o.state_)), id_(o.id_), value_(o.value_) {}
  kept_ref& operator=(kept_ref&& o) noexcept {
    if (this != &o) {
      static_cast<Derived*>(this)->undo();
      state_ = std::move(o.state_);
      id_ = o.id_;
      value_ = o.value_;
    }
    return *this;
  }
  ~kept_ref() = default;
  std::shared_ptr<keeper_state> state_;
  std::size_t id_;
  Value value_;
};

} // namespace detail

/// What undoes one source of a kept membership (a block of kept_membership<any_source>, an include
/// of kept_membership<source>): unblock() / drop(), or its destructor. The source is re-applied
/// whenever the membership is made again, until then. Move-only.
class kept_source : detail::kept_ref<kept_source, mcast::source> {
public:
  /// Takes `o`'s source; `o` is left empty.
  kept_source(kept_source&& o) noexcept = default;
  /// Undoes the previous source first.
  kept_source& operator=(kept_source&& o) noexcept = default;
  kept_source(const kept_source&) = delete;            // mcast: kept handles are move-only; std::move it
  kept_source& operator=(const kept_source&) = delete; // mcast: kept handles are move-only; std::move it
  /// Unblocks / drops the source (best effort).
  ~kept_source() { undo(); }
  /// Unblocks (any-source) or drops (source-specific) the source now; it is not re-applied after.
  void unblock() noexcept { undo(); }
  /// Same as unblock(), the source-specific name.
  void drop() noexcept { undo(); }
  /// The source.
  const mcast::source& source() const noexcept { return value_; }

private:
  friend class keeper;
  friend class detail::kept_ref<kept_source, mcast::source>;
  template <kept_kind> friend class kept_membership;
  kept_source(std::shared_ptr<detail::keeper_state> s, std::size_t id, const mcast::source& src) noexcept
      : kept_ref(std::move(s), id, src) {}
  void undo() noexcept {
    if (!state_)
      return;
    detail::kept_entry& e = *state_->entries[id_];
    for (std::size_t i = 0; i < e.sources.size(); ++i) {
      if (!(e.sources[i] == value_))
        continue;
      if (i < e.blocks.size())
        e.blocks.erase(e.blocks.begin() + static_cast<std::ptrdiff_t>(i)); // unblocks
      if (i < e.includes.size())
        e.includes.erase(e.includes.begin() + static_cast<std::ptrdiff_t>(i)); // drops
      e.sources.erase(e.sources.begin() + static_cast<std::ptrdiff_t>(i));
      break;
    }
    state_.reset();
  }
};

/// A membership a keeper keeps (made by keeper::join_group, join_source_group, join_with_filter).
/// Move-only; destruction (or leave()) leaves the group as an ordinary handle does and stops
/// following it. A kept handle belongs to the keeper that made it: it has no operation that takes
/// a keeper, so it cannot be used with another. It may outlive its keeper (it then follows no more).
template <kept_kind Kind> class kept_membership : detail::kept_ref<kept_membership<Kind>, mcast::group> {
  using base = detail::kept_ref<kept_membership<Kind>, mcast::group>;
  using base::id_;
  using base::state_;
  using base::value_;

public:
  /// Takes `o`'s membership; `o` is left empty.
  kept_membership(kept_membership&& o) noexcept = default;
  /// Leaves the previous membership first.
  kept_membership& operator=(kept_membership&& o) noexcept = default;
  kept_membership(const kept_membership&) = delete;            // mcast: kept handles are move-only; std::move it
  kept_membership& operator=(const kept_membership&) = delete; // mcast: kept handles are move-only; std::move it
  /// Leaves (best effort) and stops following.
  ~kept_membership() { undo(); }

  /// Leaves now and stops following; an empty handle does nothing.
  void leave() noexcept { undo(); }
  /// True while the membership is in place in the kernel (false while its interface is away).
  bool joined() const noexcept { return state_ && state_->entries[id_]->joined(); }
  /// The interface index it is on now (0 while it is on none).
  unsigned index() const noexcept { return state_ ? state_->core.index_of(id_) : 0; }
  /// The group.
  const mcast::group& group() const noexcept { return value_; }

  /// any_source: blocks `s`, now and whenever the membership is made again.
  template <kept_kind K = Kind, std::enable_if_t<K == kept_kind::any_source, int> = 0>
  [[nodiscard]] kept_source block(const source& s, std::error_code& ec) noexcept {
    return add(s, ec);
  }
  /// The throwing form of block().
  template <kept_kind K = Kind, std::enable_if_t<K == kept_kind::any_source, int> = 0>
  [[nodiscard]] kept_source block(const source& s) {
    return add_or_throw(s, "mcast::kept_membership::block");
  }
  /// source: includes `s` besides the first source, now and whenever the membership is made again.
  template <kept_kind K = Kind, std::enable_if_t<K == kept_kind::source, int> = 0>
  [[nodiscard]] kept_source include(const source& s, std::error_code& ec) noexcept {
    return add(s, ec);
  }
  /// The throwing form of include().
  template <kept_kind K = Kind, std::enable_if_t<K == kept_kind::source, int> = 0>
  [[nodiscard]] kept_source include(const source& s) {
    return add_or_throw(s, "mcast::kept_membership::include");
  }
  /// filtered: replaces the filter, now and whenever the membership is made again.
  template <kept_kind K = Kind, std::enable_if_t<K == kept_kind::filtered, int> = 0>
  void set(filter_mode mode, const std::vector<source>& sources, std::error_code& ec) noexcept {
    ec.clear();
    if (!state_) {
      ec = make_error_code(errc::not_joined);
      return;
    }
    detail::kept_entry& e = *state_->entries[id_];
    if (e.filtered && e.filtered->joined())
      e.filtered->set(mode, sources, ec);
    if (!ec) {
      e.mode = mode;
      e.sources = sources;
    }
  }
  /// The throwing form of set().
  template <kept_kind K = Kind, std::enable_if_t<K == kept_kind::filtered, int> = 0>
  void set(filter_mode mode, const std::vector<source>& sources) {
    std::error_code ec;
    set(mode, sources, ec);
    detail::throw_if(ec, "mcast::kept_membership::set");
  }

private:
  friend class keeper;
  friend base;
  kept_membership(std::shared_ptr<detail::keeper_state> s, std::size_t id, const mcast::group& g) noexcept
      : base(std::move(s), id, g) {}
  void undo() noexcept {
    if (!state_)
      return;
    state_->core.remove(id_);
    state_->entries[id_]->reset();
    state_.reset();
  }
  kept_source add_or_throw(const source& s, const char* what) {
    std::error_code ec;
    kept_source k = add(s, ec);
    detail::throw_if(ec, what);
    return k;
  }
  kept_source add(const source& s, std::error_code& ec) noexcept {
    ec.clear();
    if (!state_) {
      ec = make_error_code(errc::not_joined);
      return kept_source(nullptr, 0, s);
    }
    detail::kept_entry& e = *state_->entries[id_];
    for (const source& x : e.sources)
      if (x == s) {
        ec = make_error_code(errc::source_already_present);
        return kept_source(nullptr, 0, s);
      }
    try {
      if (e.any && e.any->joined()) {
        auto b = e.any->block(s, ec);
        if (!ec)
          e.blocks.push_back(std::move(b));
      } else if (e.ssm && e.ssm->joined()) {
        auto b = e.ssm->include(s, ec);
        if (!ec)
          e.includes.push_back(std::move(b));
      }
      if (ec)
        return kept_source(nullptr, 0, s);
      e.sources.push_back(s);
    } catch (...) { // allocation
      ec = std::make_error_code(std::errc::not_enough_memory);
      return kept_source(nullptr, 0, s);
    }
    return kept_source(state_, id_, s);
  }
};

/// A kept any-source membership (keeper::join_group).
using kept_any_source_membership = kept_membership<kept_kind::any_source>;
/// A kept source-specific membership (keeper::join_source_group).
using kept_source_membership = kept_membership<kept_kind::source>;
/// A kept final-state membership (keeper::join_with_filter).
using kept_filtered_membership = kept_membership<kept_kind::filtered>;

/// Keeps the memberships of one socket right as the network changes (see the file's comment).
/// One per socket: a second keeper on the same socket is refused (std::errc::device_or_resource_busy).
/// "The same socket" is the socket, not its number (Linux: its SO_COOKIE): once a socket is closed,
/// a new socket that gets its number takes a new keeper, whether the old keeper is gone or not;
/// the old keeper then never acts on the new socket (its re-joins fail with bad_file_descriptor).
/// Elsewhere the descriptor is all a keeper knows: destroy the keeper before closing its socket.
/// Not copyable; movable (its handles stay with it). Not thread-safe: one thread calls
/// handle_events() and the handles' members; the event callback runs inside handle_events().
class keeper {
public:
  /// Watches the network for `sock` (a native handle or anything with native_handle()).
  /// Errors: the socket's own (a closed socket: EBADF), errc::unsupported where no change source is
  /// written yet, device_or_resource_busy for a second keeper on the socket.
  template <class Socket> keeper(Socket&& sock, const keeper_options& opts, std::error_code& ec) noexcept {
    open(detail::native_of(sock), opts, ec);
  }
  /// keeper(sock, {}, ec).
  template <class Socket> keeper(Socket&& sock, std::error_code& ec) noexcept : keeper(sock, keeper_options{}, ec) {}
  /// The throwing form.
  template <class Socket, std::enable_if_t<!std::is_same_v<std::decay_t<Socket>, keeper>, int> = 0>
  explicit keeper(Socket&& sock, const keeper_options& opts = {}) {
    std::error_code ec;
    open(detail::native_of(sock), opts, ec);
    detail::throw_if(ec, "mcast::keeper");
  }
  /// Moves the keeper; `o` is left watching nothing.
  keeper(keeper&& o) noexcept : state_(std::move(o.state_)) {}
  keeper& operator=(keeper&&) = delete;      // mcast: a keeper is one socket's for its lifetime; make another
  keeper(const keeper&) = delete;            // mcast: one keeper per socket; move it or pass it by reference
  keeper& operator=(const keeper&) = delete; // mcast: one keeper per socket; move it or pass it by reference
  /// Stops watching; the kept handles stay joined and follow no more.
  ~keeper() { close(); }

  /// join_group(sock, g, nic), kept: by the interface's name, or by the route for any().
  [[nodiscard]] kept_any_source_membership join_group(const group& g, const network_interface& nic,
                                                      std::error_code& ec) noexcept {
    return make<kept_kind::any_source>(g, std::nullopt, nic, std::nullopt, filter_mode::exclude, {}, ec);
  }
  /// The throwing form.
  [[nodiscard]] kept_any_source_membership join_group(const group& g, const network_interface& nic) {
    std::error_code ec;
    auto m = join_group(g, nic, ec);
    detail::throw_if(ec, "mcast::keeper::join_group");
    return m;
  }
  /// join_group on the interface that holds `interface_address`, following that address.
  [[nodiscard]] kept_any_source_membership join_group(const group& g, const address& interface_address,
                                                      std::error_code& ec) noexcept {
    const network_interface nic = network_interface::from_address(interface_address, ec);
    if (ec)
      return kept_any_source_membership(nullptr, 0, g);
    return make<kept_kind::any_source>(g, std::nullopt, nic, interface_address, filter_mode::exclude, {}, ec);
  }
  /// The throwing form.
  [[nodiscard]] kept_any_source_membership join_group(const group& g, const address& interface_address) {
    std::error_code ec;
    auto m = join_group(g, interface_address, ec);
    detail::throw_if(ec, "mcast::keeper::join_group");
    return m;
  }
  /// join_source_group(sock, g, src, nic), kept.
  [[nodiscard]] kept_source_membership join_source_group(const group& g, const source& src,
                                                         const network_interface& nic, std::error_code& ec) noexcept {
    return make<kept_kind::source>(g, src, nic, std::nullopt, filter_mode::include, {}, ec);
  }
  /// The throwing form.
  [[nodiscard]] kept_source_membership join_source_group(const group& g, const source& src,
                                                         const network_interface& nic) {
    std::error_code ec;
    auto m = join_source_group(g, src, nic, ec);
    detail::throw_if(ec, "mcast::keeper::join_source_group");
    return m;
  }
  /// join_with_filter(sock, g, nic, mode, sources), kept.
  [[nodiscard]] kept_filtered_membership join_with_filter(const group& g, const network_interface& nic,
                                                          filter_mode mode, const std::vector<source>& sources,
                                                          std::error_code& ec) noexcept {
    return make<kept_kind::filtered>(g, std::nullopt, nic, std::nullopt, mode, sources, ec);
  }
  /// The throwing form.
  [[nodiscard]] kept_filtered_membership join_with_filter(const group& g, const network_interface& nic,
                                                          filter_mode mode, const std::vector<source>& sources) {
    std::error_code ec;
    auto m = join_with_filter(g, nic, mode, sources, ec);
    detail::throw_if(ec, "mcast::keeper::join_with_filter");
    return m;
  }

  /// Called (inside handle_events()) for each change of a kept membership.
  void on_event(std::function<void(const membership_event&)> fn) {
    if (state_)
      state_->on_event = std::move(fn);
  }
  /// What to wait on: readable when the network changed (Linux: the rtnetlink socket; macOS,
  /// FreeBSD: the PF_ROUTE socket; Windows: a loopback UDP SOCKET the notifications' thread writes
  /// one byte to).
  detail::native_handle_type native_handle() const noexcept {
    return state_ ? state_->changes.handle : detail::invalid_native_handle;
  }
  /// How long a wait may last at most before handle_events() has timed work (a debounced join, a
  /// retry); empty when nothing is pending: then only native_handle() needs watching.
  std::optional<std::chrono::milliseconds> next_timeout() const {
    if (!state_)
      return std::nullopt;
    const auto due = state_->core.next_due();
    if (!due)
      return std::nullopt;
    const auto now = detail::keeper_clock::now();
    if (*due <= now)
      return std::chrono::milliseconds(0);
    return std::chrono::ceil<std::chrono::milliseconds>(*due - now);
  }
  /// Reads every pending change, applies it, runs what is due; with nothing pending it does
  /// nothing (one read that finds the queue empty).
  void handle_events(std::error_code& ec) noexcept {
    ec.clear();
    if (!state_) {
      ec = make_error_code(errc::not_joined);
      return;
    }
    try {
      std::vector<detail::keeper_action> actions;
      const auto now = detail::keeper_clock::now();
      bool routes = false, overflow = false;
      const int r = detail::read_changes(
          state_->changes, [&](const detail::change_record& c) { apply(c, now, actions, routes, overflow); });
      if (overflow) // changes were lost: look at every interface again
        (void)detail::read_all_links([&](const detail::change_record& c) { apply(c, now, actions, routes, overflow); });
      if (routes || overflow)
        state_->core.route_changed(actions);
      state_->run(actions, now);
      state_->core.tick(detail::keeper_clock::now(), actions);
      state_->run(actions, now);
      if (r != 0)
        ec = detail::system_error(r);
    } catch (...) { // allocation
      ec = std::make_error_code(std::errc::not_enough_memory);
    }
  }
  /// The throwing form.
  void handle_events() {
    std::error_code ec;
    handle_events(ec);
    detail::throw_if(ec, "mcast::keeper::handle_events");
  }
  /// Membership operations the keeper made in answer to changes so far (a re-join with its
  /// sources, a leave, a check, a route lookup count one each; the first joins do not count):
  /// what the network's changes cost.
  std::size_t membership_calls() const noexcept { return state_ ? state_->calls : 0; }

private:
  void open(detail::native_handle_type s, const keeper_options& opts, std::error_code& ec) noexcept {
    ec.clear();
    if constexpr (!detail::has_change_source) {
      (void)s;
      (void)opts;
      ec = make_error_code(errc::unsupported);
      return;
    } else {
      int family = 0;
      if (int r = detail::sys_socket_family(s, family); r != 0) {
        ec = detail::system_error(r);
        return;
      }
      std::uint64_t cookie = 0;
      if constexpr (detail::has_socket_cookie) {
        if (int r = detail::read_socket_cookie(s, cookie); r != 0) {
          ec = detail::system_error(r);
          return;
        }
      }
      try {
        auto st = std::make_shared<detail::keeper_state>(opts);
        st->sock = s;
        st->cookie = cookie;
        {
          auto& reg = detail::keeper_registry::get();
          std::lock_guard<std::mutex> lock(reg.m);
          for (const auto& x : reg.sockets)
            if (x.sock == s && x.cookie == cookie) {
              ec = std::make_error_code(std::errc::device_or_resource_busy);
              return;
            }
          if (int r = detail::open_change_source(st->changes); r != 0) {
            ec = detail::system_error(r);
            return;
          }
          reg.sockets.push_back({s, cookie, st.get()});
        }
        state_ = std::move(st);
      } catch (...) {
        ec = std::make_error_code(std::errc::not_enough_memory);
      }
    }
  }
  void close() noexcept {
    if (!state_)
      return;
    {
      auto& reg = detail::keeper_registry::get();
      std::lock_guard<std::mutex> lock(reg.m);
      for (std::size_t i = 0; i < reg.sockets.size(); ++i)
        if (reg.sockets[i].owner == state_.get()) {
          reg.sockets.erase(reg.sockets.begin() + static_cast<std::ptrdiff_t>(i));
          break;
        }
    }
    detail::close_change_source(state_->changes);
    // The handles keep the state; with the core emptied of followers they follow no more.
    for (std::size_t id = 0; id < state_->entries.size(); ++id)
      state_->core.remove(id);
    state_.reset();
  }
  void apply(const detail::change_record& c, detail::keeper_clock::time_point now,
             std::vector<detail::keeper_action>& actions, bool& routes, bool&) {
    using R = detail::change_record;
    switch (c.kind) {
    case R::link_new:
    case R::link_gone:
      state_->core.link(c.index, std::string(c.name), c.kind == R::link_new, c.up, now, actions);
      break;
    case R::address_new:
    case R::address_gone: {
      std::array<unsigned char, 16> b6{};
      std::array<unsigned char, 4> b4{};
      for (std::size_t i = 0; i < 16; ++i)
        b6[i] = c.bytes[i];
      for (std::size_t i = 0; i < 4; ++i)
        b4[i] = c.bytes[i];
      const address a = c.family == detail::af_inet ? address::from_bytes(b4) : address::from_bytes(b6);
      state_->core.address_change(c.index, a, c.kind == R::address_new, now, actions);
      routes = true; // a new address can bring a route with it
      break;
    }
    case R::route:
    case R::overflow: routes = true; break;
    }
  }
  template <kept_kind K>
  kept_membership<K> make(const group& g, const std::optional<source>& first, const network_interface& nic,
                          const std::optional<address>& by_address, filter_mode mode,
                          const std::vector<source>& sources, std::error_code& ec) noexcept {
    ec.clear();
    if (!state_) {
      ec = make_error_code(errc::not_joined);
      return kept_membership<K>(nullptr, 0, g);
    }
    try {
      auto e = std::make_unique<detail::kept_entry>(K, g);
      e->first = first;
      e->mode = mode;
      e->sources = sources;
      e->make(state_->sock, nic, ec);
      if (ec)
        return kept_membership<K>(nullptr, 0, g);
      const network_interface on = e->nic();
      const detail::kept_by by = by_address     ? detail::kept_by::address
                                 : nic.is_any() ? detail::kept_by::any
                                                : detail::kept_by::name;
      const std::size_t id = state_->core.add(g, by, on.index(), std::string(on.name()), by_address);
      state_->entries.push_back(std::move(e));
      return kept_membership<K>(state_, id, g);
    } catch (...) {
      ec = std::make_error_code(std::errc::not_enough_memory);
      return kept_membership<K>(nullptr, 0, g);
    }
  }

  std::shared_ptr<detail::keeper_state> state_;
};

MCAST_END_NAMESPACE

#endif // MCAST_KEEPER_HPP
