// membership.hpp on a real kernel (IPv4 loopback): every handle operation verified by delivery
// from allowed and blocked sources, by getsourcefilter and by /proc/net; teardown rules checked
// with the system-call counter.
#include "catch.hpp"
#include "support/hook.hpp"
#include "support/net.hpp"

#include <optional>
#include <stdexcept>

using namespace mcast_test;
using mcast::errc;

TEMPLATE_TEST_CASE("any-source handle: join, block, unblock, leave", "[kernel][membership]",
                   mcast::api::protocol_independent, mcast::api::ipv4) {
  loopback_rig r;
  const auto g = fresh_group();
  auto conf = mcast::join_group<TestType>(r.rx, g, r.lo);
  CHECK(conf.joined());
  CHECK(r.got(g) == std::pair(3, 3));
  CHECK(kernel_has_group(g));
  {
    auto mute = conf.block(r.s3);
    CHECK(mute.active());
    CHECK(conf.blocked_count() == 1);
    CHECK(r.got(g) == std::pair(3, 0));
    CHECK(r.filter(g).sources == texts({"127.0.0.3"}));
    mute.unblock();
    CHECK(!mute.active());
    CHECK(r.got(g) == std::pair(3, 3));
    CHECK(r.filter(g).sources.empty());
    auto mute2 = conf.block(r.s2);
    CHECK(r.got(g) == std::pair(0, 3));
  } // mute2 unblocks on scope exit
  CHECK(r.got(g) == std::pair(3, 3));
  CHECK(r.filter(g).sources.empty());
  conf.leave();
  CHECK(!conf.joined());
  CHECK(r.got(g) == std::pair(0, 0));
  CHECK(!kernel_has_group(g));
}

TEMPLATE_TEST_CASE("source handle: join, include, drop, leave all", "[kernel][membership]",
                   mcast::api::protocol_independent, mcast::api::ipv4) {
  loopback_rig r;
  const auto g = fresh_group(mcast::family::v4, true);
  auto radio = mcast::join_source_group<TestType>(r.rx, g, r.s2, r.lo);
  CHECK(r.got(g) == std::pair(3, 0));
  auto f = r.filter(g);
  CHECK(f.include);
  CHECK(f.sources == texts({"127.0.0.2"}));
  auto extra = radio.include(r.s3);
  CHECK(radio.source_count() == 2);
  CHECK(r.got(g) == std::pair(3, 3));
  extra.drop();
  CHECK(radio.source_count() == 1);
  CHECK(r.got(g) == std::pair(3, 0));
  auto again = radio.include(r.s3);
  CHECK(r.got(g) == std::pair(3, 3));
  syscall_recorder rec;
  radio.leave(); // one call drops every source (after the socket's cookie, Linux)
  CHECK(rec.count() == 1 + cookie_reads);
  CHECK(r.got(g) == std::pair(0, 0));
  CHECK(!kernel_has_group(g));
  again.drop(); // the membership left: nothing to do, no system call
  CHECK(rec.count() == 1 + cookie_reads);
}

TEST_CASE("destruction leaves: the group disappears from /proc/net/igmp", "[kernel][membership]") {
  loopback_rig r;
  const auto g = fresh_group();
  const auto gs = fresh_group(mcast::family::v4, true);
  {
    auto conf = mcast::join_group(r.rx, g, r.lo);
    auto mute = conf.block(r.s3);
    auto radio = mcast::join_source_group(r.rx, gs, r.s2, r.lo);
    auto f = mcast::join_with_filter(r.rx, fresh_group(), r.lo, mcast::filter_mode::exclude, {r.s3});
    CHECK(kernel_has_group(g));
    CHECK(kernel_has_group(gs));
  }
  CHECK(!kernel_has_group(g));
  CHECK(!kernel_has_group(gs));
  CHECK(r.got(g) == std::pair(0, 0));
}

