// The stack's limits, lowered inside the test namespace (net.ipv4.igmp_max_memberships and
// igmp_max_msf are per namespace): exceeding them is errc::limit_exceeded, nothing is
// half-applied, and the handles stay consistent with getsourcefilter.
#include "catch.hpp"
#include "support/net.hpp"
#include "support/netns.hpp"

using namespace mcast_test;
using mcast::errc;
using mcast::filter_mode;

namespace {
// Whether `text` holds `part` (the messages name their settings).
bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

struct sysctl_guard {
  std::string path, old;
  sysctl_guard(const char* p, const char* value) : path(p) {
    old = std::to_string(read_sysctl(p, -1));
    REQUIRE(write_file(path, value));
  }
  ~sysctl_guard() { write_file(path, old); }
};
} // namespace

TEST_CASE("igmp_max_memberships: the next join is limit_exceeded and leaves nothing behind", "[netns][limits]") {
  sysctl_guard limit("/proc/sys/net/ipv4/igmp_max_memberships", "3");
  loopback_rig r;
  const auto g1 = fresh_group(), g2 = fresh_group(), g3 = fresh_group(), g4 = fresh_group();
  auto m1 = mcast::join_group(r.rx, g1, r.lo);
  auto m2 = mcast::join_group<mcast::api::ipv4>(r.rx, g2, r.lo);
  auto m3 = mcast::join_source_group(r.rx, g3, r.s2, r.lo);
  std::error_code ec;
  auto m4 = mcast::join_group(r.rx, g4, r.lo, ec);
  CHECK(ec == errc::limit_exceeded);
  CHECK(mcast::system_error_of(ec).value() == ENOBUFS);
  // The message names the settings that bound it, with their values in this namespace.
  CHECK(contains(ec.message(), "net.ipv4.igmp_max_memberships (now 3)"));
  CHECK(contains(ec.message(), "net.core.optmem_max (now "));
  CHECK(contains(ec.message(), "spread the groups over more sockets"));
  CHECK(!m4.joined());
  auto f4 = mcast::join_with_filter(r.rx, g4, r.lo, filter_mode::exclude, {r.s2}, ec);
  CHECK(ec == errc::limit_exceeded);
  CHECK(!kernel_has_group(g4));
  CHECK(r.got(g1) == std::pair(3, 3));
  CHECK(r.got(g3) == std::pair(3, 0));
  m2.leave(); // room again
  auto m5 = mcast::join_group(r.rx, g4, r.lo);
  CHECK(r.got(g4) == std::pair(3, 3));
}

TEST_CASE("igmp_max_msf: the next block or source is limit_exceeded, the filter unchanged", "[netns][limits]") {
  sysctl_guard limit("/proc/sys/net/ipv4/igmp_max_msf", "2");
  loopback_rig r;
  const auto g = fresh_group();
  auto conf = mcast::join_group(r.rx, g, r.lo);
  auto b1 = conf.block(mcast::make_source("127.0.1.1"));
  auto b2 = conf.block(mcast::make_source("127.0.1.2"));
  std::error_code ec;
  auto b3 = conf.block(r.s3, ec);
  CHECK(ec == errc::limit_exceeded);
  CHECK(contains(ec.message(), "net.ipv4.igmp_max_msf (now 2)"));
  CHECK_FALSE(contains(ec.message(), "igmp_max_memberships"));
  CHECK_FALSE(contains(ec.message(), "spread the groups"));
  CHECK(!b3.active());
  CHECK(conf.blocked_count() == 2);
  CHECK(r.filter(g).sources == texts({"127.0.1.1", "127.0.1.2"}));
  CHECK(r.got(g) == std::pair(3, 3));

  const auto gs = fresh_group(mcast::family::v4, true);
  auto radio = mcast::join_source_group(r.rx, gs, r.s2, r.lo);
  auto i2 = radio.include(mcast::make_source("127.0.1.1"));
  auto i3 = radio.include(r.s3, ec);
  CHECK(ec == errc::limit_exceeded);
  CHECK(radio.source_count() == 2);
  CHECK(r.filter(gs).sources == texts({"127.0.0.2", "127.0.1.1"}));

  const auto gf = fresh_group();
  auto f = mcast::join_with_filter(r.rx, gf, r.lo, filter_mode::exclude, {r.s3});
  f.set(filter_mode::exclude, {r.s2, r.s3, mcast::make_source("127.0.1.1")}, ec);
  CHECK(ec == errc::limit_exceeded);
  CHECK(contains(ec.message(), "net.ipv4.igmp_max_msf (now 2)"));
  CHECK(texts(f.filter()) == texts({"127.0.0.3"}));
  CHECK(r.got(gf) == std::pair(3, 0));
}

