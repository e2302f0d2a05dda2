// membership.hpp without a network: value errors before any system call, empty handles, and the
// handles' shape.
#include <mcast/membership.hpp>

#include "catch.hpp"
#include "support/hook.hpp"
#include "support/values.hpp"

#include <type_traits>

static_assert(std::is_nothrow_move_constructible_v<mcast::any_source_membership<>>);
static_assert(std::is_nothrow_move_constructible_v<mcast::source_membership<mcast::api::ipv4>>);
static_assert(std::is_nothrow_move_constructible_v<mcast::blocked_source<>>);
static_assert(std::is_nothrow_move_constructible_v<mcast::included_source<>>);
static_assert(std::is_nothrow_move_constructible_v<mcast::filtered_membership<>>);
static_assert(std::is_nothrow_destructible_v<mcast::any_source_membership<>>);
static_assert(std::is_nothrow_destructible_v<mcast::blocked_source<>>);
static_assert(!std::is_default_constructible_v<mcast::any_source_membership<>>);

TEST_CASE("handles refuse bad values before any system call", "[membership][errors]") {
  mcast_test::syscall_recorder rec;
  const mcast_test::mixed_values v;
  const auto& [nic, g4, g6, s4, s6] = v;
  std::error_code ec;

  auto a = mcast::join_group<mcast::api::ipv4>(-1, g6, nic, ec);
  CHECK(ec == mcast::errc::family_mismatch);
  CHECK(!a.joined());
  auto b = mcast::join_group<mcast::api::ipv6>(-1, g4, nic, ec);
  CHECK(ec == mcast::errc::family_mismatch);
  auto c = mcast::join_source_group(-1, g4, s6, nic, ec);
  CHECK(ec == mcast::errc::family_mismatch);
  CHECK(!c.joined());
  auto d = mcast::join_source_group<mcast::api::ipv4>(-1, g6, s6, nic, ec);
  CHECK(ec == mcast::errc::family_mismatch);
  auto e = mcast::join_with_filter(-1, g4, nic, mcast::filter_mode::exclude, {s4, s6}, ec);
  CHECK(ec == mcast::errc::family_mismatch);
  auto f = mcast::join_with_filter(-1, g4, nic, mcast::filter_mode::exclude, {s4, s4}, ec);
  CHECK(ec == mcast::errc::source_already_present);
  CHECK_THROWS_AS(mcast::join_group<mcast::api::ipv4>(-1, g6, nic), std::system_error);
  CHECK(rec.count() == 0);
}

TEST_CASE("operations on an empty handle are refused or are no-ops, with no system call", "[membership]") {
  mcast_test::syscall_recorder rec;
  const auto nic = mcast::network_interface::any();
  const auto g = mcast::make_group("239.1.2.3");
  std::error_code ec;
  auto conf = mcast::join_group<mcast::api::ipv4>(-1, mcast::make_group("ff15::1"), nic, ec); // fails: empty
  REQUIRE(!conf.joined());
  rec.clear();
  auto mute = conf.block(mcast::make_source("192.0.2.1"), ec);
  CHECK(ec == mcast::errc::not_joined);
  CHECK(!mute.active());
  mute.unblock(ec); // no-op
  CHECK(!ec);
  conf.leave(ec); // no-op
  CHECK(!ec);
  conf.leave();
  auto moved = std::move(conf);
  CHECK(!moved.joined());
  CHECK(moved.group() == mcast::make_group("ff15::1"));
  (void)g;
  CHECK(rec.count() == 0);
}

TEST_CASE("a join on a bad socket reports the system's error and leaves an empty handle", "[membership][errors]") {
  mcast_test::syscall_recorder rec;
  std::error_code ec;
  auto conf = mcast::join_group<mcast::api::ipv4>(mcast::detail::invalid_native_handle, mcast::make_group("239.1.2.3"),
                                                  mcast::network_interface::any(), ec);
  CHECK(ec);
  CHECK(ec.category() == std::system_category());
  CHECK(!conf.joined());
  CHECK(rec.count() == 1);
}

