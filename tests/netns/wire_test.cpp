// The IGMPv3 and MLDv2 records the kernel sends for each library operation, captured on lo in
// the test namespace (report interval 10 ms) and decoded here:
//
//   operation                                   record (RFC 3376 / RFC 3810)
//   any-source join                             CHANGE_TO_EXCLUDE {}
//   block S                                     BLOCK_OLD_SOURCES {S}
//   unblock S                                   ALLOW_NEW_SOURCES {S}
//   leave                                       CHANGE_TO_INCLUDE {}
//   source join (G, S)                          ALLOW_NEW_SOURCES {S}
//   final state include {S1} from exclude       CHANGE_TO_INCLUDE {S1}
//
// Each case uses a fresh group (re-joining a group soon after leaving it suppresses reports).
// The [tshark] cases (label interop) run the same table and have Wireshark's tshark decode every
// captured report too: record type, group and source list must equal what wire.hpp decodes.
#include "catch.hpp"
#include "support/net.hpp"
#include "support/tshark.hpp"
#include "support/wire.hpp"

#include <cstdlib>

using namespace mcast_test;
using mcast::filter_mode;

namespace {

struct expect {
  int type;
  std::vector<std::string> sources;
};

// The first record about g after an operation (the kernel sends each change twice; both must
// say the same). With `tshark`, the frames are decoded by tshark as well and must agree.
void check_records(report_capture& cap, const mcast::group& g, const expect& want, const char* step, bool tshark) {
  auto recs = cap.records_for(g, std::chrono::milliseconds(2000));
  const auto frames = cap.take_frames();
  INFO(step << " on " << g.to_string());
  REQUIRE(!recs.empty());
  for (const auto& r : recs) {
    INFO("got " << record_name(r.type) << " with " << r.sources.size() << " sources");
    CHECK(r.type == want.type);
    CHECK(r.sources == want.sources);
  }
  if (!tshark)
    return;
  const auto other = tshark_records(frames, g);
  INFO("tshark: " << other.error);
  REQUIRE(other.error.empty());
  REQUIRE(other.records.size() == recs.size());
  bool same = true;
  for (std::size_t i = 0; i < recs.size(); ++i) {
    CHECK(other.records[i].type == recs[i].type);
    CHECK(other.records[i].sources == recs[i].sources);
    CHECK(other.records[i].reporter == recs[i].reporter);
    same = same && other.records[i].type == recs[i].type && other.records[i].sources == recs[i].sources;
  }
  std::printf("PEER: tshark decodes %-6s %-38s %zu record(s) %s {%zu source(s)} in %zu frame(s): %s\n",
              g.is_v4() ? "IGMPv3" : "MLDv2", step, recs.size(), record_name(recs.front().type),
              recs.front().sources.size(), frames.size(), same ? "tshark agrees with wire.hpp" : "DISAGREES");
}

void wire_table(mcast::family f, bool tshark = false) {
  const bool v4 = f == mcast::family::v4;
  loopback_rig r(false, f);
  report_capture cap("lo");
  const std::string S = r.s3.to_string();
  cap.drain();

  const auto g1 = fresh_group(f);
  auto conf = mcast::join_group(r.rx, g1, r.lo);
  check_records(cap, g1, {to_exclude, {}}, "any-source join", tshark);
  auto mute = conf.block(r.s3);
  check_records(cap, g1, {block_old, {S}}, "block S", tshark);
  mute.unblock();
  check_records(cap, g1, {allow_new, {S}}, "unblock S", tshark);
  conf.leave();
  check_records(cap, g1, {to_include, {}}, "leave", tshark);

  const auto g2 = fresh_group(f, true);
  auto radio = mcast::join_source_group(r.rx, g2, r.s3, r.lo);
  check_records(cap, g2, {allow_new, {S}}, "source join (G,S)", tshark);

  const auto g3 = fresh_group(f);
  auto filt = mcast::join_with_filter(r.rx, g3, r.lo, filter_mode::exclude, {r.s2});
  (void)cap.records_for(g3, std::chrono::milliseconds(2000)); // the join's own records
  (void)cap.take_frames();
  filt.set(filter_mode::include, {r.s3});
  check_records(cap, g3, {to_include, {S}}, "final state include {S} from exclude", tshark);
  (void)v4;
}

} // namespace

TEST_CASE("IGMPv3 records per operation (IPv4)", "[netns][wire]") { wire_table(mcast::family::v4); }

TEST_CASE("MLDv2 records per operation (IPv6)", "[netns][wire]") { wire_table(mcast::family::v6); }

namespace {
void require_tshark() {
  if (!have_tshark()) {
    std::printf("SKIP: tshark is not installed (apt-get install tshark)\n");
    std::fflush(stdout);
    std::_Exit(77);
  }
}
} // namespace

TEST_CASE("tshark decodes every IGMPv3 record as wire.hpp does", "[netns][interop][tshark]") {
  require_tshark();
  wire_table(mcast::family::v4, true);
}

TEST_CASE("tshark decodes every MLDv2 record as wire.hpp does", "[netns][interop][tshark]") {
  require_tshark();
  wire_table(mcast::family::v6, true);
}