// The IPv6 twins: sources are bounded by net.ipv6.mld_max_msf, groups only by the socket's option
// memory (net.core.optmem_max, per namespace too); each message names its own setting.
// (mld_max_msf is one setting for the whole system, shown only in the first namespace: it is left
// as it is, and the message gives its value only where it can be read.)
TEST_CASE("mld_max_msf and optmem_max: limit_exceeded names the IPv6 settings", "[netns][limits]") {
  const long msf = read_sysctl("/proc/sys/net/ipv6/mld_max_msf", -1);
  loopback_rig r(false, mcast::family::v6);
  const auto g = fresh_group(mcast::family::v6);
  auto conf = mcast::join_group(r.rx, g, r.lo);
  std::vector<mcast::blocked_source<>> blocked;
  std::error_code ec;
  for (int i = 0; i < 5000 && !ec; ++i) {
    auto b = conf.block(mcast::make_source("2001:db8::1:" + std::to_string(i + 1)), ec);
    if (!ec)
      blocked.push_back(std::move(b));
  }
  REQUIRE(ec == errc::limit_exceeded);
  CHECK(contains(ec.message(), "net.ipv6.mld_max_msf"));
  CHECK_FALSE(contains(ec.message(), "igmp"));
  if (msf > 0) {
    CHECK(contains(ec.message(), "net.ipv6.mld_max_msf (now " + std::to_string(msf) + ")"));
    CHECK(blocked.size() == static_cast<std::size_t>(msf));
  }
  CHECK(conf.blocked_count() == blocked.size());
  ec.clear();

  // Groups: join until the option memory runs out (a few hundred bytes a group).
  sysctl_guard optmem("/proc/sys/net/core/optmem_max", "2048");
  socket_fd rx = open_udp(mcast::family::v6);
  std::vector<mcast::any_source_membership<>> held;
  for (int i = 0; i < 1000 && !ec; ++i) {
    auto m = mcast::join_group(rx, fresh_group(mcast::family::v6), r.lo, ec);
    if (!ec)
      held.push_back(std::move(m));
  }
  REQUIRE(ec == errc::limit_exceeded);
  CHECK(!held.empty());
  CHECK(contains(ec.message(), "net.core.optmem_max (now 2048)"));
  CHECK_FALSE(contains(ec.message(), "igmp_max_memberships"));
  CHECK(contains(ec.message(), "spread the groups over more sockets"));
  INFO(ec.message());
  CHECK(mcast::system_error_of(ec).value() == ENOMEM);
}

// With the count raised, IPv4 groups run into the option memory: the message names both settings
// (the kernel answers ENOBUFS for either), the memory with its value.
TEST_CASE("igmp_max_memberships raised: the option memory is named too", "[netns][limits]") {
  sysctl_guard count("/proc/sys/net/ipv4/igmp_max_memberships", "100000");
  sysctl_guard optmem("/proc/sys/net/core/optmem_max", "2048");
  loopback_rig r;
  std::error_code ec;
  std::vector<mcast::any_source_membership<>> held;
  for (int i = 0; i < 1000 && !ec; ++i) {
    auto m = mcast::join_group(r.rx, fresh_group(), r.lo, ec);
    if (!ec)
      held.push_back(std::move(m));
  }
  REQUIRE(ec == errc::limit_exceeded);
  CHECK(held.size() > 3);
  CHECK(contains(ec.message(), "net.ipv4.igmp_max_memberships (now 100000)"));
  CHECK(contains(ec.message(), "net.core.optmem_max (now 2048)"));
}
