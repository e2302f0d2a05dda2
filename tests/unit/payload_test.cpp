// The tools' payload recognisers (examples/payload.hpp): RTP headers and sequence extension,
// MPEG-TS packets and their continuity counters.
#include "catch.hpp"
#include "payload.hpp"
#include "stream.hpp"

#include <cstdint>
#include <initializer_list>
#include <vector>

using namespace example::payload;

namespace {

std::vector<unsigned char> rtp_packet(std::uint16_t seq, std::uint32_t ssrc, unsigned char pt = 96) {
  std::vector<unsigned char> p(12 + 100, 0);
  p[0] = 0x80; // version 2, no padding, no extension, no CSRC
  p[1] = pt;
  p[2] = static_cast<unsigned char>(seq >> 8);
  p[3] = static_cast<unsigned char>(seq);
  p[8] = static_cast<unsigned char>(ssrc >> 24);
  p[9] = static_cast<unsigned char>(ssrc >> 16);
  p[10] = static_cast<unsigned char>(ssrc >> 8);
  p[11] = static_cast<unsigned char>(ssrc);
  return p;
}

// One TS packet: PID, continuity counter, adaptation field control (1 payload, 2 adaptation
// only, 3 both), and the discontinuity indicator when there is an adaptation field.
struct ts {
  unsigned pid;
  unsigned cc;
  unsigned afc = 1;
  bool discontinuity = false;
};

std::vector<unsigned char> ts_datagram(std::initializer_list<ts> packets) {
  std::vector<unsigned char> d;
  for (const auto& t : packets) {
    unsigned char p[ts_packet_size] = {};
    p[0] = 0x47;
    p[1] = static_cast<unsigned char>((t.pid >> 8) & 0x1f);
    p[2] = static_cast<unsigned char>(t.pid);
    p[3] = static_cast<unsigned char>((t.afc << 4) | (t.cc & 0x0f));
    if (t.afc & 2u) {
      p[4] = 1; // adaptation field length
      p[5] = t.discontinuity ? 0x80 : 0;
    }
    d.insert(d.end(), p, p + ts_packet_size);
  }
  return d;
}

void add(ts_continuity& c, std::initializer_list<ts> packets) {
  const auto d = ts_datagram(packets);
  REQUIRE(is_ts(d.data(), d.size()));
  c.add(d.data(), d.size());
}

} // namespace

TEST_CASE("read_rtp: version 2 headers are read, everything else refused", "[payload][rtp]") {
  auto p = rtp_packet(0xBEEF, 0x12345678);
  auto h = read_rtp(p.data(), p.size());
  REQUIRE(h);
  CHECK(h->sequence == 0xBEEF);
  CHECK(h->ssrc == 0x12345678u);
  CHECK(h->payload_type == 96);
  p[1] = 0x80 | 33; // the marker bit is not part of the payload type
  REQUIRE(read_rtp(p.data(), p.size()));
  CHECK(read_rtp(p.data(), p.size())->payload_type == 33);

  CHECK_FALSE(read_rtp(p.data(), 11)); // shorter than the fixed header
  CHECK(read_rtp(p.data(), 12));
  p[0] = 0x40; // version 1
  CHECK_FALSE(read_rtp(p.data(), p.size()));
  p[0] = 0x8f; // 15 CSRCs: 72 bytes of header
  CHECK_FALSE(read_rtp(p.data(), 71));
  CHECK(read_rtp(p.data(), 72));
  p[0] = 0x80;
  for (unsigned rtcp = 200; rtcp <= 204; ++rtcp) { // RTCP SR, RR, SDES, BYE, APP on the same port
    p[1] = static_cast<unsigned char>(rtcp);
    CHECK_FALSE(read_rtp(p.data(), p.size()));
  }
  p[1] = 71;
  CHECK(read_rtp(p.data(), p.size()));
  p[1] = 77;
  CHECK(read_rtp(p.data(), p.size()));
}

