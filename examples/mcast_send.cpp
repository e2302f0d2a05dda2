// mcast-send: send numbered datagrams to a group -- the sender side of a multicast check, with
// mcast-join (or any receiver) on the other. Each datagram carries a session, a sequence number
// and its send time (examples/stream.hpp), from which mcast-join counts loss, duplicates,
// reordering and latency.
//
//   mcast-send -p 5000 239.1.2.3                          10 datagrams, 10 per second, the route's interface
//   mcast-send -p 5000 -i eth1 -s 192.0.2.7 --ttl 4 239.1.2.3 -c 1000 -r 200 --size 1200
//   mcast-send -p 5000 -i lo ff15::1234                   IPv6
//
// Exit codes: 0 all sent, 2 bad arguments, 3 the stack refused (socket, bind, option, send).
#include <mcast/mcast.hpp>

#include "cli.hpp"
#include "stream.hpp"
#include "udp.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace {

const char* const usage_text =
    "usage: mcast-send [options] GROUP[+N][:PORT] [GROUP...]\n"
    "\n"
    "Sends numbered datagrams (session, sequence number, send time) to each GROUP; mcast-join\n"
    "counts what arrives, what was lost, duplicated or reordered, and the latency.\n"
    "  GROUP+N              N consecutive groups from GROUP (239.1.1.1+100: .1 to .100)\n"
    "  GROUP:PORT           sent to PORT instead of --port ([IPV6-GROUP]:PORT for IPv6)\n"
    "With several groups, each round sends one datagram to every group, in the order given:\n"
    "--count and --rate count rounds (each group gets --count datagrams, --rate a second).\n"
    "\n"
    "options:\n"
    "  -p, --port N         destination UDP port (required unless every group names its port)\n"
    "  -i, --iface IF       outbound interface: name, index or address (IP_MULTICAST_IF /\n"
    "                       IPV6_MULTICAST_IF; default: the one holding --source, else the route's)\n"
    "  -s, --source ADDR    send from this address (bind): what receivers' source filters name\n"
    "      --ttl N          IP_MULTICAST_TTL / IPV6_MULTICAST_HOPS, 0..255 (default 1: this link)\n"
    "      --dscp N         DS field code point, 0..63 (46: expedited forwarding), sent with ECN 0\n"
    "                       (IP_TOS / IPV6_TCLASS = N * 4; Windows may send 0 unless its QoS policy\n"
    "                       allows)\n"
    "      --loop           loop datagrams back to receivers on this host (default)\n"
    "      --no-loop        do not (POSIX: the sender decides; Windows: the receiver does)\n"
    "  -c, --count N        datagrams to send (default 10, or no limit with --duration; 0: until\n"
    "                       interrupted)\n"
    "  -d, --duration SEC   stop sending after SEC seconds, fractions allowed (and after --count\n"
    "                       datagrams, if given)\n"
    "  -r, --rate N         datagrams per second (default 10; 0: as fast as possible)\n"
    "      --size N         bytes per datagram, 24..65000 (default 64)\n"
    "      --batch N        send N datagrams per system call to each group, 1..1024 (default 1;\n"
    "                       mcast::send_batch: Linux UDP GSO or sendmmsg, a loop elsewhere); --rate still\n"
    "                       counts datagrams, sent in bursts of N\n"
    "      --session N      session number (default: random), to continue a stream with --first\n"
    "      --first N        first sequence number (default 0)\n"
    "      --json           report as JSON, one object per line\n"
    "      --rtt            measure the round trip: read the echoes of mcast-join --echo on this\n"
    "                       socket (by unicast), and report per responder replies, lost and\n"
    "                       min/avg/max/stddev, as omping does (the send times are this host's:\n"
    "                       no clocks need to agree); waits up to 1 s after the last datagram\n"
    "      --rtt-group G[:PORT]  --rtt with the echoes sent to group G (mcast-join --echo-group G):\n"
    "                       joined on --iface, received on PORT (default: the first group's port)\n"
    "  -q, --quiet          print nothing but errors\n"
    "      --version        print the version\n"
    "  -h, --help           this text\n"
    "\n"
    "exit status: 0 all sent, 2 bad arguments, 3 refused by the stack\n";

struct target {
  mcast::group group;
  std::optional<unsigned> port; // GROUP:PORT; else --port
};

