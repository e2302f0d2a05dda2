// The contract on its edges, on a real kernel in the test namespace: network_interface::any()
// behaves exactly as the interface the stack picks (lo here: 224.0.0.0/4 and ff00::/8 lead to it),
// and a dual-stack IPv6 socket receives only what its own memberships admit.
#include "catch.hpp"
#include "support/hook.hpp"
#include "support/net.hpp"
#include "support/netns.hpp"

#include <sys/wait.h>

using namespace mcast_test;
using mcast::errc;
using mcast::filter_mode;
namespace o = mcast::option;

namespace {

const mcast::network_interface any_nic = mcast::network_interface::any();

int total(const std::map<std::string, int>& counts) {
  int n = 0;
  for (const auto& [from, c] : counts)
    n += c;
  return n;
}

// An IPv6 UDP socket on [::]:port with IPV6_V6ONLY as asked (SO_REUSEADDR: several on one port).
socket_fd udp6_on(std::uint16_t port, bool v6only) {
  socket_fd s(::socket(AF_INET6, SOCK_DGRAM, 0));
  check_sys(s.get() >= 0, "socket");
  int one = 1, flag = v6only ? 1 : 0;
  ::setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  check_sys(::setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &flag, sizeof flag) == 0, "IPV6_V6ONLY");
  sockaddr_in6 a{};
  a.sin6_family = AF_INET6;
  a.sin6_port = htons(port);
  check_sys(::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0, "bind");
  return s;
}

socket_fd udp4_on(std::uint16_t port) {
  socket_fd s(::socket(AF_INET, SOCK_DGRAM, 0));
  check_sys(s.get() >= 0, "socket");
  int one = 1;
  ::setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  check_sys(::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0, "bind");
  return s;
}

std::uint16_t free_port() {
  std::uint16_t p = 0;
  socket_fd s = udp_receiver(mcast::family::v6, p);
  return p;
}

mcast::family fam_of(int v) { return v == 4 ? mcast::family::v4 : mcast::family::v6; }

} // namespace

// ---- any(): no route leads to the group ------------------------------------------------------

// In a namespace of its own (lo down, no route at all) every join, filter call and sequence on
// any() is refused with errc::no_such_interface after the route lookup, and nothing is joined.
// Runs in a child (a fresh network namespace cannot be left); the exit status carries the result.
TEST_CASE("any() with no route to the group is errc::no_such_interface, nothing joined", "[netns][any]") {
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    int failures = 0;
    if (::unshare(CLONE_NEWNET) != 0)
      ::_exit(100);
    for (int v : {4, 6}) {
      const auto g = fresh_group(fam_of(v), v == 4);
      socket_fd s(::socket(v == 4 ? AF_INET : AF_INET6, SOCK_DGRAM, 0));
      if (s.get() < 0)
        ::_exit(101);
      // Each call stops at the route lookup's answer: it is the last call made, and no option is set.
      syscall_recorder rec;
      auto stopped_at_lookup = [&] {
        return rec.count() > 0 && rec.calls.back().kind == mcast::detail::syscall_kind::route_lookup &&
               rec.count(mcast::detail::syscall_kind::setsockopt) == 0;
      };
      std::error_code ec;
      auto m = mcast::join_group(s.get(), g, any_nic, ec);
      failures += ec != errc::no_such_interface || m.joined() || !stopped_at_lookup();
      rec.clear();
      auto sm =
          mcast::join_source_group(s.get(), g, mcast::make_source(v == 4 ? "192.0.2.1" : "2001:db8::1"), any_nic, ec);
      failures += ec != errc::no_such_interface || sm.joined() || !stopped_at_lookup();
      rec.clear();
      ec.clear();
      (void)mcast::get_source_filter(s.get(), g, any_nic, ec);
      failures += ec != errc::no_such_interface || !stopped_at_lookup();
      rec.clear();
      auto f = mcast::join_with_filter(s.get(), g, any_nic, filter_mode::exclude, std::vector<mcast::source>{}, ec);
      failures += ec != errc::no_such_interface || f.joined() || !stopped_at_lookup();
      rec.clear();
      ec.clear();
      mcast::set_source_filter(s.get(), g, any_nic, filter_mode::exclude, std::vector<mcast::source>{}, ec);
      failures += ec != errc::no_such_interface || !stopped_at_lookup();
      rec.clear();
      ec.clear();
      mcast::apply_sequence(s.get(), ec, o::join_group{g, any_nic});
      failures += ec != errc::no_such_interface || !stopped_at_lookup();
    }
    ::_exit(failures > 99 ? 99 : failures);
  }
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}

