// The portable state machine (detail/rule_table.hpp, transitions) on a real kernel: every transition, on the handle
// API where it can be written and on apply_sequence where it cannot, with the same mcast::errc.
// Transitions that are compile errors are covered in tests/compile_fail and unit/ordering_test.
#include "catch.hpp"
#include "support/hook.hpp"
#include "support/net.hpp"

using namespace mcast_test;
using mcast::errc;
namespace o = mcast::option;

TEST_CASE("None: a join is the only valid operation", "[kernel][ordering]") {
  loopback_rig r(true);
  const auto g = fresh_group();
  std::error_code ec;
  // None -> leave_group: the kernel refuses (Linux EADDRNOTAVAIL, Windows WSAEINVAL): not_joined.
  CHECK(mcast::detail::issue(r.rx.get(), o::leave_group{g, r.lo}) == errc::not_joined);
  CHECK(mcast::detail::issue(r.rx.get(), o::ip_drop_membership{g, r.lo}) == errc::not_joined);
  // None -> leave_source: not_joined.
  CHECK(mcast::detail::issue(r.rx.get(), o::leave_source_group{g, r.s2, r.lo}) == errc::not_joined);
  // None -> block through a handle whose membership is gone: refused before the call.
  auto conf = mcast::join_group(r.rx, g, r.lo);
  conf.leave();
  syscall_recorder rec;
  auto b = conf.block(r.s2, ec);
  CHECK(ec == errc::not_joined);
  CHECK(rec.count() == 0);
  // None -> join_any / join_source: ok (re-joining after a leave is valid).
  mcast::apply_sequence(r.rx, o::join_group{g, r.lo}, o::leave_group{g, r.lo}, o::join_source_group{g, r.s2, r.lo});
  CHECK(r.filter(g).include);
  CHECK(r.got(g) == std::pair(3, 0));
}

TEST_CASE("Any(B): block, unblock, leave and every refusal", "[kernel][ordering]") {
  loopback_rig r(true);
  const auto g = fresh_group();
  std::error_code ec;
  auto conf = mcast::join_group(r.rx, g, r.lo); // None -> Any({})
  auto b3 = conf.block(r.s3);                   // s not in B -> Any({s3})
  auto again = conf.block(r.s3, ec);            // s in B -> source_already_present
  CHECK(ec == errc::source_already_present);
  auto twice = mcast::join_group(r.rx, g, r.lo, ec); // join_any -> already_joined
  CHECK(ec == errc::already_joined);
  auto ssm = mcast::join_source_group(r.rx, g, r.s2, r.lo, ec); // join_source -> already_joined
  CHECK(ec == errc::already_joined);
  CHECK(r.got(g) == std::pair(3, 0));
  b3.unblock(); // s in B -> Any({})
  CHECK(r.got(g) == std::pair(3, 3));
  conf.leave(); // -> None
  CHECK(r.filter(g).error == EADDRNOTAVAIL);

  // unblock of a source not blocked cannot be written with handles; apply_sequence checks it.
  syscall_recorder rec;
  mcast::apply_sequence(r.rx, ec, o::join_group{g, r.lo}, o::block_source{g, r.s2, r.lo},
                        o::unblock_source{g, r.s3, r.lo});
  CHECK(ec == errc::source_not_present);
  CHECK(rec.count() == 0);
  CHECK(!kernel_has_group(g));
}

