// Two hosts over a veth pair: this namespace is the sender host (198.51.100.1 and .2 on "va"),
// a child process in a second namespace is the receiver host (198.51.100.100 on "vb"). The
// receiver's IGMPv3 reports are seen on the sender host with the receiver's real address, and
// source filtering holds across the wire. 198.51.100.0/24 (TEST-NET-2) exists only in here.
#include "catch.hpp"
#include "support/net.hpp"
#include "support/netns.hpp"
#include "support/wire.hpp"

#include <sys/wait.h>

using namespace mcast_test;

namespace {

struct pipe_pair {
  int fd[2] = {-1, -1};
  pipe_pair() { REQUIRE(::pipe(fd) == 0); }
  ~pipe_pair() {
    for (int f : fd)
      if (f >= 0)
        ::close(f);
  }
};

bool read_all(int fd, void* p, std::size_t n) {
  auto* c = static_cast<char*>(p);
  while (n > 0) {
    pollfd pf{fd, POLLIN, 0};
    if (::poll(&pf, 1, 5000) <= 0)
      return false;
    const ssize_t r = ::read(fd, c, n);
    if (r <= 0)
      return false;
    c += r;
    n -= static_cast<std::size_t>(r);
  }
  return true;
}

// The receiver host: its own namespace, vb up, then a source-specific membership through mcast;
// reports how many datagrams came from each sender.
[[noreturn]] void receiver_host(int ready_w, int go_r, int result_w, const mcast::group& g, std::uint16_t port) {
  int status = 1;
  try {
    if (::unshare(CLONE_NEWNET) != 0)
      ::_exit(2);
    char ok = 'n';
    (void)::write(ready_w, &ok, 1); // the parent may now create the veth pair into this namespace
    char go = 0;
    if (!read_all(go_r, &go, 1))
      ::_exit(3);
    link_up("lo");
    link_up("vb");
    netlink nl;
    nl.add_address(::if_nametoindex("vb"), AF_INET, "198.51.100.100", 24);
    nl.add_route(AF_INET, "224.0.0.0", 4, ::if_nametoindex("vb"), false);
    write_file("/proc/sys/net/ipv4/conf/vb/igmpv3_unsolicited_report_interval", "10");
    std::uint16_t p = port;
    socket_fd rx = udp_receiver(mcast::family::v4, p);
    if (p != port) { // bind the agreed port
      rx = socket_fd(::socket(AF_INET, SOCK_DGRAM, 0));
      sockaddr_in a{};
      a.sin_family = AF_INET;
      a.sin_port = htons(port);
      ::bind(rx, reinterpret_cast<sockaddr*>(&a), sizeof a);
    }
    const auto nic = mcast::network_interface::from_name("vb");
    auto radio = mcast::join_source_group(rx, g, mcast::make_source("198.51.100.1"), nic);
    char joined = 'j';
    (void)::write(result_w, &joined, 1);
    auto counts = drain(rx, std::chrono::milliseconds(1500));
    int c1 = counts["198.51.100.1"], c2 = counts["198.51.100.2"];
    (void)::write(result_w, &c1, sizeof c1);
    (void)::write(result_w, &c2, sizeof c2);
    status = 0;
  } catch (...) {
    status = 4;
  }
  ::_exit(status);
}

} // namespace

TEST_CASE("two hosts over veth: reports carry the receiver's address, filtering holds", "[netns][veth]") {
  const auto g = fresh_group(mcast::family::v4, true);
  const std::uint16_t port = 40000 + static_cast<std::uint16_t>(::getpid() % 20000);
  pipe_pair ready, go, result;
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0)
    receiver_host(ready.fd[1], go.fd[0], result.fd[1], g, port);

  char c = 0;
  REQUIRE(read_all(ready.fd[0], &c, 1));
  netlink nl;
  nl.add_veth("va", "vb", child);
  link_up("va");
  const unsigned va = ::if_nametoindex("va");
  nl.add_address(va, AF_INET, "198.51.100.1", 24);
  nl.add_address(va, AF_INET, "198.51.100.2", 24);
  report_capture cap("va");
  REQUIRE(::write(go.fd[1], "g", 1) == 1);

  char joined = 0;
  REQUIRE(read_all(result.fd[0], &joined, 1));
  auto recs = cap.records_for(g, std::chrono::milliseconds(3000));
  REQUIRE(!recs.empty());
  CHECK(recs.front().reporter == "198.51.100.100");
  CHECK(recs.front().type == allow_new);
  CHECK(recs.front().sources == std::vector<std::string>{"198.51.100.1"});

  // Send from both addresses of the sender host, out of va.
  for (const char* from : {"198.51.100.1", "198.51.100.2"}) {
    socket_fd tx(::socket(AF_INET, SOCK_DGRAM, 0));
    sockaddr_in a{};
    a.sin_family = AF_INET;
    ::inet_pton(AF_INET, from, &a.sin_addr);
    REQUIRE(::bind(tx, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    ip_mreqn m{};
    m.imr_ifindex = static_cast<int>(va);
    ::setsockopt(tx, IPPROTO_IP, IP_MULTICAST_IF, &m, sizeof m);
    for (int i = 0; i < 5; ++i)
      send_one(tx, g, port, "over the wire");
  }
  int c1 = -1, c2 = -1;
  REQUIRE(read_all(result.fd[0], &c1, sizeof c1));
  REQUIRE(read_all(result.fd[0], &c2, sizeof c2));
  int status = 0;
  ::waitpid(child, &status, 0);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  CHECK(c1 == 5); // the included source crossed the wire
  CHECK(c2 == 0); // the other did not
}