// ---- any(): a route that refuses the group ----------------------------------------------------

// A prohibit, blackhole or unreachable route for the group: the kernel's own join on interface 0
// fails with ENODEV (its route lookup fails: no device), while the route lookup mcast makes for
// any() answers EACCES / EINVAL / EHOSTUNREACH. Every call on any() is errc::no_such_interface,
// with the lookup's answer kept as the raw code, and nothing is joined. (The routes are host
// routes in the local table -- consulted first, so they win over 224.0.0.0/4 and ff00::/8 -- for
// groups no other test uses.)
TEST_CASE("any() with a prohibit, blackhole or unreachable route is errc::no_such_interface", "[netns][any]") {
  struct route_kind {
    const char* name;
    unsigned char type;
    int lookup_error;
  };
  netlink nl;
  for (int v : {4, 6})
    for (const route_kind& k :
         {route_kind{"prohibit", RTN_PROHIBIT, EACCES}, route_kind{"blackhole", RTN_BLACKHOLE, EINVAL},
          route_kind{"unreachable", RTN_UNREACHABLE, EHOSTUNREACH}}) {
      INFO("IPv" << v << ", " << k.name << " route");
      const auto g = fresh_group(fam_of(v), v == 4);
      const int af = v == 4 ? AF_INET : AF_INET6;
      nl.add_typed_route(af, g.to_string().c_str(), v == 4 ? 32 : 128, k.type, 0, RT_TABLE_LOCAL);
      socket_fd s(::socket(af, SOCK_DGRAM, 0));
      REQUIRE(s.get() >= 0);
      // What the stack does with interface 0 itself.
      group_req raw{};
      raw.gr_interface = 0;
      const auto sa = g.address().to_sockaddr();
      std::memcpy(&raw.gr_group, &sa, sizeof sa);
      errno = 0;
      CHECK(::setsockopt(s, v == 4 ? IPPROTO_IP : IPPROTO_IPV6, MCAST_JOIN_GROUP, &raw, sizeof raw) == -1);
      CHECK(errno == ENODEV);
      // mcast's calls on any().
      const auto src = mcast::make_source(v == 4 ? "192.0.2.1" : "2001:db8::1");
      std::error_code ec;
      auto m = mcast::join_group(s, g, any_nic, ec);
      CHECK(ec == errc::no_such_interface);
      CHECK(mcast::system_error_of(ec) == std::error_code(k.lookup_error, std::system_category()));
      CHECK(!m.joined());
      auto sm = mcast::join_source_group(s, g, src, any_nic, ec);
      CHECK(ec == errc::no_such_interface);
      CHECK(!sm.joined());
      auto f = mcast::join_with_filter(s, g, any_nic, filter_mode::exclude, {src}, ec);
      CHECK(ec == errc::no_such_interface);
      CHECK(!f.joined());
      mcast::set_source_filter(s, g, any_nic, filter_mode::exclude, {src}, ec);
      CHECK(ec == errc::no_such_interface);
      (void)mcast::get_source_filter(s, g, any_nic, ec);
      CHECK(ec == errc::no_such_interface);
      mcast::apply_sequence(s, ec, o::join_group{g, any_nic});
      CHECK(ec == errc::no_such_interface);
      CHECK(mcast::system_error_of(ec) == std::error_code(k.lookup_error, std::system_category()));
      try {
        (void)mcast::join_group(s, g, any_nic);
        FAIL("join_group did not throw");
      } catch (const std::system_error& e) {
        CHECK(e.code() == errc::no_such_interface);
      }
      CHECK(!kernel_has_group(g));
    }
}

// ---- any(): the route the kernel's own join takes ---------------------------------------------

