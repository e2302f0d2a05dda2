// mcast-join's live screen (examples/live.hpp): the sparkline of arrivals and the frame's text.
#include "catch.hpp"
#include "live.hpp"

#include <string>
#include <vector>

using namespace example::live;

TEST_CASE("history: oldest first, blank where nothing arrived, levels relative to the busiest", "[live]") {
  history h;
  CHECK(h.sparkline() == std::string(history::span, ' '));
  for (std::uint64_t n : {8, 0, 1, 4})
    h.push(n);
  CHECK(h.sparkline() == std::string(history::span - 4, ' ') + "@ .=");
  for (std::size_t i = 0; i < history::span; ++i) // the oldest scroll out
    h.push(2);
  CHECK(h.sparkline() == std::string(history::span, '@'));
  h.push(1);
  CHECK(h.sparkline().back() == '=');
  CHECK(h.sparkline().size() == history::span);
}

TEST_CASE("si: three figures and a prefix", "[live]") {
  CHECK(si(0) == "0.00");
  CHECK(si(5.123) == "5.12");
  CHECK(si(12.34) == "12.3");
  CHECK(si(999) == "999");
  CHECK(si(999.6) == "1.00k");
  CHECK(si(12500) == "12.5k");
  CHECK(si(3.2e9) == "3.20G");
}

TEST_CASE("frame: redrawn in place, a line per stream", "[live]") {
  std::vector<row> rows(2);
  rows[0].stream = "239.1.2.3 from 192.0.2.1 (session 7)";
  rows[0].per_second = 100;
  rows[0].bits_per_second = 819200;
  rows[0].received = 990;
  rows[0].lost = 10;
  rows[0].jitter_ms = 0.25;
  rows[0].sparkline = "@@";
  rows[1].stream = std::string(60, 'x');
  const std::string first = frame("title", rows, true);
  CHECK(first.rfind("\x1b[2J\x1b[H", 0) == 0); // the first clears the screen
  const std::string next = frame("title", rows, false);
  CHECK(next.rfind("\x1b[Htitle\x1b[K\n", 0) == 0); // later ones only go home
  CHECK(next.size() >= 3);
  CHECK(next.substr(next.size() - 3) == "\x1b[J"); // and erase what the last one left below
  CHECK(next.find("239.1.2.3 from 192.0.2.1 (session 7)") != std::string::npos);
  CHECK(next.find(" 100  ") != std::string::npos);
  CHECK(next.find("819k") != std::string::npos);
  CHECK(next.find(" 990       10   1.0%   0.25ms  |@@|") != std::string::npos);
  CHECK(next.find(std::string(47, 'x') + "~") != std::string::npos); // long names cut, marked
  CHECK(next.find(std::string(48, 'x')) == std::string::npos);
  CHECK(frame("t", {}, false).find("(nothing received yet)") != std::string::npos);
}
