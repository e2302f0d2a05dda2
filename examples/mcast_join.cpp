// mcast-join: join multicast groups (any-source, source-specific, or with a whole source filter),
// print each datagram with its group, interface and source, count every stream mcast-send sends
// (received, lost, duplicated, reordered, latency), and show the filter the stack really holds.
//
//   mcast-join -p 5000 239.1.2.3                      any-source
//   mcast-join -p 5000 239.1.2.3 --block 10.0.0.9     any-source, one source muted
//   mcast-join -p 5000 232.1.2.3@10.0.0.1,10.0.0.2    source-specific
//   mcast-join -p 5000 239.1.2.3 --exclude 10.0.0.9,10.0.0.10 --show-filter
//   mcast-join --list-interfaces
//
// Each datagram is printed as "GROUP from SOURCE: N bytes via IF[, seq N, L ms]"; at the end one
// "summary" line per stream. --json prints the same as one JSON object per line.
// Exit codes: 0 done (--count reached, or --timeout / Ctrl-C with no --count), 1 --timeout or
// Ctrl-C before --count datagrams arrived, or nothing at all before --timeout, 2 bad arguments
// (everything that can be found before a system call), 3 the stack refused (join, block, filter,
// socket).
#include <mcast/keeper.hpp>
#include <mcast/mcast.hpp>

#include "cli.hpp"
#include "live.hpp"
#include "payload.hpp"
#include "stream.hpp"
#include "udp.hpp"

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace {

const char* const usage_text =
    "usage: mcast-join [options] GROUP[+N][:PORT][@SOURCE[,SOURCE...]] [GROUP...]\n"
    "\n"
    "Joins each GROUP and prints every datagram received:\n"
    "  GROUP                any-source membership (MCAST_JOIN_GROUP)\n"
    "  GROUP@S1,S2          source-specific: only S1 and S2 (MCAST_JOIN_SOURCE_GROUP)\n"
    "  GROUP+N              N consecutive groups from GROUP (239.1.1.1+100: .1 to .100)\n"
    "  GROUP:PORT           received on PORT instead of --port ([IPV6-GROUP]:PORT for IPv6)\n"
    "The groups of one port share a socket until the stack refuses more groups on it (Linux:\n"
    "net.ipv4.igmp_max_memberships, 20 per socket by default); then another socket on the same\n"
    "port takes the next ones, as many as needed. A limit of the whole system (the message names\n"
    "it) ends the run with status 3.\n"
    "\n"
    "options:\n"
    "  -p, --port N         UDP port to receive on (required unless every group names its port)\n"
    "  -i, --iface IF       interface: name, index or address (default: the stack's choice)\n"
    "  -b, --block S        block source S on every any-source group (repeatable)\n"
    "      --exclude S,...  final state: receive every source but these (SIOCSMSFILTER / MCAST_MSFILTER)\n"
    "      --include S,...  final state: receive only these sources (at least one: an empty INCLUDE\n"
    "                       receives nothing, it is no membership at all)\n"
    "      --api API        mcast (MCAST_*, default), ip (IP_*, IPv4) or ipv6 (IPV6_*, any-source only)\n"
    "  -c, --count N        exit after N datagrams\n"
    "  -t, --timeout SEC    exit after SEC seconds, fractions allowed (status 1 if --count was not\n"
    "                       reached, or if nothing arrived)\n"
    "      --interval SEC   every SEC seconds (fractions allowed), report each stream: received,\n"
    "                       lost, duplicated, reordered, datagrams/s, bit/s (UDP payload), latency\n"
    "                       (mean and standard deviation), jitter\n"
    "      --live           on a terminal, a screen redrawn in place instead of a line per datagram:\n"
    "                       a line per stream with rate, received, lost, jitter and a sparkline of\n"
    "                       arrivals, every 0.5 s (or every --interval SEC); off with --json or\n"
    "                       when the output is not a terminal (then lines, as without it)\n"
    "      --payload KIND   how datagrams are counted: auto (default: each recognised by itself),\n"
    "                       mcast (mcast-send's), rtp (RTP sequence numbers, per SSRC), ts (MPEG-TS\n"
    "                       continuity counters, per PID) or none (only received)\n"
    "      --rcvbuf BYTES   ask for this much socket receive buffer (SO_RCVBUF)\n"
    "      --show-filter    print the filter the stack holds for each group after joining\n"
    "      --json           report as JSON, one object per line\n"
    "      --no-follow      do not keep the memberships across network changes (by default, with\n"
    "                       --api mcast, mcast::keeper makes a membership again when its interface\n"
    "                       comes back and follows the route for the stack's choice, printing a\n"
    "                       lost / restored / moved / retrying / failed line for each change;\n"
    "                       Linux, Windows, macOS and FreeBSD)\n"
    "  -q, --quiet          do not print datagrams (the interval reports and summary still are)\n"
    "      --echo           reflect: send each numbered datagram back, by unicast, to the address and\n"
    "                       port it came from (mcast-send --rtt measures the round trip; no clocks\n"
    "                       need to agree)\n"
    "      --echo-group G[:PORT]  reflect to group G instead (TTL 1, out of --iface), on PORT or the\n"
    "                       port the datagram came to (mcast-send --rtt-group G receives them)\n"
    "      --list-interfaces  print the host's interfaces (index, name, flags, addresses) and exit\n"
    "      --version        print the version\n"
    "  -h, --help           this text\n"
    "\n"
    "Datagrams from mcast-send are counted per stream (group, source, session): received, lost,\n"
    "duplicated, reordered, latency (exact on one host; across hosts, as good as the clocks) and\n"
    "jitter (RFC 3550 interarrival jitter: a clock offset cancels out).\n"
    "Streams it did not send are counted too: RTP (RFC 3550; per source and SSRC: lost, duplicated,\n"
    "reordered by sequence number; no latency or jitter, which need the payload's clock) and\n"
    "MPEG-TS (188-byte packets, as ffmpeg, VLC and IPTV head-ends send; lost and duplicated TS\n"
    "packets by each PID's continuity counter, which tells up to 14 lost in a row and no order).\n"
    "It reads up to 32 datagrams per system call (mcast::receive_batch: recvmmsg on Linux), and\n"
    "where the kernel counts what it dropped because the receive buffer was full (SO_RXQ_OVFL,\n"
    "Linux) it says how many -- in each interval, at the end, and as \"kernel_drops\" in JSON's\n"
    "\"done\" (null where not counted): loss on this host, not on the network.\n"
    "Memory is bounded whatever a sender sends: each stream remembers its last 16384 sequence\n"
    "numbers (2 KiB; an arrival older than that counts as reordered and stays lost), and at most\n"
    "256 streams are kept apart: beyond that, the least recently heard is folded into one\n"
    "\"other\" summary.\n"
    "\n"
    "exit status: 0 done, 1 timed out (or interrupted) before --count, or nothing arrived before\n"
    "--timeout (\"no datagrams\"), 2 bad arguments (one line), 3 refused by the stack\n";

struct target {
  mcast::group group;
  std::vector<mcast::source> sources; // empty: any-source
  std::optional<unsigned> port;       // GROUP:PORT; else --port
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
  double interval = 0; // seconds between interval reports; 0: none
  bool show_filter = false;
  bool quiet = false;
  bool echo = false;
  std::optional<mcast::group> echo_group; // --echo-group: echoes to this group
  std::optional<unsigned> echo_port;      // on this port (default: the port the datagram came to)
  bool json = false;
  bool follow = true; // --no-follow: plain handles, not kept
  bool live = false;
  bool list_interfaces = false;
  long rcvbuf = 0;
  example::payload::kind payload = example::payload::kind::mcast;
  bool payload_auto = true;
  std::vector<target> targets;
};

using example::cli::bad;

// "the sources of WHAT": refused when one is of the other family than the groups, or named twice.
void check_list(const std::vector<mcast::source>& list, mcast::family fam, const std::string& what) {
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (list[i].family() != fam)
      bad("source " + list[i].to_string() + " in " + what + " is not of the groups' family");
    for (std::size_t j = 0; j < i; ++j)
      if (list[j] == list[i])
        bad("source " + list[i].to_string() + " is named twice in " + what);
  }
}