struct options {
  std::vector<target> targets;
  std::optional<unsigned> port;
  std::optional<mcast::network_interface> nic;
  std::optional<mcast::source> source;
  int ttl = 1;
  std::optional<int> dscp;
  bool loop = true;
  std::optional<long long> count; // default: 10, or no limit with --duration
  std::optional<double> duration;
  long long rate = 10;
  long long size = 64;
  long long batch = 1;
  std::optional<std::uint32_t> session;
  unsigned long long first = 0;
  bool json = false;
  bool quiet = false;
  bool rtt = false;
  std::optional<mcast::group> rtt_group; // --rtt-group: the echoes come to this group
  std::optional<unsigned> rtt_port;      // on this port (default: the first group's)
};

using example::cli::bad;

options parse(int argc, char** argv) {
  options o;
  auto value = [&](int& i, const std::string& flag) { return example::cli::value(argc, argv, i, flag); };
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "-h" || a == "--help") {
      std::fputs(usage_text, stdout);
      std::exit(0);
    } else if (a == "--version") {
      std::printf("mcast-send %d.%d.%d\n", MCAST_VERSION_MAJOR, MCAST_VERSION_MINOR, MCAST_VERSION_PATCH);
      std::exit(0);
    } else if (a == "-p" || a == "--port") {
      o.port = static_cast<unsigned>(example::cli::number(a, value(i, a), 1, 65535));
    } else if (a == "-i" || a == "--iface") {
      o.nic = example::cli::nic(value(i, a));
    } else if (a == "-s" || a == "--source") {
      o.source = example::cli::source(value(i, a));
    } else if (a == "--ttl") {
      o.ttl = static_cast<int>(example::cli::number(a, value(i, a), 0, 255));
    } else if (a == "--dscp") {
      o.dscp = static_cast<int>(example::cli::number(a, value(i, a), 0, 63));
    } else if (a == "--loop" || a == "--no-loop") {
      o.loop = a == "--loop";
    } else if (a == "-c" || a == "--count") {
      o.count = example::cli::number(a, value(i, a), 0, 1LL << 40);
    } else if (a == "-d" || a == "--duration") {
      o.duration = example::cli::seconds(a, value(i, a), 0, 31536000);
    } else if (a == "-r" || a == "--rate") {
      o.rate = example::cli::number(a, value(i, a), 0, 10000000);
    } else if (a == "--batch") {
      o.batch = example::cli::number(a, value(i, a), 1, 1024);
    } else if (a == "--size") {
      o.size = example::cli::number(a, value(i, a), static_cast<long long>(example::stream::header_size), 65000);
    } else if (a == "--session") {
      o.session = static_cast<std::uint32_t>(example::cli::number(a, value(i, a), 0, 0xffffffffLL));
    } else if (a == "--first") {
      o.first = static_cast<unsigned long long>(example::cli::number(a, value(i, a), 0, 1LL << 62));
    } else if (a == "--json") {
      o.json = true;
    } else if (a == "-q" || a == "--quiet") {
      o.quiet = true;
    } else if (a == "--rtt") {
      o.rtt = true;
    } else if (a == "--rtt-group") {
      const auto reply = example::cli::single_group(a, value(i, a));
      o.rtt = true;
      o.rtt_group = reply.group;
      o.rtt_port = reply.port;
    } else if (!a.empty() && a[0] == '-') {
      bad("unknown option '" + a + "' (see --help)");
    } else {
      const auto spec = example::cli::groups(a);
      for (const auto& g : spec.groups)
        o.targets.push_back(target{g, spec.port});
    }
  }
  example::cli::settle_groups(o.targets, o.port);
  if (o.source && o.source->family() != o.targets.front().group.family())
    bad("--source " + o.source->to_string() + " and group " + o.targets.front().group.to_string() +
        " are not the same family");
  if (o.rtt_group && o.rtt_group->family() != o.targets.front().group.family())
    bad("--rtt-group " + o.rtt_group->to_string() + " and group " + o.targets.front().group.to_string() +
        " are not the same family");
  if (!o.count)
    o.count = o.duration ? 0 : 10;
  return o;
}

