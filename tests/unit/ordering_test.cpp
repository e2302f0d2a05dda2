// ordering.hpp: the rule table against every row of Microsoft's "Multicast Socket Option
// Behavior" table -- at compile time where the row does not depend on the source, at run time
// (before any system call) where it does.
#include <mcast/ordering.hpp>

#include "catch.hpp"
#include "support/hook.hpp"

namespace o = mcast::option;
using mcast::errc;
using mcast::is_valid_sequence;

// ---- compile time: the rows that are wrong whatever the sources are ---------------------------
// IP_ADD_MEMBERSHIP -> IP_ADD_MEMBERSHIP: WSAEADDRNOTAVAIL
static_assert(!is_valid_sequence<o::ip_add_membership, o::ip_add_membership>);
static_assert(!is_valid_sequence<o::join_group, o::join_group>);
static_assert(!is_valid_sequence<o::ipv6_add_membership, o::ipv6_add_membership>);
// IP_ADD_MEMBERSHIP -> IP_ADD_SOURCE_MEMBERSHIP: WSAEADDRNOTAVAIL
static_assert(!is_valid_sequence<o::ip_add_membership, o::ip_add_source_membership>);
static_assert(!is_valid_sequence<o::join_group, o::join_source_group>);
// IP_ADD_MEMBERSHIP -> IP_DROP_SOURCE_MEMBERSHIP: WSAEINVAL ("use IP_BLOCK_SOURCE")
static_assert(!is_valid_sequence<o::ip_add_membership, o::ip_drop_source_membership>);
static_assert(!is_valid_sequence<o::join_group, o::leave_source_group>);
// IP_ADD_MEMBERSHIP -> IP_UNBLOCK_SOURCE (nothing blocked): WSAEINVAL
static_assert(!is_valid_sequence<o::ip_add_membership, o::ip_unblock_source>);
static_assert(!is_valid_sequence<o::join_group, o::unblock_source>);
// IP_DROP_MEMBERSHIP -> any later call on the group: WSAEINVAL; a new join is fine
static_assert(!is_valid_sequence<o::ip_add_membership, o::ip_drop_membership, o::ip_block_source>);
static_assert(!is_valid_sequence<o::ip_add_membership, o::ip_drop_membership, o::ip_drop_membership>);
static_assert(!is_valid_sequence<o::ip_add_membership, o::ip_drop_membership, o::ip_drop_source_membership>);
static_assert(!is_valid_sequence<o::join_group, o::leave_group, o::unblock_source>);
static_assert(is_valid_sequence<o::ip_add_membership, o::ip_drop_membership, o::ip_add_membership>);
static_assert(is_valid_sequence<o::join_group, o::leave_group, o::join_source_group>);
// IP_ADD_SOURCE_MEMBERSHIP -> IP_ADD_MEMBERSHIP: WSAEADDRNOTAVAIL
static_assert(!is_valid_sequence<o::ip_add_source_membership, o::ip_add_membership>);
static_assert(!is_valid_sequence<o::join_source_group, o::join_group>);
// IP_ADD_SOURCE_MEMBERSHIP -> IP_ADD_SOURCE_MEMBERSHIP: only the same pair is wrong (run time)
static_assert(is_valid_sequence<o::ip_add_source_membership, o::ip_add_source_membership>);
// IP_ADD_SOURCE_MEMBERSHIP -> IP_UNBLOCK_SOURCE: WSAEINVAL
static_assert(!is_valid_sequence<o::ip_add_source_membership, o::ip_unblock_source>);
static_assert(!is_valid_sequence<o::join_source_group, o::unblock_source>);
static_assert(!is_valid_sequence<o::join_source_group, o::block_source>);
// IP_DROP_SOURCE_MEMBERSHIP -> IP_UNBLOCK_SOURCE: WSAEINVAL (with or without sources left)
static_assert(!is_valid_sequence<o::ip_add_source_membership, o::ip_drop_source_membership, o::ip_unblock_source>);
static_assert(!is_valid_sequence<o::ip_add_source_membership, o::ip_add_source_membership, o::ip_drop_source_membership,
                                 o::ip_unblock_source>);
