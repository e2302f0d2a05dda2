// Interoperation with independent peers from Debian, inside the test namespace (only lo):
// socat as a sender to our receivers and as an any-source receiver, ssmping's mcfirst as an SSM
// receiver of our sender example, iperf2 as an SSM sender to our receiver. A missing tool makes
// the test report "skipped" (exit 77) with the reason.
#include "catch.hpp"
#include "support/net.hpp"

#include <arpa/inet.h>
#include <cstdio>
#include <cstdlib>
#include <string>

using namespace mcast_test;

namespace {

void require_tool(const char* tool) {
  const std::string cmd = std::string("command -v ") + tool + " >/dev/null 2>&1";
  if (std::system(cmd.c_str()) != 0) {
    std::printf("SKIP: %s is not installed (apt-get install %s)\n", tool,
                std::string(tool) == "mcfirst" ? "ssmping" : tool);
    std::fflush(stdout);
    std::_Exit(77);
  }
}

// Runs a shell command, returns {exit status, output}.
std::pair<int, std::string> run(const std::string& cmd) {
  std::string out;
  FILE* p = ::popen((cmd + " 2>&1").c_str(), "r");
  REQUIRE(p != nullptr);
  char buf[512];
  while (std::fgets(buf, sizeof buf, p))
    out += buf;
  const int status = ::pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

// A shell fragment that waits (bounded: 10 s) until the peer started in the background is ready:
// this namespace has joined g (/proc/net/igmp) and a socket is bound to the port (/proc/net/udp).
// A fixed pause was not enough on a loaded machine: what was sent before the join was lost.
std::string wait_ready_sh(const mcast::group& g, const std::string& port) {
  in_addr a{};
  REQUIRE(::inet_pton(AF_INET, g.to_string().c_str(), &a) == 1);
  const auto* b = reinterpret_cast<const unsigned char*>(&a);
  char group_hex[16], port_hex[16];
  std::snprintf(group_hex, sizeof group_hex, "%02X%02X%02X%02X", b[3], b[2], b[1], b[0]); // as the kernel prints it
  std::snprintf(port_hex, sizeof port_hex, ":%04X ", static_cast<unsigned>(std::stoul(port)));
  return std::string("i=0; until grep -q ") + group_hex + " /proc/net/igmp && grep -q '" + port_hex +
         "' /proc/net/udp; do i=$((i+1)); [ $i -gt 500 ] && break; sleep 0.02; done; ";
}

std::string sender_example() {
  const char* dir = std::getenv("MCAST_EXAMPLES_DIR");
  if (!dir) {
    std::printf("SKIP: MCAST_EXAMPLES_DIR is not set (the examples are not built)\n");
    std::_Exit(77);
  }
  return std::string(dir) + "/sender";
}

} // namespace

TEST_CASE("socat sends to our receiver: the blocked source is filtered", "[netns][interop]") {
  require_tool("socat");
  loopback_rig r;
  const auto g = fresh_group();
  auto conf = mcast::join_group(r.rx, g, r.lo);
  auto mute = conf.block(r.s3);
  for (const char* from : {"127.0.0.2", "127.0.0.3"})
    for (int i = 0; i < 3; ++i) {
      auto res = run("echo hello | timeout 5 socat -u - UDP4-DATAGRAM:" + g.to_string() + ":" + std::to_string(r.port) +
                     ",bind=" + from + ",ip-multicast-if=127.0.0.1");
      REQUIRE(res.first == 0);
    }
  auto counts = drain(r.rx);
  CHECK(counts["127.0.0.2"] == 3);
  CHECK(counts["127.0.0.3"] == 0);
  std::printf(
      "PEER: socat sends from 127.0.0.2 and .3 to an mcast receiver blocking .3: received %d/3 and %d/3 -- %s\n",
      counts["127.0.0.2"], counts["127.0.0.3"], counts["127.0.0.2"] == 3 && counts["127.0.0.3"] == 0 ? "ok" : "WRONG");
}

TEST_CASE("iperf2 sends to our source-specific receiver: only its source arrives", "[netns][interop]") {
  require_tool("iperf");
  loopback_rig r;
  const auto g = fresh_group(mcast::family::v4, true);
  auto radio = mcast::join_source_group(r.rx, g, r.s2, r.lo);
  const std::string base =
      "timeout 10 iperf -c " + g.to_string() + " -u -T 1 -t 1 -b 100k -p " + std::to_string(r.port);
  // iperf2 picks the multicast interface by route; in this namespace 224.0.0.0/4 is on lo.
  REQUIRE(run(base + " -B 127.0.0.2").first == 0);
  REQUIRE(run(base + " -B 127.0.0.3").first == 0);
  auto counts = drain(r.rx);
  INFO("from 127.0.0.2: " << counts["127.0.0.2"]);
  CHECK(counts["127.0.0.2"] > 5);
  CHECK(counts["127.0.0.3"] == 0);
  std::printf(
      "PEER: iperf2 sends from 127.0.0.2 and .3 to an mcast (G, 127.0.0.2) receiver: received %d and %d -- %s\n",
      counts["127.0.0.2"], counts["127.0.0.3"], counts["127.0.0.2"] > 5 && counts["127.0.0.3"] == 0 ? "ok" : "WRONG");
}

TEST_CASE("mcfirst (ssmping) receives our sender's datagrams as an SSM receiver", "[netns][interop]") {
  require_tool("mcfirst");
  const std::string sender = sender_example();
  const auto g = fresh_group(mcast::family::v4, true);
  const std::string port = std::to_string(30000 + ::getpid() % 20000);
  // mcfirst joins (127.0.0.2, G) and exits 0 once it has 3 datagrams; the sender example sends
  // from 127.0.0.3 first (mcfirst must not count those) and then from 127.0.0.2.
  auto res =
      run("( timeout 10 mcfirst -4 -I lo -c 3 -t 8 127.0.0.2 " + g.to_string() + " " + port + " & " +
          wait_ready_sh(g, port) + sender + " --from 127.0.0.3 --iface lo --count 5 --interval 10 " + g.to_string() +
          " " + port + " >/dev/null; " + sender + " --from 127.0.0.2 --iface lo --count 5 --interval 50 " +
          g.to_string() + " " + port + " >/dev/null; wait %1 )");
  INFO(res.second);
  CHECK(res.first == 0);
  CHECK(res.second.find("127.0.0.2") != std::string::npos);
  std::printf("PEER: mcfirst joins (127.0.0.2, G) and receives the mcast sender example: exit %d -- %s\n", res.first,
              res.first == 0 ? "ok" : "WRONG");
}

TEST_CASE("socat as an any-source receiver of our sender example", "[netns][interop]") {
  require_tool("socat");
  const std::string sender = sender_example();
  const auto g = fresh_group();
  const std::string port = std::to_string(30000 + ::getpid() % 20000);
  // socat writes what it receives to a file; it is stopped once the third datagram is there (or
  // after 10 s).
  auto res =
      run("( out=$(mktemp); timeout 10 socat -u UDP4-RECV:" + port + ",reuseaddr,ip-add-membership=" + g.to_string() +
          ":127.0.0.1 - >\"$out\" & " + wait_ready_sh(g, port) + sender +
          " --from 127.0.0.2 --iface lo --count 3 --interval 10 " + g.to_string() + " " + port +
          " >/dev/null; i=0; until grep -q 'datagram 3' \"$out\"; do i=$((i+1)); [ $i -gt 500 ] && break; "
          "sleep 0.02; done; kill %1; wait; cat \"$out\"; rm -f \"$out\" )");
  INFO(res.second);
  CHECK(res.second.find("mcast sender datagram 3") != std::string::npos);
  std::printf("PEER: socat joins G and receives the mcast sender example's datagrams -- %s\n",
              res.second.find("mcast sender datagram 3") != std::string::npos ? "ok" : "WRONG");
}

TEST_CASE("the demo's IPv6 story runs in the test namespace", "[netns][interop][demo]") {
  const std::string sender = sender_example(); // the examples directory
  const std::string demo = sender.substr(0, sender.rfind('/')) + "/mcast_demo --ipv6";
  auto res = run(demo);
  INFO(res.second);
  CHECK(res.first == 0);
  CHECK(res.second.find("mcast demo OK") != std::string::npos);
  CHECK(res.second.find("2001:db8::3: 0/5") != std::string::npos); // the blocked source, filtered
}