// What the stack would refuse (or silently ignore) is refused here, before any system call.
void check_sources(const options& o) {
  const mcast::family fam = o.targets.front().group.family();
  bool any_source_group = false, source_specific_group = false;
  for (const auto& t : o.targets) {
    check_list(t.sources, fam, t.group.to_string() + "@...");
    (t.sources.empty() ? any_source_group : source_specific_group) = true;
    if (!t.sources.empty() && o.mode)
      bad("--exclude/--include apply to any-source groups; " + t.group.to_string() + "@... already lists its sources");
  }
  check_list(o.block, fam, "--block");
  check_list(o.filter, fam, o.mode == mcast::filter_mode::exclude ? "--exclude" : "--include");
  if (!o.block.empty() && !any_source_group)
    bad("--block applies to any-source groups and every group here is source-specific "
        "(GROUP@S,...: list only the sources wanted)");
  if (o.mode == mcast::filter_mode::include && o.filter.empty())
    bad("--include needs at least one source: an empty INCLUDE list receives nothing (it is no "
        "membership at all); for every source, leave --include out");
  if (o.api == "ipv6" && (source_specific_group || !o.block.empty() || o.mode))
    bad("--api ipv6 (IPV6_ADD_MEMBERSHIP) cannot name sources (GROUP@S, --block, --exclude, --include): "
        "use --api mcast");
}

options parse(int argc, char** argv) {
  options o;
  auto value = [&](int& i, const std::string& flag) { return example::cli::value(argc, argv, i, flag); };
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "-h" || a == "--help") {
      std::fputs(usage_text, stdout);
      std::exit(0);
    } else if (a == "-p" || a == "--port") {
      o.port = static_cast<unsigned>(example::cli::number(a, value(i, a), 1, 65535));
    } else if (a == "-i" || a == "--iface") {
      o.nic = example::cli::nic(value(i, a));
    } else if (a == "-b" || a == "--block") {
      o.block.push_back(example::cli::source(value(i, a)));
    } else if (a == "--exclude" || a == "--include") {
      if (o.mode)
        bad("only one of --exclude / --include");
      o.mode = a == "--exclude" ? mcast::filter_mode::exclude : mcast::filter_mode::include;
      o.filter = example::cli::sources(value(i, a));
    } else if (a == "--api") {
      o.api = value(i, a);
      if (o.api != "mcast" && o.api != "ip" && o.api != "ipv6")
        bad("unknown --api '" + o.api + "' (mcast, ip or ipv6)");
    } else if (a == "-c" || a == "--count") {
      o.count = example::cli::number(a, value(i, a), 1, 1L << 30);
    } else if (a == "--interval") {
      o.interval = example::cli::seconds(a, value(i, a), 0, 86400);
      if (o.interval <= 0)
        bad("--interval needs more than 0 seconds");
    } else if (a == "-t" || a == "--timeout") {
      o.timeout = example::cli::seconds(a, value(i, a), 0, 86400);
    } else if (a == "--version") {
      std::printf("mcast-join %d.%d.%d\n", MCAST_VERSION_MAJOR, MCAST_VERSION_MINOR, MCAST_VERSION_PATCH);
      std::exit(0);
    } else if (a == "--list-interfaces") {
      o.list_interfaces = true;
    } else if (a == "--json") {
      o.json = true;
    } else if (a == "--no-follow") {
      o.follow = false;
    } else if (a == "--live") {
      o.live = true;
    } else if (a == "--payload") {
      const std::string k = value(i, a);
      o.payload_auto = k == "auto";
      if (k == "mcast" || k == "auto")
        o.payload = example::payload::kind::mcast;
      else if (k == "rtp")
        o.payload = example::payload::kind::rtp;
      else if (k == "ts")
        o.payload = example::payload::kind::ts;
      else if (k == "none")
        o.payload = example::payload::kind::none;
      else
        bad("unknown --payload '" + k + "' (auto, mcast, rtp, ts or none)");
    } else if (a == "--rcvbuf") {
      o.rcvbuf = example::cli::number(a, value(i, a), 1, 1L << 30);
    } else if (a == "--show-filter") {
      o.show_filter = true;
    } else if (a == "-q" || a == "--quiet") {
      o.quiet = true;
    } else if (a == "--echo") {
      o.echo = true;
    } else if (a == "--echo-group") {
      const auto reply = example::cli::single_group(a, value(i, a));
      o.echo = true;
      o.echo_group = reply.group;
      o.echo_port = reply.port;
    } else if (!a.empty() && a[0] == '-') {
      bad("unknown option '" + a + "' (see --help)");
    } else {
      const std::size_t at = a.find('@');
      const auto spec = example::cli::groups(a.substr(0, at));
      std::vector<mcast::source> sources;
      if (at != std::string::npos) {
        sources = example::cli::sources(a.substr(at + 1));
        if (sources.empty())
          bad("no source after '@' in '" + a + "'");
      }
      for (const auto& g : spec.groups)
        o.targets.push_back(target{g, sources, spec.port});
    }
  }
  if (o.list_interfaces) {
    if (!o.targets.empty() || o.port)
      bad("--list-interfaces takes no group or port");
    return o;
  }
  example::cli::settle_groups(o.targets, o.port);
  std::vector<std::pair<mcast::group, unsigned>> seen;
  for (const auto& t : o.targets)
    seen.emplace_back(t.group, *t.port);
  std::sort(seen.begin(), seen.end());
  for (std::size_t i = 1; i < seen.size(); ++i)
    if (seen[i] == seen[i - 1])
      bad("group " + seen[i].first.to_string() + " on port " + std::to_string(seen[i].second) +
          " is named twice (a socket joins a group once)");
  if (o.mode && !o.block.empty())
    bad("--block and --exclude/--include cannot be combined (the final-state list replaces blocks)");
  if (o.echo_group && o.echo_group->family() != o.targets.front().group.family())
    bad("--echo-group " + o.echo_group->to_string() + " and group " + o.targets.front().group.to_string() +
        " are not the same family");
  check_sources(o);
  return o;
}

