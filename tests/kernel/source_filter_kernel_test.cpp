// source_filter.hpp and filtered_membership on a real kernel (IPv4 loopback): round trips through
// get_source_filter and libc's getsourcefilter, delivery after each set, mode switches in one
// call, the limit, and large read-backs.
#include "catch.hpp"
#include "support/hook.hpp"
#include "support/net.hpp"

using namespace mcast_test;
using mcast::errc;
using mcast::filter_mode;

TEMPLATE_TEST_CASE("filtered membership: exclude, switch to include in one call, back, leave",
                   "[kernel][source_filter]", mcast::api::protocol_independent, mcast::api::ipv4) {
  loopback_rig r;
  const auto g = fresh_group();
  auto f = mcast::join_with_filter<TestType>(r.rx, g, r.lo, filter_mode::exclude, {r.s3});
  CHECK(f.joined());
  CHECK(r.got(g) == std::pair(3, 0));
  auto back = f.filter();
  CHECK(back.mode == filter_mode::exclude);
  CHECK(texts(back) == texts({"127.0.0.3"}));
  auto libc = libc_filter(r.rx, g, r.lo.index());
  CHECK(!libc.include);
  CHECK(libc.sources == texts({"127.0.0.3"}));

  syscall_recorder rec;
  f.set(filter_mode::include, {r.s3});
  CHECK(rec.count() == 1 + cookie_reads); // one call (after the cookie, Linux), and the mode switched
  CHECK(r.got(g) == std::pair(0, 3));
  back = mcast::get_source_filter<TestType>(r.rx, g, r.lo);
  CHECK(back.mode == filter_mode::include);
  CHECK(texts(back) == texts({"127.0.0.3"}));

  f.set(filter_mode::include, std::vector<mcast::source>{r.s2, r.s3});
  CHECK(r.got(g) == std::pair(3, 3));
  f.set(filter_mode::exclude, std::vector<mcast::source>{});
  CHECK(r.got(g) == std::pair(3, 3));
  CHECK(f.filter().mode == filter_mode::exclude);
  f.set(filter_mode::exclude, {r.s2});
  CHECK(r.got(g) == std::pair(0, 3));

  f.set(filter_mode::include, std::vector<mcast::source>{}); // INCLUDE {} leaves the group
  CHECK(!f.joined());
  CHECK(r.got(g) == std::pair(0, 0));
  CHECK(!kernel_has_group(g));
  std::error_code ec;
  f.set(filter_mode::exclude, {r.s2}, ec);
  CHECK(ec == errc::not_joined);
}

TEST_CASE("set_source_filter on a group joined by a change-based handle", "[kernel][source_filter]") {
  loopback_rig r;
  const auto g = fresh_group();
  auto conf = mcast::join_group(r.rx, g, r.lo);
  mcast::set_source_filter(r.rx, g, r.lo, filter_mode::include, {r.s2});
  CHECK(r.got(g) == std::pair(3, 0));
  auto back = mcast::get_source_filter(r.rx, g, r.lo);
  CHECK(back.mode == filter_mode::include);
  CHECK(texts(back) == texts({"127.0.0.2"}));
}

TEST_CASE("a filter call cannot create a membership: errc::not_joined", "[kernel][source_filter]") {
  loopback_rig r;
  const auto g = fresh_group();
  std::error_code ec;
  mcast::set_source_filter(r.rx, g, r.lo, filter_mode::exclude, {r.s2}, ec);
  CHECK(ec == errc::not_joined);
  (void)mcast::get_source_filter(r.rx, g, r.lo, ec);
  CHECK(ec == errc::not_joined);
  CHECK(!kernel_has_group(g));
}

TEST_CASE("more sources than the stack allows: limit_exceeded, previous filter intact", "[kernel][source_filter]") {
  loopback_rig r;
  const auto g = fresh_group();
  const int limit = read_sysctl("/proc/sys/net/ipv4/igmp_max_msf", 10);
  REQUIRE(limit < 200);
  std::vector<mcast::source> many;
  for (int i = 0; i <= limit; ++i)
    many.push_back(mcast::make_source("127.0.1." + std::to_string(i + 1)));
  auto f = mcast::join_with_filter(r.rx, g, r.lo, filter_mode::exclude, {r.s3});
  std::error_code ec;
  f.set(filter_mode::exclude, many, ec);
  CHECK(ec == errc::limit_exceeded);
  CHECK(f.joined());
  CHECK(texts(f.filter()) == texts({"127.0.0.3"}));
  CHECK(r.got(g) == std::pair(3, 0));
  // join_with_filter past the limit: nothing stays joined.
  const auto g2 = fresh_group();
  auto f2 = mcast::join_with_filter(r.rx, g2, r.lo, filter_mode::include, many, ec);
  CHECK(ec == errc::limit_exceeded);
  CHECK(!f2.joined());
  CHECK(!kernel_has_group(g2));
}

TEST_CASE("get_source_filter returns every source, beyond its first guess", "[kernel][source_filter]") {
  loopback_rig r;
  const auto g = fresh_group();
  const int limit = read_sysctl("/proc/sys/net/ipv4/igmp_max_msf", 10);
  std::vector<mcast::source> many;
  for (int i = 0; i < limit; ++i) // the first read offers room for 8
    many.push_back(mcast::make_source("127.0.1." + std::to_string(i + 1)));
  REQUIRE(many.size() > 8);
  auto f = mcast::join_with_filter(r.rx, g, r.lo, filter_mode::exclude, many);
  syscall_recorder rec;
  auto back = f.filter();
  CHECK(rec.count(mcast::detail::syscall_kind::get_filter) == 2); // guessed, then asked again
  CHECK(back.sources.size() == many.size());
  CHECK(back.sources == many); // sorted, like `many`
  CHECK(libc_filter(r.rx, g, r.lo.index()).sources.size() == many.size());
  auto back4 = mcast::get_source_filter<mcast::api::ipv4>(r.rx, g, r.lo);
  CHECK(back4.sources == many);
}

TEST_CASE("a filtered membership and a change-based one on one group conflict", "[kernel][source_filter]") {
  loopback_rig r;
  const auto g = fresh_group();
  std::error_code ec;
  {
    auto f = mcast::join_with_filter(r.rx, g, r.lo, filter_mode::include, {r.s2});
    auto conf = mcast::join_group(r.rx, g, r.lo, ec);
    CHECK(ec == errc::already_joined);
    auto radio = mcast::join_source_group(r.rx, g, r.s3, r.lo, ec);
    CHECK(ec == errc::already_joined);
    CHECK(r.got(g) == std::pair(3, 0));
  }
  auto conf = mcast::join_group(r.rx, g, r.lo);
  auto f = mcast::join_with_filter(r.rx, g, r.lo, filter_mode::exclude, {r.s2}, ec);
  CHECK(ec == errc::already_joined);
  CHECK(!f.joined());
  CHECK(r.got(g) == std::pair(3, 3));
}

TEST_CASE("join_with_filter: a failing filter call leaves the group again", "[kernel][source_filter]") {
  loopback_rig r;
  const auto g = fresh_group();
  syscall_recorder rec;
  rec.fail_call(2 + cookie_reads, ENOBUFS); // the socket's family, its cookie (Linux), the join, then the filter
  std::error_code ec;
  auto f = mcast::join_with_filter(r.rx, g, r.lo, filter_mode::exclude, {r.s2}, ec);
  CHECK(ec == errc::limit_exceeded);
  CHECK(!f.joined());
  CHECK(!kernel_has_group(g));
}
