// mcast::keeper on the real kernel, in the test's private namespace: a veth end deleted and made
// again under its name (a new index) gets every kept membership back -- any-source with its
// blocked source, source-specific with its extra source, a final-state filter -- datagrams
// counted; down then up is checked and reported; the socket's stale entries on the dead index are
// released (igmp_max_memberships); nothing is read or called while nothing changes.
// 198.51.100.0/24 exists only in here.
#include "catch.hpp"
#include "support/hook.hpp"
#include "support/net.hpp"
#include "support/netns.hpp"

#include <mcast/keeper.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

using namespace mcast_test;
namespace o = mcast::option;

namespace {

using steady = std::chrono::steady_clock;

// ip link del NAME
void delete_link(netlink& nl, const char* name) {
  ifinfomsg ifi{};
  ifi.ifi_family = AF_UNSPEC;
  ifi.ifi_index = static_cast<int>(::if_nametoindex(name));
  netlink::message m(RTM_DELLINK, 0, &ifi, sizeof ifi);
  nl.request(m, "RTM_DELLINK");
}

// ip link set NAME down
void link_down(const char* name) {
  const int s = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  ifreq ifr{};
  std::snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", name);
  check_sys(::ioctl(s, SIOCGIFFLAGS, &ifr) == 0, "SIOCGIFFLAGS");
  ifr.ifr_flags = static_cast<short>(ifr.ifr_flags & ~IFF_UP);
  const int r = ::ioctl(s, SIOCSIFFLAGS, &ifr);
  ::close(s);
  check_sys(r == 0, "SIOCSIFFLAGS");
}

// ip route replace DST/32 dev IFINDEX (create: true) or ip route del DST/32 (create: false). IPv6:
// ip -6 route replace multicast DST/128 dev IFINDEX table local (the local table holds the
// interfaces' ff00::/8 routes and is asked first: a route for the group goes there).
void group_route(netlink& nl, const mcast::group& g, unsigned ifindex, bool create) {
  const bool v4 = g.is_v4();
  rtmsg rt{};
  rt.rtm_family = v4 ? AF_INET : AF_INET6;
  rt.rtm_dst_len = v4 ? 32 : 128;
  rt.rtm_table = v4 ? RT_TABLE_MAIN : RT_TABLE_LOCAL;
  rt.rtm_protocol = RTPROT_BOOT;
  rt.rtm_scope = !v4 ? RT_SCOPE_UNIVERSE : create ? RT_SCOPE_LINK : RT_SCOPE_NOWHERE;
  rt.rtm_type = v4 ? RTN_UNICAST : RTN_MULTICAST;
  netlink::message m(create ? RTM_NEWROUTE : RTM_DELROUTE, create ? NLM_F_CREATE | NLM_F_REPLACE : 0, &rt, sizeof rt);
  m.attr(RTA_DST, g.address().data(), v4 ? 4u : 16u);
  if (create) {
    const std::uint32_t oif = ifindex;
    m.attr(RTA_OIF, oif);
  }
  nl.request(m, create ? "RTM_NEWROUTE replace" : "RTM_DELROUTE");
}

// ip addr del TEXT/PREFIX dev IFINDEX
void delete_address(netlink& nl, unsigned ifindex, int family, const char* text, unsigned prefix) {
  ifaddrmsg ifa{};
  ifa.ifa_family = static_cast<unsigned char>(family);
  ifa.ifa_prefixlen = static_cast<unsigned char>(prefix);
  ifa.ifa_index = ifindex;
  netlink::message m(RTM_DELADDR, 0, &ifa, sizeof ifa);
  unsigned char bytes[16];
  ::inet_pton(family, text, bytes);
  m.attr(IFA_LOCAL, bytes, family == AF_INET ? 4u : 16u);
  nl.request(m, "RTM_DELADDR");
}

// The test network: "ka" (198.51.100.1 and .2) and its peer "kb".
void make_pair(netlink& nl) {
  // No IPv6 on the pair: its link-local address (after DAD, a second or two later) would be a
  // network change in the middle of the idle measurement.
  write_file("/proc/sys/net/ipv6/conf/default/disable_ipv6", "1");
  nl.add_local_veth("ka", "kb", "198.51.100.1");
  nl.add_address(::if_nametoindex("ka"), AF_INET, "198.51.100.2", 24);
}

// "ka" made again (by add_veth): its peer up, running, its two addresses back, ready for counts().
void ka_back(netlink& nl) {
  link_up("kb");
  wait_running("ka");
  nl.add_address(::if_nametoindex("ka"), AF_INET, "198.51.100.1", 24);
  nl.add_address(::if_nametoindex("ka"), AF_INET, "198.51.100.2", 24);
}

// Handles the keeper's changes until `done()` or `limit`; returns whether done() came true.
bool pump(mcast::keeper& k, const std::function<bool()>& done, std::chrono::milliseconds limit) {
  const auto end = steady::now() + limit;
  while (!done()) {
    const auto now = steady::now();
    if (now >= end)
      return false;
    int wait = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(end - now).count());
    if (const auto t = k.next_timeout(); t && t->count() < wait)
      wait = static_cast<int>(t->count());
    pollfd p{k.native_handle(), POLLIN, 0};
    (void)::poll(&p, 1, wait);
    k.handle_events();
  }
  return true;
}

