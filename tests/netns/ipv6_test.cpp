// IPv6 on a real kernel, in the test namespace (2001:db8::2 and ::3 on lo, "local ff00::/8"):
// MCAST_* any-source + block, source-specific joins, IPV6_ADD/DROP_MEMBERSHIP, final-state
// filters -- each verified by delivery, getsourcefilter and /proc/net/igmp6, mcfilter6.
#include "catch.hpp"
#include "support/hook.hpp"
#include "support/net.hpp"
#include "support/netns.hpp"

using namespace mcast_test;
using mcast::errc;
using mcast::filter_mode;
namespace o = mcast::option;

namespace {
loopback_rig rig6(bool raw = false) { return loopback_rig(raw, mcast::family::v6); }
} // namespace

TEST_CASE("IPv6 raw options: MCAST_* any-source, block, unblock, leave", "[netns][ipv6]") {
  auto r = rig6(true);
  const auto g = fresh_group(mcast::family::v6);
  mcast::set_option(r.rx, o::join_group{g, r.lo});
  CHECK(r.got(g) == std::pair(3, 3));
  CHECK(kernel_has_group(g));
  mcast::set_option(r.rx, o::block_source{g, r.s3, r.lo});
  CHECK(r.got(g) == std::pair(3, 0));
  CHECK(r.filter(g).sources == texts({"2001:db8::3"}));
  CHECK(kernel_source_counts(g, r.s3) == std::pair(0, 1));
  mcast::set_option(r.rx, o::unblock_source{g, r.s3, r.lo});
  CHECK(r.got(g) == std::pair(3, 3));
  mcast::set_option(r.rx, o::leave_group{g, r.lo});
  CHECK(r.got(g) == std::pair(0, 0));
  CHECK(!kernel_has_group(g));
}

TEST_CASE("IPv6 raw options: source-specific join and leave", "[netns][ipv6]") {
  auto r = rig6(true);
  const auto g = fresh_group(mcast::family::v6, true);
  mcast::set_option(r.rx, o::join_source_group{g, r.s2, r.lo});
  CHECK(r.got(g) == std::pair(3, 0));
  auto f = r.filter(g);
  CHECK(f.include);
  CHECK(f.sources == texts({"2001:db8::2"}));
  CHECK(kernel_source_counts(g, r.s2) == std::pair(1, 0));
  mcast::set_option(r.rx, o::join_source_group{g, r.s3, r.lo});
  CHECK(r.got(g) == std::pair(3, 3));
  mcast::set_option(r.rx, o::leave_source_group{g, r.s2, r.lo});
  CHECK(r.got(g) == std::pair(0, 3));
  mcast::set_option(r.rx, o::leave_source_group{g, r.s3, r.lo});
  CHECK(!kernel_has_group(g));
}

TEST_CASE("IPV6_ADD/DROP_MEMBERSHIP raw and through the api::ipv6 handle", "[netns][ipv6]") {
  auto r = rig6(true);
  const auto g = fresh_group(mcast::family::v6);
  mcast::set_option(r.rx, o::ipv6_add_membership{g, r.lo});
  CHECK(r.got(g) == std::pair(3, 3));
  CHECK(kernel_has_group(g));
  mcast::set_option(r.rx, o::ipv6_drop_membership{g, r.lo});
  CHECK(r.got(g) == std::pair(0, 0));
  CHECK(!kernel_has_group(g));
  {
    auto m = mcast::join_group<mcast::api::ipv6>(r.rx, g, r.lo);
    CHECK(r.got(g) == std::pair(3, 3));
    std::error_code ec;
    auto twice = mcast::join_group<mcast::api::ipv6>(r.rx, g, r.lo, ec);
    CHECK(ec == errc::already_joined);
    auto mcast_too = mcast::join_group(r.rx, g, r.lo, ec); // MCAST_* and IPV6_* share one state
    CHECK(ec == errc::already_joined);
  }
  CHECK(!kernel_has_group(g));
  CHECK(r.got(g) == std::pair(0, 0));
}

TEST_CASE("IPv6 handles: conference and radio", "[netns][ipv6]") {
  auto r = rig6();
  const auto g = fresh_group(mcast::family::v6);
  {
    auto conf = mcast::join_group(r.rx, g, r.lo);
    CHECK(r.got(g) == std::pair(3, 3));
    {
      auto mute = conf.block(r.s2);
      CHECK(r.got(g) == std::pair(0, 3));
      std::error_code ec;
      auto dup = conf.block(r.s2, ec);
      CHECK(ec == errc::source_already_present);
      auto wrong = conf.block(mcast::make_source("127.0.0.2"), ec);
      CHECK(ec == errc::family_mismatch);
    }
    CHECK(r.got(g) == std::pair(3, 3));
    // Linux divergence 1 refused for IPv6 too.
    std::error_code ec;
    auto radio = mcast::join_source_group(r.rx, g, r.s2, r.lo, ec);
    CHECK(ec == errc::already_joined);
    CHECK(!r.filter(g).include);
    CHECK(r.got(g) == std::pair(3, 3));
  }
  CHECK(!kernel_has_group(g));
  const auto gs = fresh_group(mcast::family::v6, true);
  {
    auto radio = mcast::join_source_group(r.rx, gs, r.s2, r.lo);
    CHECK(r.got(gs) == std::pair(3, 0));
    auto extra = radio.include(r.s3);
    CHECK(r.got(gs) == std::pair(3, 3));
    extra.drop();
    CHECK(r.got(gs) == std::pair(3, 0));
  }
  CHECK(!kernel_has_group(gs));
}