TEST_CASE("children of a membership that left make no system call", "[kernel][membership]") {
  loopback_rig r;
  const auto g = fresh_group();
  auto conf = mcast::join_group(r.rx, g, r.lo);
  auto mute = conf.block(r.s3);
  auto mute2 = conf.block(r.s2);
  conf.leave();
  syscall_recorder rec;
  CHECK(!mute.active());
  mute.unblock();
  { auto gone = std::move(mute2); } // destroyed: no call either
  CHECK(rec.count() == 0);
}

TEST_CASE("a moved membership's children still unblock, on the right socket", "[kernel][membership]") {
  loopback_rig r;
  const auto g = fresh_group();
  auto conf = mcast::join_group(r.rx, g, r.lo);
  auto mute = conf.block(r.s3);
  auto moved = std::move(conf);
  CHECK(!conf.joined()); // NOLINT: inert after the move, by contract
  CHECK(moved.joined());
  CHECK(mute.active());
  auto mute_moved = std::move(mute);
  CHECK(!mute.active()); // NOLINT
  CHECK(r.got(g) == std::pair(3, 0));
  syscall_recorder rec;
  mute_moved.unblock();
  REQUIRE(rec.count() == 1 + cookie_reads);
  CHECK(rec.calls.back().socket == r.rx.get());
  CHECK(r.got(g) == std::pair(3, 3));
  std::vector<mcast::any_source_membership<>> many;
  many.push_back(std::move(moved)); // into a container, and it still leaves on destruction
  many.clear();
  CHECK(!kernel_has_group(g));
}

TEST_CASE("an exception half-way leaves nothing joined", "[kernel][membership]") {
  loopback_rig r;
  const auto g = fresh_group();
  const auto g2 = fresh_group(mcast::family::v4, true);
  auto work = [&] {
    auto conf = mcast::join_group(r.rx, g, r.lo);
    auto mute = conf.block(r.s3);
    auto radio = mcast::join_source_group(r.rx, g2, r.s2, r.lo);
    auto dup = conf.block(r.s3); // the same source twice: throws source_already_present
  };
  try {
    work();
    FAIL("expected an exception");
  } catch (const std::system_error& e) {
    CHECK(e.code() == errc::source_already_present);
  }
  CHECK(!kernel_has_group(g));
  CHECK(!kernel_has_group(g2));
  CHECK(r.filter(g).error == EADDRNOTAVAIL);
}

TEST_CASE("the same errc for value-dependent misuse, before the system call where the handle knows",
          "[kernel][membership]") {
  loopback_rig r;
  const auto g = fresh_group();
  auto conf = mcast::join_group(r.rx, g, r.lo);
  std::error_code ec;
  syscall_recorder rec;
  auto mute = conf.block(r.s3);
  rec.clear();
  auto dup = conf.block(r.s3, ec);
  CHECK(ec == errc::source_already_present);
  CHECK(!dup.active());
  auto wrong = conf.block(mcast::make_source("::1"), ec);
  CHECK(ec == errc::family_mismatch);
  CHECK(rec.count() == 0);
  // A second any-source join of the same group on the socket: the kernel refuses (EADDRINUSE on
  // Linux, WSAEADDRNOTAVAIL on Windows) and both become errc::already_joined.
  auto twice = mcast::join_group(r.rx, g, r.lo, ec);
  CHECK(ec == errc::already_joined);
  CHECK(mcast::system_error_of(ec).value() == EADDRINUSE);
  CHECK(!twice.joined());
  // lo by index (MCAST_*, GROUP_REQ) and lo by address (IP_*, ip_mreq) are one interface to the
  // kernel: they collide too. (any() collides the same way where the route for the group leads
  // to lo; in the default namespace it leads to the real network, so it is not used here.)
  auto by_ipv4 = mcast::join_group<mcast::api::ipv4>(
      r.rx, g, mcast::network_interface::from_address(mcast::make_address("127.0.0.1")), ec);
  CHECK(ec == errc::already_joined);
  CHECK(conf.joined());
  CHECK(r.got(g) == std::pair(3, 0)); // untouched
}