// Everything joined, whatever the API: the handles leave when this goes.
template <class Api> struct memberships {
  std::vector<mcast::any_source_membership<Api>> any;
  std::vector<mcast::blocked_source<Api>> blocked;
  std::vector<mcast::source_membership<Api>> ssm;
  std::vector<mcast::included_source<Api>> included;
  std::vector<mcast::filtered_membership<Api>> filtered;
  // Kept by a keeper (the default with api::protocol_independent): made again as the network changes.
  std::vector<mcast::kept_any_source_membership> kept_any;
  std::vector<mcast::kept_source_membership> kept_ssm;
  std::vector<mcast::kept_filtered_membership> kept_filtered;
  std::vector<mcast::kept_source> kept_sources; // blocked or included
};

// ---- output -------------------------------------------------------------------------------------
std::string json_text(const std::string& v) {
  std::string out = "\"";
  for (const char c : v) {
    if (c == '"' || c == '\\')
      out += '\\';
    if (static_cast<unsigned char>(c) < 0x20)
      out += ' ';
    else
      out += c;
  }
  return out + "\"";
}

std::string json_list(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i)
    out += (i ? "," : "") + json_text(items[i]);
  return out + "]";
}

// The name of each interface index, looked up once (a lookup reads the host's whole interface
// list: per datagram, that is too slow on a host with hundreds of interfaces).
class interface_names {
public:
  const std::string& operator()(unsigned index) {
    auto it = names_.find(index);
    if (it == names_.end()) {
      std::error_code ec;
      const auto nic = mcast::network_interface::from_index(index, ec);
      it = names_.emplace(index, index == 0 ? "?" : ec ? std::to_string(index) : std::string(nic.name())).first;
    }
    return it->second;
  }

private:
  std::map<unsigned, std::string> names_;
};

int list_interfaces(const options& o) {
  example::winsock_session winsock;
  std::error_code ec;
  const auto all = mcast::list_interfaces(ec);
  if (ec) {
    std::fprintf(stderr, "mcast-join: cannot list the interfaces: %s\n", ec.message().c_str());
    return 3;
  }
  for (const auto& i : all) {
    std::vector<std::string> addresses;
    for (const auto& a : i.addresses)
      addresses.push_back(a.to_string());
    if (o.json) {
      std::printf("{\"event\":\"interface\",\"index\":%u,\"name\":%s,\"up\":%s,\"multicast\":%s,"
                  "\"loopback\":%s,\"addresses\":%s}\n",
                  i.index, json_text(i.name).c_str(), i.up ? "true" : "false", i.multicast ? "true" : "false",
                  i.loopback ? "true" : "false", json_list(addresses).c_str());
    } else {
      std::string flags = i.up ? "up" : "down";
      if (i.multicast)
        flags += ",multicast";
      if (i.loopback)
        flags += ",loopback";
      std::printf("%u %s %s", i.index, i.name.c_str(), flags.c_str());
      for (const auto& a : addresses)
        std::printf(" %s", a.c_str());
      std::printf("\n");
    }
  }
  return 0;
}

// A stream: (group, source, what it carries, session): mcast-send's session, or an RTP SSRC;
// MPEG-TS and unnumbered datagrams have none.
using stream_key = std::tuple<std::string, std::string, example::payload::kind, std::optional<std::uint32_t>>;

// What is counted of one stream: the tally (mcast-send's and RTP's numbers), RTP's sequence
// extension, TS continuity.
struct stream_state {
  example::stream::tally tally;
  example::payload::rtp_sequence rtp;
  example::payload::ts_continuity ts;
  example::live::history arrivals; // for --live: per refresh, and the last refresh's rates
  double per_second = 0, bits_per_second = 0;
};

// The streams, at most `max_streams` kept apart (anyone who can send to the group can make new
// ones): beyond that, the least recently heard is folded into `other`.
class stream_table {
public:
  static constexpr std::size_t max_streams = 256;

  stream_state& operator[](const stream_key& key) {
    auto it = streams_.find(key);
    if (it == streams_.end()) {
      if (streams_.size() >= max_streams) {
        auto oldest = std::min_element(streams_.begin(), streams_.end(), [](const auto& a, const auto& b) {
          return a.second.last_heard < b.second.last_heard;
        });
        other_.tally.fold(oldest->second.state.tally);
        other_.ts.fold(oldest->second.state.ts);
        ++folded_;
        streams_.erase(oldest);
      }
      it = streams_.emplace(key, entry{}).first;
    }
    it->second.last_heard = ++arrivals_;
    return it->second.state;
  }

  template <class F> void for_each(F f) const {
    for (const auto& [key, e] : streams_)
      f(key, e.state);
  }
  template <class F> void for_each(F f) {
    for (auto& [key, e] : streams_)
      f(key, e.state);
  }
  std::size_t folded() const { return folded_; }
  const stream_state& other() const { return other_; }

private:
  struct entry {
    stream_state state;
    std::uint64_t last_heard = 0;
  };
  std::map<stream_key, entry> streams_;
  stream_state other_;
  std::size_t folded_ = 0;
  std::uint64_t arrivals_ = 0;
};

using ull = unsigned long long;