// IP_DROP_SOURCE_MEMBERSHIP -> IP_DROP_SOURCE_MEMBERSHIP: wrong for the same pair (run time); and
// more drops than joins is wrong whatever the sources
static_assert(is_valid_sequence<o::ip_add_source_membership, o::ip_add_source_membership, o::ip_drop_source_membership,
                                o::ip_drop_source_membership>);
static_assert(
    !is_valid_sequence<o::ip_add_source_membership, o::ip_drop_source_membership, o::ip_drop_source_membership>);
static_assert(!is_valid_sequence<o::join_source_group, o::leave_source_group, o::leave_group>);
// IP_BLOCK_SOURCE -> IP_BLOCK_SOURCE: only the same pair is wrong (run time)
static_assert(is_valid_sequence<o::ip_add_membership, o::ip_block_source, o::ip_block_source>);
static_assert(is_valid_sequence<o::join_group, o::block_source, o::block_source>);
// IP_BLOCK_SOURCE -> IP_ADD_SOURCE_MEMBERSHIP / IP_ADD_MEMBERSHIP: WSAEINVAL
static_assert(!is_valid_sequence<o::ip_add_membership, o::ip_block_source, o::ip_add_source_membership>);
static_assert(!is_valid_sequence<o::ip_add_membership, o::ip_block_source, o::ip_add_membership>);
static_assert(!is_valid_sequence<o::join_group, o::block_source, o::join_source_group>);
// IP_UNBLOCK_SOURCE -> IP_UNBLOCK_SOURCE: WSAEADDRNOTAVAIL when more unblocks than blocks
static_assert(!is_valid_sequence<o::ip_add_membership, o::ip_block_source, o::ip_unblock_source, o::ip_unblock_source>);
static_assert(is_valid_sequence<o::ip_add_membership, o::ip_block_source, o::ip_block_source, o::ip_unblock_source,
                                o::ip_unblock_source, o::ip_drop_membership>);
// Before the first join only a join is valid.
static_assert(!is_valid_sequence<o::block_source>);
static_assert(!is_valid_sequence<o::leave_group>);
static_assert(!is_valid_sequence<o::ip_drop_source_membership>);
// The Winsock recommended sequences (any-source and controlled-source).
static_assert(is_valid_sequence<o::join_group, o::block_source, o::unblock_source, o::leave_group>);
static_assert(
    is_valid_sequence<o::join_source_group, o::join_source_group, o::leave_source_group, o::leave_source_group>);
static_assert(is_valid_sequence<o::join_source_group, o::join_source_group, o::leave_group>);
// The families share one state (Linux measured all eight combinations identical) ...
static_assert(is_valid_sequence<o::ip_add_membership, o::block_source, o::ip_unblock_source, o::leave_group>);
// ... but IPv4-only and IPv6-only options cannot name one group.
static_assert(!is_valid_sequence<o::ip_add_membership, o::ipv6_drop_membership>);

namespace {
bool allowed(mcast::detail::mstate s, mcast::detail::operation op) {
  return mcast::detail::cell_rule(s, op) == mcast::detail::rule::ok;
}
} // namespace

TEST_CASE("the rule table's shape", "[ordering]") {
  using mcast::detail::mstate;
  using mcast::detail::operation;
  CHECK(allowed(mstate::none, operation::join_any));
  CHECK(allowed(mstate::none, operation::join_source));
  CHECK(!allowed(mstate::none, operation::block));
  CHECK(allowed(mstate::any, operation::block));
  CHECK(!allowed(mstate::any, operation::join_source));
  CHECK(!allowed(mstate::any, operation::leave_source));
  CHECK(allowed(mstate::src, operation::join_source));
  CHECK(!allowed(mstate::src, operation::block));
  CHECK(!allowed(mstate::src, operation::unblock));
  CHECK(!allowed(mstate::src, operation::join_any));
  // The last source dropped: the membership is gone.
  auto r = mcast::detail::step({mstate::src, 1}, operation::leave_source);
  CHECK(r.next.state == mstate::none);
  r = mcast::detail::step({mstate::src, 2}, operation::leave_source);
  CHECK(r.next.state == mstate::src);
  CHECK(r.next.count == 1);
}

