// mcast/detail/keeper_core.hpp -- what a keeper decides, without a system: kept memberships and
// the network's changes in, the calls to make and the events to report out.
//
// Copyright (c) 2026 The mcast authors.
// Distributed under the Boost Software License, Version 1.0 (see LICENSE).
//
// No system call and no clock here: every input carries `now`, so the unit tests drive it with
// synthetic sequences (tests/unit/keeper_test.cpp). keeper.hpp feeds it what the platform's change
// source read and carries out its actions with the ordinary membership handles.
#ifndef MCAST_DETAIL_KEEPER_CORE_HPP
#define MCAST_DETAIL_KEEPER_CORE_HPP

#if defined(_MSC_VER)
#pragma once
#endif

#include "../address.hpp"
#include "../error.hpp"
#include "../membership_event.hpp"
#include "../network_interface.hpp"

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

MCAST_BEGIN_NAMESPACE

namespace detail {

using keeper_clock = std::chrono::steady_clock;

// How a kept membership names its interface: that decides which changes move it.
enum class kept_by : unsigned char { index, name, address, any };

// One call the keeper makes for the core.
enum class keeper_call : unsigned char {
  join,         // make the membership (with its source state) on `index`; answer with joined()
  release,      // the kernel dropped it with its interface: forget the handle, no system call
  leave,        // leave on the interface it is on (a move)
  check,        // after down/up: is it still there? answer with checked()
  lookup_route, // any(): which interface does the route give now? answer with routed()
  report,       // hand `event` to the user
};

struct keeper_action {
  keeper_call call = keeper_call::report;
  std::size_t id = 0;
  unsigned index = 0;
  std::optional<membership_event> event; // report only
};

class keeper_core {
public:
  explicit keeper_core(const keeper_options& o = {}) : opts_(o) {}

  // A membership just made on `index` (resolved: never 0 unless the stack chose, see keeper.hpp).
  std::size_t add(const group& g, kept_by by, unsigned index, std::string name, std::optional<address> addr) {
    entries_.emplace_back(g, by, index, std::move(name), std::move(addr));
    return entries_.size() - 1;
  }
  // The user's handle went away: follow it no more.
  void remove(std::size_t id) noexcept {
    if (id < entries_.size())
      entries_[id].alive = false;
  }
  bool following(std::size_t id) const noexcept { return id < entries_.size() && entries_[id].alive; }
  unsigned index_of(std::size_t id) const noexcept { return id < entries_.size() ? entries_[id].index : 0; }

  // RTM_NEWLINK / RTM_DELLINK and their equivalents: `present` false when the interface is gone.
  void link(unsigned index, const std::string& name, bool present, bool up, keeper_clock::time_point now,
            std::vector<keeper_action>& out) {
    for (std::size_t id = 0; id < entries_.size(); ++id) {
      entry& e = entries_[id];
      if (!e.alive)
        continue;
      if (e.index == index && e.index != 0) {
        if (!present) {
          // The kernel dropped the membership with the interface.
          out.push_back({keeper_call::release, id, index, std::nullopt});
          lose(id, e, name, out);
          e.index = 0;
          e.down = false;
        } else if (!up && !e.down) {
          e.down = true;
          lose(id, e, name, out);
        } else if (up && e.down) {
          e.down = false;
          out.push_back({keeper_call::check, id, index, std::nullopt});
        }
      } else if (!present && e.target == index) {
        e.target = 0; // a pending join to an interface that is gone again
        e.due.reset();
      } else if (present && e.by == kept_by::name && e.name == name && e.index != index && e.target == index) {
        // Another message about the interface a join is already pending for (a link comes up in
        // several RTM_NEWLINKs): the pending join and its backoff stand.
        e.down = !up;
      } else if (present && e.by == kept_by::name && e.name == name && e.index != index) {
        // The interface came back under its name with a new index (or was renamed to it).
        if (e.index != 0)
          out.push_back({keeper_call::leave, id, e.index, std::nullopt});
        e.index = 0;
        e.target = index;
        e.down = !up;
        schedule(e, now, out, id);
      }
    }
  }

  // RTM_NEWADDR / RTM_DELADDR: an address-named membership follows its address.
  void address_change(unsigned index, const address& a, bool added, keeper_clock::time_point now,
                      std::vector<keeper_action>& out) {
    for (std::size_t id = 0; id < entries_.size(); ++id) {
      entry& e = entries_[id];
      if (!e.alive || e.by != kept_by::address || !e.addr || !(*e.addr == a))
        continue;
      if (!added && e.index == index) {
        out.push_back({keeper_call::leave, id, index, std::nullopt});
        lose(id, e, e.name, out);
        e.old = index; // where it comes back says `moved` from here
        e.index = 0;
      } else if (added && e.index != index && e.target != index) {
        if (e.index != 0)
          e.old = e.index;
        if (e.index != 0)
          out.push_back({keeper_call::leave, id, e.index, std::nullopt});
        e.index = 0;
        e.target = index;
        schedule(e, now, out, id);
      }
    }
  }