void print_summary(const options& o, const stream_table& streams) {
  using example::payload::kind;
  if (streams.folded() > 0) {
    const auto& t = streams.other().tally;
    const auto& ts = streams.other().ts.total();
    if (o.json)
      std::printf(
          "{\"event\":\"summary\",\"other\":true,\"streams\":%zu,\"received\":%llu,\"lost\":%llu,"
          "\"duplicated\":%llu,\"reordered\":%llu,\"ts_packets\":%llu,\"ts_lost\":%llu,\"ts_duplicated\":%llu}\n",
          streams.folded(), ull(t.received()), ull(t.lost()), ull(t.duplicated()), ull(t.reordered()), ull(ts.packets),
          ull(ts.lost), ull(ts.duplicated));
    else
      std::printf("summary other (%zu streams beyond the %zu kept apart): %llu received, %llu lost, %llu "
                  "duplicated, %llu reordered; MPEG-TS: %llu packets, %llu lost, %llu duplicated\n",
                  streams.folded(), stream_table::max_streams, ull(t.received()), ull(t.lost()), ull(t.duplicated()),
                  ull(t.reordered()), ull(ts.packets), ull(ts.lost), ull(ts.duplicated));
  }
  streams.for_each([&](const stream_key& key, const stream_state& st) {
    const auto& [group, source, what, session] = key;
    const auto& t = st.tally;
    const auto& ts = st.ts.total();
    if (o.json) {
      // The stream's name first (session or SSRC), then its counts.
      std::printf("{\"event\":\"summary\",\"group\":%s,\"source\":%s", json_text(group).c_str(),
                  json_text(source).c_str());
      if (what == kind::mcast)
        std::printf(",\"session\":%u", *session);
      else if (what == kind::rtp)
        std::printf(",\"payload\":\"rtp\",\"ssrc\":%u", *session);
      else if (what == kind::ts)
        std::printf(",\"payload\":\"ts\"");
      std::printf(",\"received\":%llu", ull(t.received()));
      if (what == kind::mcast)
        std::printf(",\"lost\":%llu,\"duplicated\":%llu,\"reordered\":%llu,\"jitter_ms\":%.3f,"
                    "\"latency_ms\":{\"min\":%.3f,\"avg\":%.3f,\"max\":%.3f,\"stddev\":%.3f}",
                    ull(t.lost()), ull(t.duplicated()), ull(t.reordered()), t.jitter_ms(), t.min_ms(), t.avg_ms(),
                    t.max_ms(), t.stddev_ms());
      else if (what == kind::rtp)
        std::printf(",\"lost\":%llu,\"duplicated\":%llu,\"reordered\":%llu", ull(t.lost()), ull(t.duplicated()),
                    ull(t.reordered()));
      else if (what == kind::ts)
        std::printf(",\"ts_packets\":%llu,\"lost\":%llu,\"duplicated\":%llu", ull(ts.packets), ull(ts.lost),
                    ull(ts.duplicated));
      std::printf("}\n");
    } else if (what == kind::mcast) {
      std::printf("summary %s from %s (session %u): %llu received, %llu lost, %llu duplicated, %llu reordered, "
                  "latency min/avg/max/stddev %.3f/%.3f/%.3f/%.3f ms, jitter %.3f ms\n",
                  group.c_str(), source.c_str(), *session, ull(t.received()), ull(t.lost()), ull(t.duplicated()),
                  ull(t.reordered()), t.min_ms(), t.avg_ms(), t.max_ms(), t.stddev_ms(), t.jitter_ms());
    } else if (what == kind::rtp) {
      std::printf("summary %s from %s (RTP, SSRC 0x%08x): %llu received, %llu lost, %llu duplicated, %llu reordered\n",
                  group.c_str(), source.c_str(), *session, ull(t.received()), ull(t.lost()), ull(t.duplicated()),
                  ull(t.reordered()));
    } else if (what == kind::ts) {
      std::printf("summary %s from %s (MPEG-TS): %llu received, %llu TS packets, %llu lost, %llu duplicated\n",
                  group.c_str(), source.c_str(), ull(t.received()), ull(ts.packets), ull(ts.lost), ull(ts.duplicated));
    } else {
      std::printf("summary %s from %s (unnumbered): %llu received (not recognised: no loss count)\n", group.c_str(),
                  source.c_str(), ull(t.received()));
    }
  });
}

// The live screen (--live) for what arrived between `from` and `to` (seconds since the start).
void draw_live(stream_table& streams, double from, double to, bool first, std::uint64_t kernel_drops) {
  using example::payload::kind;
  // A frame drawn soon after the last one (the final frame) keeps the last rates: a few
  // datagrams over a few milliseconds are no rate.
  const double span = to - from;
  const bool fresh = span >= 0.1;
  std::vector<example::live::row> rows;
  streams.for_each([&](const stream_key& key, stream_state& st) {
    const auto& [group, source, what, session] = key;
    const auto c = st.tally.since_last_report();
    if (fresh) {
      st.arrivals.push(c.received);
      st.per_second = static_cast<double>(c.received) / span;
      st.bits_per_second = static_cast<double>(c.bytes) * 8 / span;
    }
    example::live::row r;
    char name[160];
    if (what == kind::mcast)
      std::snprintf(name, sizeof name, "%s from %s (session %u)", group.c_str(), source.c_str(), *session);
    else if (what == kind::rtp)
      std::snprintf(name, sizeof name, "%s from %s (RTP %08x)", group.c_str(), source.c_str(), *session);
    else if (what == kind::ts)
      std::snprintf(name, sizeof name, "%s from %s (TS packets)", group.c_str(), source.c_str());
    else
      std::snprintf(name, sizeof name, "%s from %s", group.c_str(), source.c_str());
    r.stream = name;
    r.per_second = st.per_second;
    r.bits_per_second = st.bits_per_second;
    if (what == kind::ts) {
      r.received = st.ts.total().packets;
      r.lost = st.ts.total().lost;
    } else {
      r.received = st.tally.received();
      r.lost = st.tally.lost();
    }
    if (what == kind::mcast)
      r.jitter_ms = st.tally.jitter_ms();
    r.sparkline = st.arrivals.sparkline();
    rows.push_back(std::move(r));
  });
  char title[200];
  std::snprintf(title, sizeof title,
                "mcast-join  %.1f s  %zu stream(s)%s  kernel drops %llu  (Ctrl-C: stop and sum up)", to, rows.size(),
                streams.folded() > 0 ? " and others" : "", ull(kernel_drops));
  std::fputs(example::live::frame(title, rows, first).c_str(), stdout);
  std::fflush(stdout);
}

