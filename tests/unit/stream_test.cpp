// The tools' per-stream tally (examples/stream.hpp): loss, duplicates and reordering, in bounded
// memory whatever sequence numbers a sender forges.
#include "catch.hpp"
#include "cli.hpp"
#include "stream.hpp"

#include <cmath>
#include <cstdint>
#include <initializer_list>

using example::stream::header;
using example::stream::tally;

namespace {

bool close_to(double a, double b) { return std::fabs(a - b) < 1e-9; }

void add(tally& t, std::initializer_list<std::uint64_t> sequence) {
  for (const auto s : sequence)
    t.add(header{7, s, 1000}, 2000, 64);
}

} // namespace

TEST_CASE("tally: in order, nothing lost", "[stream]") {
  tally t;
  for (std::uint64_t s = 0; s < 10; ++s)
    add(t, {s});
  CHECK(t.received() == 10);
  CHECK(t.lost() == 0);
  CHECK(t.duplicated() == 0);
  CHECK(t.reordered() == 0);
  CHECK(close_to(t.min_ms(), 0.001));
}

TEST_CASE("tally: gaps, repeats and a late one", "[stream]") {
  tally t;
  add(t, {0, 1, 2, 3, 4, 8, 9, 10, 11, 12, 3, 4, 6});
  CHECK(t.received() == 13);
  CHECK(t.lost() == 2);
  CHECK(t.duplicated() == 2);
  CHECK(t.reordered() == 1);
  add(t, {12}); // the newest again
  CHECK(t.duplicated() == 3);
}

TEST_CASE("tally: an earlier one than the first extends the stream", "[stream]") {
  tally t;
  add(t, {10, 5});
  CHECK(t.lost() == 4); // 6..9
  CHECK(t.reordered() == 1);
}

TEST_CASE("tally: the window slides, and what is older than it stays lost", "[stream]") {
  tally t;
  const std::uint64_t w = tally::window;
  for (std::uint64_t s = 0; s < 3 * w; ++s) // the ring wraps around three times
    add(t, {s});
  add(t, {3 * w - 1, 2 * w + 1});
  CHECK(t.duplicated() == 2);
  CHECK(t.lost() == 0);
  add(t, {5 * w}); // a jump: the numbers between are lost
  CHECK(t.lost() == 2 * w);
  add(t, {5 * w - 3});
  CHECK(t.lost() == 2 * w - 1);
  CHECK(t.reordered() == 1);
  add(t, {3 * w}); // older than the window: reordered, still lost (it may be a duplicate)
  CHECK(t.lost() == 2 * w - 1);
  CHECK(t.reordered() == 2);
  CHECK(t.duplicated() == 2);
}

TEST_CASE("tally: a forged jump near 2^24 is a count, not memory, and a larger one starts over", "[stream]") {
  tally t;
  add(t, {0, 16777000});
  CHECK(t.lost() == 16776999);
  add(t, {std::uint64_t{1} << 40, (std::uint64_t{1} << 40) + 2});
  CHECK(t.lost() == 16776999 + 1); // the earlier count kept, one lost in the new run
  CHECK(t.received() == 4);
}

TEST_CASE("tally: fold adds another stream's counts", "[stream]") {
  tally a, b, other;
  add(a, {0, 2, 2});
  b.add(header{8, 0, 1000}, 5000, 64);
  b.add_unnumbered(64);
  other.fold(a);
  other.fold(b);
  CHECK(other.received() == 5);
  CHECK(other.lost() == 1);
  CHECK(other.duplicated() == 1);
  CHECK(close_to(other.min_ms(), 0.001));
  CHECK(close_to(other.max_ms(), 0.004));
  CHECK(close_to(other.avg_ms(), 0.00175));
}

TEST_CASE("tally: RFC 3550 interarrival jitter", "[stream]") {
  tally t;
  t.add(header{7, 0, 0}, 1000, 64); // transit 1000 ns
  CHECK(t.jitter_ms() == 0);
  t.add(header{7, 1, 1000}, 3000, 64); // transit 2000: D = 1000, J = 1000/16
  CHECK(close_to(t.jitter_ms(), 62.5e-6));
  t.add(header{7, 2, 2000}, 4000, 64); // transit 2000: D = 0, J -= J/16
  CHECK(close_to(t.jitter_ms(), (62.5 - 62.5 / 16) * 1e-6));
}

