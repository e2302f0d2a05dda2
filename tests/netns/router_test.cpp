// A real multicast router judges the reports: FRR (Debian's frr, zebra + pimd) routes between a
// sender host with two source addresses and the receiver host -- this test process, in its private
// namespace -- with PIM on both router links, IGMPv3 downstream and the SSM range 232/8. The mcast
// handles on the receiver drive it; what crosses the router is counted on the receiver's link
// (AF_PACKET), not just at the socket. Microsoft: "When IGMPv3 is available ... the router can
// handle the filtering."
//
//   sender ns (192.0.2.1, .2 on sr) --- rs [router ns: zebra, pimd] rh --- hr (198.51.100.1, here)
//
// The router's daemons run with their configuration, pid files and sockets in a temporary
// directory (never the host's service), and are stopped by pid; so are the namespaces' holders.
// Needs root (FRR drops to the frr user) and frr, iproute2 and util-linux's unshare / nsenter;
// otherwise skipped with the reason.
#include "catch.hpp"
#include "support/net.hpp"
#include "support/netns.hpp"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <map>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <poll.h>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <vector>

using namespace mcast_test;
using mcast::filter_mode;

namespace {

std::pair<int, std::string> sh(const std::string& cmd) {
  std::string out;
  FILE* p = ::popen((cmd + " 2>&1").c_str(), "r");
  if (p == nullptr)
    return {-1, ""};
  char buf[512];
  while (std::fgets(buf, sizeof buf, p))
    out += buf;
  const int status = ::pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

void must(const std::string& cmd) {
  const auto r = sh(cmd);
  INFO(cmd << "\n" << r.second);
  REQUIRE(r.first == 0);
}

bool alive(pid_t pid) { return pid > 0 && (::kill(pid, 0) == 0 || errno == EPERM); }

// Counts UDP datagrams to `port` on one interface of this namespace, by source address.
class link_counter {
public:
  explicit link_counter(const char* ifname) {
    fd_ = ::socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, htons(ETH_P_IP));
    check_sys(fd_ >= 0, "AF_PACKET");
    sockaddr_ll sll{};
    sll.sll_family = AF_PACKET;
    sll.sll_protocol = htons(ETH_P_IP);
    sll.sll_ifindex = static_cast<int>(::if_nametoindex(ifname));
    check_sys(::bind(fd_, reinterpret_cast<sockaddr*>(&sll), sizeof sll) == 0, "bind AF_PACKET");
  }
  ~link_counter() { ::close(fd_); }
  link_counter(const link_counter&) = delete;
  link_counter& operator=(const link_counter&) = delete;

  // What arrived for `port` within `window` (bounded).
  std::map<std::string, int> count(std::uint16_t port, std::chrono::milliseconds window) {
    std::map<std::string, int> out;
    const auto end = std::chrono::steady_clock::now() + window;
    for (int i = 0; i < 100000; ++i) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now());
      if (left.count() <= 0)
        break;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0)
        continue;
      unsigned char b[2048];
      const ssize_t n = ::recv(fd_, b, sizeof b, 0);
      if (n < 28 || (b[0] >> 4) != 4 || b[9] != IPPROTO_UDP)
        continue;
      const std::size_t ihl = static_cast<std::size_t>(b[0] & 0x0f) * 4;
      if (static_cast<std::size_t>(n) < ihl + 8 || ((b[ihl + 2] << 8) | b[ihl + 3]) != port)
        continue;
      char src[INET_ADDRSTRLEN];
      ::inet_ntop(AF_INET, b + 12, src, sizeof src);
      out[src]++;
    }
    return out;
  }

private:
  int fd_ = -1;
};

struct network {
  std::string dir;
  pid_t sender_ns = -1, router_ns = -1;
  std::vector<pid_t> daemons;
  std::string sender_bin;