// The kernel looks the route of a join on interface 0 up as uid 0 (ip_mc_find_dev / rt6_lookup
// fill no uid), whoever calls; RTM_GETROUTE answers for the caller's uid unless the request names
// one (RTA_UID). With a uid rule -- uid 1000's multicast goes by another table and another
// interface -- a non-root program's any() must still resolve to the interface the kernel's own
// join picks. In a namespace of its own, in a child that becomes uid 1000 after setting it up:
// main: 224.0.0.0/4 and ff00::/8 by va29; table 100: both by wa29; rule uidrange 1000-1000 ->
// table 100 (IPv6: the local table, where the kernel puts ff00::/8 for every interface, is moved
// after main, or it would decide before any rule is read).
TEST_CASE("any() resolves as the kernel's own join does for a non-root caller with a uid rule", "[netns][any]") {
  if (::getuid() != 0) {
    WARN("needs real root (a namespace where uid 1000 exists); skipped");
    return;
  }
  const int status = run_in_child_namespace([] {
    int failures = 0;
    netlink nl;
    nl.add_local_veth("va29", "vb29", "198.51.100.1", "2001:db8:a::1");
    nl.add_local_veth("wa29", "wb29", "203.0.113.1", "2001:db8:b::1");
    const unsigned va = ::if_nametoindex("va29"), wa = ::if_nametoindex("wa29");
    nl.add_typed_route(AF_INET, "224.0.0.0", 4, RTN_UNICAST, va);
    nl.add_typed_route(AF_INET, "224.0.0.0", 4, RTN_UNICAST, wa, 100);
    nl.add_typed_route(AF_INET6, "ff00::", 8, RTN_UNICAST, va);
    nl.add_typed_route(AF_INET6, "ff00::", 8, RTN_UNICAST, wa, 100);
    for (int af : {AF_INET, AF_INET6})
      nl.rule(true, af, 100, 100, 1000);
    nl.rule(true, AF_INET6, 150, RT_TABLE_MAIN);
    nl.rule(false, AF_INET6, 0, RT_TABLE_LOCAL);
    nl.rule(true, AF_INET6, 200, RT_TABLE_LOCAL);
    if (::setresgid(1000, 1000, 1000) != 0 || ::setresuid(1000, 1000, 1000) != 0)
      return 77;
    for (int v : {4, 6}) {
      const auto g = fresh_group(fam_of(v));
      const int af = v == 4 ? AF_INET : AF_INET6, level = v == 4 ? IPPROTO_IP : IPPROTO_IPV6;
      // The kernel's own join on interface 0, and where it put the group.
      socket_fd raw(::socket(af, SOCK_DGRAM, 0));
      group_req req{};
      const auto sa = g.address().to_sockaddr();
      std::memcpy(&req.gr_group, &sa, sizeof sa);
      if (::setsockopt(raw, level, MCAST_JOIN_GROUP, &req, sizeof req) != 0) {
        std::fprintf(stderr, "IPv%d: the kernel's join on interface 0 failed: %s\n", v, std::strerror(errno));
        ++failures;
        continue;
      }
      const unsigned kernel_pick = kernel_group_interface(g);
      raw.reset();
      if (kernel_pick != va) { // the setting is as meant: uid 0's route, not uid 1000's
        std::fprintf(stderr, "IPv%d: the kernel's join went to %u, not va29 (%u)\n", v, kernel_pick, va);
        ++failures;
      }
      // mcast's any(), asked by uid 1000.
      socket_fd s(::socket(af, SOCK_DGRAM, 0));
      std::error_code ec;
      auto m = mcast::join_group(s, g, any_nic, ec);
      if (ec || m.nic().index() != kernel_pick || kernel_group_interface(g) != kernel_pick) {
        std::fprintf(stderr, "IPv%d: any() resolved to %u (the kernel's join: %u; wa29 is %u), %s\n", v,
                     m.nic().index(), kernel_pick, wa, ec.message().c_str());
        ++failures;
      }
      const auto f = mcast::get_source_filter(s, g, any_nic, ec); // read where the join is
      failures += ec || f.mode != filter_mode::exclude;
    }
    return failures;
  });
  if (status == 77) {
    WARN("setresuid(1000) refused; skipped");
    return;
  }
  CHECK(status == 0);
}

// ---- any(): the refusal of a source join on an any-source group -----------------------------

