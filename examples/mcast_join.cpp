// mcast-join: join multicast groups (any-source, source-specific, or with a whole source filter),
// print each datagram with its source and size, and show the filter the stack really holds.
//
//   mcast-join -p 5000 239.1.2.3                      any-source
//   mcast-join -p 5000 239.1.2.3 --block 10.0.0.9     any-source, one source muted
//   mcast-join -p 5000 232.1.2.3@10.0.0.1,10.0.0.2    source-specific
//   mcast-join -p 5000 239.1.2.3 --exclude 10.0.0.9,10.0.0.10 --show-filter
//
// Each datagram is printed as "GROUP from SOURCE: N bytes".
// Exit codes: 0 done (--count reached, or --timeout with no --count), 1 --timeout before --count
// datagrams arrived, 2 bad arguments, 3 the stack refused (join, block, filter).
#include <mcast/mcast.hpp>

#include "udp.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

namespace {

const char* const usage_text =
    "usage: mcast-join [options] GROUP[@SOURCE[,SOURCE...]] [GROUP...]\n"
    "\n"
    "Joins each GROUP on one UDP socket and prints every datagram received:\n"
    "  GROUP                any-source membership (MCAST_JOIN_GROUP)\n"
    "  GROUP@S1,S2          source-specific: only S1 and S2 (MCAST_JOIN_SOURCE_GROUP)\n"
    "\n"
    "options:\n"
    "  -p, --port N         UDP port to receive on (required)\n"
    "  -i, --iface IF       interface: name, index or address (default: the stack's choice)\n"
    "  -b, --block S        block source S on every any-source group (repeatable)\n"
    "      --exclude S,...  final state: receive every source but these (SIOCSMSFILTER / MCAST_MSFILTER)\n"
    "      --include S,...  final state: receive only these sources\n"
    "      --api API        mcast (MCAST_*, default), ip (IP_*, IPv4) or ipv6 (IPV6_*, any-source only)\n"
    "  -c, --count N        exit after N datagrams\n"
    "  -t, --timeout SEC    exit after SEC seconds (status 1 if --count was not reached)\n"
    "      --show-filter    print the filter the stack holds for each group after joining\n"
    "  -q, --quiet          do not print datagrams\n"
    "  -h, --help           this text\n"
    "\n"
    "exit status: 0 done, 1 timed out before --count, 2 bad arguments, 3 refused by the stack\n";

struct target {
  mcast::group group;
  std::vector<mcast::source> sources; // empty: any-source
};

struct options {
  std::optional<unsigned> port;
  std::optional<mcast::network_interface> nic;
  std::vector<mcast::source> block;
  std::optional<mcast::filter_mode> mode;
  std::vector<mcast::source> filter;
  std::string api = "mcast";
  long count = -1;
  double timeout = -1;
  bool show_filter = false;
  bool quiet = false;
  std::vector<target> targets;
};

struct bad_arguments {
  std::string what;
};

[[noreturn]] void bad(const std::string& what) { throw bad_arguments{what}; }

mcast::source parse_source(const std::string& text) {
  std::error_code ec;
  auto s = mcast::make_source(text, ec);
  if (!s)
    bad("bad source '" + text + "': " + ec.message());
  return *s;
}

std::vector<mcast::source> parse_sources(const std::string& list) {
  std::vector<mcast::source> out;
  std::size_t start = 0;
  while (start <= list.size()) {
    const std::size_t comma = list.find(',', start);
    const std::string one = list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!one.empty())
      out.push_back(parse_source(one));
    if (comma == std::string::npos)
      break;
    start = comma + 1;
  }
  return out;
}

long parse_number(const std::string& flag, const std::string& text, long lo, long hi) {
  char* end = nullptr;
  const long v = std::strtol(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || v < lo || v > hi)
    bad("bad value for " + flag + ": '" + text + "'");
  return v;
}

mcast::network_interface parse_interface(const std::string& text) {
  std::error_code ec;
  mcast::address a = mcast::make_address(text, ec);
  auto nic = !ec ? mcast::network_interface::from_address(a, ec) : mcast::network_interface::from_name(text, ec);
  if (ec)
    bad("unknown interface '" + text + "': " + ec.message());
  return nic;
}