// A sender from `from` out of "ka", looped back to this host's members on "ka".
socket_fd sender(const char* from, const char* out = "ka") {
  socket_fd tx = open_udp(mcast::family::v4);
  const auto a = mcast::make_address(from);
  mcast::detail::sockaddr_storage_type sa{};
  a.fill_sockaddr(sa, 0);
  check_sys(::bind(tx, reinterpret_cast<sockaddr*>(&sa), mcast::detail::sockaddr_length(sa)) == 0, "bind");
  mcast::set_option(tx, o::ip_multicast_if{mcast::network_interface::from_name(out)});
  mcast::set_option(tx, o::ip_multicast_loop{true});
  return tx;
}

// The IPv6 twin: a sender from `from` out of `out`, looped back to this host's members there.
socket_fd sender6(const char* from, const char* out) {
  socket_fd tx = open_udp(mcast::family::v6);
  mcast::detail::sockaddr_storage_type sa{};
  mcast::make_address(from).fill_sockaddr(sa, 0);
  check_sys(::bind(tx, reinterpret_cast<sockaddr*>(&sa), mcast::detail::sockaddr_length(sa)) == 0, "bind");
  mcast::set_option(tx, o::ipv6_multicast_if{mcast::network_interface::from_name(out)});
  mcast::set_option(tx, o::ipv6_multicast_loop{true});
  return tx;
}

// How many of 3 datagrams to `g` from `from` out of `out` reach `rx` (IPv4 or IPv6 by `from`).
int arrive(const socket_fd& rx, const mcast::group& g, std::uint16_t port, const char* from, const char* out) {
  drain(rx, std::chrono::milliseconds(1));
  socket_fd tx = mcast::make_address(from).is_v4() ? sender(from, out) : sender6(from, out);
  for (int i = 0; i < 3; ++i)
    send_one(tx, g, port, "x");
  return drain(rx, std::chrono::milliseconds(50))[from];
}

// IPv6 on the veths made next (the pair of make_pair has none), without DAD and without link-local
// addresses: no address comes late, after the keeper's re-join (wait_igmp6 waits for the
// solicited-node group of those the test adds).
struct ipv6_on {
  ipv6_on() {
    write_file("/proc/sys/net/ipv6/conf/default/disable_ipv6", "0");
    write_file("/proc/sys/net/ipv6/conf/default/accept_dad", "0");
    write_file("/proc/sys/net/ipv6/conf/default/addr_gen_mode", "1");
  }
  ~ipv6_on() { write_file("/proc/sys/net/ipv6/conf/default/addr_gen_mode", "0"); }
  ipv6_on(const ipv6_on&) = delete;
  ipv6_on& operator=(const ipv6_on&) = delete;
};

