// mcast-join's live screen (--live): one line per stream, redrawn in place on a terminal, with the
// rate, the loss, the jitter and a sparkline of recent arrivals -- the screen mcjoin users know.
//
// The screen is plain text with three ANSI/VT100 sequences: cursor home (ESC [H), erase to the
// end of the line (ESC [K) after each line and erase below (ESC [J) after the last, so each frame
// overwrites the one before without flicker; the first frame also clears the screen (ESC [2J).
// Windows 10 and later consoles understand them once virtual terminal processing is on
// (open_terminal() turns it on; where it cannot, there is no live screen).
#ifndef MCAST_EXAMPLES_LIVE_HPP
#define MCAST_EXAMPLES_LIVE_HPP

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#if defined(_WIN32)
#include <io.h>
#ifndef NOMINMAX
#define NOMINMAX // windows.h's min and max macros would break std::max below and in the tool
#endif
#include <windows.h>
#else
#include <unistd.h>
#endif

namespace example::live {

// Standard output is a terminal that takes the sequences above.
inline bool open_terminal() {
#if defined(_WIN32)
  if (::_isatty(::_fileno(stdout)) == 0)
    return false;
  const HANDLE out = ::GetStdHandle(STD_OUTPUT_HANDLE);
  DWORD mode = 0;
  if (out == INVALID_HANDLE_VALUE || ::GetConsoleMode(out, &mode) == 0)
    return false;
  const DWORD vt = 0x0004; // ENABLE_VIRTUAL_TERMINAL_PROCESSING (older SDK headers lack the name)
  return (mode & vt) != 0 || ::SetConsoleMode(out, mode | vt) != 0;
#else
  return ::isatty(1) == 1;
#endif
}

// Arrivals per refresh over the last `span` refreshes, drawn as one character each, oldest
// first: a blank where nothing arrived, else one of 8 levels, relative to the busiest refresh in
// view (ASCII, so that every console shows it).
class history {
public:
  static constexpr std::size_t span = 24;

  void push(std::uint64_t arrivals) {
    ring_[next_] = arrivals;
    next_ = (next_ + 1) % span;
    if (filled_ < span)
      ++filled_;
  }

  std::string sparkline() const {
    static constexpr char levels[] = ".:-=+*#@";
    std::uint64_t most = 0;
    for (std::size_t i = 0; i < filled_; ++i)
      most = (std::max)(most, ring_[i]);
    std::string out(span - filled_, ' ');
    for (std::size_t i = 0; i < filled_; ++i) {
      const std::uint64_t n = ring_[(next_ + span - filled_ + i) % span];
      out += n == 0 ? ' ' : levels[(n * 8 - 1) / most];
    }
    return out;
  }

private:
  std::array<std::uint64_t, span> ring_{};
  std::size_t next_ = 0, filled_ = 0;
};

// One stream's line.
struct row {
  std::string stream;    // "GROUP from SOURCE (what)"
  double per_second = 0; // datagrams/s over the last refresh
  double bits_per_second = 0;
  std::uint64_t received = 0, lost = 0; // since the start (TS: packets)
  std::optional<double> jitter_ms;
  std::string sparkline;
};

// "12.5k": three significant figures and an SI prefix, for rates.
inline std::string si(double v) {
  static const char* const prefixes[] = {"", "k", "M", "G", "T"};
  std::size_t p = 0;
  while (v >= 999.5 && p + 1 < sizeof prefixes / sizeof *prefixes)
    v /= 1000, ++p;
  char text[32];
  std::snprintf(text, sizeof text, v < 9.995 ? "%.2f%s" : v < 99.95 ? "%.1f%s" : "%.0f%s", v, prefixes[p]);
  return text;
}

// A whole frame: a title line, a heading and one line per stream, each erased to its end.
inline std::string frame(const std::string& title, const std::vector<row>& rows, bool first) {
  std::string out = first ? "\x1b[2J\x1b[H" : "\x1b[H";
  auto line = [&out](const std::string& text) { out += text + "\x1b[K\n"; };
  line(title);
  char text[512];
  std::snprintf(text, sizeof text, "%-48s %8s %8s %10s %8s %6s %8s  %s", "stream", "dgram/s", "bit/s", "received",
                "lost", "loss", "jitter", "arrivals");
  line(text);
  for (const auto& r : rows) {
    const double total = static_cast<double>(r.received + r.lost);
    const double loss = total > 0 ? 100.0 * static_cast<double>(r.lost) / total : 0;
    const std::string jitter = r.jitter_ms ? si(*r.jitter_ms) + "ms" : "-";
    const std::string name = r.stream.size() > 48 ? r.stream.substr(0, 47) + "~" : r.stream;
    std::snprintf(text, sizeof text, "%-48s %8s %8s %10llu %8llu %5.1f%% %8s  |%s|", name.c_str(),
                  si(r.per_second).c_str(), si(r.bits_per_second).c_str(), static_cast<unsigned long long>(r.received),
                  static_cast<unsigned long long>(r.lost), loss, jitter.c_str(), r.sparkline.c_str());
    line(text);
  }
  if (rows.empty())
    line("(nothing received yet)");
  return out + "\x1b[J";
}

} // namespace example::live

#endif
