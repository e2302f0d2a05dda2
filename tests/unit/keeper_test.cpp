// The keeper's decisions without a system: synthetic change sequences in, calls and events out,
// with an injected clock (detail/keeper_core.hpp).
#include <mcast/detail/keeper_core.hpp>
#include <mcast/keeper.hpp>

#include "catch.hpp"

#include <type_traits>
#include <vector>

// The handles' shape: move-only; a keeper is not taken for a socket (no copy through the template).
static_assert(!std::is_copy_constructible_v<mcast::keeper>);
static_assert(!std::is_constructible_v<mcast::keeper, mcast::keeper&>);
static_assert(std::is_nothrow_move_constructible_v<mcast::keeper>);
static_assert(!std::is_copy_constructible_v<mcast::kept_any_source_membership>);
static_assert(std::is_nothrow_move_constructible_v<mcast::kept_source_membership>);
static_assert(std::is_nothrow_move_constructible_v<mcast::kept_source>);
static_assert(std::is_nothrow_move_assignable_v<mcast::kept_source>);
static_assert(std::is_nothrow_move_assignable_v<mcast::kept_filtered_membership>);
static_assert(!std::is_copy_assignable_v<mcast::kept_source>);
static_assert(!std::is_copy_assignable_v<mcast::kept_any_source_membership>);

namespace {

using mcast::membership_change;
using mcast::detail::keeper_action;
using mcast::detail::keeper_call;
using mcast::detail::keeper_clock;
using mcast::detail::keeper_core;
using mcast::detail::kept_by;
using namespace std::chrono_literals;

const mcast::group g = mcast::make_group("239.1.2.3");
const keeper_clock::time_point t0{};

std::size_t count(const std::vector<keeper_action>& a, keeper_call c) {
  std::size_t n = 0;
  for (const auto& x : a)
    n += x.call == c ? 1 : 0;
  return n;
}
const keeper_action* find(const std::vector<keeper_action>& a, keeper_call c) {
  for (const auto& x : a)
    if (x.call == c)
      return &x;
  return nullptr;
}
const mcast::membership_event* find_event(const std::vector<keeper_action>& a, membership_change w) {
  for (const auto& x : a)
    if (x.call == keeper_call::report && x.event->what == w)
      return &*x.event;
  return nullptr;
}

} // namespace

TEST_CASE("keeper: an interface re-created under its name is joined again on the new index", "[keeper]") {
  keeper_core k;
  const auto id = k.add(g, kept_by::name, 5, "va", std::nullopt);
  std::vector<keeper_action> out;
  k.link(5, "va", false, false, t0, out); // deleted
  REQUIRE(count(out, keeper_call::release) == 1);
  const auto* lost = find_event(out, membership_change::lost);
  REQUIRE(lost != nullptr);
  CHECK(lost->index == 5);
  CHECK(lost->interface_name == "va");
  out.clear();
  k.link(9, "other", true, true, t0 + 1ms, out); // another interface: nothing
  CHECK(out.empty());
  k.link(9, "va", true, false, t0 + 2ms, out); // re-created, still down
  const auto* j = find(out, keeper_call::join);
  REQUIRE(j != nullptr);
  CHECK(j->index == 9);
  out.clear();
  k.joined(id, 9, {}, t0 + 2ms, out);
  const auto* r = find_event(out, membership_change::restored);
  REQUIRE(r != nullptr);
  CHECK(r->index == 9);
  CHECK(r->reapplied);
  CHECK(k.index_of(id) == 9);
  out.clear();
  k.link(9, "va", true, true, t0 + 3ms, out); // up: checked, and nothing more to say
  REQUIRE(count(out, keeper_call::check) == 1);
  out.clear();
  k.checked(id, true, t0 + 3ms, out);
  CHECK(out.empty());
  k.link(5, "va", false, false, t0 + 4ms, out); // the old index again: not ours any more
  CHECK(out.empty());
  CHECK(!k.next_due());
}