// Waits (at most 2 s) until /proc/net/igmp6 lists `g` on `dev`: the kernel's own joins (the
// solicited-node group of an address) are done, and a join made after them is the newest on `dev`.
bool wait_igmp6(const char* dev, const mcast::group& g) {
  const std::string key = proc_group_key(g);
  for (int i = 0; i < 200; ++i) {
    std::istringstream in(read_file("/proc/net/igmp6"));
    std::string line;
    while (std::getline(in, line)) {
      std::istringstream f(line);
      std::string idx, name, grp;
      if ((f >> idx >> name >> grp) && name == dev && grp == key)
        return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

// Datagrams per (group, source) that reach `rx`: 3 sent from each of .1 and .2 to each group.
std::map<std::string, int> counts(const socket_fd& rx, const std::vector<mcast::group>& groups, std::uint16_t port) {
  drain(rx, std::chrono::milliseconds(1));
  socket_fd s1 = sender("198.51.100.1"), s2 = sender("198.51.100.2");
  for (const auto& g : groups)
    for (int i = 0; i < 3; ++i) {
      send_one(s1, g, port, g.to_string());
      send_one(s2, g, port, g.to_string());
    }
  std::map<std::string, int> c;
  for (int i = 0; i < 1000; ++i) {
    pollfd p{rx.get(), POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0)
      break;
    char buf[256];
    sockaddr_storage from{};
    socklen_t len = sizeof from;
    const ssize_t n = ::recvfrom(rx, buf, sizeof buf - 1, 0, reinterpret_cast<sockaddr*>(&from), &len);
    if (n < 0)
      break;
    c[std::string(buf, static_cast<std::size_t>(n)) + " from " + mcast::address::from_sockaddr(from).to_string()]++;
  }
  return c;
}

// `g` delivered from 198.51.100.1, not from the blocked 198.51.100.2.
void check_second_blocked(const socket_fd& rx, const mcast::group& g, std::uint16_t port) {
  auto c = counts(rx, {g}, port);
  CHECK(c[g.to_string() + " from 198.51.100.1"] == 3);
  CHECK(c[g.to_string() + " from 198.51.100.2"] == 0);
}

// "ka" (make_pair) and "la" (203.0.113.1), a receiver and a fresh group.
struct two_pairs {
  netlink nl;
  unsigned ka = 0, la = 0;
  socket_fd rx;
  std::uint16_t port = 0;
  mcast::group g = fresh_group();
  two_pairs() : rx(open_udp(mcast::family::v4)) {
    make_pair(nl);
    nl.add_local_veth("la", "lb", "203.0.113.1");
    ka = ::if_nametoindex("ka");
    la = ::if_nametoindex("la");
    port = mcast::bind_receiver(rx, mcast::family::v4, 0);
  }
};

struct event_log {
  std::vector<mcast::membership_event> all;
  std::size_t count(mcast::membership_change w) const {
    std::size_t n = 0;
    for (const auto& e : all)
      n += e.what == w ? 1 : 0;
    return n;
  }
};

} // namespace

TEST_CASE("keeper: a re-created interface gets every kept membership back, with its source state", "[netns][keeper]") {
  netlink nl;
  make_pair(nl);
  const unsigned first_index = ::if_nametoindex("ka");
  socket_fd rx = open_udp(mcast::family::v4);
  const std::uint16_t port = mcast::bind_receiver(rx, mcast::family::v4, 0);
  const auto ga = fresh_group(), gs = fresh_group(mcast::family::v4, true), gf = fresh_group();
  const auto s1 = mcast::make_source("198.51.100.1"), s2 = mcast::make_source("198.51.100.2");
  const std::string a1 = ga.to_string() + " from 198.51.100.1", a2 = ga.to_string() + " from 198.51.100.2";
  const std::string ss1 = gs.to_string() + " from 198.51.100.1", ss2 = gs.to_string() + " from 198.51.100.2";
  const std::string f1 = gf.to_string() + " from 198.51.100.1", f2 = gf.to_string() + " from 198.51.100.2";

  mcast::keeper k(rx);
  event_log log;
  k.on_event([&](const mcast::membership_event& e) { log.all.push_back(e); });
  const auto ka = mcast::network_interface::from_name("ka");
  auto conf = k.join_group(ga, ka);
  auto mute = conf.block(s2);
  auto radio = k.join_source_group(gs, s1, ka);
  auto extra = radio.include(s2);
  auto filt = k.join_with_filter(gf, ka, mcast::filter_mode::include, {s2});

  auto before = counts(rx, {ga, gs, gf}, port);
  CHECK(before[a1] == 3);
  CHECK(before[a2] == 0);
  CHECK(before[ss1] == 3);
  CHECK(before[ss2] == 3);
  CHECK(before[f1] == 0);
  CHECK(before[f2] == 3);

  delete_link(nl, "ka");
  REQUIRE(pump(
      k, [&] { return log.count(mcast::membership_change::lost) == 3; }, std::chrono::seconds(2)));
  CHECK(!conf.joined());
  CHECK(conf.index() == 0);

  // Made again: a new index. Recovery: from the link being up to all three made again.
  nl.add_veth("ka", "kb", ::getpid());
  link_up("ka");
  const auto up = steady::now();
  REQUIRE(pump(
      k, [&] { return log.count(mcast::membership_change::restored) >= 3; }, std::chrono::seconds(2)));
  const auto recovery = std::chrono::duration_cast<std::chrono::microseconds>(steady::now() - up);
  std::printf("keeper: re-created interface, memberships back %lld us after the link was up\n",
              static_cast<long long>(recovery.count()));
  CHECK(recovery < std::chrono::milliseconds(100));
  ka_back(nl);
  const unsigned second_index = ::if_nametoindex("ka");
  REQUIRE(second_index != first_index);
  CHECK(conf.index() == second_index);
  CHECK(radio.index() == second_index);
  CHECK(filt.index() == second_index);
  CHECK(conf.joined());

  auto after = counts(rx, {ga, gs, gf}, port);
  CHECK(after[a1] == 3);
  CHECK(after[a2] == 0); // still blocked
  CHECK(after[ss1] == 3);
  CHECK(after[ss2] == 3); // still included
  CHECK(after[f1] == 0);
  CHECK(after[f2] == 3);
  // The kernel lists each group on the new index only.
  CHECK(kernel_group_interface(ga) == second_index);
  CHECK(kernel_group_interface(gs) == second_index);
  CHECK(kernel_group_interface(gf) == second_index);

  // Down then up: reported lost, then restored (the kernel kept it: nothing re-applied).
  log.all.clear();
  link_down("ka");
  REQUIRE(pump(
      k, [&] { return log.count(mcast::membership_change::lost) == 3; }, std::chrono::seconds(2)));
  link_up("ka");
  REQUIRE(pump(
      k, [&] { return log.count(mcast::membership_change::restored) == 3; }, std::chrono::seconds(2)));
  for (const auto& e : log.all)
    if (e.what == mcast::membership_change::restored)
      CHECK(!e.reapplied);
  wait_running("ka");
  auto again = counts(rx, {ga, gs, gf}, port);
  CHECK(again[a1] == 3);
  CHECK(again[a2] == 0);
  CHECK(again[ss2] == 3);
  CHECK(again[f2] == 3);

  // Nothing changes: no wake-up, no call.
  pump(
      k, [] { return false; }, std::chrono::milliseconds(300)); // settle what is in flight
  const std::size_t calls = k.membership_calls();
  {
    syscall_recorder rec; // the library's socket calls while idle: none
    CHECK(!k.next_timeout());
    pollfd p{k.native_handle(), POLLIN, 0};
    CHECK(::poll(&p, 1, 5000) == 0); // 5 s without a wake-up
    k.handle_events();               // nothing pending: a no-op (one read that finds nothing)
    CHECK(rec.count() == 0);
  }
  CHECK(k.membership_calls() == calls);

  // Unblocking and dropping still work on the memberships made again.
  mute.unblock();
  extra.drop();
  auto last = counts(rx, {ga, gs}, port);
  CHECK(last[a2] == 3);
  CHECK(last[ss2] == 0);
  delete_link(nl, "ka");
}

TEST_CASE("keeper: 50 delete / re-create cycles with igmp_max_memberships 20 and 20 kept groups", "[netns][keeper]") {
  netlink nl;
  make_pair(nl);
  REQUIRE(write_file("/proc/sys/net/ipv4/igmp_max_memberships", "20"));
  socket_fd rx = open_udp(mcast::family::v4);
  const std::uint16_t port = mcast::bind_receiver(rx, mcast::family::v4, 0);
  mcast::keeper k(rx);
  std::size_t restored = 0, failed = 0;
  k.on_event([&](const mcast::membership_event& e) {
    restored += e.what == mcast::membership_change::restored ? 1 : 0;
    failed += e.what == mcast::membership_change::retrying || e.what == mcast::membership_change::failed ? 1 : 0;
  });
  std::vector<mcast::group> groups;
  std::vector<mcast::kept_any_source_membership> kept;
  for (int i = 0; i < 20; ++i) {
    groups.push_back(fresh_group());
    kept.push_back(k.join_group(groups.back(), mcast::network_interface::from_name("ka")));
  }
  std::chrono::microseconds worst{0};
  std::vector<long long> times;
  for (int cycle = 0; cycle < 50; ++cycle) {
    INFO("cycle " << cycle);
    delete_link(nl, "ka");
    nl.add_veth("ka", "kb", ::getpid());
    link_up("ka");
    const auto up = steady::now();
    const std::size_t want = restored + 20;
    REQUIRE(pump(
        k, [&] { return restored >= want || failed > 0; }, std::chrono::seconds(2)));
    REQUIRE(failed == 0);
    const auto t = std::chrono::duration_cast<std::chrono::microseconds>(steady::now() - up);
    times.push_back(t.count());
    worst = (std::max)(worst, t);
    // The handles' next step is the next cycle: no stale entry is left on the socket (else the
    // 21st entry would be refused with ENOBUFS).
  }
  std::sort(times.begin(), times.end());
  std::printf("keeper: 50 cycles x 20 groups: recovery median %lld us, worst %lld us\n", times[times.size() / 2],
              static_cast<long long>(worst.count()));
  ka_back(nl);
  auto c = counts(rx, groups, port);
  for (const auto& g : groups)
    CHECK(c[g.to_string() + " from 198.51.100.1"] == 3);
  for (const auto& m : kept)
    CHECK(m.index() == ::if_nametoindex("ka"));
  kept.clear();
  delete_link(nl, "ka");
}

TEST_CASE("keeper: bad input -- a closed socket, a second keeper on a socket", "[netns][keeper]") {
  std::error_code ec;
  mcast::keeper closed(-1, ec);
  CHECK(ec == std::errc::bad_file_descriptor);
  CHECK(closed.native_handle() == mcast::detail::invalid_native_handle);
  closed.handle_events(ec); // a keeper that failed to open: a clear error, not a crash
  CHECK(ec == mcast::errc::not_joined);
  socket_fd rx = open_udp(mcast::family::v4);
  mcast::keeper first(rx);
  mcast::keeper second(rx, ec);
  CHECK(ec == std::errc::device_or_resource_busy);
  CHECK_THROWS_AS(mcast::keeper(rx), std::system_error);
  first.handle_events(ec); // nothing pending
  CHECK(!ec);
}

TEST_CASE("keeper: a socket is known by its identity, not its number (a closed socket's number reused)",
          "[netns][keeper]") {
  // Socket A with a keeper and a kept membership; A closed while its keeper lives; socket B gets
  // A's number: B takes a keeper of its own, a second one on B is refused, and the old keeper
  // never acts on B.
  netlink nl;
  make_pair(nl);
  const auto g = fresh_group();
  std::error_code ec;
  const int number = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  REQUIRE(number >= 0);
  auto old = std::make_unique<mcast::keeper>(number);
  event_log log;
  old->on_event([&](const mcast::membership_event& e) { log.all.push_back(e); });
  auto kept = old->join_group(g, mcast::network_interface::from_name("ka"));
  ::close(number);
  socket_fd b = open_udp(mcast::family::v4);
  if (b.get() != number) { // the lowest free number is the usual pick; make sure of it
    REQUIRE(::dup3(b.get(), number, O_CLOEXEC) == number);
    b = socket_fd(number);
  }
  REQUIRE(b.get() == number);
  mcast::keeper fresh(b, ec);
  CHECK(!ec);
  mcast::keeper second(b, ec);
  CHECK(ec == std::errc::device_or_resource_busy);

  // The old keeper sees ka made again and would re-join: not on B.
  delete_link(nl, "ka");
  nl.add_veth("ka", "kb", ::getpid());
  link_up("ka");
  pump(
      *old, [&] { return log.count(mcast::membership_change::retrying) == 1; }, std::chrono::seconds(2));
  REQUIRE(log.count(mcast::membership_change::retrying) == 1);
  CHECK(log.all.back().error == std::errc::bad_file_descriptor);
  CHECK(kernel_group_interface(g) == 0); // B joined nothing
  CHECK(!kept.joined());

  old.reset(); // the old keeper's going removes its own entry, not B's
  mcast::keeper third(b, ec);
  CHECK(ec == std::errc::device_or_resource_busy);
  delete_link(nl, "ka");
}

TEST_CASE("keeper: any() follows the route to its group, and the moved event names both interfaces",
          "[netns][keeper]") {
  two_pairs net;
  netlink& nl = net.nl;
  const unsigned ka = net.ka, la = net.la;
  const socket_fd& rx = net.rx;
  const std::uint16_t port = net.port;
  const mcast::group g = net.g;
  group_route(nl, g, ka, true);
  mcast::keeper k(rx);
  event_log log;
  k.on_event([&](const mcast::membership_event& e) { log.all.push_back(e); });
  auto m = k.join_group(g, mcast::network_interface::any());
  REQUIRE(m.index() == ka);
  CHECK(arrive(rx, g, port, "198.51.100.1", "ka") == 3);
  CHECK(arrive(rx, g, port, "203.0.113.1", "la") == 0);

  group_route(nl, g, la, true); // the route moves
  REQUIRE(pump(
      k, [&] { return m.index() == la; }, std::chrono::seconds(2)));
  REQUIRE(log.count(mcast::membership_change::moved) == 1);
  const auto& moved = log.all.back();
  CHECK(moved.what == mcast::membership_change::moved);
  CHECK(moved.old_index == ka);
  CHECK(moved.index == la);
  CHECK(arrive(rx, g, port, "198.51.100.1", "ka") == 0);
  CHECK(arrive(rx, g, port, "203.0.113.1", "la") == 3);
  CHECK(kernel_group_interface(g) == la);

  // The route removed: the group's route is 224.0.0.0/4 on lo again.
  group_route(nl, g, 0, false);
  REQUIRE(pump(
      k, [&] { return m.index() == ::if_nametoindex("lo"); }, std::chrono::seconds(2)));
  CHECK(log.all.back().old_index == la);
  CHECK(arrive(rx, g, port, "203.0.113.1", "la") == 0);
  m.leave();
  CHECK(kernel_group_interface(g) == 0); // on no interface
  delete_link(nl, "ka");
  delete_link(nl, "la");
}

TEST_CASE("keeper: a refused re-join is retried, reported once, and leaves nothing half made (fault injection)",
          "[netns][keeper][faults]") {
  netlink nl;
  make_pair(nl);
  socket_fd rx = open_udp(mcast::family::v4);
  const std::uint16_t port = mcast::bind_receiver(rx, mcast::family::v4, 0);
  const auto g = fresh_group();
  mcast::keeper_options opts;
  opts.retry_first = std::chrono::milliseconds(20);
  mcast::keeper k(rx, opts);
  event_log log;
  k.on_event([&](const mcast::membership_event& e) { log.all.push_back(e); });
  auto m = k.join_group(g, mcast::network_interface::from_name("ka"));
  auto mute = m.block(mcast::make_source("198.51.100.2"));
  for (const int failing : {MCAST_JOIN_GROUP, MCAST_BLOCK_SOURCE}) {
    INFO("the re-join's " << (failing == MCAST_JOIN_GROUP ? "join" : "block") << " is refused");
    log.all.clear();
    delete_link(nl, "ka");
    {
      syscall_recorder rec;
      rec.fail_options({failing}, ENOBUFS);
      nl.add_veth("ka", "kb", ::getpid());
      link_up("ka");
      REQUIRE(pump(
          k, [&] { return log.count(mcast::membership_change::retrying) == 1; }, std::chrono::seconds(2)));
      // Retried while the fault lasts, still reported once; nothing half made in the kernel.
      pump(
          k, [] { return false; }, std::chrono::milliseconds(150));
      CHECK(rec.failed >= 2);
      CHECK(log.count(mcast::membership_change::retrying) == 1);
      CHECK(kernel_group_interface(g) == 0); // on no interface
      CHECK(!m.joined());
    }
    REQUIRE(pump(
        k, [&] { return log.count(mcast::membership_change::restored) == 1; }, std::chrono::seconds(3)));
    CHECK(m.joined());
    CHECK(log.all.back().error == std::error_code());
    ka_back(nl);
    check_second_blocked(rx, g, port);
  }
  // Destroying the kept handle leaves, as an ordinary handle does, and it is followed no more.
  mute.unblock();
  m.leave();
  CHECK(kernel_group_interface(g) == 0); // on no interface
  log.all.clear();
  delete_link(nl, "ka");
  pump(
      k, [] { return false; }, std::chrono::milliseconds(100));
  CHECK(log.all.empty());
}

TEST_CASE("keeper: an interface named by its address follows the address", "[netns][keeper]") {
  two_pairs net;
  netlink& nl = net.nl;
  const unsigned ka = net.ka, la = net.la;
  const socket_fd& rx = net.rx;
  const std::uint16_t port = net.port;
  const mcast::group g = net.g;
  mcast::keeper k(rx);
  event_log log;
  k.on_event([&](const mcast::membership_event& e) { log.all.push_back(e); });
  auto m = k.join_group(g, mcast::make_address("198.51.100.2"));
  REQUIRE(m.index() == ka);
  // The address moves from ka to la.
  delete_address(nl, ka, AF_INET, "198.51.100.2", 24);
  nl.add_address(la, AF_INET, "198.51.100.2", 24);
  REQUIRE(pump(
      k, [&] { return m.index() == la; }, std::chrono::seconds(2)));
  CHECK(log.count(mcast::membership_change::lost) == 1);
  REQUIRE(log.count(mcast::membership_change::moved) == 1);
  CHECK(log.all.back().old_index == ka);
  CHECK(log.all.back().index == la);
  CHECK(kernel_group_interface(g) == la);
  drain(rx, std::chrono::milliseconds(1));
  socket_fd tx = sender("203.0.113.1", "la");
  for (int i = 0; i < 3; ++i)
    send_one(tx, g, port, "x");
  CHECK(drain(rx, std::chrono::milliseconds(50))["203.0.113.1"] == 3);
  m.leave();
  delete_link(nl, "ka");
  delete_link(nl, "la");
}

TEST_CASE("keeper: IPv6 -- a re-created interface gets its source state back (a block, a source-specific join)",
          "[netns][keeper]") {
  netlink nl;
  ipv6_on v6;
  // Both addresses end in ::1: one solicited-node group, joined by the kernel with the first.
  const auto solicited = mcast::make_group("ff02::1:ff00:1");
  nl.add_local_veth("6a", "6b", "192.0.2.1", "2001:db8:60::1");
  nl.add_address(::if_nametoindex("6a"), AF_INET6, "2001:db8:61::1", 64);
  REQUIRE(wait_igmp6("6a", solicited));
  const unsigned first = ::if_nametoindex("6a");
  socket_fd rx = open_udp(mcast::family::v6);
  const std::uint16_t port = mcast::bind_receiver(rx, mcast::family::v6, 0);
  const auto g = fresh_group(mcast::family::v6, true), ga = fresh_group(mcast::family::v6);
  const auto src = mcast::make_source("2001:db8:60::1"), noisy = mcast::make_source("2001:db8:61::1");
  mcast::keeper k(rx);
  event_log log;
  k.on_event([&](const mcast::membership_event& e) { log.all.push_back(e); });
  const auto nic = mcast::network_interface::from_name("6a");
  auto radio = k.join_source_group(g, src, nic);
  auto conf = k.join_group(ga, nic); // joined last: /proc/net/mcfilter6 lists 6a's rows (net.hpp)
  auto mute = conf.block(noisy);
  auto state = [&] {
    CHECK(arrive(rx, g, port, "2001:db8:60::1", "6a") == 3);
    CHECK(arrive(rx, g, port, "2001:db8:61::1", "6a") == 0); // not included
    CHECK(arrive(rx, ga, port, "2001:db8:60::1", "6a") == 3);
    CHECK(arrive(rx, ga, port, "2001:db8:61::1", "6a") == 0);        // blocked
    CHECK(kernel_source_counts(g, src, "6a") == std::pair(1, 0));    // INCLUDE {src}
    CHECK(kernel_source_counts(ga, noisy, "6a") == std::pair(0, 1)); // EXCLUDE {noisy}
  };
  state();
  delete_link(nl, "6a");
  REQUIRE(pump(
      k, [&] { return log.count(mcast::membership_change::lost) == 2; }, std::chrono::seconds(2)));
  nl.add_local_veth("6a", "6b", "192.0.2.1", "2001:db8:60::1");
  nl.add_address(::if_nametoindex("6a"), AF_INET6, "2001:db8:61::1", 64);
  REQUIRE(wait_igmp6("6a", solicited));
  REQUIRE(pump(
      k, [&] { return log.count(mcast::membership_change::restored) >= 2; }, std::chrono::seconds(2)));
  const unsigned second = ::if_nametoindex("6a");
  REQUIRE(second != first);
  CHECK(radio.index() == second);
  CHECK(conf.index() == second);
  CHECK(kernel_group_interface(g) == second);
  CHECK(kernel_group_interface(ga) == second);
  state();
  mute.unblock();
  CHECK(arrive(rx, ga, port, "2001:db8:61::1", "6a") == 3);
  conf.leave();
  radio.leave();
  CHECK(kernel_group_interface(g) == 0);
  CHECK(kernel_group_interface(ga) == 0);
  delete_link(nl, "6a");
}

TEST_CASE("keeper: IPv6 -- any() follows the route to its group, and the moved event names both interfaces",
          "[netns][keeper]") {
  netlink nl;
  ipv6_on v6;
  nl.add_local_veth("6c", "6d", "192.0.2.3", "2001:db8:61::1");
  nl.add_local_veth("6e", "6f", "192.0.2.5", "2001:db8:62::1");
  const unsigned c = ::if_nametoindex("6c"), e = ::if_nametoindex("6e");
  socket_fd rx = open_udp(mcast::family::v6);
  const std::uint16_t port = mcast::bind_receiver(rx, mcast::family::v6, 0);
  const auto g = fresh_group(mcast::family::v6);
  group_route(nl, g, c, true);
  mcast::keeper k(rx);
  event_log log;
  k.on_event([&](const mcast::membership_event& ev) { log.all.push_back(ev); });
  auto m = k.join_group(g, mcast::network_interface::any());
  REQUIRE(m.index() == c);
  CHECK(kernel_group_interface(g) == c);
  CHECK(arrive(rx, g, port, "2001:db8:61::1", "6c") == 3);
  CHECK(arrive(rx, g, port, "2001:db8:62::1", "6e") == 0);

  group_route(nl, g, e, true); // ip -6 route replace: the route moves
  REQUIRE(pump(
      k, [&] { return m.index() == e; }, std::chrono::seconds(2)));
  REQUIRE(log.count(mcast::membership_change::moved) == 1);
  CHECK(log.all.back().what == mcast::membership_change::moved);
  CHECK(log.all.back().old_index == c);
  CHECK(log.all.back().index == e);
  CHECK(log.all.back().group == g);
  CHECK(kernel_group_interface(g) == e); // /proc/net/igmp6: on the new interface only
  CHECK(arrive(rx, g, port, "2001:db8:61::1", "6c") == 0);
  CHECK(arrive(rx, g, port, "2001:db8:62::1", "6e") == 3);

  // And back.
  group_route(nl, g, c, true);
  REQUIRE(pump(
      k, [&] { return m.index() == c; }, std::chrono::seconds(2)));
  CHECK(log.count(mcast::membership_change::moved) == 2);
  CHECK(log.all.back().old_index == e);
  CHECK(kernel_group_interface(g) == c);
  CHECK(arrive(rx, g, port, "2001:db8:61::1", "6c") == 3);
  m.leave();
  CHECK(kernel_group_interface(g) == 0);
  group_route(nl, g, 0, false);
  delete_link(nl, "6c");
  delete_link(nl, "6e");
}

TEST_CASE("keeper: a change costs calls only for the memberships on the interface it touches", "[netns][keeper]") {
  netlink nl;
  make_pair(nl);
  socket_fd rx = open_udp(mcast::family::v4);
  (void)mcast::bind_receiver(rx, mcast::family::v4, 0);
  mcast::keeper k(rx);
  event_log log;
  k.on_event([&](const mcast::membership_event& e) { log.all.push_back(e); });
  std::vector<mcast::kept_any_source_membership> kept;
  for (int i = 0; i < 10; ++i)
    kept.push_back(k.join_group(fresh_group(), mcast::network_interface::from_name("ka")));
  const std::size_t before = k.membership_calls();
  // Another interface comes and goes, with an address and routes: no call for ka's memberships.
  nl.add_local_veth("la", "lb", "203.0.113.1");
  delete_link(nl, "la");
  pump(
      k, [] { return false; }, std::chrono::milliseconds(200));
  CHECK(k.membership_calls() == before);
  CHECK(log.all.empty());
  // ka down: reported, no call; up: one check each.
  link_down("ka");
  REQUIRE(pump(
      k, [&] { return log.count(mcast::membership_change::lost) == 10; }, std::chrono::seconds(2)));
  CHECK(k.membership_calls() == before);
  link_up("ka");
  REQUIRE(pump(
      k, [&] { return log.count(mcast::membership_change::restored) == 10; }, std::chrono::seconds(2)));
  CHECK(k.membership_calls() == before + 10);
  kept.clear();
  delete_link(nl, "ka");
}

TEST_CASE("keeper: a flapping link -- down/up 10 times, then re-created 5 times -- is merged", "[netns][keeper]") {
  netlink nl;
  make_pair(nl);
  socket_fd rx = open_udp(mcast::family::v4);
  const std::uint16_t port = mcast::bind_receiver(rx, mcast::family::v4, 0);
  const auto g = fresh_group();
  const std::string from1 = g.to_string() + " from 198.51.100.1", from2 = g.to_string() + " from 198.51.100.2";
  mcast::keeper k(rx); // the default options: debounce 20 ms
  event_log log;
  k.on_event([&](const mcast::membership_event& e) { log.all.push_back(e); });
  auto m = k.join_group(g, mcast::network_interface::from_name("ka"));
  auto mute = m.block(mcast::make_source("198.51.100.2"));
  const std::size_t calls0 = k.membership_calls();

  // Down/up 10 times faster than the keeper reads: one lost, one restored, one check per up.
  const auto t0 = steady::now();
  for (int i = 0; i < 10; ++i) {
    link_down("ka");
    link_up("ka");
  }
  const auto flaps = std::chrono::duration_cast<std::chrono::microseconds>(steady::now() - t0);
  pump(
      k, [] { return false; }, std::chrono::milliseconds(200));
  std::printf("keeper: 10 down/up flaps in %lld us: %zu lost, %zu restored, %zu calls\n",
              static_cast<long long>(flaps.count()), log.count(mcast::membership_change::lost),
              log.count(mcast::membership_change::restored), k.membership_calls() - calls0);
  CHECK(log.count(mcast::membership_change::lost) == 1);
  CHECK(log.count(mcast::membership_change::restored) == 1);
  CHECK(log.all.size() == 2);
  CHECK(k.membership_calls() - calls0 <= 10); // checks only: Linux kept the membership
  CHECK(m.joined());
  CHECK(kernel_group_interface(g) == ::if_nametoindex("ka"));
  wait_running("ka");
  auto c = counts(rx, {g}, port);
  CHECK(c[from1] == 3);
  CHECK(c[from2] == 0); // still blocked

  // Re-created 5 times, each keeper reading after each change. The default window (20 ms) merges
  // what comes within 20 ms of the last re-join; a second socket's keeper with a window longer
  // than the whole sequence shows the promise exactly: the first re-join at once, the other four
  // re-creations merged into one re-join when the window ends.
  socket_fd rx2 = open_udp(mcast::family::v4);
  (void)mcast::bind_receiver(rx2, mcast::family::v4, 0);
  mcast::keeper_options wide;
  wide.debounce = std::chrono::milliseconds(1000);
  mcast::keeper k2(rx2, wide);
  event_log log2;
  k2.on_event([&](const mcast::membership_event& e) { log2.all.push_back(e); });
  auto m2 = k2.join_group(g, mcast::network_interface::from_name("ka"));
  log.all.clear();
  const auto t1 = steady::now();
  for (int i = 0; i < 5; ++i) {
    delete_link(nl, "ka");
    k.handle_events();
    k2.handle_events();
    nl.add_veth("ka", "kb", ::getpid());
    link_up("ka");
    k.handle_events();
    k2.handle_events();
  }
  const auto cycles = std::chrono::duration_cast<std::chrono::microseconds>(steady::now() - t1);
  REQUIRE(cycles < wide.debounce);
  REQUIRE(pump(
      k, [&] { return m.joined() && !k.next_timeout(); }, std::chrono::seconds(2)));
  REQUIRE(pump(
      k2, [&] { return m2.joined() && !k2.next_timeout(); }, std::chrono::seconds(3)));
  std::printf("keeper: 5 re-creations in %lld us; debounce 20 ms: %zu lost, %zu restored (re-joins); "
              "debounce 1 s: %zu lost, %zu restored\n",
              static_cast<long long>(cycles.count()), log.count(mcast::membership_change::lost),
              log.count(mcast::membership_change::restored), log2.count(mcast::membership_change::lost),
              log2.count(mcast::membership_change::restored));
  CHECK(log2.count(mcast::membership_change::restored) == 2); // one at once, one for the other four
  CHECK(log2.count(mcast::membership_change::lost) == 2);
  CHECK(log2.all.back().what == mcast::membership_change::restored);
  CHECK(log.count(mcast::membership_change::restored) >= 1); // the default window: between 2 and 5
  CHECK(log.count(mcast::membership_change::restored) <= 5);
  CHECK(log.all.back().what == mcast::membership_change::restored);
  const unsigned ka = ::if_nametoindex("ka");
  CHECK(m.index() == ka);
  CHECK(m2.index() == ka);
  CHECK(kernel_group_interface(g) == ka);
  ka_back(nl);
  c = counts(rx, {g}, port);
  CHECK(c[from1] == 3);
  CHECK(c[from2] == 0);
  delete_link(nl, "ka");
}

TEST_CASE("keeper: a re-join refused twice is retried with backoff, reported once, and leaks nothing",
          "[netns][keeper][faults]") {
  netlink nl;
  make_pair(nl);
  socket_fd rx = open_udp(mcast::family::v4);
  const std::uint16_t port = mcast::bind_receiver(rx, mcast::family::v4, 0);
  const auto g = fresh_group();
  const auto noisy = mcast::make_source("198.51.100.2");
  mcast::keeper_options opts;
  opts.retry_first = std::chrono::milliseconds(20);
  auto k = std::make_unique<mcast::keeper>(rx, opts);
  event_log log;
  k->on_event([&](const mcast::membership_event& e) { log.all.push_back(e); });
  auto m = k->join_group(g, mcast::network_interface::from_name("ka"));
  auto mute = m.block(noisy);
  struct two_faults {
    const char* what;
    std::vector<int> options;
    std::size_t times;
  };
  // Two faults: (1) the join refused on the first try and on the first retry; (2) the block
  // refused then its undo (the leave) refused too; (3) the join refused, then on the retry the
  // block refused.
  for (const auto& f : {two_faults{"join twice", {MCAST_JOIN_GROUP}, 2},
                        two_faults{"block, then the leave that undoes it", {MCAST_BLOCK_SOURCE, MCAST_LEAVE_GROUP}, 2},
                        two_faults{"join, then block on the retry", {MCAST_JOIN_GROUP, MCAST_BLOCK_SOURCE}, 2}}) {
    INFO(f.what);
    log.all.clear();
    delete_link(nl, "ka");
    REQUIRE(pump(
        *k, [&] { return log.count(mcast::membership_change::lost) == 1; }, std::chrono::seconds(2)));
    log.all.clear();
    syscall_recorder rec;
    if (f.options.size() == 2 && f.options[1] == MCAST_BLOCK_SOURCE)
      rec.fail_options({MCAST_JOIN_GROUP}, ENOBUFS, 1); // the first join; the block after it below
    else
      rec.fail_options(f.options, ENOBUFS, f.times);
    nl.add_veth("ka", "kb", ::getpid());
    link_up("ka");
    const auto up = steady::now();
    REQUIRE(pump(
        *k, [&] { return log.count(mcast::membership_change::retrying) == 1; }, std::chrono::seconds(2)));
    if (f.options.size() == 2 && f.options[1] == MCAST_BLOCK_SOURCE)
      rec.fail_options({MCAST_BLOCK_SOURCE}, ENOBUFS, 1); // the retry's block
    REQUIRE(pump(
        *k, [&] { return log.count(mcast::membership_change::restored) == 1; }, std::chrono::seconds(3)));
    const auto recovery = std::chrono::duration_cast<std::chrono::microseconds>(steady::now() - up);
    std::printf("keeper: two faults (%s): %zu calls failed, restored after %lld us\n", f.what, rec.failed,
                static_cast<long long>(recovery.count()));
    CHECK(rec.failed == 2);
    CHECK(log.count(mcast::membership_change::retrying) == 1); // once per state change
    CHECK(log.count(mcast::membership_change::failed) == 0);
    CHECK(log.all.size() == 2); // retrying, restored
    // Backoff: the second retry comes 20 + 40 ms after the first refusal at the earliest.
    if (f.options[0] == MCAST_JOIN_GROUP && f.times == 2 && f.options.size() == 1)
      CHECK(recovery >= std::chrono::milliseconds(60));
    CHECK(m.joined());
    CHECK(kernel_group_interface(g) == ::if_nametoindex("ka"));
    CHECK(kernel_source_counts(g, noisy, "ka") == std::pair(0, 1)); // the block is back, once
    ka_back(nl);
    check_second_blocked(rx, g, port);
  }
  // Nothing the user cannot remove: the keeper and the handles gone, the socket (still open)
  // holds no membership and no source.
  k.reset();
  mute.unblock();
  m.leave();
  CHECK(kernel_group_interface(g) == 0);
  CHECK(kernel_source_counts(g, noisy, "ka") == std::pair(-1, -1));
  CHECK(read_file("/proc/net/igmp").find(proc_group_key(g)) == std::string::npos);
  delete_link(nl, "ka");
}