TEST_CASE("Linux divergence 1 refused: a source join on an any-source group", "[kernel][membership]") {
  // Linux alone would accept MCAST_JOIN_SOURCE_GROUP here and silently switch the filter to
  // INCLUDE {s2}; Windows refuses. The library refuses everywhere, before the join.
  loopback_rig r;
  const auto g = fresh_group();
  auto conf = mcast::join_group(r.rx, g, r.lo);
  std::error_code ec;
  syscall_recorder rec;
  auto radio = mcast::join_source_group(r.rx, g, r.s2, r.lo, ec);
  CHECK(ec == errc::already_joined);
  CHECK(!radio.joined());
  CHECK(rec.count(mcast::detail::syscall_kind::get_filter) == 1); // the one read before the join
  CHECK(rec.count(mcast::detail::syscall_kind::setsockopt) == 0);
  auto f = r.filter(g);
  CHECK(!f.include); // still EXCLUDE {}
  CHECK(r.got(g) == std::pair(3, 3));
  // Through IP_* with the interface spelled by address: the same.
  auto v4 = mcast::join_source_group<mcast::api::ipv4>(
      r.rx, g, r.s2, mcast::network_interface::from_address(mcast::make_address("127.0.0.1")), ec);
  CHECK(ec == errc::already_joined);
  CHECK(r.got(g) == std::pair(3, 3));
}

TEST_CASE("an any-source join on a source-specific group is refused", "[kernel][membership]") {
  loopback_rig r;
  const auto g = fresh_group(mcast::family::v4, true);
  auto radio = mcast::join_source_group(r.rx, g, r.s2, r.lo);
  std::error_code ec;
  auto conf = mcast::join_group(r.rx, g, r.lo, ec);
  CHECK(ec == errc::already_joined);
  auto radio2 = mcast::join_source_group(r.rx, g, r.s3, r.lo, ec); // a second owner of the same membership
  CHECK(ec == errc::already_joined);
  auto extra = radio.include(r.s2, ec);
  CHECK(ec == errc::source_already_present);
  CHECK(r.got(g) == std::pair(3, 0));
}

