// mcast/membership_event.hpp -- what a keeper (keeper.hpp) reports and how it is timed: the
// public values of following the network, apart from the keeper's machinery.
//
// Copyright (c) 2026 The mcast authors.
// Distributed under the Boost Software License, Version 1.0 (see LICENSE).
//
// membership_change and membership_event are what keeper::on_event hands the program;
// keeper_options is what a keeper is made with. No system call here: plain values.
#ifndef MCAST_MEMBERSHIP_EVENT_HPP
#define MCAST_MEMBERSHIP_EVENT_HPP

#if defined(_MSC_VER)
#pragma once
#endif

#include "address.hpp"
#include "config.hpp"

#include <chrono>
#include <string>
#include <system_error>

MCAST_BEGIN_NAMESPACE

/// What happened to a kept membership (mcast::membership_event::what).
enum class membership_change {
  lost,     ///< the interface went away or down (or lost the address that named it): nothing arrives
  restored, ///< the membership is in place again on `index` (re-joined, or found still there after a down/up)
  moved,    ///< any() or an address-named interface now resolves elsewhere: left `old_index`, joined `index`
  retrying, ///< a re-join was refused (`error`); it is retried with backoff (reported once per state change)
  failed,   ///< the retries ran out (`error` is the last refusal); a new change of the interface starts again
};

/// One report of a keeper (keeper::on_event). `index` is the interface the membership is on (or was
/// on, for `lost`); `old_index` is set for `moved`.
struct membership_event {
  /// An event about `g`.
  membership_event(membership_change w, const mcast::group& g) noexcept : what(w), group(g) {}
  membership_change what;     ///< what happened
  mcast::group group;         ///< the membership's group
  unsigned index = 0;         ///< the interface's index now (0: none)
  unsigned old_index = 0;     ///< `moved`: the interface left
  std::string interface_name; ///< the interface's name, when known
  bool reapplied = false;     ///< `restored`: true when the membership had to be made again
  std::error_code error;      ///< `retrying` / `failed`: the refusal; `lost`: why, when known
};

/// Timing of a keeper. Defaults: a re-join (an interface made again, an address or a route that
/// moved) is made at once; further re-joins of the membership within `debounce` (20 ms) of it are
/// merged into one, made when the window ends. Down and up are not delayed: the changes read
/// together in one handle_events() give one `lost` and one `restored` (so does a link flapped
/// faster than the program reads). A refused re-join is retried after `retry_first` (50 ms),
/// doubling up to `retry_max` (2 s), `retry_attempts` (8) times before `failed`.
struct keeper_options {
  std::chrono::milliseconds debounce{20};    ///< merge window for a flapping interface
  std::chrono::milliseconds retry_first{50}; ///< first retry delay after a refused re-join
  std::chrono::milliseconds retry_max{2000}; ///< ceiling of the doubling delay
  unsigned retry_attempts = 8;               ///< retries before `failed` (0: report failed at once)
};

MCAST_END_NAMESPACE

#endif // MCAST_MEMBERSHIP_EVENT_HPP