TEMPLATE_TEST_CASE(
    "a source join on any() after an any-source join on any() is refused, and the first still hears everyone",
    "[netns][any]", mcast::api::protocol_independent, mcast::api::ipv4) {
  loopback_rig r;
  const auto g = fresh_group();
  auto conf = mcast::join_group<TestType>(r.rx, g, any_nic);
  CHECK(conf.nic() == r.lo); // the interface the stack chose
  std::error_code ec;
  auto radio = mcast::join_source_group<TestType>(r.rx, g, r.s2, any_nic, ec);
  CHECK(ec == errc::already_joined);
  CHECK(!radio.joined());
  CHECK(r.got(g) == std::pair(3, 3)); // Linux would have switched the group to INCLUDE {s2}
  CHECK(!r.filter(g).include);
}

TEST_CASE("a source join on any() after a join on lo (and the reverse) is refused", "[netns][any]") {
  for (int v : {4, 6}) {
    loopback_rig r(false, fam_of(v));
    INFO("IPv" << v);
    const auto g = fresh_group(r.family);
    {
      auto conf = mcast::join_group(r.rx, g, r.lo);
      std::error_code ec;
      auto radio = mcast::join_source_group(r.rx, g, r.s2, any_nic, ec);
      CHECK(ec == errc::already_joined);
      CHECK(r.got(g) == std::pair(3, 3));
    }
    {
      auto conf = mcast::join_group(r.rx, g, any_nic);
      std::error_code ec;
      auto radio = mcast::join_source_group(r.rx, g, r.s2, r.lo, ec);
      CHECK(ec == errc::already_joined);
      CHECK(r.got(g) == std::pair(3, 3));
    }
    CHECK(!kernel_has_group(g));
  }
}

TEST_CASE("apply_sequence with any() refuses a source join on a group joined any-source", "[netns][any]") {
  for (int v : {4, 6}) {
    loopback_rig r(false, fam_of(v));
    INFO("IPv" << v);
    const auto g = fresh_group(r.family);
    auto conf = mcast::join_group(r.rx, g, any_nic);
    std::error_code ec;
    mcast::apply_sequence(r.rx, ec, o::join_source_group{g, r.s2, any_nic});
    CHECK(ec == errc::already_joined);
    CHECK(r.got(g) == std::pair(3, 3));
  }
  loopback_rig r;
  const auto g = fresh_group();
  auto conf = mcast::join_group<mcast::api::ipv4>(r.rx, g, any_nic);
  std::error_code ec;
  mcast::apply_sequence(r.rx, ec, o::ip_add_source_membership{g, r.s2, any_nic});
  CHECK(ec == errc::already_joined);
  CHECK(r.got(g) == std::pair(3, 3));
}

TEST_CASE("apply_sequence with any() works as with lo", "[netns][any]") {
  for (int v : {4, 6}) {
    loopback_rig r(false, fam_of(v));
    INFO("IPv" << v);
    const auto g = fresh_group(r.family);
    mcast::apply_sequence(r.rx, o::join_group{g, any_nic}, o::block_source{g, r.s3, any_nic});
    mcast_test::multicast_all_off(r.rx, v == 6);
    CHECK(r.got(g) == std::pair(3, 0));
    CHECK(r.filter(g).sources.size() == 1);
    mcast::set_option(r.rx, o::leave_group{g, any_nic});
    CHECK(!kernel_has_group(g));
    mcast::apply_sequence(r.rx, o::join_source_group{g, r.s2, any_nic}, o::join_source_group{g, r.s3, any_nic},
                          o::leave_source_group{g, r.s3, any_nic});
    CHECK(r.got(g) == std::pair(3, 0));
    mcast::set_option(r.rx, o::leave_group{g, r.lo});
    CHECK(!kernel_has_group(g));
  }
}

// ---- any(): the final-state filter calls ------------------------------------------------------

TEST_CASE("join_with_filter on any() reads and sets its filter as on lo", "[netns][any][source_filter]") {
  for (int v : {4, 6}) {
    loopback_rig r(false, fam_of(v));
    INFO("IPv" << v);
    const auto g = fresh_group(r.family);
    auto f = mcast::join_with_filter(r.rx, g, any_nic, filter_mode::exclude, {r.s3});
    CHECK(f.nic() == r.lo);
    CHECK(r.got(g) == std::pair(3, 0));
    auto back = f.filter();
    CHECK(back.mode == filter_mode::exclude);
    CHECK(texts(back) == std::vector<std::string>{r.s3.to_string()});
    CHECK(mcast::get_source_filter(r.rx, g, any_nic) == back);
    f.set(filter_mode::include, {r.s2});
    CHECK(r.got(g) == std::pair(3, 0));
    CHECK(r.filter(g).include);
    mcast::set_source_filter(r.rx, g, any_nic, filter_mode::exclude, std::vector<mcast::source>{});
    CHECK(r.got(g) == std::pair(3, 3));
    CHECK(mcast::get_source_filter(r.rx, g, any_nic).mode == filter_mode::exclude);
    f.leave();
    CHECK(!kernel_has_group(g));
  }
}