// ---- run time: the rows that depend on the source, and value checks ---------------------------
TEST_CASE("apply_sequence refuses source-dependent violations before any system call", "[ordering][errors]") {
  mcast_test::syscall_recorder rec;
  const auto g = mcast::make_group("232.1.2.3");
  const auto s1 = mcast::make_source("192.0.2.1");
  const auto s2 = mcast::make_source("192.0.2.2");
  const auto nic = mcast::network_interface::any();
  std::error_code ec;

  // IP_BLOCK_SOURCE -> IP_BLOCK_SOURCE (same pair): WSAEADDRNOTAVAIL
  mcast::apply_sequence(-1, ec, o::ip_add_membership{g, nic}, o::ip_block_source{g, s1, nic},
                        o::ip_block_source{g, s1, nic});
  CHECK(ec == errc::source_already_present);
  mcast::apply_sequence(-1, ec, o::join_group{g, nic}, o::block_source{g, s1, nic}, o::block_source{g, s1, nic});
  CHECK(ec == errc::source_already_present);
  // IP_ADD_SOURCE_MEMBERSHIP twice with the same pair: WSAEADDRNOTAVAIL
  mcast::apply_sequence(-1, ec, o::ip_add_source_membership{g, s1, nic}, o::ip_add_source_membership{g, s1, nic});
  CHECK(ec == errc::source_already_present);
  // IP_UNBLOCK_SOURCE of a source that is not blocked (another one is)
  mcast::apply_sequence(-1, ec, o::join_group{g, nic}, o::block_source{g, s1, nic}, o::unblock_source{g, s2, nic});
  CHECK(ec == errc::source_not_present);
  // IP_DROP_SOURCE_MEMBERSHIP of a pair not in the inclusion list
  mcast::apply_sequence(-1, ec, o::ip_add_source_membership{g, s1, nic}, o::ip_add_source_membership{g, s2, nic},
                        o::ip_drop_source_membership{g, s1, nic}, o::ip_drop_source_membership{g, s1, nic});
  CHECK(ec == errc::source_not_present);
  // Options for different groups or interfaces are not one sequence.
  mcast::apply_sequence(-1, ec, o::join_group{g, nic}, o::leave_group{mcast::make_group("232.1.2.4"), nic});
  CHECK(ec == errc::invalid_sequence);
  // A value error in any option.
  mcast::apply_sequence(-1, ec, o::join_source_group{g, mcast::make_source("2001:db8::1"), nic});
  CHECK(ec == errc::family_mismatch);
  CHECK(rec.count() == 0);
  CHECK_THROWS_AS(
      mcast::apply_sequence(-1, o::join_group{g, nic}, o::block_source{g, s1, nic}, o::block_source{g, s1, nic}),
      std::system_error);
  CHECK(rec.count() == 0);
}

TEST_CASE("apply_sequence accepts distinct sources and re-joins", "[ordering]") {
  mcast::detail::concrete_state st;
  using mcast::detail::operation;
  const auto s1 = mcast::make_source("192.0.2.1");
  const auto s2 = mcast::make_source("192.0.2.2");
  CHECK(mcast::detail::runtime_step(st, operation::join_any, nullptr) == errc{});
  CHECK(mcast::detail::runtime_step(st, operation::block, &s1) == errc{});
  CHECK(mcast::detail::runtime_step(st, operation::block, &s2) == errc{});
  CHECK(mcast::detail::runtime_step(st, operation::unblock, &s1) == errc{});
  CHECK(mcast::detail::runtime_step(st, operation::unblock, &s1) == errc::source_not_present);
  CHECK(mcast::detail::runtime_step(st, operation::leave_group, nullptr) == errc{});
  CHECK(mcast::detail::runtime_step(st, operation::join_source, &s2) == errc{});
  CHECK(mcast::detail::runtime_step(st, operation::leave_source, &s2) == errc{});
  CHECK(mcast::detail::runtime_step(st, operation::leave_group, nullptr) == errc::not_joined);
}