TEST_CASE("is_ts: whole 188-byte packets, each with the sync byte", "[payload][ts]") {
  auto d = ts_datagram({{0x100, 0}, {0x100, 1}, {0x101, 0}});
  CHECK(is_ts(d.data(), d.size()));
  CHECK(is_ts(d.data(), ts_packet_size));
  CHECK_FALSE(is_ts(d.data(), 0));
  CHECK_FALSE(is_ts(d.data(), d.size() - 1));
  d[2 * ts_packet_size] = 0x48; // the third packet has lost its sync byte
  CHECK_FALSE(is_ts(d.data(), d.size()));
}

TEST_CASE("rtp_sequence: keeps counting across the 16-bit wrap, and late numbers stay behind", "[payload][rtp]") {
  rtp_sequence s;
  const std::uint64_t base = std::uint64_t{1} << 32;
  CHECK(s.extend(65534) == base + 65534);
  CHECK(s.extend(65535) == base + 65535);
  CHECK(s.extend(0) == base + 65536);
  CHECK(s.extend(2) == base + 65538);
  CHECK(s.extend(1) == base + 65537); // late: behind the highest, not a new cycle
  CHECK(s.extend(65535) == base + 65535);
  CHECK(s.extend(3) == base + 65539);
  CHECK(s.extend(3 + 32767) == base + 65539 + 32767); // half the space ahead is still ahead
  rtp_sequence late_first;
  CHECK(late_first.extend(0) == base);
  CHECK(late_first.extend(65535) == base - 1); // before the first: still positive
}

TEST_CASE("RTP through the tally: loss, duplicates and reordering across a wrap", "[payload][rtp]") {
  rtp_sequence s;
  example::stream::tally t;
  for (const std::uint16_t n : {65530, 65531, 65533, 65534, 65535, 0, 0, 3, 2, 4})
    t.add_numbered(s.extend(n), 200);
  CHECK(t.received() == 10);
  CHECK(t.lost() == 2); // 65532 and 1
  CHECK(t.duplicated() == 1);
  CHECK(t.reordered() == 1);
}

TEST_CASE("ts_continuity: counters per PID, gaps are lost, repeats duplicated", "[payload][ts]") {
  ts_continuity c;
  add(c, {{0x100, 14}, {0x100, 15}, {0x100, 0}, {0x101, 7}, {0x100, 1}, {0x101, 8}, {0x100, 2}});
  CHECK(c.total().packets == 7);
  CHECK(c.total().lost == 0);
  add(c, {{0x100, 5}}); // 3 and 4 lost
  CHECK(c.total().lost == 2);
  add(c, {{0x100, 5}}); // a repeat
  CHECK(c.total().duplicated == 1);
  add(c, {{0x101, 7}}); // 9..15 and 0..6 lost: the counter went round
  CHECK(c.total().lost == 2 + 14);
  CHECK(c.total().packets == 10);
}

TEST_CASE("ts_continuity: null packets, adaptation-only packets and discontinuities", "[payload][ts]") {
  ts_continuity c;
  add(c, {{0x1fff, 3}, {0x1fff, 9}}); // the null PID is not counted
  CHECK(c.total().packets == 0);
  add(c, {{0x200, 4}, {0x200, 4, 2}, {0x200, 5, 3}}); // adaptation only: the counter stays
  CHECK(c.total().lost == 0);
  CHECK(c.total().duplicated == 0);
  add(c, {{0x200, 11, 3, true}, {0x200, 12}}); // a discontinuity starts the count over
  CHECK(c.total().lost == 0);
  add(c, {{0x200, 0, 0}}); // adaptation field control 0 is reserved: not counted
  CHECK(c.total().packets == 5);
  add(c, {{0x200, 14}});
  CHECK(c.total().lost == 1);
}

TEST_CASE("ts_continuity: reports count since the previous one, and fold adds up", "[payload][ts]") {
  ts_continuity a, b;
  add(a, {{0x100, 0}, {0x100, 2}});
  auto r = a.since_last_report();
  CHECK(r.packets == 2);
  CHECK(r.lost == 1);
  add(a, {{0x100, 2}, {0x100, 3}});
  r = a.since_last_report();
  CHECK(r.packets == 2);
  CHECK(r.lost == 0);
  CHECK(r.duplicated == 1);
  add(b, {{0x100, 0}, {0x100, 4}});
  b.fold(a);
  CHECK(b.total().packets == 6);
  CHECK(b.total().lost == 4);
  CHECK(b.total().duplicated == 1);
}