TEST_CASE("keeper: down then up checks the membership and re-applies it only if lost", "[keeper]") {
  keeper_core k;
  const auto id = k.add(g, kept_by::name, 3, "eth0", std::nullopt);
  std::vector<keeper_action> out;
  k.link(3, "eth0", true, false, t0, out);
  REQUIRE(find_event(out, membership_change::lost) != nullptr);
  CHECK(count(out, keeper_call::release) == 0);
  out.clear();
  k.link(3, "eth0", true, false, t0 + 1ms, out); // a second "down" says nothing again
  CHECK(out.empty());
  k.link(3, "eth0", true, true, t0 + 2ms, out);
  REQUIRE(count(out, keeper_call::check) == 1);
  out.clear();
  k.checked(id, true, t0 + 2ms, out);
  const auto* r = find_event(out, membership_change::restored);
  REQUIRE(r != nullptr);
  CHECK(!r->reapplied);

  // The same, but the kernel lost it: released, joined again on the same index.
  out.clear();
  k.link(3, "eth0", true, false, t0 + 100ms, out);
  k.link(3, "eth0", true, true, t0 + 101ms, out);
  out.clear();
  k.checked(id, false, t0 + 101ms, out);
  CHECK(count(out, keeper_call::release) == 1);
  REQUIRE(find(out, keeper_call::join) != nullptr);
  CHECK(find(out, keeper_call::join)->index == 3);
  out.clear();
  k.joined(id, 3, {}, t0 + 101ms, out);
  REQUIRE(find_event(out, membership_change::restored) != nullptr);
  CHECK(find_event(out, membership_change::restored)->reapplied);
}

TEST_CASE("keeper: any() follows the route and names both interfaces", "[keeper]") {
  keeper_core k;
  const auto id = k.add(g, kept_by::any, 2, "", std::nullopt);
  const auto fixed = k.add(g, kept_by::name, 2, "a", std::nullopt);
  std::vector<keeper_action> out;
  k.route_changed(out);
  REQUIRE(out.size() == 1); // only the any() one asks
  CHECK(out[0].call == keeper_call::lookup_route);
  CHECK(out[0].id == id);
  out.clear();
  k.routed(id, 2, t0, out); // same interface: nothing
  CHECK(out.empty());
  k.routed(id, 7, t0, out);
  REQUIRE(find(out, keeper_call::leave) != nullptr);
  CHECK(find(out, keeper_call::leave)->index == 2);
  REQUIRE(find(out, keeper_call::join) != nullptr);
  CHECK(find(out, keeper_call::join)->index == 7);
  out.clear();
  k.joined(id, 7, {}, t0, out);
  const auto* m = find_event(out, membership_change::moved);
  REQUIRE(m != nullptr);
  CHECK(m->old_index == 2);
  CHECK(m->index == 7);
  CHECK(k.index_of(fixed) == 2);
  // The route removed: lost, left.
  out.clear();
  k.routed(id, 0, t0 + 1s, out);
  CHECK(count(out, keeper_call::leave) == 1);
  CHECK(find_event(out, membership_change::lost) != nullptr);
}

TEST_CASE("keeper: an address-named membership follows its address", "[keeper]") {
  keeper_core k;
  const auto a = mcast::make_address("192.0.2.1");
  const auto id = k.add(g, kept_by::address, 4, "", a);
  std::vector<keeper_action> out;
  k.address_change(4, mcast::make_address("192.0.2.9"), false, t0, out); // another address
  CHECK(out.empty());
  k.address_change(4, a, false, t0, out);
  CHECK(find_event(out, membership_change::lost) != nullptr);
  out.clear();
  k.address_change(6, a, true, t0 + 1s, out);
  REQUIRE(find(out, keeper_call::join) != nullptr);
  CHECK(find(out, keeper_call::join)->index == 6);
  out.clear();
  k.joined(id, 6, {}, t0 + 1s, out);
  const auto* m = find_event(out, membership_change::moved);
  REQUIRE(m != nullptr);
  CHECK(m->old_index == 4);
  CHECK(m->index == 6);
}

TEST_CASE("keeper: refused re-joins back off, bounded, reported once per state change", "[keeper]") {
  mcast::keeper_options o;
  o.retry_first = 10ms;
  o.retry_max = 40ms;
  o.retry_attempts = 4;
  keeper_core k(o);
  const auto id = k.add(g, kept_by::name, 1, "va", std::nullopt);
  std::vector<keeper_action> out;
  k.link(1, "va", false, false, t0, out);
  k.link(2, "va", true, true, t0, out);
  out.clear();
  const std::error_code refused = std::make_error_code(std::errc::no_buffer_space);
  auto now = t0;
  std::vector<keeper_clock::duration> delays;
  std::size_t retrying = 0;
  for (int i = 0; i < 10; ++i) {
    k.joined(id, 2, refused, now, out);
    retrying += count(out, keeper_call::report);
    if (find_event(out, membership_change::failed) != nullptr)
      break;
    const auto due = k.next_due();
    REQUIRE(due);
    delays.push_back(*due - now);
    out.clear();
    k.tick(*due - 1ms, out);
    CHECK(out.empty()); // not before it is due
    now = *due;
    k.tick(now, out);
    REQUIRE(count(out, keeper_call::join) == 1);
    out.clear();
  }
  REQUIRE(delays.size() == 4);
  CHECK(delays[0] == 10ms);
  CHECK(delays[1] == 20ms);
  CHECK(delays[2] == 40ms);
  CHECK(delays[3] == 40ms); // capped
  CHECK(retrying == 2);     // "retrying" once, then "failed"
  CHECK(!k.next_due());     // failed: no timer left
  // A new change of the interface starts again.
  out.clear();
  k.link(3, "va", true, true, now + 1s, out);
  CHECK(find(out, keeper_call::join) != nullptr);
}

