// The command-line pieces mcast-join and mcast-send share: one clear line for a bad argument
// (and exit status 2), and the parsers for numbers, sources and interfaces.
#ifndef MCAST_EXAMPLES_CLI_HPP
#define MCAST_EXAMPLES_CLI_HPP

#include <mcast/mcast.hpp>

#include <array>
#include <cstdlib>
#include <optional>
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

// GROUP[+N][:PORT], or [IPV6-GROUP][+N][:PORT] (an IPv6 group takes a port only in brackets):
// N consecutive groups from GROUP (as mcjoin counts them: 239.1.1.1+3 is .1, .2 and .3), and the
// port they are received on / sent to when it is not the one --port gives.
struct group_spec {
  std::vector<mcast::group> groups;
  std::optional<unsigned> port;
};

// The address `steps` after `a` (its bytes as one big-endian number); false past the last one.
inline bool address_after(const mcast::address& a, unsigned long steps, mcast::address& out) {
  std::array<unsigned char, 16> b{};
  const std::size_t n = a.size();
  for (std::size_t i = 0; i < n; ++i)
    b[i] = a.data()[i];
  unsigned long carry = steps;
  for (std::size_t i = n; i-- > 0 && carry != 0;) {
    const unsigned long sum = b[i] + (carry & 0xff);
    b[i] = static_cast<unsigned char>(sum & 0xff);
    carry = (carry >> 8) + (sum >> 8);
  }
  if (carry != 0)
    return false;
  if (n == 4)
    out = mcast::address::from_bytes(std::array<unsigned char, 4>{b[0], b[1], b[2], b[3]});
  else
    out = mcast::address::from_bytes(b);
  return true;
}

inline group_spec groups(const std::string& text) {
  std::string addr, rest;
  if (!text.empty() && text[0] == '[') {
    const std::size_t close = text.find(']');
    if (close == std::string::npos)
      bad("no ']' in '" + text + "'");
    addr = text.substr(1, close - 1);
    rest = text.substr(close + 1);
  } else {
    // Without brackets: IPv4 ends at '+' or ':'; IPv6 (two or more ':') takes no port.
    const bool v6 = text.find(':') != text.rfind(':');
    const std::size_t end = text.find_first_of(v6 ? "+" : "+:");
    addr = text.substr(0, end);
    rest = end == std::string::npos ? std::string() : text.substr(end);
  }
  const mcast::group first = group(addr);
  unsigned long count = 1;
  group_spec out;
  if (!rest.empty() && rest[0] == '+') {
    const std::size_t colon = rest.find(':');
    count = static_cast<unsigned long>(
        number("GROUP+N", rest.substr(1, colon == std::string::npos ? colon : colon - 1), 1, 65536));
    rest = colon == std::string::npos ? std::string() : rest.substr(colon);
  }
  if (!rest.empty()) {
    if (rest[0] != ':' || rest.size() == 1)
      bad("cannot read '" + text + "' (GROUP[+N][:PORT], [IPV6-GROUP][+N][:PORT])");
    out.port = static_cast<unsigned>(number("GROUP:PORT", rest.substr(1), 1, 65535));
  }
  for (unsigned long i = 0; i < count; ++i) {
    mcast::address a;
    std::error_code ec;
    std::optional<mcast::group> g;
    if (address_after(first.address(), i, a))
      g = mcast::make_group(a.to_string(), ec);
    if (!g)
      bad("'" + text + "' runs past the multicast addresses (" + std::to_string(count) + " groups from " +
          first.to_string() + ")");
    out.groups.push_back(*g);
  }
  return out;
}

// The value of FLAG as one GROUP[:PORT] (a reply group): GROUP+N is refused.
struct one_group {
  mcast::group group;
  std::optional<unsigned> port;
};
inline one_group single_group(const std::string& flag, const std::string& text) {
  auto spec = groups(text);
  if (spec.groups.size() != 1)
    throw bad_arguments{flag + " takes one group, not '" + text + "'"};
  return {spec.groups.front(), spec.port};
}

// The tools' groups once parsed: at least one; each takes --port (`port`) where it names none;
// all of one family.
template <class Target> void settle_groups(std::vector<Target>& targets, const std::optional<unsigned>& port) {
  if (targets.empty())
    bad("no group given (see --help)");
  for (auto& t : targets) {
    if (!t.port && !port)
      bad("--port is required (or GROUP:PORT for each group)");
    if (!t.port)
      t.port = port;
    if (t.group.family() != targets.front().group.family())
      bad("all groups must be IPv4, or all IPv6");
  }
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