TEST_CASE("Linux divergence 2: a source leave on an any-source membership corrupts the filter -- the library never "
          "issues one",
          "[kernel][ordering]") {
  loopback_rig r(true);
  const auto g = fresh_group();
  // What the raw kernel does (the raw layer is exact, so this shows why the rule exists):
  mcast::set_option(r.rx, o::join_group{g, r.lo});
  std::error_code ec;
  mcast::set_option(r.rx, o::leave_source_group{g, r.s2, r.lo}, ec);
  CHECK(ec.value() == EADDRNOTAVAIL); // refused ...
  CHECK(r.filter(g).include);         // ... yet the filter became INCLUDE {}
  CHECK(r.got(g) == std::pair(0, 0)); // and nothing arrives any more
  mcast::set_option(r.rx, o::leave_group{g, r.lo});
  // Through the library the same misuse cannot be expressed: an any_source_membership has no
  // drop, and apply_sequence(join_group, leave_source_group) is a compile error
  // (tests/compile_fail/seq_mcast_add_then_drop_source.cpp).
  static_assert(!mcast::is_valid_sequence<o::join_group, o::leave_source_group>);
  static_assert(!mcast::is_valid_sequence<o::ip_add_membership, o::ip_drop_source_membership>);
  // And a sequence that would leave a source on a group some other code joined any-source is
  // refused before any change, by the leading-join check.
  mcast::set_option(r.rx, o::join_group{g, r.lo});
  mcast::apply_sequence(r.rx, ec, o::join_source_group{g, r.s2, r.lo}, o::leave_source_group{g, r.s2, r.lo});
  CHECK(ec == errc::already_joined);
  CHECK(!r.filter(g).include);
  CHECK(r.got(g) == std::pair(3, 3));
  mcast::set_option(r.rx, o::leave_group{g, r.lo});
}

TEST_CASE("Src(S): include, drop, leave and every refusal", "[kernel][ordering]") {
  loopback_rig r(true);
  const auto g = fresh_group(mcast::family::v4, true);
  std::error_code ec;
  auto radio = mcast::join_source_group(r.rx, g, r.s2, r.lo); // None -> Src({s2})
  auto i3 = radio.include(r.s3);                              // s not in S -> Src({s2,s3})
  auto dup = radio.include(r.s3, ec);                         // s in S -> source_already_present
  CHECK(ec == errc::source_already_present);
  auto asm_join = mcast::join_group(r.rx, g, r.lo, ec); // join_any -> already_joined
  CHECK(ec == errc::already_joined);
  CHECK(r.got(g) == std::pair(3, 3));
  i3.drop(); // |S| > 1 -> Src({s2})
  CHECK(r.got(g) == std::pair(3, 0));
  radio.leave(); // -> None, every source at once
  CHECK(!kernel_has_group(g));

  // Src({s}) leave_source(s) -> None, and a leave after it is invalid: apply_sequence.
  mcast::apply_sequence(r.rx, o::join_source_group{g, r.s2, r.lo}, o::leave_source_group{g, r.s2, r.lo});
  CHECK(!kernel_has_group(g));
  CHECK(r.filter(g).error == EADDRNOTAVAIL);
  // leave_source of a source not in S: refused before any call.
  syscall_recorder rec;
  mcast::apply_sequence(r.rx, ec, o::ip_add_source_membership{g, r.s2, r.lo},
                        o::ip_drop_source_membership{g, r.s3, r.lo});
  CHECK(ec == errc::source_not_present);
  CHECK(rec.count() == 0);
}

TEST_CASE("apply_sequence on the kernel: applied in order, and undone when a call fails", "[kernel][ordering]") {
  loopback_rig r(true);
  const auto g = fresh_group();
  mcast::apply_sequence(r.rx, o::ip_add_membership{g, r.lo}, o::ip_block_source{g, r.s2, r.lo},
                        o::ip_block_source{g, r.s3, r.lo}, o::ip_unblock_source{g, r.s2, r.lo});
  CHECK(r.filter(g).sources == texts({"127.0.0.3"}));
  CHECK(r.got(g) == std::pair(3, 0));
  mcast::set_option(r.rx, o::ip_drop_membership{g, r.lo});

  syscall_recorder rec;
  rec.fail_call(2, ENOBUFS); // join, block s2, block s3 <- fails
  std::error_code ec;
  mcast::apply_sequence(r.rx, ec, o::join_group{g, r.lo}, o::block_source{g, r.s2, r.lo},
                        o::block_source{g, r.s3, r.lo});
  CHECK(ec == errc::limit_exceeded);
  CHECK(rec.count() == 4); // the three, then the leave that undoes them
  CHECK(!kernel_has_group(g));
  CHECK(r.got(g) == std::pair(0, 0));
}
