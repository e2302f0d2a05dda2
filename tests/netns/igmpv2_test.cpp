// IGMPv2 / MLDv1 hosts (net.ipv4.conf.lo.force_igmp_version=2, net.ipv6.conf.lo.force_mld_version=1
// in the test namespace). Microsoft: "When only IGMPv2 is available, the host must handle the
// filtering." Every handle operation gives exactly the delivery it gives under IGMPv3 / MLDv2 --
// the host filters -- while the reports on the wire are v2 / v1: a group, never a source list.
// What the kernel shows in that mode is recorded too: /proc/net/igmp names the version, and
// getsourcefilter and /proc/net/mcfilter still hold the socket's filter.
#include "catch.hpp"
#include "support/net.hpp"
#include "support/netns.hpp"
#include "support/wire.hpp"

#include <string>

using namespace mcast_test;
using mcast::filter_mode;

namespace {

void force_old_versions() {
  REQUIRE(write_file("/proc/sys/net/ipv4/conf/all/force_igmp_version", "2"));
  REQUIRE(write_file("/proc/sys/net/ipv4/conf/lo/force_igmp_version", "2"));
  REQUIRE(write_file("/proc/sys/net/ipv6/conf/all/force_mld_version", "1"));
  REQUIRE(write_file("/proc/sys/net/ipv6/conf/lo/force_mld_version", "1"));
  // An interface-change timer an earlier IGMPv3 / MLDv2 step started keeps running after the
  // switch (it re-arms itself a few times, now at the v2 / v1 interval, 10 s by default) and sends
  // v3 / v2 change records for any group whose state changes meanwhile. Shorten that interval and
  // let such a timer run out before the story begins (it matters when several tests share one
  // namespace, as under valgrind).
  REQUIRE(write_file("/proc/sys/net/ipv4/conf/lo/igmpv2_unsolicited_report_interval", "10"));
  REQUIRE(write_file("/proc/sys/net/ipv6/conf/lo/mldv1_unsolicited_report_interval", "10"));
  ::usleep(300 * 1000);
}

// Every record about g since the last call: only v2 / v1 messages with no sources, and the
// expected type among them if one is expected. (A v2 / v1 host repeats its unsolicited report of
// a join on its own timer, so a repeated REPORT may arrive within a later step's window too.)
void expect_old_reports(report_capture& cap, const mcast::group& g, int want, const char* step) {
  auto recs = cap.records_for(g, std::chrono::milliseconds(want ? 1500 : 300));
  (void)cap.take_frames();
  INFO(step << " on " << g.to_string());
  bool seen = want == 0;
  for (const auto& r : recs) {
    INFO("got " << record_name(r.type));
    CHECK(r.sources.empty());
    CHECK((r.type == igmpv2_report || r.type == igmpv2_leave || r.type == mldv1_report || r.type == mldv1_done));
    seen = seen || r.type == want;
    if (want == 0 || want == igmpv2_report || want == mldv1_report)
      CHECK((r.type == igmpv2_report || r.type == mldv1_report)); // nothing but reports before a leave
  }
  CHECK(seen);
}

std::string proc_igmp_lo_line() {
  const std::string t = read_file("/proc/net/igmp");
  const auto at = t.find("\tlo");
  return at == std::string::npos ? std::string() : t.substr(at, t.find('\n', at) - at);
}

void old_host_story(mcast::family f) {
  force_old_versions();
  const bool v4 = f == mcast::family::v4;
  const int report = v4 ? igmpv2_report : mldv1_report;
  const int leave = v4 ? igmpv2_leave : mldv1_done;
  loopback_rig r(false, f);
  report_capture cap("lo");
  cap.drain();

  // Any-source: join, block, unblock, leave.
  const auto g1 = fresh_group(f);
  auto conf = mcast::join_group(r.rx, g1, r.lo);
  expect_old_reports(cap, g1, report, "any-source join");
  CHECK(r.got(g1) == std::pair(3, 3));
  if (v4)
    CHECK(proc_igmp_lo_line().find("V2") != std::string::npos); // the interface runs IGMPv2
  {
    auto mute = conf.block(r.s3);
    expect_old_reports(cap, g1, 0, "block S"); // nothing upstream can carry a source
    CHECK(r.got(g1) == std::pair(3, 0));       // the host filters
    const auto f1 = r.filter(g1);              // the socket's filter is kept as under v3
    CHECK(!f1.include);
    CHECK(f1.sources == std::vector<std::string>{r.s3.to_string()});
    CHECK(kernel_source_counts(g1, r.s3) == std::pair(0, 1)); // /proc/net/mcfilter: EXCLUDE {S}
    mute.unblock();
    expect_old_reports(cap, g1, 0, "unblock S");
    CHECK(r.got(g1) == std::pair(3, 3));
  }
  conf.leave();
  expect_old_reports(cap, g1, leave, "leave");
  CHECK(r.got(g1) == std::pair(0, 0));

  // Source-specific: join, include, drop, leave.
  const auto g2 = fresh_group(f, true);
  {
    auto radio = mcast::join_source_group(r.rx, g2, r.s2, r.lo);
    expect_old_reports(cap, g2, report, "source join (G,S)");
    CHECK(r.got(g2) == std::pair(3, 0));
    CHECK(r.filter(g2).include);
    auto extra = radio.include(r.s3);
    expect_old_reports(cap, g2, 0, "include S2");
    CHECK(r.got(g2) == std::pair(3, 3));
    extra.drop();
    expect_old_reports(cap, g2, 0, "drop S2");
    CHECK(r.got(g2) == std::pair(3, 0));
  }
  expect_old_reports(cap, g2, leave, "source leave");
  CHECK(r.got(g2) == std::pair(0, 0));

  // Final state: exclude, then include, in one call each.
  const auto g3 = fresh_group(f);
  {
    auto filt = mcast::join_with_filter(r.rx, g3, r.lo, filter_mode::exclude, {r.s2});
    expect_old_reports(cap, g3, report, "join_with_filter EXCLUDE {S1}");
    CHECK(r.got(g3) == std::pair(0, 3));
    filt.set(filter_mode::include, {r.s2});
    expect_old_reports(cap, g3, 0, "set INCLUDE {S1}");
    CHECK(r.got(g3) == std::pair(3, 0));
  }
  expect_old_reports(cap, g3, leave, "filtered leave");
  CHECK(!kernel_has_group(g3));
}

} // namespace