options parse(int argc, char** argv) {
  options o;
  auto value = [&](int& i, const std::string& flag) -> std::string {
    if (i + 1 >= argc)
      bad(flag + " needs a value");
    return argv[++i];
  };
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "-h" || a == "--help") {
      std::fputs(usage_text, stdout);
      std::exit(0);
    } else if (a == "-p" || a == "--port") {
      o.port = static_cast<unsigned>(parse_number(a, value(i, a), 1, 65535));
    } else if (a == "-i" || a == "--iface") {
      o.nic = parse_interface(value(i, a));
    } else if (a == "-b" || a == "--block") {
      o.block.push_back(parse_source(value(i, a)));
    } else if (a == "--exclude" || a == "--include") {
      if (o.mode)
        bad("only one of --exclude / --include");
      o.mode = a == "--exclude" ? mcast::filter_mode::exclude : mcast::filter_mode::include;
      o.filter = parse_sources(value(i, a));
    } else if (a == "--api") {
      o.api = value(i, a);
      if (o.api != "mcast" && o.api != "ip" && o.api != "ipv6")
        bad("unknown --api '" + o.api + "' (mcast, ip or ipv6)");
    } else if (a == "-c" || a == "--count") {
      o.count = parse_number(a, value(i, a), 1, 1L << 30);
    } else if (a == "-t" || a == "--timeout") {
      o.timeout = static_cast<double>(parse_number(a, value(i, a), 0, 86400));
    } else if (a == "--show-filter") {
      o.show_filter = true;
    } else if (a == "-q" || a == "--quiet") {
      o.quiet = true;
    } else if (!a.empty() && a[0] == '-') {
      bad("unknown option '" + a + "' (see --help)");
    } else {
      const std::size_t at = a.find('@');
      std::error_code ec;
      auto g = mcast::make_group(a.substr(0, at), ec);
      if (!g)
        bad("bad group '" + a.substr(0, at) + "': " + ec.message());
      target t{*g, {}};
      if (at != std::string::npos) {
        t.sources = parse_sources(a.substr(at + 1));
        if (t.sources.empty())
          bad("no source after '@' in '" + a + "'");
      }
      o.targets.push_back(t);
    }
  }
  if (o.targets.empty())
    bad("no group given (see --help)");
  if (!o.port)
    bad("--port is required");
  for (const auto& t : o.targets)
    if (t.group.family() != o.targets.front().group.family())
      bad("all groups must be IPv4, or all IPv6");
  if (o.mode && !o.block.empty())
    bad("--block and --exclude/--include cannot be combined (the final-state list replaces blocks)");
  return o;
}

// Everything joined, whatever the API: the handles leave when this goes.
template <class Api> struct memberships {
  std::vector<mcast::any_source_membership<Api>> any;
  std::vector<mcast::blocked_source<Api>> blocked;
  std::vector<mcast::source_membership<Api>> ssm;
  std::vector<mcast::included_source<Api>> included;
  std::vector<mcast::filtered_membership<Api>> filtered;
};