TEST_CASE("get_source_filter and set_source_filter on any() after a raw join on any()", "[netns][any][source_filter]") {
  for (int v : {4, 6}) {
    loopback_rig r(true, fam_of(v));
    INFO("IPv" << v);
    const auto g = fresh_group(r.family);
    mcast::set_option(r.rx, o::join_group{g, any_nic});
    mcast::set_source_filter(r.rx, g, any_nic, filter_mode::exclude, {r.s2});
    CHECK(r.got(g) == std::pair(0, 3));
    const auto f = mcast::get_source_filter(r.rx, g, any_nic);
    CHECK(f.mode == filter_mode::exclude);
    CHECK(texts(f) == std::vector<std::string>{r.s2.to_string()});
    mcast::set_option(r.rx, o::leave_group{g, any_nic});
    CHECK(!kernel_has_group(g));
  }
  loopback_rig r(true);
  const auto g = fresh_group();
  auto m = mcast::join_with_filter<mcast::api::ipv4>(r.rx, g, any_nic, filter_mode::exclude, {r.s3});
  CHECK(texts(m.filter()) == std::vector<std::string>{"127.0.0.3"});
  CHECK(texts(mcast::get_source_filter<mcast::api::ipv4>(r.rx, g, any_nic)) == std::vector<std::string>{"127.0.0.3"});
  CHECK(texts(mcast::get_source_filter(r.rx, g, any_nic)) == std::vector<std::string>{"127.0.0.3"});
}

TEST_CASE("IPv6 handles on any() block and include on the interface the stack chose", "[netns][any][ipv6]") {
  loopback_rig r(false, mcast::family::v6);
  const auto g = fresh_group(mcast::family::v6);
  auto conf = mcast::join_group(r.rx, g, any_nic);
  auto mute = conf.block(r.s3);
  CHECK(r.got(g) == std::pair(3, 0));
  CHECK(r.filter(g).sources == std::vector<std::string>{"2001:db8::3"});
  mute.unblock();
  CHECK(r.got(g) == std::pair(3, 3));
  conf.leave();
  const auto gs = fresh_group(mcast::family::v6, true);
  auto radio = mcast::join_source_group(r.rx, gs, r.s2, any_nic);
  auto extra = radio.include(r.s3);
  CHECK(r.got(gs) == std::pair(3, 3));
  extra.drop();
  CHECK(r.got(gs) == std::pair(3, 0));
  radio.leave();
  CHECK(!kernel_has_group(gs));
}

// ---- sockets and families ----------------------------------------------------------------------

TEST_CASE("a dual-stack socket that joins an IPv4 group receives no other socket's IPv6 group", "[netns][dual-stack]") {
  const std::uint16_t port = free_port();
  socket_fd dual = udp6_on(port, false);
  socket_fd other = udp6_on(port, true);
  const auto g4 = fresh_group(mcast::family::v4);
  const auto g6 = fresh_group(mcast::family::v6);
  const auto lo = mcast::network_interface::from_name("lo");
  const auto s2 = mcast::make_source("127.0.0.2");
  const auto s6 = mcast::make_source("2001:db8::2");
  auto mine = mcast::join_group(dual, g4, lo);
  auto theirs = mcast::join_group(other, g6, lo);
  CHECK(total(delivery(dual, g4, port, {s2})) == 3); // its own IPv4 group, as ::ffff:127.0.0.2
  CHECK(total(delivery(dual, g6, port, {s6})) == 0); // not the other socket's IPv6 group
  CHECK(total(delivery(other, g6, port, {s6})) == 3);
}