TEST_CASE("IGMPv2 host: every handle operation delivers as under IGMPv3, reports carry no sources", "[netns][igmpv2]") {
  old_host_story(mcast::family::v4);
}

TEST_CASE("MLDv1 host: every handle operation delivers as under MLDv2, reports carry no sources", "[netns][igmpv2]") {
  old_host_story(mcast::family::v6);
}

TEMPLATE_TEST_CASE("IGMPv2 host through IP_* and IPV6_* handles: the same delivery", "[netns][igmpv2]",
                   mcast::api::ipv4, mcast::api::ipv6) {
  force_old_versions();
  const auto f = std::is_same_v<TestType, mcast::api::ipv4> ? mcast::family::v4 : mcast::family::v6;
  loopback_rig r(false, f);
  const auto g = fresh_group(f);
  {
    auto conf = mcast::join_group<TestType>(r.rx, g, r.lo);
    CHECK(r.got(g) == std::pair(3, 3));
    if constexpr (std::is_same_v<TestType, mcast::api::ipv4>) {
      auto mute = conf.block(r.s3);
      CHECK(r.got(g) == std::pair(3, 0));
      mute.unblock();
      CHECK(r.got(g) == std::pair(3, 3));
      const auto gs = fresh_group(f, true);
      auto radio = mcast::join_source_group<TestType>(r.rx, gs, r.s2, r.lo);
      auto extra = radio.include(r.s3);
      CHECK(r.got(gs) == std::pair(3, 3));
      extra.drop();
      CHECK(r.got(gs) == std::pair(3, 0));
    }
  }
  CHECK(r.got(g) == std::pair(0, 0));
  CHECK(!kernel_has_group(g));
}