template <class Api> int run(const options& o) {
  example::winsock_session winsock;
  const mcast::family fam = o.targets.front().group.family();
  example::udp_socket sock(fam); // before the handles: it must outlive them
  sock.bind_any(static_cast<std::uint16_t>(*o.port));
  sock.report_destinations();
  const auto nic = o.nic.value_or(mcast::network_interface::any());
  memberships<Api> m;
  auto refuse = [](const std::string& what, const std::error_code& ec) {
    std::fprintf(stderr, "mcast-join: %s: %s\n", what.c_str(), ec.message().c_str());
    return 3;
  };
  for (const auto& t : o.targets) {
    std::error_code ec;
    const std::string name = t.group.to_string();
    if (!t.sources.empty()) {
      if constexpr (std::is_same_v<Api, mcast::api::ipv6>) {
        return refuse(name, mcast::make_error_code(mcast::errc::unsupported));
      } else {
        if (o.mode)
          return refuse(name, mcast::make_error_code(mcast::errc::wrong_mode));
        m.ssm.push_back(mcast::join_source_group<Api>(sock, t.group, t.sources.front(), nic, ec));
        if (ec)
          return refuse("join (" + name + ", " + t.sources.front().to_string() + ")", ec);
        for (std::size_t i = 1; i < t.sources.size(); ++i) {
          m.included.push_back(m.ssm.back().include(t.sources[i], ec));
          if (ec)
            return refuse("include " + t.sources[i].to_string() + " in " + name, ec);
        }
      }
    } else if (o.mode) {
      if constexpr (std::is_same_v<Api, mcast::api::ipv6>) {
        return refuse(name, mcast::make_error_code(mcast::errc::unsupported));
      } else {
        m.filtered.push_back(mcast::join_with_filter<Api>(sock, t.group, nic, *o.mode, o.filter, ec));
        if (ec)
          return refuse("join " + name + " with a filter", ec);
      }
    } else {
      m.any.push_back(mcast::join_group<Api>(sock, t.group, nic, ec));
      if (ec)
        return refuse("join " + name, ec);
      for (const auto& s : o.block) {
        if constexpr (std::is_same_v<Api, mcast::api::ipv6>) {
          return refuse("block " + s.to_string(), mcast::make_error_code(mcast::errc::unsupported));
        } else {
          m.blocked.push_back(m.any.back().block(s, ec));
          if (ec)
            return refuse("block " + s.to_string() + " on " + name, ec);
        }
      }
    }
    std::printf("joined %s on %s\n", name.c_str(), nic.to_string().c_str());
    if (o.show_filter) {
      if constexpr (std::is_same_v<Api, mcast::api::ipv6>) {
        std::printf("filter %s: (not available through IPV6_ADD_MEMBERSHIP)\n", name.c_str());
      } else {
        auto f = mcast::get_source_filter<Api>(sock, t.group, nic, ec);
        if (ec)
          return refuse("read the filter of " + name, ec);
        std::printf("filter %s: %s {", name.c_str(), f.mode == mcast::filter_mode::include ? "INCLUDE" : "EXCLUDE");
        for (const auto& s : f.sources)
          std::printf(" %s", s.to_string().c_str());
        std::printf(" }\n");
      }
    }
  }
  std::fflush(stdout);

  const auto start = std::chrono::steady_clock::now();
  long received = 0;
  for (;;) {
    int wait_ms = 1000;
    if (o.timeout >= 0) {
      const double left = o.timeout - std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      if (left <= 0)
        break;
      wait_ms = static_cast<int>(left * 1000) + 1;
      if (wait_ms > 1000)
        wait_ms = 1000;
    }
    auto d = sock.receive_with_destination(std::chrono::milliseconds(wait_ms));
    if (d.from.empty())
      continue;
    ++received;
    if (!o.quiet) {
      // The group each datagram was sent to (where the stack reports it), then its source.
      const std::string to = !d.to.empty() ? d.to : o.targets.size() == 1 ? o.targets.front().group.to_string() : "?";
      std::printf("%s from %s: %zu bytes\n", to.c_str(), d.from.c_str(), d.payload.size());
      std::fflush(stdout);
    }
    if (o.count > 0 && received >= o.count)
      return 0;
  }
  return o.count > 0 ? 1 : 0;
}

} // namespace

int main(int argc, char** argv) {
  options o;
  try {
    o = parse(argc, argv);
  } catch (const bad_arguments& e) {
    std::fprintf(stderr, "mcast-join: %s\n", e.what.c_str());
    return 2;
  }
  try {
    if (o.api == "ip") {
      if (!o.targets.front().group.is_v4()) {
        std::fprintf(stderr, "mcast-join: --api ip needs IPv4 groups\n");
        return 2;
      }
      return run<mcast::api::ipv4>(o);
    }
    if (o.api == "ipv6") {
      if (!o.targets.front().group.is_v6()) {
        std::fprintf(stderr, "mcast-join: --api ipv6 needs IPv6 groups\n");
        return 2;
      }
      return run<mcast::api::ipv6>(o);
    }
    return run<mcast::api::protocol_independent>(o);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "mcast-join: %s\n", e.what());
    return 3;
  }
}