TEST_CASE("a dual-stack socket that joins an IPv6 group receives no other socket's IPv4 group", "[netns][dual-stack]") {
  const std::uint16_t port = free_port();
  socket_fd dual = udp6_on(port, false);
  socket_fd other = udp4_on(port);
  const auto g4 = fresh_group(mcast::family::v4);
  const auto g6 = fresh_group(mcast::family::v6);
  const auto lo = mcast::network_interface::from_name("lo");
  auto mine = mcast::join_group(dual, g6, lo);
  auto theirs = mcast::join_group(other, g4, lo);
  CHECK(total(delivery(dual, g6, port, {mcast::make_source("2001:db8::2")})) == 3);
  CHECK(total(delivery(dual, g4, port, {mcast::make_source("127.0.0.2")})) == 0);
  CHECK(total(delivery(other, g4, port, {mcast::make_source("127.0.0.2")})) == 3);
}

// A dual-stack socket receives both families, so a join turns both settings off. (This kernel
// starts an IPv6 socket's IPv4 setting at 0, which alone would hide a join that leaves it alone:
// the test turns both on first, as a program may have, and shows that they were live.)
TEST_CASE("a join on a dual-stack socket turns IP_MULTICAST_ALL and IPV6_MULTICAST_ALL off, whatever its group",
          "[netns][dual-stack]") {
  const auto lo = mcast::network_interface::from_name("lo");
  const auto s4 = mcast::make_source("127.0.0.2");
  const auto s6 = mcast::make_source("2001:db8::2");
  auto setting = [](int fd, int level, int name) {
    int v = -1;
    socklen_t len = sizeof v;
    check_sys(::getsockopt(fd, level, name, &v, &len) == 0, "getsockopt");
    return v;
  };
  for (int v : {4, 6}) {
    INFO("the dual-stack socket joins an IPv" << v << " group");
    const std::uint16_t port = free_port();
    socket_fd dual = udp6_on(port, false);
    socket_fd other4 = udp4_on(port);
    socket_fd other6 = udp6_on(port, true);
    const int on = 1;
    check_sys(::setsockopt(dual, IPPROTO_IP, IP_MULTICAST_ALL, &on, sizeof on) == 0, "IP_MULTICAST_ALL");
    check_sys(::setsockopt(dual, IPPROTO_IPV6, 29 /* IPV6_MULTICAST_ALL */, &on, sizeof on) == 0, "IPV6_MULTICAST_ALL");
    const auto g4 = fresh_group(mcast::family::v4);
    const auto g6 = fresh_group(mcast::family::v6);
    auto theirs4 = mcast::join_group(other4, g4, lo);
    auto theirs6 = mcast::join_group(other6, g6, lo);
    CHECK(total(delivery(dual, g4, port, {s4})) == 3); // both settings live: the others' groups arrive
    CHECK(total(delivery(dual, g6, port, {s6})) == 3);
    const auto g = fresh_group(v == 4 ? mcast::family::v4 : mcast::family::v6);
    auto mine = mcast::join_group(dual, g, lo);
    CHECK(setting(dual, IPPROTO_IP, IP_MULTICAST_ALL) == 0);
    CHECK(setting(dual, IPPROTO_IPV6, 29) == 0);
    CHECK(total(delivery(dual, g4, port, {s4})) == 0);
    CHECK(total(delivery(dual, g6, port, {s6})) == 0);
    CHECK(total(delivery(dual, g, port, {v == 4 ? s4 : s6})) == 3); // its own group still arrives
  }
}

TEST_CASE("a group the socket can never receive is family_mismatch, before any change", "[netns][dual-stack]") {
  const std::uint16_t port = free_port();
  const auto lo = mcast::network_interface::from_name("lo");
  const auto g4 = fresh_group(mcast::family::v4);
  const auto g6 = fresh_group(mcast::family::v6);
  const auto s4 = mcast::make_source("127.0.0.2");
  const auto s6 = mcast::make_source("2001:db8::2");
  socket_fd v6only = udp6_on(port, true);
  socket_fd v4 = udp4_on(port);
  syscall_recorder rec;
  std::error_code ec;
  auto a = mcast::join_group(v6only, g4, lo, ec); // Linux accepts this join and never delivers
  CHECK(ec == errc::family_mismatch);
  auto b = mcast::join_source_group(v6only, g4, s4, lo, ec);
  CHECK(ec == errc::family_mismatch);
  auto c = mcast::join_with_filter(v6only, g4, lo, filter_mode::exclude, {s4}, ec);
  CHECK(ec == errc::family_mismatch);
  auto d = mcast::join_group(v4, g6, lo, ec);
  CHECK(ec == errc::family_mismatch);
  auto e = mcast::join_source_group(v4, g6, s6, any_nic, ec);
  CHECK(ec == errc::family_mismatch);
  CHECK(!a.joined());
  CHECK(!b.joined());
  CHECK(!c.joined());
  CHECK(!d.joined());
  CHECK(!e.joined());
  CHECK(rec.count(mcast::detail::syscall_kind::setsockopt) == 0);
  CHECK(!kernel_has_group(g4));
  CHECK(!kernel_has_group(g6));
}