// What the kernel dropped between `from` and `to` (to < 0: in the last part of the run), when
// anything: a line of its own, since it cannot be told which stream a dropped datagram was of.
void print_drops(const options& o, std::uint64_t dropped, double from, double to) {
  if (dropped == 0)
    return;
  if (o.json && to >= 0)
    std::printf("{\"event\":\"drops\",\"start\":%.3f,\"end\":%.3f,\"kernel_drops\":%llu}\n", from, to, ull(dropped));
  else if (o.json)
    std::printf("{\"event\":\"drops\",\"start\":%.3f,\"kernel_drops\":%llu}\n", from, ull(dropped));
  else if (to >= 0)
    std::printf("interval %.3f-%.3f s: the kernel dropped %llu datagrams (receive buffer full)\n", from, to,
                ull(dropped));
}

// One line per stream for what arrived between `from` and `to` (seconds since the start).
void print_interval(const options& o, stream_table& streams, double from, double to) {
  using example::payload::kind;
  const double span = to - from;
  streams.for_each([&](const stream_key& key, stream_state& st) {
    const auto& [group, source, what, session] = key;
    auto& t = st.tally;
    const auto c = t.since_last_report();
    const auto ts = st.ts.since_last_report();
    const double rate = static_cast<double>(c.received) / span, bits = static_cast<double>(c.bytes) * 8 / span;
    if (o.json) {
      std::printf("{\"event\":\"interval\",\"start\":%.3f,\"end\":%.3f,\"group\":%s,\"source\":%s", from, to,
                  json_text(group).c_str(), json_text(source).c_str());
      if (what == kind::mcast)
        std::printf(",\"session\":%u,\"lost\":%lld,\"duplicated\":%llu,\"reordered\":%llu,\"jitter_ms\":%.3f,"
                    "\"latency_ms\":{\"avg\":%.3f,\"stddev\":%.3f}",
                    *session, static_cast<long long>(c.lost), ull(c.duplicated), ull(c.reordered), t.jitter_ms(),
                    c.latency_avg_ms, c.latency_stddev_ms);
      else if (what == kind::rtp)
        std::printf(",\"payload\":\"rtp\",\"ssrc\":%u,\"lost\":%lld,\"duplicated\":%llu,\"reordered\":%llu", *session,
                    static_cast<long long>(c.lost), ull(c.duplicated), ull(c.reordered));
      else if (what == kind::ts)
        std::printf(",\"payload\":\"ts\",\"ts_packets\":%llu,\"lost\":%llu,\"duplicated\":%llu", ull(ts.packets),
                    ull(ts.lost), ull(ts.duplicated));
      std::printf(",\"received\":%llu,\"datagrams_per_s\":%.1f,\"bits_per_s\":%.0f}\n", ull(c.received), rate, bits);
      return;
    }
    std::printf("interval %.3f-%.3f s %s from %s ", from, to, group.c_str(), source.c_str());
    if (what == kind::mcast)
      std::printf("(session %u): %llu received, %lld lost, %llu duplicated, %llu reordered, ", *session,
                  ull(c.received), static_cast<long long>(c.lost), ull(c.duplicated), ull(c.reordered));
    else if (what == kind::rtp)
      std::printf("(RTP, SSRC 0x%08x): %llu received, %lld lost, %llu duplicated, %llu reordered, ", *session,
                  ull(c.received), static_cast<long long>(c.lost), ull(c.duplicated), ull(c.reordered));
    else if (what == kind::ts)
      std::printf("(MPEG-TS): %llu received, %llu TS packets, %llu lost, %llu duplicated, ", ull(c.received),
                  ull(ts.packets), ull(ts.lost), ull(ts.duplicated));
    else
      std::printf("(unnumbered): %llu received, ", ull(c.received));
    std::printf("%.1f datagrams/s, %.0f bit/s", rate, bits);
    if (what == kind::mcast)
      std::printf(", latency avg/stddev %.3f/%.3f ms, jitter %.3f ms", c.latency_avg_ms, c.latency_stddev_ms,
                  t.jitter_ms());
    std::printf("\n");
  });
  std::fflush(stdout);
}

volatile std::sig_atomic_t interrupted = 0;
extern "C" void on_signal(int) { interrupted = 1; }

// The sockets of one port. Its groups go on the last one until the stack refuses more there
// (limit_exceeded on a socket that holds some already: Linux's igmp_max_memberships per socket);
// then a new socket on the same port takes the next ones. Each socket receives only its own
// groups (the handles turn Linux's IP_MULTICAST_ALL off).
struct port_sockets {
  unsigned port = 0;
  std::vector<std::unique_ptr<example::udp_socket>> sockets;
  std::size_t on_last = 0; // groups joined on the last socket
};