  // A route changed (RTM_NEWROUTE / RTM_DELROUTE): every any() membership asks the route again.
  void route_changed(std::vector<keeper_action>& out) const {
    for (std::size_t id = 0; id < entries_.size(); ++id)
      if (entries_[id].alive && entries_[id].by == kept_by::any)
        out.push_back({keeper_call::lookup_route, id, entries_[id].index, std::nullopt});
  }
  // The answer to lookup_route: `index` 0 when no route leads to the group.
  void routed(std::size_t id, unsigned index, keeper_clock::time_point now, std::vector<keeper_action>& out) {
    if (!following(id))
      return;
    entry& e = entries_[id];
    if (index == e.index || (index != 0 && index == e.target))
      return;
    if (e.index != 0) {
      out.push_back({keeper_call::leave, id, e.index, std::nullopt});
      e.old = e.index;
    }
    e.index = 0;
    if (index == 0) {
      lose(id, e, {}, out);
      return;
    }
    e.target = index;
    schedule(e, now, out, id);
  }

  // The answer to join: `ec` clear when the membership is made on `index`.
  void joined(std::size_t id, unsigned index, std::error_code ec, keeper_clock::time_point now,
              std::vector<keeper_action>& out) {
    if (!following(id))
      return;
    entry& e = entries_[id];
    if (!ec) {
      e.index = index;
      e.target = 0;
      e.attempts = 0;
      e.due.reset();
      membership_event ev = event(e, e.old != 0 ? membership_change::moved : membership_change::restored);
      ev.old_index = e.old;
      ev.reapplied = true;
      e.old = 0;
      e.status = membership_change::restored;
      out.push_back({keeper_call::report, id, index, ev});
      return;
    }
    if (e.attempts >= opts_.retry_attempts) {
      e.due.reset();
      e.target = 0;
      set_status(id, e, membership_change::failed, ec, out);
      return;
    }
    auto delay = opts_.retry_first;
    for (unsigned i = 0; i < e.attempts && delay < opts_.retry_max; ++i)
      delay *= 2;
    if (delay > opts_.retry_max)
      delay = opts_.retry_max;
    ++e.attempts;
    e.due = now + delay;
    set_status(id, e, membership_change::retrying, ec, out);
  }

  // The answer to check: `present` false when the kernel lost it (then it is made again).
  void checked(std::size_t id, bool present, keeper_clock::time_point now, std::vector<keeper_action>& out) {
    if (!following(id))
      return;
    entry& e = entries_[id];
    if (present) {
      if (e.status == membership_change::restored)
        return; // joined while the link was down: already reported
      e.status = membership_change::restored;
      membership_event ev = event(e, membership_change::restored);
      out.push_back({keeper_call::report, id, e.index, ev});
      return;
    }
    e.target = e.index;
    out.push_back({keeper_call::release, id, e.index, std::nullopt});
    e.index = 0;
    schedule(e, now, out, id);
  }

  // Runs what is due (debounced joins, retries).
  void tick(keeper_clock::time_point now, std::vector<keeper_action>& out) {
    for (std::size_t id = 0; id < entries_.size(); ++id) {
      entry& e = entries_[id];
      if (e.alive && e.due && *e.due <= now && e.target != 0) {
        e.due.reset();
        e.last_action = now;
        out.push_back({keeper_call::join, id, e.target, std::nullopt});
      }
    }
  }
  // When tick() has something to do next; nothing when no timer is pending (no idle wake-ups).
  std::optional<keeper_clock::time_point> next_due() const noexcept {
    std::optional<keeper_clock::time_point> t;
    for (const entry& e : entries_)
      if (e.alive && e.due && (!t || *e.due < *t))
        t = e.due;
    return t;
  }

private:
  struct entry {
    entry(const group& gr, kept_by b, unsigned i, std::string n, std::optional<address> a)
        : g(gr), by(b), index(i), name(std::move(n)), addr(std::move(a)) {}
    group g;
    kept_by by;
    unsigned index = 0; // the interface it is joined on (0: none at present)
    std::string name;
    std::optional<address> addr;
    unsigned target = 0; // the interface a pending join goes to
    unsigned old = 0;    // the interface a move left
    bool down = false;
    bool alive = true;
    unsigned attempts = 0;
    membership_change status = membership_change::restored;
    std::optional<keeper_clock::time_point> due;
    std::optional<keeper_clock::time_point> last_action;
  };

  static membership_event event(const entry& e, membership_change what) {
    membership_event ev(what, e.g);
    ev.index = e.index;
    ev.interface_name = e.name;
    return ev;
  }
  void lose(std::size_t id, entry& e, const std::string& name, std::vector<keeper_action>& out) {
    if (e.status == membership_change::lost)
      return;
    e.status = membership_change::lost;
    membership_event ev = event(e, membership_change::lost);
    if (!name.empty())
      ev.interface_name = name;
    out.push_back({keeper_call::report, id, e.index, ev});
  }
  void set_status(std::size_t id, entry& e, membership_change s, std::error_code ec, std::vector<keeper_action>& out) {
    if (e.status == s)
      return; // once per state change
    e.status = s;
    membership_event ev = event(e, s);
    ev.index = e.target;
    ev.error = ec;
    out.push_back({keeper_call::report, id, e.target, ev});
  }
  // A join to `target`: at once, unless the entry acted within the debounce window (a flapping
  // interface): then when the window ends. A new change inside the window replaces the target.
  void schedule(entry& e, keeper_clock::time_point now, std::vector<keeper_action>& out, std::size_t id) {
    e.attempts = 0;
    if (e.last_action && now < *e.last_action + opts_.debounce) {
      e.due = *e.last_action + opts_.debounce;
      return;
    }
    e.due.reset();
    e.last_action = now;
    out.push_back({keeper_call::join, id, e.target, std::nullopt});
  }

  keeper_options opts_;
  std::vector<entry> entries_;
};

} // namespace detail
MCAST_END_NAMESPACE

#endif // MCAST_DETAIL_KEEPER_CORE_HPP