// apply_sequence, set_source_filter and get_source_filter read the socket as the handles do: an
// IPv4 group on an IPV6_V6ONLY socket (Linux joins it and never delivers) and an IPv6 group on an
// IPv4 socket (the kernel says ENOPROTOOPT: errc::unsupported, before) are errc::family_mismatch,
// on a named interface and on any(), before any option is set and before the route lookup.
TEST_CASE("apply_sequence and the filter calls refuse a group the socket can never receive", "[netns][dual-stack]") {
  const std::uint16_t port = free_port();
  const auto lo = mcast::network_interface::from_name("lo");
  socket_fd v6only = udp6_on(port, true);
  socket_fd v4 = udp4_on(port);
  struct one_case {
    const char* what;
    int fd;
    mcast::family family;
  };
  for (const one_case& k : {one_case{"IPv4 group, IPV6_V6ONLY socket", v6only.get(), mcast::family::v4},
                            one_case{"IPv6 group, IPv4 socket", v4.get(), mcast::family::v6}}) {
    for (const auto& nic : {lo, any_nic}) {
      INFO(k.what << (nic.is_any() ? ", any()" : ", lo"));
      const auto g = fresh_group(k.family);
      const auto s = mcast::make_source(k.family == mcast::family::v4 ? "127.0.0.2" : "2001:db8::2");
      syscall_recorder rec;
      std::error_code ec;
      mcast::apply_sequence(k.fd, ec, o::join_group{g, nic});
      CHECK(ec == errc::family_mismatch);
      mcast::apply_sequence(k.fd, ec, o::join_source_group{g, s, nic});
      CHECK(ec == errc::family_mismatch);
      CHECK_THROWS_AS(mcast::apply_sequence(k.fd, o::join_group{g, nic}, o::block_source{g, s, nic}),
                      std::system_error);
      mcast::set_source_filter(k.fd, g, nic, filter_mode::exclude, {s}, ec);
      CHECK(ec == errc::family_mismatch);
      mcast::set_source_filter(k.fd, g, nic, filter_mode::include, std::vector<mcast::source>{}, ec);
      CHECK(ec == errc::family_mismatch);
      (void)mcast::get_source_filter(k.fd, g, nic, ec);
      CHECK(ec == errc::family_mismatch);
      try {
        (void)mcast::get_source_filter(k.fd, g, nic);
        FAIL("get_source_filter did not throw");
      } catch (const std::system_error& e) {
        CHECK(e.code() == errc::family_mismatch);
      }
      if (k.family == mcast::family::v4) { // the IPv4-only API reads the socket the same way
        mcast::apply_sequence(k.fd, ec, o::ip_add_membership{g, nic});
        CHECK(ec == errc::family_mismatch);
        mcast::set_source_filter<mcast::api::ipv4>(k.fd, g, nic, filter_mode::exclude, {s}, ec);
        CHECK(ec == errc::family_mismatch);
        (void)mcast::get_source_filter<mcast::api::ipv4>(k.fd, g, nic, ec);
        CHECK(ec == errc::family_mismatch);
      }
      // Nothing but the socket's facts was asked: no option, no filter call, no route lookup.
      CHECK(rec.count(mcast::detail::syscall_kind::setsockopt) == 0);
      CHECK(rec.count(mcast::detail::syscall_kind::set_filter) == 0);
      CHECK(rec.count(mcast::detail::syscall_kind::get_filter) == 0);
      CHECK(rec.count(mcast::detail::syscall_kind::route_lookup) == 0);
      CHECK(!kernel_has_group(g));
    }
  }
}
