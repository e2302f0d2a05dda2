// A handle never acts on a different socket than the one it joined (#29 point 4): its socket was
// closed and another socket took the descriptor's number; destroying the handle, or its children,
// leaves the new socket's memberships alone (Linux: SO_COOKIE compared at every change).
#include "catch.hpp"
#include "support/net.hpp"
#include "support/netns.hpp"

#include <optional>

using namespace mcast_test;

namespace {

// Closes `old` and gives its descriptor number to a fresh receiver of the same family (dup2 makes
// the reuse certain; a program gets it from socket() or accept()). Returns the new port.
std::uint16_t reuse_descriptor(socket_fd& old, mcast::family f, socket_fd& fresh) {
  const int number = old.get();
  std::uint16_t port = 0;
  socket_fd b = udp_receiver(f, port);
  old.reset(); // socket A is gone: the kernel dropped A's memberships with it
  check_sys(::dup2(b.get(), number) == number, "dup2");
  fresh = socket_fd(number);
  return port;
}

} // namespace

TEST_CASE("a handle whose descriptor was closed and reused leaves the new socket alone", "[netns][reuse]") {
  for (const auto f : {mcast::family::v4, mcast::family::v6}) {
    INFO((f == mcast::family::v4 ? "IPv4" : "IPv6"));
    loopback_rig rig(false, f);
    const mcast::group g = fresh_group(f);
    socket_fd a = std::move(rig.rx);
    const int number = a.get();

    std::optional<mcast::any_source_membership<>> ma(mcast::join_group(a, g, rig.lo));
    std::optional<mcast::blocked_source<>> ba(ma->block(rig.s3));

    socket_fd b;
    rig.port = reuse_descriptor(a, f, b);
    REQUIRE(b.get() == number);
    auto mb = mcast::join_group(b, g, rig.lo);
    auto bb = mb.block(rig.s3);
    rig.rx = std::move(b);
    REQUIRE(rig.got(g) == std::pair<int, int>(3, 0));

    // A's child first (the usual order: declared after its membership): it must not unblock s3 on B.
    ba.reset();
    CHECK(rig.got(g) == std::pair<int, int>(3, 0));
    CHECK_FALSE(ma->joined()); // the child found another socket: its membership let go (and no call)
    // Then A's membership: B keeps its group.
    ma.reset();
    CHECK(kernel_has_group(g));
    CHECK(rig.got(g) == std::pair<int, int>(3, 0));

    // B's own handles still work on B.
    bb.unblock();
    CHECK(rig.got(g) == std::pair<int, int>(3, 3));
    mb.leave();
    CHECK_FALSE(kernel_has_group(g));
    CHECK(rig.got(g) == std::pair<int, int>(0, 0));
  }
}

TEST_CASE("a source-specific or filtered handle on a reused descriptor leaves the new socket alone", "[netns][reuse]") {
  for (const auto f : {mcast::family::v4, mcast::family::v6}) {
    INFO((f == mcast::family::v4 ? "IPv4" : "IPv6"));
    loopback_rig rig(false, f);
    const mcast::group g = fresh_group(f, true);
    const mcast::group g2 = fresh_group(f);
    socket_fd a = std::move(rig.rx);

    std::optional<mcast::source_membership<>> sa(mcast::join_source_group(a, g, rig.s2, rig.lo));
    std::optional<mcast::included_source<>> ia(sa->include(rig.s3));
    std::optional<mcast::filtered_membership<>> fa(
        mcast::join_with_filter(a, g2, rig.lo, mcast::filter_mode::exclude, {rig.s3}));

    socket_fd b;
    rig.port = reuse_descriptor(a, f, b);
    auto sb = mcast::join_source_group(b, g, rig.s2, rig.lo);
    auto ib = sb.include(rig.s3);
    auto fb = mcast::join_with_filter(b, g2, rig.lo, mcast::filter_mode::exclude, {rig.s3});
    rig.rx = std::move(b);
    REQUIRE(rig.got(g) == std::pair<int, int>(3, 3));
    REQUIRE(rig.got(g2) == std::pair<int, int>(3, 0));

    ia.reset(); // must not drop s3 from B's membership
    CHECK(rig.got(g) == std::pair<int, int>(3, 3));
    sa.reset();
    fa.reset();
    CHECK(rig.got(g) == std::pair<int, int>(3, 3));
    CHECK(rig.got(g2) == std::pair<int, int>(3, 0));
    CHECK(kernel_has_group(g));
    CHECK(kernel_has_group(g2));

    ib.drop();
    CHECK(rig.got(g) == std::pair<int, int>(3, 0));
    sb.leave();
    fb.leave();
    CHECK_FALSE(kernel_has_group(g));
    CHECK_FALSE(kernel_has_group(g2));
  }
}

TEST_CASE("leave() on a handle whose descriptor was closed and reused empties it and changes nothing",
          "[netns][reuse]") {
  loopback_rig rig;
  const mcast::group g = fresh_group();
  socket_fd a = std::move(rig.rx);
  auto ma = mcast::join_group(a, g, rig.lo);
  auto ba = ma.block(rig.s3);
  socket_fd b;
  rig.port = reuse_descriptor(a, mcast::family::v4, b);
  auto mb = mcast::join_group(b, g, rig.lo);
  rig.rx = std::move(b);

  std::error_code ec = make_error_code(mcast::errc::not_joined);
  ma.leave(ec);
  CHECK_FALSE(ec); // the membership went with socket A
  CHECK_FALSE(ma.joined());
  CHECK_FALSE(ba.active());
  CHECK(kernel_has_group(g));
  CHECK(rig.got(g) == std::pair<int, int>(3, 3));
  // block() on an emptied handle: not_joined, no call on B.
  (void)ma.block(rig.s2, ec);
  CHECK(ec == mcast::errc::not_joined);
  CHECK(rig.got(g) == std::pair<int, int>(3, 3));
  mb.leave();
  CHECK_FALSE(kernel_has_group(g));
}