TEST_CASE("a source-specific join reads the filter first only where the stack needs it (Linux)", "[membership]") {
  // An invalid socket: every call fails, so what is called shows the path. On Linux the socket's
  // family is read first (and fails); elsewhere the join itself is the first and only call --
  // Windows refuses a source join on an any-source group by itself, and mcast adds no probing.
  mcast_test::syscall_recorder rec;
  std::error_code ec;
  const auto nic =
      mcast::detail::resolves_any_interface ? mcast::network_interface::from_index(1) : mcast::network_interface::any();
  rec.clear();
  auto m = mcast::join_source_group(mcast::detail::invalid_native_handle, mcast::make_group("232.1.2.3"),
                                    mcast::make_source("192.0.2.1"), nic, ec);
  CHECK(ec);
  CHECK(!m.joined());
  CHECK(rec.count(mcast::detail::syscall_kind::get_filter) == 0);
  if constexpr (mcast::detail::checks_socket_family) {
    REQUIRE(rec.count() == 1); // the family read, refused: nothing after it (Windows: SO_PROTOCOL_INFOW)
    CHECK(rec.calls[0].kind == (mcast::detail::family_from_protocol_info ? mcast::detail::syscall_kind::local_address
                                                                         : mcast::detail::syscall_kind::getsockopt));
  } else {
    REQUIRE(rec.count() == 1);
    CHECK(rec.calls[0].kind == mcast::detail::syscall_kind::setsockopt);
  }
  CHECK(mcast::detail::needs_source_join_probe == mcast::detail::is_linux);
}

// What every handle operation reports through (detail/kernel_request.hpp): the error code is made
// only from a failure, and each kind of failure keeps what it was.
TEST_CASE("a handle's failure becomes the error code it stands for", "[membership][error]") {
  namespace d = mcast::detail;
  STATIC_REQUIRE(sizeof(d::failure) == 8);
  CHECK(!d::failure{});
  CHECK(!d::failure{}.code());

  const d::failure own = d::refused(mcast::errc::family_mismatch);
  REQUIRE(own);
  CHECK(own.code() == mcast::make_error_code(mcast::errc::family_mismatch));

  // A kernel refusal is read by the rule table for its operation and state.
  const d::failure kernel = d::kernel_refused(d::sys_errc::addr_in_use, d::operation::join_any, d::mstate::none);
  REQUIRE(kernel);
  CHECK(kernel.code() == d::translate(d::operation::join_any, d::sys_errc::addr_in_use));
  CHECK(kernel.code() == mcast::errc::already_joined);
  // Every operation and every state comes back out of the one-register form as it went in: the
  // code is the one the rule table gives for that operation and state (the ambiguous codes differ
  // by both, e.g. EADDRNOTAVAIL: not_joined for a leave, source_not_present for an unblock).
  int differing = 0;
  for (int op = 0; op <= static_cast<int>(d::operation::other); ++op)
    for (d::mstate st : {d::mstate::none, d::mstate::any, d::mstate::src})
      for (int raw : {d::sys_errc::addr_in_use, d::sys_errc::addr_not_avail, d::sys_errc::invalid}) {
        const auto o = static_cast<d::operation>(op);
        const std::error_code expected = d::translate(o, raw, st);
        CHECK(d::kernel_refused(raw, o, st).code() == expected);
        differing += expected != d::translate(d::operation::join_any, raw, d::mstate::none);
      }
  CHECK(differing > 0); // (the loop can tell a lost operation or state)

  // An error code a helper made is passed on as it was: mcast's own, or a system error untranslated.
  const auto passed_own = d::passed_on(mcast::make_error_code(mcast::errc::no_such_interface));
  CHECK(passed_own.code() == mcast::make_error_code(mcast::errc::no_such_interface));
  const std::error_code sys(d::sys_errc::no_buffers, std::system_category());
  const auto passed_sys = d::passed_on(sys);
  REQUIRE(passed_sys);
  CHECK(passed_sys.code() == sys); // not the translated "limit exceeded" code
  CHECK(passed_sys.code().category() == std::system_category());
  // The filter's out-of-memory answer is a generic code: it stays one (on Windows the same number
  // in the system category would mean something else).
  const auto oom = std::make_error_code(std::errc::not_enough_memory);
  CHECK(d::passed_on(oom).code() == oom);
  CHECK(d::passed_on(oom).code() == std::errc::not_enough_memory);
}