  pid_t holder() {
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      ::execlp("unshare", "unshare", "-n", "sleep", "300", static_cast<char*>(nullptr));
      ::_exit(127);
    }
    return pid;
  }
  std::string in(pid_t ns) const { return "nsenter -t " + std::to_string(ns) + " -n "; }
  // Waits (bounded: 10 s) until the holder has its own network namespace: before its unshare,
  // nsenter -t PID would configure this test's namespace instead.
  static void wait_own_namespace(pid_t pid) {
    char mine[64] = {}, its[64] = {};
    REQUIRE(::readlink("/proc/self/ns/net", mine, sizeof mine - 1) > 0);
    const std::string link = "/proc/" + std::to_string(pid) + "/ns/net";
    for (int i = 0; i < 1000; ++i) {
      std::memset(its, 0, sizeof its);
      if (::readlink(link.c_str(), its, sizeof its - 1) > 0 && std::strcmp(mine, its) != 0)
        return;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    FAIL("the namespace holder " << pid << " has no namespace of its own after 10 s");
  }

  network() {
    for (const char* tool : {"/usr/lib/frr/zebra", "/usr/lib/frr/pimd"})
      if (::access(tool, X_OK) != 0)
        skip(std::string(tool) + " is not installed (apt-get install frr)");
    if (sh("command -v ip && command -v nsenter && command -v unshare").first != 0)
      skip("iproute2 / util-linux (ip, nsenter, unshare) are missing");
    if (::geteuid() != 0 || sh("id -u frr").first != 0 || !std::ifstream("/proc/self/uid_map").good())
      skip("FRR runs as the frr user: the test needs real root and the frr package's user");
    {
      std::ifstream map("/proc/self/uid_map");
      unsigned inside = 0, outside = 0, count = 0;
      map >> inside >> outside >> count;
      if (count != 4294967295u)
        skip("FRR drops to the frr user, which a user namespace does not map: run the tests as root");
    }
    const char* examples = std::getenv("MCAST_EXAMPLES_DIR");
    if (examples == nullptr)
      skip("MCAST_EXAMPLES_DIR is not set (the sender example is not built)");
    sender_bin = std::string(examples) + "/sender";
    char tmpl[] = "/tmp/mcast-frr-XXXXXX";
    REQUIRE(::mkdtemp(tmpl) != nullptr);
    dir = tmpl;
    try {
      build();
    } catch (...) { // a failed step: nothing may be left running
      teardown();
      throw;
    }
  }

  void build() {
    sender_ns = holder();
    router_ns = holder();
    wait_own_namespace(sender_ns);
    wait_own_namespace(router_ns);
    // pimd needs the kernel's multicast routing in the router's namespace: without it (no
    // CONFIG_IP_MROUTE) pimd starts with no VIF, and nothing crosses the router.
    if (const auto why = missing_multicast_routing(router_ns); !why.empty()) {
      teardown();
      skip(why);
    }
    const std::string s = in(sender_ns), r = in(router_ns);
    must("ip link add sr netns " + std::to_string(sender_ns) + " type veth peer name rs netns " +
         std::to_string(router_ns));
    must("ip link add hr type veth peer name rh netns " + std::to_string(router_ns));
    must(s + "ip link set lo up && " + s + "ip link set sr up && " + s + "ip addr add 192.0.2.1/24 dev sr && " + s +
         "ip addr add 192.0.2.2/24 dev sr && " + s + "ip route add default via 192.0.2.254");
    must(r + "ip link set lo up && " + r + "ip link set rs up && " + r + "ip link set rh up && " + r +
         "ip addr add 192.0.2.254/24 dev rs && " + r + "ip addr add 198.51.100.254/24 dev rh && " + r +
         "sysctl -qw net.ipv4.ip_forward=1");
    must("ip link set hr up && ip addr add 198.51.100.1/24 dev hr && ip route add 192.0.2.0/24 via 198.51.100.254");
    // IGMPv3 downstream with fast queries; the router is its own RP for the any-source range.
    std::ofstream(dir + "/zebra.conf") << "hostname router\n";
    std::ofstream(dir + "/pimd.conf") << "hostname router\n"
                                         "ip pim rp 198.51.100.254 239.0.0.0/8\n"
                                         "interface rs\n ip pim\n!\n"
                                         "interface rh\n ip pim\n ip igmp\n ip igmp version 3\n"
                                         " ip igmp query-interval 2\n ip igmp query-max-response-time 10\n"
                                         " ip igmp last-member-query-interval 2\n!\n";
    must("chown -R frr:frr " + dir + " && chmod 755 " + dir);
    const std::string common = " -d -u frr -g frr -z " + dir + "/zserv.api --vty_socket " + dir;
    must(r + "/usr/lib/frr/zebra" + common + " -f " + dir + "/zebra.conf -i " + dir + "/zebra.pid --log file:" + dir +
         "/zebra.log");
    wait_for_file(dir + "/zserv.api");
    must(r + "/usr/lib/frr/pimd" + common + " -f " + dir + "/pimd.conf -i " + dir + "/pimd.pid --log file:" + dir +
         "/pimd.log");
    for (const char* d : {"zebra", "pimd"})
      daemons.push_back(read_pid(dir + "/" + d + ".pid"));
    std::this_thread::sleep_for(std::chrono::seconds(2)); // PIM hellos, the first IGMP query
  }

  static void wait_for_file(const std::string& path) {
    for (int i = 0; i < 100 && ::access(path.c_str(), F_OK) != 0; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  static pid_t read_pid(const std::string& path) {
    wait_for_file(path);
    pid_t pid = -1;
    std::ifstream(path) >> pid;
    REQUIRE(pid > 0);
    return pid;
  }

  // `count` datagrams from each source, interleaved, TTL 8, out of sr.
  void send(const mcast::group& g, std::uint16_t port, int count = 30) {
    const std::string cmd = "( " + in(sender_ns) + sender_bin + " --from 192.0.2.1 --iface sr --ttl 8 --count " +
                            std::to_string(count) + " --interval 15 " + g.to_string() + " " + std::to_string(port) +
                            " & " + in(sender_ns) + sender_bin + " --from 192.0.2.2 --iface sr --ttl 8 --count " +
                            std::to_string(count) + " --interval 15 " + g.to_string() + " " + std::to_string(port) +
                            " & wait ) >/dev/null";
    std::thread t([cmd] { (void)std::system(cmd.c_str()); });
    t.detach();
  }

  std::string mroutes() { return sh(in(router_ns) + "vtysh --vty_socket " + dir + " -c 'show ip mroute'").second; }

  ~network() { teardown(); }

  void teardown() {
    for (pid_t pid : daemons)
      if (pid > 0)
        ::kill(pid, SIGTERM);
    for (pid_t pid : {sender_ns, router_ns})
      if (pid > 0) {
        ::kill(pid, SIGTERM);
        ::waitpid(pid, nullptr, 0);
      }
    for (int i = 0; i < 100; ++i) { // bounded: 5 s
      bool any = false;
      for (pid_t pid : daemons)
        any = any || alive(pid);
      if (!any)
        break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    for (pid_t pid : daemons)
      if (alive(pid))
        ::kill(pid, SIGKILL);
    (void)sh("ip link del hr");
    if (!dir.empty())
      (void)sh("rm -rf " + dir);
    daemons.clear(); // (once only: the destructor calls it again after a failed or skipped build)
    sender_ns = router_ns = -1;
    dir.clear();
  }
};

std::string counts_text(std::map<std::string, int>& c) {
  return "192.0.2.1: " + std::to_string(c["192.0.2.1"]) + ", 192.0.2.2: " + std::to_string(c["192.0.2.2"]);
}

} // namespace

TEST_CASE("FRR forwards what the mcast handles ask for, and the router does the filtering", "[netns][interop][frr]") {
  const auto start = std::chrono::steady_clock::now();
  std::vector<pid_t> daemons;
  {
    network net;
    daemons = net.daemons;
    const auto hr = mcast::network_interface::from_name("hr");
    const auto s1 = mcast::make_source("192.0.2.1");
    const auto s2 = mcast::make_source("192.0.2.2");
    std::uint16_t port = 0;
    socket_fd rx = udp_receiver(mcast::family::v4, port, true);
    link_counter wire("hr");
    auto on_link = [&](const mcast::group& g, std::chrono::milliseconds settle = std::chrono::milliseconds(0)) {
      std::this_thread::sleep_for(settle);
      (void)wire.count(port, std::chrono::milliseconds(50)); // drop what is queued
      net.send(g, port);
      auto c = wire.count(port, std::chrono::milliseconds(900));
      (void)drain(rx, std::chrono::milliseconds(1));
      return c;
    };
    auto report = [](const char* step, std::map<std::string, int>& c, bool ok) {
      std::printf("PEER: FRR pimd, %-62s on the receiver's link: %s -- %s\n", step, counts_text(c).c_str(),
                  ok ? "ok" : "WRONG");
    };

    // SSM: the router forwards exactly the included sources.
    const auto g = mcast::make_group("232.1.7.1");
    {
      auto radio = mcast::join_source_group(rx, g, s1, hr);
      auto c = on_link(g, std::chrono::milliseconds(1500));
      INFO(net.mroutes());
      CHECK(c["192.0.2.1"] > 10);
      CHECK(c["192.0.2.2"] == 0);
      CHECK(net.mroutes().find("192.0.2.1") != std::string::npos); // (S1, G) installed
      report("join_source_group(G, S1): S1 only", c, c["192.0.2.1"] > 10 && c["192.0.2.2"] == 0);
      {
        auto extra = radio.include(s2);
        c = on_link(g, std::chrono::milliseconds(1500));
        CHECK(c["192.0.2.1"] > 10);
        CHECK(c["192.0.2.2"] > 10);
        report("include(S2): both", c, c["192.0.2.1"] > 10 && c["192.0.2.2"] > 10);
      }                                                // the included source is dropped
      c = on_link(g, std::chrono::milliseconds(3000)); // the router's group-and-source query, then the prune
      CHECK(c["192.0.2.1"] > 10);
      CHECK(c["192.0.2.2"] == 0);
      report("included_source dropped: S2 stops at the router", c, c["192.0.2.1"] > 10 && c["192.0.2.2"] == 0);
      radio.leave();
      c = on_link(g, std::chrono::milliseconds(3000));
      CHECK(c["192.0.2.1"] == 0);
      CHECK(c["192.0.2.2"] == 0);
      report("leave(): nothing crosses the router", c, c["192.0.2.1"] == 0 && c["192.0.2.2"] == 0);
    }
    // Final state: include {S1, S2}, then set include {S2}.
    const auto g2 = mcast::make_group("232.1.7.2");
    {
      auto f = mcast::join_with_filter(rx, g2, hr, filter_mode::include, {s1, s2});
      auto c = on_link(g2, std::chrono::milliseconds(1500));
      CHECK(c["192.0.2.1"] > 10);
      CHECK(c["192.0.2.2"] > 10);
      f.set(filter_mode::include, {s2});
      c = on_link(g2, std::chrono::milliseconds(3000));
      CHECK(c["192.0.2.1"] == 0);
      CHECK(c["192.0.2.2"] > 10);
      report("join_with_filter(IN {S1,S2}), set(IN {S2}): S2 only", c, c["192.0.2.1"] == 0 && c["192.0.2.2"] > 10);
    }
    // Any-source, the router its own RP: the socket's own filter is what blocks S2. A second
    // listener on the receiver host joined first, without a block, keeps the host's report at
    // EXCLUDE {}, so that the router forwards both sources and the blocking socket must filter.
    const auto g3 = mcast::make_group("239.1.7.3");
    {
      socket_fd listener(::socket(AF_INET, SOCK_DGRAM, 0));
      int one = 1;
      ::setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
      sockaddr_in a{};
      a.sin_family = AF_INET;
      a.sin_port = htons(port);
      REQUIRE(::bind(listener, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
      auto second = mcast::join_group(listener, g3, hr);
      auto conf = mcast::join_group(rx, g3, hr);
      auto mute = conf.block(s2);
      std::this_thread::sleep_for(std::chrono::milliseconds(1500));
      (void)wire.count(port, std::chrono::milliseconds(50));
      (void)drain(rx, std::chrono::milliseconds(1));
      (void)drain(listener, std::chrono::milliseconds(1));
      net.send(g3, port);
      auto c = wire.count(port, std::chrono::milliseconds(900));
      auto at_socket = drain(rx, std::chrono::milliseconds(100));
      auto at_listener = drain(listener, std::chrono::milliseconds(100));
      INFO(net.mroutes());
      CHECK(c["192.0.2.2"] > 10);           // the router forwards S2 (the host reports EXCLUDE {})
      CHECK(at_listener["192.0.2.2"] > 10); // the second listener hears it
      CHECK(at_socket["192.0.2.2"] == 0);   // the blocking socket does not: the host filters
      CHECK(at_socket["192.0.2.1"] > 10);
      const bool ok = c["192.0.2.2"] > 10 && at_socket["192.0.2.2"] == 0 && at_socket["192.0.2.1"] > 10;
      std::printf("PEER: FRR pimd, any-source with S2 blocked and a second listener: the link carried %s; the "
                  "blocking socket got %d from S1 and %d from S2, the listener %d from S2 -- %s\n",
                  counts_text(c).c_str(), at_socket["192.0.2.1"], at_socket["192.0.2.2"], at_listener["192.0.2.2"],
                  ok ? "ok" : "WRONG");
    }
    // What FRR does with a host that reports EXCLUDE {S2} alone: recorded, not asserted (FRR 8.4
    // forwards nothing at all for such a group; see the README).
    const auto g4 = mcast::make_group("239.1.7.4");
    {
      auto conf = mcast::join_group(rx, g4, hr);
      auto mute = conf.block(s2);
      auto alone = on_link(g4, std::chrono::milliseconds(1500));
      std::printf("PEER: FRR pimd, any-source with S2 blocked, no other listener (recorded): the link carried %s\n",
                  counts_text(alone).c_str());
    }
  }
  for (pid_t pid : daemons)
    CHECK(!alive(pid)); // nothing left behind
  const auto took = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - start);
  CHECK(took.count() < 120);
}