TEST_CASE("tally: interval counts since the previous report", "[stream]") {
  tally t;
  add(t, {0, 1, 3});
  auto c = t.since_last_report();
  CHECK(c.received == 3);
  CHECK(c.bytes == 3 * 64);
  CHECK(c.lost == 1);
  add(t, {2, 4, 4}); // the late 2 fills the gap counted in the first interval
  c = t.since_last_report();
  CHECK(c.received == 3);
  CHECK(c.lost == -1);
  CHECK(c.reordered == 1);
  CHECK(c.duplicated == 1);
  c = t.since_last_report();
  CHECK(c.received == 0);
  CHECK(c.lost == 0);
}

// The tools' GROUP[+N][:PORT] argument (examples/cli.hpp).
TEST_CASE("cli::groups reads GROUP+N and GROUP:PORT", "[tools][cli]") {
  namespace cli = example::cli;
  auto texts = [](const cli::group_spec& s) {
    std::vector<std::string> out;
    for (const auto& g : s.groups)
      out.push_back(g.to_string());
    return out;
  };
  CHECK(texts(cli::groups("239.1.1.254+3")) == std::vector<std::string>{"239.1.1.254", "239.1.1.255", "239.1.2.0"});
  CHECK_FALSE(cli::groups("239.1.1.1").port);
  const auto p = cli::groups("239.1.1.1+2:5001");
  CHECK(texts(p) == std::vector<std::string>{"239.1.1.1", "239.1.1.2"});
  CHECK(p.port == 5001u);
  CHECK(cli::groups("239.1.1.1:7").port == 7u);
  CHECK(texts(cli::groups("ff15::ffff+2")) == std::vector<std::string>{"ff15::ffff", "ff15::1:0"});
  CHECK_FALSE(cli::groups("ff15::1").port);
  const auto v6 = cli::groups("[ff15::1]+2:6000");
  CHECK(texts(v6) == std::vector<std::string>{"ff15::1", "ff15::2"});
  CHECK(v6.port == 6000u);
  for (const char* bad : {"239.1.1.1+0", "239.255.255.255+2", "239.1.1.1:0", "239.1.1.1:x", "[ff15::1", "[ff15::1]x",
                          "10.0.0.1", "239.1.1.1+", "239.1.1.1+2:"})
    CHECK_THROWS_AS(cli::groups(bad), cli::bad_arguments);
}

TEST_CASE("tally: latency standard deviation, overall and per interval", "[stream]") {
  tally t;
  t.add(header{7, 0, 0}, 1000000, 64); // 1 ms
  CHECK(t.stddev_ms() == 0);           // one value: none
  t.add(header{7, 1, 0}, 3000000, 64); // 3 ms
  CHECK(close_to(t.stddev_ms(), 1.0));
  auto c = t.since_last_report();
  CHECK(close_to(c.latency_avg_ms, 2.0));
  CHECK(close_to(c.latency_stddev_ms, 1.0));
  for (std::uint64_t s = 2; s < 6; ++s) // 5, 5, 9, 9 ms: mean 7, deviation 2
    t.add(header{7, s, 0}, s < 4 ? 5000000 : 9000000, 64);
  c = t.since_last_report();
  CHECK(close_to(c.latency_avg_ms, 7.0));
  CHECK(close_to(c.latency_stddev_ms, 2.0));
  c = t.since_last_report();
  CHECK(c.latency_avg_ms == 0);
  CHECK(c.latency_stddev_ms == 0);
  CHECK(close_to(t.avg_ms(), 32.0 / 6)); // 1 3 5 5 9 9
  CHECK(close_to(t.stddev_ms(), std::sqrt((1 + 9 + 25 + 25 + 81 + 81) / 6.0 - (32.0 / 6) * (32.0 / 6))));
  tally other;
  other.fold(t);
  CHECK(close_to(other.stddev_ms(), t.stddev_ms()));
}

TEST_CASE("cli::single_group reads one GROUP[:PORT] and refuses GROUP+N", "[tools][cli]") {
  namespace cli = example::cli;
  const auto g = cli::single_group("--echo-group", "239.1.2.9:6000");
  CHECK(g.group.to_string() == "239.1.2.9");
  CHECK(g.port == 6000u);
  CHECK_FALSE(cli::single_group("--echo-group", "ff15::9").port);
  CHECK_THROWS_AS(cli::single_group("--echo-group", "239.1.2.9+2"), cli::bad_arguments);
  CHECK_THROWS_AS(cli::single_group("--echo-group", "10.0.0.1"), cli::bad_arguments);
}