TEST_CASE("IPv6 final-state filters", "[netns][ipv6][source_filter]") {
  auto r = rig6();
  const auto g = fresh_group(mcast::family::v6);
  auto f = mcast::join_with_filter(r.rx, g, r.lo, filter_mode::exclude, {r.s3});
  CHECK(r.got(g) == std::pair(3, 0));
  CHECK(texts(f.filter()) == texts({"2001:db8::3"}));
  f.set(filter_mode::include, {r.s3});
  CHECK(r.got(g) == std::pair(0, 3));
  auto back = mcast::get_source_filter(r.rx, g, r.lo);
  CHECK(back.mode == filter_mode::include);
  CHECK(texts(back) == texts({"2001:db8::3"}));
  CHECK(kernel_source_counts(g, r.s3) == std::pair(1, 0));
  // More sources than the first read's guess (8), and above the IPv4 limit (10).
  std::vector<mcast::source> many;
  for (int i = 1; i <= 20; ++i)
    many.push_back(mcast::make_source("2001:db8:1::" + std::to_string(i)));
  f.set(filter_mode::exclude, many);
  auto all = f.filter();
  CHECK(all.sources.size() == 20);
  CHECK(r.got(g) == std::pair(3, 3));
  f.set(filter_mode::include, std::vector<mcast::source>{});
  CHECK(!f.joined());
  CHECK(!kernel_has_group(g));
}

TEST_CASE("IPV6_MULTICAST_ALL: a joined socket sees only its own groups unless it opts out", "[netns][ipv6]") {
  std::uint16_t port = 0;
  socket_fd a = udp_receiver(mcast::family::v6, port, true);
  socket_fd b(::socket(AF_INET6, SOCK_DGRAM, 0));
  int one = 1;
  ::setsockopt(b, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  ::setsockopt(b, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
  sockaddr_in6 addr{};
  addr.sin6_family = AF_INET6;
  addr.sin6_port = htons(port);
  REQUIRE(::bind(b, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  const auto lo = mcast::network_interface::from_name("lo");
  const auto g1 = fresh_group(mcast::family::v6);
  const auto g2 = fresh_group(mcast::family::v6);
  const auto s2 = mcast::make_source("2001:db8::2");
  mcast::set_option(b, o::join_group{g2, lo});
  SECTION("default: off") {
    auto m = mcast::join_group(a, g1, lo);
    CHECK(delivery(a, g1, port, {s2})["2001:db8::2"] == 3);
    CHECK(delivery(a, g2, port, {s2})["2001:db8::2"] == 0);
  }
  SECTION("opt-out") {
    mcast::join_options opts;
    opts.keep_multicast_all = true;
    auto m = mcast::join_group(a, g1, lo, opts);
    CHECK(delivery(a, g2, port, {s2})["2001:db8::2"] == 3);
  }
  mcast::set_option(b, o::leave_group{g2, lo});
}

TEST_CASE("any() and lo by index are one interface to the kernel (only lo exists here)", "[netns]") {
  REQUIRE(only_loopback());
  loopback_rig r;
  const auto g = fresh_group();
  auto conf = mcast::join_group(r.rx, g, mcast::network_interface::any());
  std::error_code ec;
  auto by_index = mcast::join_group(r.rx, g, r.lo, ec);
  CHECK(ec == errc::already_joined);
  auto ssm = mcast::join_source_group(r.rx, g, r.s2, r.lo, ec); // the probe sees it through the index
  CHECK(ec == errc::already_joined);
  CHECK(r.got(g) == std::pair(3, 3));
}

TEST_CASE("/proc/net/mcfilter shows IPv4 blocks and source joins (the namespace: no other joins)", "[netns]") {
  loopback_rig r;
  const auto g = fresh_group();
  auto conf = mcast::join_group(r.rx, g, r.lo);
  {
    auto mute = conf.block(r.s3);
    CHECK(kernel_source_counts(g, r.s3) == std::pair(0, 1));
  }
  CHECK(kernel_source_counts(g, r.s3) == std::pair(-1, -1));
  const auto gs = fresh_group(mcast::family::v4, true);
  auto radio = mcast::join_source_group(r.rx, gs, r.s2, r.lo); // joined last, with a source: listed
  CHECK(kernel_source_counts(gs, r.s2) == std::pair(1, 0));
  auto f = mcast::join_with_filter(r.rx, fresh_group(), r.lo, filter_mode::include, {r.s3});
  CHECK(kernel_source_counts(f.group(), r.s3) == std::pair(1, 0));
}