// Round trips measured from the echoes of each responder (mcast-join --echo), by its address.
class round_trips {
public:
  // Reads every echo queued on `socks` (waiting up to `wait` for the first): ours are the
  // datagrams of this session. Each is timed when it is read, so all sockets are watched at once.
  void read(const std::vector<example::udp_socket*>& socks, std::uint32_t session, std::chrono::milliseconds wait) {
    auto ready = example::wait_any(socks, wait);
    for (int round = 0; round < 1000 && !ready.empty(); ++round) { // bounded
      for (auto* s : ready)
        drain(*s, session);
      ready = example::wait_any(socks, std::chrono::milliseconds(0));
    }
  }
  // Each responder answered every datagram sent (`expected`).
  bool complete(long long expected) const {
    for (const auto& [who, r] : by_responder_)
      if (r.replies < expected)
        return false;
    return !by_responder_.empty();
  }
  void print(bool json, long long expected) const {
    if (by_responder_.empty() && !json)
      std::printf("rtt: no echoes (is mcast-join --echo running, and can its echoes reach this host?)\n");
    for (const auto& [who, r] : by_responder_) {
      const double avg = r.sum / static_cast<double>(r.replies);
      const double sd = example::stream::stddev(static_cast<double>(r.replies), r.sum, r.sum_squares);
      const long long lost = expected > r.replies ? expected - r.replies : 0;
      if (json)
        std::printf("{\"event\":\"rtt\",\"responder\":\"%s\",\"replies\":%lld,\"lost\":%lld,\"min_ms\":%.3f,"
                    "\"avg_ms\":%.3f,\"max_ms\":%.3f,\"stddev_ms\":%.3f}\n",
                    who.c_str(), r.replies, lost, r.min, avg, r.max, sd);
      else
        std::printf("rtt from %s: %lld replies, %lld lost, min/avg/max/stddev %.3f/%.3f/%.3f/%.3f ms\n", who.c_str(),
                    r.replies, lost, r.min, avg, r.max, sd);
    }
  }

private:
  void drain(example::udp_socket& sock, std::uint32_t session) {
    unsigned char buf[65536];
    for (int i = 0; i < 100000; ++i) { // bounded
      const auto d = sock.receive(buf, sizeof buf, std::chrono::milliseconds(0));
      if (!d)
        return;
      const auto h = example::stream::read(buf, d->size);
      if (!h || h->session != session)
        continue;
      const double ms = (static_cast<double>(example::stream::now_ns()) - static_cast<double>(h->sent_ns)) / 1e6;
      auto& r = by_responder_[d->source.to_string()];
      ++r.replies;
      r.sum += ms;
      r.sum_squares += ms * ms;
      r.min = r.replies == 1 ? ms : (std::min)(r.min, ms);
      r.max = r.replies == 1 ? ms : (std::max)(r.max, ms);
    }
  }

  struct stats {
    long long replies = 0;
    double sum = 0, sum_squares = 0, min = 0, max = 0;
  };
  std::map<std::string, stats> by_responder_;
};