TEST_CASE("IP_MULTICAST_ALL: a joined socket sees only its own groups unless it opts out", "[kernel][membership]") {
  // Two sockets on one port. A joins g1 through a handle; B joins g2 raw. Linux's default
  // (IP_MULTICAST_ALL=1) would deliver g2 to A as well.
  std::uint16_t port = 0;
  socket_fd a = udp_receiver(mcast::family::v4, port, true);
  int one = 1;
  socket_fd b(::socket(AF_INET, SOCK_DGRAM, 0));
  ::setsockopt(b, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  REQUIRE(::bind(b, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  const auto lo = mcast::network_interface::from_name("lo");
  const auto g1 = fresh_group();
  const auto g2 = fresh_group();
  const auto s2 = mcast::make_source("127.0.0.2");
  mcast::set_option(b, mcast::option::join_group{g2, lo});

  SECTION("default: off") {
    auto m = mcast::join_group(a, g1, lo);
    CHECK(delivery(a, g2, port, {s2})["127.0.0.2"] == 0);
    CHECK(delivery(a, g1, port, {s2})["127.0.0.2"] == 3);
    int v = -1;
    socklen_t len = sizeof v;
    ::getsockopt(a, IPPROTO_IP, IP_MULTICAST_ALL, &v, &len);
    CHECK(v == 0);
  }
  SECTION("opt-out: keep_multicast_all") {
    mcast::join_options opts;
    opts.keep_multicast_all = true;
    auto m = mcast::join_group(a, g1, lo, opts);
    CHECK(delivery(a, g2, port, {s2})["127.0.0.2"] == 3);
  }
}

TEST_CASE("a refused block keeps the handle and the kernel as they were", "[kernel][membership]") {
  loopback_rig r;
  const auto g = fresh_group();
  auto conf = mcast::join_group(r.rx, g, r.lo);
  auto mute = conf.block(r.s3);
  syscall_recorder rec;
  rec.fail_call(cookie_reads, ENOBUFS); // (Linux: call 0 compares the socket's cookie)
  std::error_code ec;
  auto more = conf.block(r.s2, ec);
  CHECK(ec == errc::limit_exceeded);
  CHECK(!more.active());
  CHECK(conf.blocked_count() == 1);
  CHECK(r.filter(g).sources == texts({"127.0.0.3"}));
  rec.clear();
  rec.fail_call(cookie_reads, ENOBUFS);
  mute.unblock(ec); // the unblock fails: still blocked, still armed
  CHECK(ec == errc::limit_exceeded);
  CHECK(mute.active());
  CHECK(r.got(g) == std::pair(3, 0));
  rec.clear();
  rec.fail_call(cookie_reads, EINTR);
  conf.leave(ec);
  CHECK(ec.value() == EINTR);
  CHECK(conf.joined());
  CHECK(r.got(g) == std::pair(3, 0));
}

TEST_CASE("a join whose IP_MULTICAST_ALL call fails is undone", "[kernel][membership]") {
  loopback_rig r;
  const auto g = fresh_group();
  syscall_recorder rec;
  // call 0 reads the socket's family, 1 its cookie (Linux), then the join, then IP_MULTICAST_ALL
  rec.fail_call(2 + cookie_reads, ENOMEM);
  std::error_code ec;
  auto conf = mcast::join_group(r.rx, g, r.lo, ec);
  CHECK(ec);
  CHECK(!conf.joined());
  CHECK(!kernel_has_group(g));
  CHECK(rec.count() == 4 + cookie_reads); // family, cookie, join, multicast-all (failed), leave
}

TEST_CASE("system calls per handle operation", "[kernel][membership]") {
  loopback_rig r;
  const auto g = fresh_group();
  syscall_recorder rec;
  auto conf = mcast::join_group(r.rx, g, r.lo);
  // socket family (IPV6_V6ONLY) + cookie (SO_COOKIE) + join + IP_MULTICAST_ALL off (Linux)
  CHECK(rec.count() == 3 + cookie_reads);
  // each change after the join: the cookie compared (Linux), then the change
  rec.clear();
  auto mute = conf.block(r.s3);
  CHECK(rec.count() == 1 + cookie_reads);
  rec.clear();
  mute.unblock();
  CHECK(rec.count() == 1 + cookie_reads);
  rec.clear();
  conf.leave();
  CHECK(rec.count() == 1 + cookie_reads);
  rec.clear();
  const auto gs = fresh_group(mcast::family::v4, true);
  auto radio = mcast::join_source_group(r.rx, gs, r.s2, r.lo);
  CHECK(rec.count() == 4 + cookie_reads); // socket family + cookie + filter read + join + IP_MULTICAST_ALL
  rec.clear();
  auto extra = radio.include(r.s3);
  CHECK(rec.count() == 1 + cookie_reads);
}

// ---- a membership destroyed or assigned over lets go of its children whatever its leave returns

namespace {
// Fails every leave (MCAST_LEAVE_GROUP / IP_DROP_MEMBERSHIP) with `error` while it lives.
struct failing_leaves : syscall_recorder {
  explicit failing_leaves(int error) { fail_options({MCAST_LEAVE_GROUP, IP_DROP_MEMBERSHIP}, error); }
};

// `membership` goes while every leave fails: its child must be inert after (undoing it makes no
// system call) -- even with a new, joined membership made in the same storage, which a child still
// pointing there would take for its own -- and the group, still joined in the kernel, can be left
// through the raw layer.
template <class Membership, class Child, class Undo, class Remake>
void destroy_while_leave_fails(loopback_rig& r, const mcast::group& g, std::optional<Membership>& membership,
                               Child& child, Undo undo, Remake remake) {
  {
    failing_leaves fail(ENOBUFS);
    membership.reset(); // the leave fails; the handle goes anyway
    CHECK(fail.failed == 1u);
  }
  remake(membership);
  REQUIRE(membership->joined());
  CHECK(!child.active()); // it pointed into the destroyed handle before
  syscall_recorder rec;
  undo(child);
  CHECK(rec.count() == 0);
  membership.reset();
  mcast::set_option(r.rx, mcast::option::leave_group{g, r.lo});
  CHECK(!kernel_has_group(g));
}
} // namespace

TEST_CASE("a membership destroyed while its leave fails leaves its blocked_source inert, not dangling",
          "[kernel][membership]") {
  loopback_rig r;
  const auto g = fresh_group();
  std::optional<mcast::any_source_membership<>> conf(mcast::join_group(r.rx, g, r.lo));
  auto mute = conf->block(r.s3);
  destroy_while_leave_fails(
      r, g, conf, mute, [](auto& b) { b.unblock(); },
      [&](auto& m) { m.emplace(mcast::join_group(r.rx, fresh_group(), r.lo)); });
}

TEST_CASE("a source membership destroyed while its leave fails leaves its included_source inert",
          "[kernel][membership]") {
  loopback_rig r;
  const auto g = fresh_group(mcast::family::v4, true);
  std::optional<mcast::source_membership<>> radio(mcast::join_source_group(r.rx, g, r.s2, r.lo));
  auto extra = radio->include(r.s3);
  destroy_while_leave_fails(
      r, g, radio, extra, [](auto& i) { i.drop(); },
      [&](auto& m) { m.emplace(mcast::join_source_group(r.rx, fresh_group(mcast::family::v4, true), r.s2, r.lo)); });
}

TEST_CASE("move-assigning over a membership whose leave fails does not hand its children to the new one",
          "[kernel][membership]") {
  loopback_rig r;
  const auto g1 = fresh_group();
  const auto g2 = fresh_group();
  auto a = mcast::join_group(r.rx, g1, r.lo);
  auto old_child = a.block(r.s3);
  auto b = mcast::join_group(r.rx, g2, r.lo);
  {
    failing_leaves fail(ENOBUFS);
    a = std::move(b);
    CHECK(fail.failed == 1u);
  }
  CHECK(a.group() == g2);
  CHECK(a.blocked_count() == 0); // not the old child, and no count that wrapped around
  CHECK(!old_child.active());
  {
    syscall_recorder rec;
    old_child.unblock(); // would have unblocked 127.0.0.3 on g2
    CHECK(rec.count() == 0);
  }
  CHECK(r.got(g2) == std::pair(3, 3));
  CHECK(r.got(g1) == std::pair(3, 0)); // g1 still joined with 127.0.0.3 blocked: its leave failed
  mcast::set_option(r.rx, mcast::option::leave_group{g1, r.lo});
  a.leave();
  CHECK(!kernel_has_group(g1));
  CHECK(!kernel_has_group(g2));
}

TEST_CASE("move-assigning over a membership leaves it and keeps the new one's children working",
          "[kernel][membership]") {
  loopback_rig r;
  const auto g1 = fresh_group();
  const auto g2 = fresh_group();
  auto a = mcast::join_group(r.rx, g1, r.lo);
  auto old_child = a.block(r.s3);
  auto b = mcast::join_group(r.rx, g2, r.lo);
  auto new_child = b.block(r.s2);
  a = std::move(b);
  CHECK(!old_child.active());
  CHECK(new_child.active());
  CHECK(a.blocked_count() == 1);
  CHECK(!kernel_has_group(g1));
  CHECK(r.got(g2) == std::pair(0, 3));
  new_child.unblock();
  CHECK(r.got(g2) == std::pair(3, 3));
  CHECK(a.blocked_count() == 0);
}