template <class Api> int run(const options& o) {
  example::winsock_session winsock;
  const mcast::family fam = o.targets.front().group.family();
  std::vector<port_sockets> ports; // before the handles: the sockets must outlive them
  bool rcvbuf_reported = false;
  bool drops_counted = false;
  // One keeper per socket (mcast::keeper), made with it and gone before it.
  bool follow = o.follow && std::is_same_v<Api, mcast::api::protocol_independent>;
  std::map<const example::udp_socket*, std::unique_ptr<mcast::keeper>> keepers;
  auto print_event = [&o](const mcast::membership_event& e) {
    static const char* const names[] = {"lost", "restored", "moved", "retrying", "failed"};
    const char* what = names[static_cast<int>(e.what)];
    const std::string g = e.group.to_string();
    if (o.json) {
      std::printf("{\"event\":\"%s\",\"group\":%s,\"index\":%u,\"old_index\":%u,\"interface\":%s,"
                  "\"reapplied\":%s,\"error\":%s}\n",
                  what, json_text(g).c_str(), e.index, e.old_index, json_text(e.interface_name).c_str(),
                  e.reapplied ? "true" : "false", json_text(e.error ? e.error.message() : "").c_str());
    } else if (e.what == mcast::membership_change::moved) {
      std::printf("moved %s from interface %u to %u\n", g.c_str(), e.old_index, e.index);
    } else {
      std::printf("%s %s on interface %u%s%s%s\n", what, g.c_str(), e.index,
                  e.interface_name.empty() ? "" : (" (" + e.interface_name + ")").c_str(), e.error ? ": " : "",
                  e.error ? e.error.message().c_str() : "");
    }
    std::fflush(stdout);
  };
  auto open_socket = [&](port_sockets& p) {
    auto sock = std::make_unique<example::udp_socket>(fam);
    sock->bind_any(static_cast<std::uint16_t>(p.port));
    // The group and interface of each datagram (IP_PKTINFO / IPV6_RECVPKTINFO), where the stack has it.
    std::error_code info_ec;
    if (fam == mcast::family::v4)
      mcast::set_option(*sock, mcast::option::ip_pktinfo{true}, info_ec);
    else
      mcast::set_option(*sock, mcast::option::ipv6_recvpktinfo{true}, info_ec);
    // The kernel's count of datagrams it dropped on this socket (SO_RXQ_OVFL), where it has one.
    std::error_code drops_ec;
    mcast::set_option(*sock, mcast::option::receive_drops{true}, drops_ec);
    drops_counted = !drops_ec;
    if (o.rcvbuf > 0) {
      const int granted = sock->receive_buffer(static_cast<int>(o.rcvbuf));
      if (!rcvbuf_reported && o.json)
        std::printf("{\"event\":\"rcvbuf\",\"requested\":%ld,\"granted\":%d}\n", o.rcvbuf, granted);
      else if (!rcvbuf_reported)
        std::printf("receive buffer: asked %ld bytes, the stack holds %d\n", o.rcvbuf, granted);
      rcvbuf_reported = true;
    }
    if (follow) {
      std::error_code kec;
      auto k = std::make_unique<mcast::keeper>(*sock, kec);
      if (kec) { // where no change source is written yet: plain handles, said once
        if (kec == mcast::errc::unsupported)
          std::fprintf(stderr, "mcast-join: following network changes is not available on this platform; "
                               "continuing without it (as with --no-follow)\n");
        else
          std::fprintf(stderr,
                       "mcast-join: cannot follow network changes (%s); continuing without it (as with "
                       "--no-follow)\n",
                       kec.message().c_str());
        follow = false;
      } else {
        k->on_event(print_event);
        keepers[sock.get()] = std::move(k);
      }
    }
    p.sockets.push_back(std::move(sock));
    p.on_last = 0;
  };
  for (const auto& t : o.targets)
    if (std::none_of(ports.begin(), ports.end(), [&](const port_sockets& p) { return p.port == *t.port; })) {
      ports.push_back(port_sockets{*t.port, {}, 0});
      open_socket(ports.back());
    }
  const auto nic = o.nic.value_or(mcast::network_interface::any());
  memberships<Api> m;
  auto refuse = [](const std::string& what, const std::error_code& ec) {
    std::fprintf(stderr, "mcast-join: %s: %s\n", what.c_str(), ec.message().c_str());
    return 3;
  };
  // The group's own membership on `sock` (its sources come after): the interface it is on.
  auto join_on = [&](example::udp_socket& sock, const target& t, std::error_code& ec) {
    mcast::network_interface joined_on = nic;
    if (auto k = keepers.find(&sock); k != keepers.end()) {
      unsigned index = 0;
      if (!t.sources.empty()) {
        auto h = k->second->join_source_group(t.group, t.sources.front(), nic, ec);
        index = h.index();
        if (!ec)
          m.kept_ssm.push_back(std::move(h));
      } else if (o.mode) {
        auto h = k->second->join_with_filter(t.group, nic, *o.mode, o.filter, ec);
        index = h.index();
        if (!ec)
          m.kept_filtered.push_back(std::move(h));
      } else {
        auto h = k->second->join_group(t.group, nic, ec);
        index = h.index();
        if (!ec)
          m.kept_any.push_back(std::move(h));
      }
      std::error_code name_ec;
      if (!ec && index != 0)
        joined_on = mcast::network_interface::from_index(index, name_ec);
      return joined_on;
    }
    if (!t.sources.empty()) {
      if constexpr (std::is_same_v<Api, mcast::api::ipv6>) {
        ec = mcast::make_error_code(mcast::errc::unsupported);
      } else {
        auto h = mcast::join_source_group<Api>(sock, t.group, t.sources.front(), nic, ec);
        if (!ec) {
          joined_on = h.nic();
          m.ssm.push_back(std::move(h));
        }
      }
    } else if (o.mode) {
      if constexpr (std::is_same_v<Api, mcast::api::ipv6>) {
        ec = mcast::make_error_code(mcast::errc::unsupported);
      } else {
        auto h = mcast::join_with_filter<Api>(sock, t.group, nic, *o.mode, o.filter, ec);
        if (!ec) {
          joined_on = h.nic();
          m.filtered.push_back(std::move(h));
        }
      }
    } else {
      auto h = mcast::join_group<Api>(sock, t.group, nic, ec);
      if (!ec) {
        joined_on = h.nic();
        m.any.push_back(std::move(h));
      }
    }
    return joined_on;
  };
  std::string limit_reason; // why a port needed more than one socket (the stack's message)
  for (const auto& t : o.targets) {
    std::error_code ec;
    const std::string name = t.group.to_string();
    auto& p = *std::find_if(ports.begin(), ports.end(), [&](const port_sockets& q) { return q.port == *t.port; });
    mcast::network_interface joined_on = join_on(*p.sockets.back(), t, ec);
    if (ec == mcast::errc::limit_exceeded && p.on_last > 0) {
      if (limit_reason.empty())
        limit_reason = ec.message();
      ec.clear();
      open_socket(p);
      joined_on = join_on(*p.sockets.back(), t, ec); // refused on a socket of its own: the system's limit
    }
    if (ec)
      return refuse(t.sources.empty() ? "join " + name : "join (" + name + ", " + t.sources.front().to_string() + ")",
                    ec);
    ++p.on_last;
    example::udp_socket& sock = *p.sockets.back();
    for (std::size_t i = 1; i < t.sources.size(); ++i) {
      if (!m.kept_ssm.empty() && keepers.count(&sock) != 0) {
        m.kept_sources.push_back(m.kept_ssm.back().include(t.sources[i], ec));
        if (ec)
          return refuse("include " + t.sources[i].to_string() + " in " + name, ec);
      } else if constexpr (!std::is_same_v<Api, mcast::api::ipv6>) {
        m.included.push_back(m.ssm.back().include(t.sources[i], ec));
        if (ec)
          return refuse("include " + t.sources[i].to_string() + " in " + name, ec);
      }
    }
    if (t.sources.empty() && !o.mode)
      for (const auto& s : o.block) {
        if constexpr (std::is_same_v<Api, mcast::api::ipv6>) {
          return refuse("block " + s.to_string(), mcast::make_error_code(mcast::errc::unsupported));
        } else if (keepers.count(&sock) != 0) {
          m.kept_sources.push_back(m.kept_any.back().block(s, ec));
          if (ec)
            return refuse("block " + s.to_string() + " on " + name, ec);
        } else {
          m.blocked.push_back(m.any.back().block(s, ec));
          if (ec)
            return refuse("block " + s.to_string() + " on " + name, ec);
        }
      }
    std::vector<std::string> sources;
    for (const auto& s : t.sources)
      sources.push_back(s.to_string());
    if (o.json)
      std::printf("{\"event\":\"joined\",\"group\":%s,\"port\":%u,\"interface\":%s,\"socket\":%zu,"
                  "\"sources\":%s}\n",
                  json_text(name).c_str(), *t.port, json_text(joined_on.to_string()).c_str(), p.sockets.size(),
                  json_list(sources).c_str());
    else
      std::printf("joined %s on %s\n", name.c_str(), joined_on.to_string().c_str());
    if (o.show_filter) {
      if constexpr (std::is_same_v<Api, mcast::api::ipv6>) {
        if (!o.json)
          std::printf("filter %s: (not available through IPV6_ADD_MEMBERSHIP)\n", name.c_str());
      } else {
        auto f = mcast::get_source_filter<Api>(sock, t.group, nic, ec);
        if (ec)
          return refuse("read the filter of " + name, ec);
        std::vector<std::string> held;
        for (const auto& h : f.sources)
          held.push_back(h.to_string());
        const char* mode = f.mode == mcast::filter_mode::include ? "INCLUDE" : "EXCLUDE";
        if (o.json) {
          std::printf("{\"event\":\"filter\",\"group\":%s,\"mode\":\"%s\",\"sources\":%s}\n", json_text(name).c_str(),
                      f.mode == mcast::filter_mode::include ? "include" : "exclude", json_list(held).c_str());
        } else {
          std::printf("filter %s: %s {", name.c_str(), mode);
          for (const auto& h : held)
            std::printf(" %s", h.c_str());
          std::printf(" }\n");
        }
      }
    }
  }
  for (const auto& p : ports)
    if (p.sockets.size() > 1) {
      if (o.json)
        std::printf("{\"event\":\"sockets\",\"port\":%u,\"sockets\":%zu,\"reason\":%s}\n", p.port, p.sockets.size(),
                    json_text(limit_reason).c_str());
      else
        std::printf("port %u: the groups are spread over %zu sockets; the stack refused more on one: %s\n", p.port,
                    p.sockets.size(), limit_reason.c_str());
    }
  std::fflush(stdout);

  // --echo-group: the echoes leave by a socket of their own, out of --iface (else the stack's
  // choice), TTL 1; each on the port its datagram came to unless the group names one.
  std::optional<example::udp_socket> echo_socket;
  if (o.echo_group) {
    echo_socket.emplace(o.echo_group->family());
    echo_socket->multicast_out(o.nic.value_or(mcast::network_interface::any()), 1, true);
  }
  auto port_of = [&ports](const example::udp_socket* s) {
    for (const auto& p : ports)
      for (const auto& sock : p.sockets)
        if (sock.get() == s)
          return p.port;
    return 0u;
  };

  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  const auto start = std::chrono::steady_clock::now();
  long received = 0;
  stream_table streams;
  interface_names interface_name;
  // Received in batches (mcast::receive_batch: one recvmmsg on Linux) of up to 32 datagrams from
  // one socket, each into a 64 KiB buffer of its own; the loop below takes them one at a time.
  constexpr std::size_t batch_max = 32, slot = 65536;
  std::vector<unsigned char> storage(batch_max * slot);
  std::vector<mcast::receive_buffer> buffers(batch_max);
  for (std::size_t k = 0; k < batch_max; ++k)
    buffers[k] = {storage.data() + k * slot, slot};
  std::vector<mcast::datagram> batch(batch_max);
  std::size_t batch_size = 0, batch_next = 0;
  example::udp_socket* batch_socket = nullptr;
  // What the kernel dropped before mcast-join read it: each socket's counter as last seen.
  std::map<const example::udp_socket*, std::uint32_t> drops_seen;
  std::uint64_t kernel_drops = 0, drops_reported = 0;
  std::vector<example::udp_socket*> all_sockets, ready; // ready: from the last wait, not read yet
  for (const auto& p : ports)
    for (const auto& sock : p.sockets)
      all_sockets.push_back(sock.get());
  std::vector<mcast::detail::native_handle_type> keeper_handles;
  for (const auto& [sock_of, k] : keepers)
    keeper_handles.push_back(k->native_handle());
  int status = o.count > 0 ? 1 : 0;
  // --live only where a screen can be redrawn; elsewhere the lines, as without it.
  const bool live = o.live && !o.json && example::live::open_terminal();
  if (o.live && !live)
    std::fprintf(stderr, "mcast-join: --live needs a terminal and no --json: printing lines\n");
  const double period = live && o.interval <= 0 ? 0.5 : o.interval;
  bool first_frame = true;
  double reported = 0, next_report = period; // seconds since the start
  while (interrupted == 0) {
    int wait_ms = 200; // short waits, so that Ctrl-C is seen soon
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (o.timeout >= 0) {
      const double left = o.timeout - elapsed;
      if (left <= 0)
        break;
      wait_ms = (std::min)(wait_ms, static_cast<int>(left * 1000) + 1);
    }
    if (period > 0) {
      if (elapsed >= next_report) {
        if (live) {
          draw_live(streams, reported, elapsed, std::exchange(first_frame, false), kernel_drops);
        } else {
          print_interval(o, streams, reported, elapsed);
          print_drops(o, kernel_drops - std::exchange(drops_reported, kernel_drops), reported, elapsed);
        }
        reported = elapsed;
        while (next_report <= elapsed)
          next_report += period;
      }
      wait_ms = (std::min)(wait_ms, static_cast<int>((next_report - elapsed) * 1000) + 1);
    }
    for (const auto& [sock_of, k] : keepers) // a debounced re-join or a retry that falls due
      if (const auto t = k->next_timeout())
        wait_ms = (std::min)(wait_ms, static_cast<int>(t->count()) + 1);
    if (batch_next == batch_size) { // the next ready socket's queue, up to batch_max at once
      try {
        if (ready.empty())
          ready = example::wait_any(all_sockets, std::chrono::milliseconds(wait_ms), keeper_handles);
        for (auto& [sock_of, k] : keepers) { // the network's changes, if any (a no-op otherwise)
          std::error_code kec;
          k->handle_events(kec);
          if (kec)
            std::fprintf(stderr, "mcast-join: following network changes: %s\n", kec.message().c_str());
        }
        if (ready.empty())
          continue;
        batch_socket = ready.back();
        ready.pop_back();
        // It is ready: the wait for the first datagram returns at once.
        batch_size = mcast::receive_batch(*batch_socket, buffers.data(), batch.data(), batch_max);
        batch_next = 0;
      } catch (const std::system_error& e) {
        std::fprintf(stderr, "mcast-join: receive: %s\n", e.what());
        return 3;
      }
      if (batch_size == 0)
        continue;
    }
    const std::size_t at = batch_next++;
    const mcast::datagram* const d = &batch[at];
    example::udp_socket* const from_socket = batch_socket;
    if (d->drops) { // the counter when this datagram was queued: what was dropped since the last
      std::uint32_t& last = drops_seen[from_socket];
      kernel_drops += static_cast<std::uint32_t>(*d->drops - last);
      last = *d->drops;
    }
    ++received;
    const auto now = example::stream::now_ns();
    // The group each datagram was sent to (where the stack reports it), then its source.
    const std::string to = d->destination          ? d->destination->to_string()
                           : o.targets.size() == 1 ? o.targets.front().group.to_string()
                                                   : "?";
    const std::string from = d->source.to_string();
    const std::string& via = interface_name(d->interface_index);
    // What the datagram carries: mcast-send's header, RTP, MPEG-TS, or nothing counted.
    using example::payload::kind;
    const unsigned char* bytes = storage.data() + at * slot;
    const std::size_t stored = (std::min)(d->size, slot);
    std::optional<example::stream::header> h;
    std::optional<example::payload::rtp_header> rtp;
    kind what = kind::none;
    if ((o.payload_auto || o.payload == kind::mcast) && (h = example::stream::read(bytes, stored)))
      what = kind::mcast;
    else if ((o.payload_auto || o.payload == kind::ts) && example::payload::is_ts(bytes, stored))
      what = kind::ts;
    else if ((o.payload_auto || o.payload == kind::rtp) && (rtp = example::payload::read_rtp(bytes, stored)))
      what = kind::rtp;
    if (o.echo && h && d->multicast()) // the datagram as it came, back to its sender or to the reply group
      try {
        if (echo_socket)
          echo_socket->send_to(*o.echo_group, static_cast<std::uint16_t>(o.echo_port.value_or(port_of(from_socket))),
                               bytes, stored);
        else
          from_socket->send_unicast(d->source, d->source_port, bytes, stored);
      } catch (const std::system_error& e) {
        std::fprintf(stderr, "mcast-join: echo to %s: %s\n",
                     (o.echo_group ? o.echo_group->to_string() : d->source.to_string()).c_str(), e.what());
      }
    const std::optional<std::uint32_t> session = h     ? std::optional<std::uint32_t>(h->session)
                                                 : rtp ? std::optional<std::uint32_t>(rtp->ssrc)
                                                       : std::nullopt;
    auto& st = streams[stream_key{to, from, what, session}];
    if (h) {
      st.tally.add(*h, now, d->size);
    } else if (rtp) {
      st.tally.add_numbered(st.rtp.extend(rtp->sequence), d->size);
    } else {
      st.tally.add_unnumbered(d->size);
      if (what == kind::ts)
        st.ts.add(bytes, stored);
    }
    if (!o.quiet && !live) {
      const double ms = h ? (static_cast<double>(now) - static_cast<double>(h->sent_ns)) / 1e6 : 0;
      if (o.json) {
        std::printf("{\"event\":\"datagram\",\"group\":%s,\"interface\":%s,\"interface_index\":%u,"
                    "\"source\":%s,\"source_port\":%u,\"size\":%zu,\"truncated\":%s,\"multicast\":%s",
                    json_text(to).c_str(), json_text(via).c_str(), d->interface_index, json_text(from).c_str(),
                    static_cast<unsigned>(d->source_port), d->size, d->truncated ? "true" : "false",
                    d->multicast() ? "true" : "false");
        if (h)
          std::printf(",\"session\":%u,\"seq\":%llu,\"latency_ms\":%.3f", h->session,
                      static_cast<unsigned long long>(h->sequence), ms);
        else if (rtp)
          std::printf(",\"payload\":\"rtp\",\"ssrc\":%u,\"seq\":%u", rtp->ssrc, unsigned{rtp->sequence});
        else if (what == kind::ts)
          std::printf(",\"payload\":\"ts\",\"ts_packets\":%zu", stored / example::payload::ts_packet_size);
        std::printf("}\n");
      } else {
        // A unicast datagram to the same port (the socket is bound to the wildcard) says so.
        std::printf("%s%s from %s: %zu bytes via %s", d->multicast() ? "" : "unicast to ", to.c_str(), from.c_str(),
                    d->size, via.c_str());
        if (h)
          std::printf(", seq %llu, %.3f ms", static_cast<unsigned long long>(h->sequence), ms);
        else if (rtp)
          std::printf(", RTP seq %u", unsigned{rtp->sequence});
        else if (what == kind::ts)
          std::printf(", %zu TS packets", stored / example::payload::ts_packet_size);
        std::printf("%s\n", d->truncated ? " (truncated)" : "");
      }
      std::fflush(stdout);
    }
    if (o.count > 0 && received >= o.count) {
      status = 0;
      break;
    }
  }
  if (live) { // the last frame stays on the screen, the summary below it
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    draw_live(streams, reported, elapsed, first_frame, kernel_drops);
  }
  if (received == 0) {
    if (o.count > 0 || o.timeout >= 0)
      status = 1; // something was expected
    if (!o.json)
      std::printf("no datagrams\n");
  }
  print_summary(o, streams);
  if (!live)
    print_drops(o, kernel_drops - drops_reported, reported, -1);
  if (kernel_drops > 0 && !o.json)
    std::printf("the kernel dropped %llu datagrams before mcast-join read them (receive buffer full: try "
                "--rcvbuf); the streams count them as lost where a later datagram shows the gap\n",
                ull(kernel_drops));
  if (o.json)
    std::printf("{\"event\":\"done\",\"received\":%ld,\"status\":%d,\"kernel_drops\":%s}\n", received, status,
                drops_counted ? std::to_string(kernel_drops).c_str() : "null");
  std::fflush(stdout);
  return status;
}

} // namespace

int main(int argc, char** argv) {
  options o;
  try {
    o = parse(argc, argv);
  } catch (const example::cli::bad_arguments& e) {
    std::fprintf(stderr, "mcast-join: %s\n", e.what.c_str());
    return 2;
  }
  try {
    if (o.list_interfaces)
      return list_interfaces(o);
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