int run(const options& o) {
  example::winsock_session winsock;
  const mcast::group& g = o.targets.front().group;
  const auto port = static_cast<std::uint16_t>(*o.targets.front().port);
  // Without --iface, datagrams leave by the interface that holds --source: IPv4 does that by itself
  // (a bound source picks its interface), IPv6 would take the route's, so it is named here.
  auto nic = o.nic.value_or(mcast::network_interface::any());
  if (!o.nic && o.source && o.source->is_v6()) {
    std::error_code ec; // not this host's address: bind below says so
    const auto holder = mcast::network_interface::from_address(o.source->address(), ec);
    if (!ec)
      nic = holder;
  }
  example::udp_socket sock(g.family());
  if (o.source)
    sock.bind_source(*o.source);
  sock.multicast_out(nic, o.ttl, o.loop);
  if (o.dscp) {
    if (g.is_v4())
      mcast::set_option(sock, mcast::option::ip_tos{*o.dscp << 2});
    else
      mcast::set_option(sock, mcast::option::ipv6_tclass{*o.dscp << 2});
  }
  const std::uint32_t session = o.session ? *o.session : static_cast<std::uint32_t>(std::random_device{}());
  // The echoes: by unicast to `sock`, or (--rtt-group) to a group joined on a socket of its own.
  std::vector<example::udp_socket*> echo_sockets{&sock};
  std::optional<example::udp_socket> group_echoes;
  std::optional<mcast::any_source_membership<mcast::api::protocol_independent>>
      echo_membership; // after its socket: leaves first
  if (o.rtt_group) {
    group_echoes.emplace(o.rtt_group->family());
    group_echoes->bind_any(static_cast<std::uint16_t>(o.rtt_port.value_or(port)));
    echo_membership.emplace(mcast::join_group(*group_echoes, *o.rtt_group, nic));
    echo_sockets.push_back(&*group_echoes);
  }

  const long long count = *o.count;
  const std::string where =
      example::endpoint_text(g.address(), port) +
      (o.targets.size() > 1 ? " and " + std::to_string(o.targets.size() - 1) + " more groups" : "");
  if (o.json)
    std::printf("{\"event\":\"start\",\"group\":\"%s\",\"port\":%u,\"groups\":%zu,\"interface\":\"%s\","
                "\"source\":\"%s\",\"session\":%u,\"ttl\":%d,\"loop\":%s,\"size\":%lld,\"count\":%lld,\"rate\":%lld}\n",
                g.to_string().c_str(), static_cast<unsigned>(port), o.targets.size(), nic.to_string().c_str(),
                o.source ? o.source->to_string().c_str() : "", session, o.ttl, o.loop ? "true" : "false", o.size, count,
                o.rate);
  else if (!o.quiet)
    std::printf("sending to %s via %s%s%s, session %u, %lld bytes, ttl %d\n", where.c_str(), nic.to_string().c_str(),
                o.source ? " from " : "", o.source ? o.source->to_string().c_str() : "", session, o.size, o.ttl);
  std::fflush(stdout);

  // One payload per datagram of a batch (each carries its own sequence number and send time).
  std::vector<unsigned char> payloads(static_cast<std::size_t>(o.size * o.batch), 0);
  std::vector<mcast::send_buffer> buffers(static_cast<std::size_t>(o.batch));
  for (std::size_t k = 0; k < buffers.size(); ++k)
    buffers[k] = {payloads.data() + k * static_cast<std::size_t>(o.size), static_cast<std::size_t>(o.size)};
  const auto start = std::chrono::steady_clock::now();
  const auto stop = start + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                std::chrono::duration<double>(o.duration.value_or(0)));
  long long sent = 0;
  round_trips rtt;
  for (long long in_batch = 0; count == 0 || sent < count; sent += in_batch) {
    in_batch = count == 0 ? o.batch : (std::min)(o.batch, count - sent);
    const auto due = start + std::chrono::nanoseconds(o.rate > 0 ? sent * 1000000000LL / o.rate : 0);
    if (o.duration && (std::chrono::steady_clock::now() >= stop || due >= stop))
      break;
    if (o.rate > 0 && !o.rtt)
      std::this_thread::sleep_until(due);
    for (auto now = std::chrono::steady_clock::now(); o.rtt && o.rate > 0 && now < due;
         now = std::chrono::steady_clock::now()) // waiting for the next, take each echo as it arrives
      rtt.read(echo_sockets, session, std::chrono::duration_cast<std::chrono::milliseconds>(due - now));
    example::stream::header h;
    h.session = session;
    for (const auto& t : o.targets) {
      for (long long k = 0; k < in_batch; ++k) {
        h.sequence = o.first + static_cast<unsigned long long>(sent + k);
        h.sent_ns = example::stream::now_ns();
        example::stream::write(payloads.data() + k * o.size, h);
      }
      const auto to_port = static_cast<std::uint16_t>(*t.port);
      const auto n = static_cast<std::size_t>(in_batch);
      if (n == 1)
        sock.send_to(t.group, to_port, payloads.data(), buffers[0].size);
      else // a batch sent in part is continued: each call sends at least one or throws, saying why
        for (std::size_t done = 0; done < n;)
          done += mcast::send_batch(sock, t.group, to_port, buffers.data() + done, n - done);
    }
    if (o.rtt)
      rtt.read(echo_sockets, session, std::chrono::milliseconds(0));
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (o.rtt) { // the last echoes: up to 1 s more, less once every responder has answered all
    const long long expected = sent * static_cast<long long>(o.targets.size());
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(1);
    while (!rtt.complete(expected) && std::chrono::steady_clock::now() < until)
      rtt.read(echo_sockets, session, std::chrono::milliseconds(50));
  }
  if (o.json)
    std::printf("{\"event\":\"done\",\"sent\":%lld,\"seconds\":%.3f,\"groups\":%zu}\n", sent, seconds,
                o.targets.size());
  else if (!o.quiet)
    std::printf("sent %lld datagrams to %s%s in %.3f s\n", sent, o.targets.size() > 1 ? "each of " : "", where.c_str(),
                seconds);
  if (o.rtt && !o.quiet)
    rtt.print(o.json, sent * static_cast<long long>(o.targets.size()));
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  options o;
  try {
    o = parse(argc, argv);
  } catch (const example::cli::bad_arguments& e) {
    std::fprintf(stderr, "mcast-send: %s\n", e.what.c_str());
    return 2;
  }
  try {
    return run(o);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "mcast-send: %s\n", e.what());
    return 3;
  }
}