TEST_CASE("keeper: more messages about the interface a retry waits for keep its backoff", "[keeper]") {
  mcast::keeper_options o;
  o.retry_first = 20ms;
  keeper_core k(o);
  const auto id = k.add(g, kept_by::name, 1, "va", std::nullopt);
  std::vector<keeper_action> out;
  k.link(1, "va", false, false, t0, out);
  k.link(2, "va", true, false, t0, out); // made, still down: the join is tried at once
  REQUIRE(count(out, keeper_call::join) == 1);
  out.clear();
  k.joined(id, 2, std::make_error_code(std::errc::no_buffer_space), t0, out);
  REQUIRE(k.next_due() == t0 + 20ms);
  out.clear();
  k.link(2, "va", true, true, t0 + 5ms, out); // the same interface comes up: no new try yet
  CHECK(count(out, keeper_call::join) == 0);
  CHECK(k.next_due() == t0 + 20ms);
  k.tick(t0 + 20ms, out);
  CHECK(count(out, keeper_call::join) == 1);
  out.clear();
  k.joined(id, 2, std::make_error_code(std::errc::no_buffer_space), t0 + 20ms, out);
  CHECK(k.next_due() == t0 + 60ms); // the second delay doubles: the count was not started again
}

TEST_CASE("keeper: a flapping interface is debounced", "[keeper]") {
  mcast::keeper_options o;
  o.debounce = 50ms;
  keeper_core k(o);
  const auto id = k.add(g, kept_by::name, 1, "va", std::nullopt);
  std::vector<keeper_action> out;
  k.link(1, "va", false, false, t0, out);
  k.link(2, "va", true, true, t0, out); // first change: at once
  CHECK(count(out, keeper_call::join) == 1);
  k.joined(id, 2, {}, t0, out);
  out.clear();
  // Gone and back twice within the window: no join until it ends, then one, to the last index.
  k.link(2, "va", false, false, t0 + 5ms, out);
  k.link(3, "va", true, true, t0 + 6ms, out);
  k.link(3, "va", false, false, t0 + 7ms, out);
  k.link(4, "va", true, true, t0 + 8ms, out);
  CHECK(count(out, keeper_call::join) == 0);
  REQUIRE(k.next_due());
  CHECK(*k.next_due() == t0 + 50ms);
  out.clear();
  k.tick(t0 + 50ms, out);
  REQUIRE(count(out, keeper_call::join) == 1);
  CHECK(find(out, keeper_call::join)->index == 4);
}

TEST_CASE("keeper: a removed handle is followed no more, and no timer runs while nothing changes", "[keeper]") {
  keeper_core k;
  const auto id = k.add(g, kept_by::name, 1, "va", std::nullopt);
  CHECK(!k.next_due());
  k.remove(id);
  std::vector<keeper_action> out;
  k.link(1, "va", false, false, t0, out);
  k.link(2, "va", true, true, t0, out);
  k.route_changed(out);
  CHECK(out.empty());
}

TEST_CASE("keeper: a state dropped half-made closes its change source", "[keeper]") {
  if constexpr (!mcast::detail::has_change_source || mcast::detail::is_windows) {
    SUCCEED("POSIX reuses the lowest free descriptor, which this test relies on; Windows does not");
  } else {
    // The state as keeper's constructor holds it between opening the source and registering the
    // socket (a push_back that can throw): dropped there, it must not leave the source open.
    for (int i = 0; i < 3; ++i) {
      mcast::detail::change_source seen;
      {
        mcast::detail::keeper_state st(mcast::keeper_options{});
        REQUIRE(mcast::detail::open_change_source(st.changes) == 0);
        seen = st.changes;
      }
      // A handle closed by the state is free again: the next source opened gets the same one.
      mcast::detail::keeper_state next(mcast::keeper_options{});
      REQUIRE(mcast::detail::open_change_source(next.changes) == 0);
      CHECK(next.changes.handle == seen.handle);
    }
  }
}
