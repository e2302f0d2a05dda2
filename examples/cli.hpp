// The command-line pieces mcast-join and mcast-send share: one clear line for a bad argument
// (and exit status 2), and the parsers for numbers, sources and interfaces.
#ifndef MCAST_EXAMPLES_CLI_HPP
#define MCAST_EXAMPLES_CLI_HPP

#include <mcast/mcast.hpp>

#include <cstdlib>
#include <string>
#include <system_error>
#include <vector>

namespace example::cli {

// Thrown for a bad argument; main() prints "TOOL: what" and returns 2.
struct bad_arguments {
  std::string what;
};
[[noreturn]] inline void bad(const std::string& what) { throw bad_arguments{what}; }

// The value after flag argv[i] (advancing i), or a bad argument naming the flag.
inline std::string value(int argc, char** argv, int& i, const std::string& flag) {
  if (i + 1 >= argc)
    bad(flag + " needs a value");
  return argv[++i];
}

// A decimal number in [lo, hi], or a bad argument naming the flag and the range.
inline long long number(const std::string& flag, const std::string& text, long long lo, long long hi) {
  char* end = nullptr;
  const long long v = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || v < lo || v > hi)
    bad("bad value for " + flag + ": '" + text + "' (" + std::to_string(lo) + ".." + std::to_string(hi) + ")");
  return v;
}

// A number of seconds in [lo, hi], fractions allowed ("0.25"), or a bad argument naming the flag.
inline double seconds(const std::string& flag, const std::string& text, double lo, double hi) {
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || !(v >= lo && v <= hi)) // !(...): NaN is refused too
    bad("bad value for " + flag + ": '" + text + "' (seconds, " + std::to_string(static_cast<long>(lo)) + ".." +
        std::to_string(static_cast<long>(hi)) + ")");
  return v;
}

inline mcast::source source(const std::string& text) {
  std::error_code ec;
  auto s = mcast::make_source(text, ec);
  if (!s)
    bad("bad source '" + text + "': " + ec.message());
  return *s;
}

// "S1,S2,..." (empty items are skipped).
inline std::vector<mcast::source> sources(const std::string& list) {
  std::vector<mcast::source> out;
  std::size_t start = 0;
  while (start <= list.size()) {
    const std::size_t comma = list.find(',', start);
    const std::string one = list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!one.empty())
      out.push_back(source(one));
    if (comma == std::string::npos)
      break;
    start = comma + 1;
  }
  return out;
}

inline mcast::group group(const std::string& text) {
  std::error_code ec;
  auto g = mcast::make_group(text, ec);
  if (!g)
    bad("bad group '" + text + "': " + ec.message());
  return *g;
}

// An interface by name, index or one of its addresses (not called `interface`: a Windows macro).
inline mcast::network_interface nic(const std::string& text) {
  std::error_code ec;
  mcast::address a = mcast::make_address(text, ec);
  auto nic = !ec ? mcast::network_interface::from_address(a, ec) : mcast::network_interface::from_name(text, ec);
  if (ec)
    bad("unknown interface '" + text + "': " + ec.message());
  return nic;
}

} // namespace example::cli

#endif
