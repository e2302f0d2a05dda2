// A receiver of one group takes only that group (#29 point 10): bind_receiver(sock, group, port)
// binds the group's address on Linux, so a program sharing the port -- here socat, a unicast
// receiver bound to the wildcard address with SO_REUSEADDR as avahi-daemon is on 5353 -- keeps
// every unicast datagram sent to it, whichever of the two bound first.
#include "catch.hpp"
#include "support/net.hpp"
#include "support/netns.hpp"

#include <csignal>
#include <fstream>
#include <sstream>

#include <sys/wait.h>

using namespace mcast_test;

namespace {

bool have_socat() { return std::system("command -v socat >/dev/null 2>&1") == 0; }

// How many UDP sockets of `v6` are bound to `port` (/proc/net/udp[6], local port in hex).
int bound_on(bool v6, std::uint16_t port) {
  std::ifstream in(v6 ? "/proc/net/udp6" : "/proc/net/udp");
  char want[8];
  std::snprintf(want, sizeof want, ":%04X ", port);
  std::string line;
  int n = 0;
  while (std::getline(in, line))
    n += line.find(want) != std::string::npos;
  return n;
}

// socat receiving unicast on the port (wildcard address, SO_REUSEADDR), writing each datagram
// as a line to `file`. Returns its pid once its socket is bound (at most 3 s).
pid_t start_socat(bool v6, std::uint16_t port, const std::string& file) {
  const std::string from = std::string(v6 ? "UDP6-RECV:" : "UDP4-RECV:") + std::to_string(port) + ",reuseaddr";
  const std::string to = "OPEN:" + file + ",creat,append";
  const int before = bound_on(v6, port);
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::execlp("socat", "socat", "-u", from.c_str(), to.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  for (int i = 0; i < 300 && bound_on(v6, port) == before; ++i)
    ::usleep(10000);
  return pid;
}

int lines_in(const std::string& file) {
  std::ifstream in(file);
  std::string line;
  int n = 0;
  while (std::getline(in, line))
    n += line.find("unicast") != std::string::npos;
  return n;
}

// Sends `n` unicast datagrams to the loopback address on `port`.
void send_unicast(bool v6, std::uint16_t port, int n) {
  socket_fd tx(::socket(v6 ? AF_INET6 : AF_INET, SOCK_DGRAM, 0));
  const auto to = mcast::make_address(v6 ? "::1" : "127.0.0.1").to_sockaddr(port);
  const socklen_t len = v6 ? sizeof(sockaddr_in6) : sizeof(sockaddr_in);
  for (int i = 0; i < n; ++i)
    (void)::sendto(tx, "unicast\n", 8, 0, reinterpret_cast<const sockaddr*>(&to), len);
}

// One run: socat and an mcast receiver of `g` share a port (socat first, or mcast first); 5
// unicast datagrams go to the port and 3 to the group. Returns the number of failed checks.
int share_port(bool v6, bool mcast_first, bool wildcard_form) {
  int failures = 0;
  const auto fam = v6 ? mcast::family::v6 : mcast::family::v4;
  const mcast::group g = fresh_group(fam);
  const std::uint16_t port = 5353;
  const std::string file = "/tmp/mcast-shared-port-" + std::to_string(::getpid()) + (v6 ? "-6" : "-4");
  std::remove(file.c_str());
  socket_fd rx(::socket(v6 ? AF_INET6 : AF_INET, SOCK_DGRAM, 0));
  if (v6) {
    int one = 1;
    ::setsockopt(rx, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
  }
  pid_t socat = -1;
  if (!mcast_first)
    socat = start_socat(v6, port, file);
  if (wildcard_form)
    (void)mcast::bind_receiver(rx, fam, port);
  else
    (void)mcast::bind_receiver(rx, g, port);
  if (mcast_first)
    socat = start_socat(v6, port, file);
  auto m = mcast::join_group(rx, g, mcast::network_interface::from_name("lo"));

  send_unicast(v6, port, 5);
  socket_fd tx = udp_sender(mcast::make_source(v6 ? "2001:db8::2" : "127.0.0.2"));
  for (int i = 0; i < 3; ++i)
    send_one(tx, g, port, "group");
  const auto got = drain(rx, std::chrono::milliseconds(200));
  int at_mcast = 0;
  for (const auto& [from, c] : got)
    at_mcast += c;
  // socat writes a line per datagram it received: wait for the five (bounded, 3 s; a fixed 200 ms
  // is not always enough for socat to run on a loaded machine).
  int at_socat = lines_in(file);
  for (int i = 0; i < 300 && at_socat < 5; ++i) {
    ::usleep(10000);
    at_socat = lines_in(file);
  }
  ::kill(socat, SIGTERM);
  ::waitpid(socat, nullptr, 0);
  std::remove(file.c_str());
  std::printf("shared port %u, IPv%d, %s first, %s form: socat got %d/5 unicast, mcast receiver got %d "
              "datagrams (3 to the group expected)\n",
              port, v6 ? 6 : 4, mcast_first ? "mcast" : "socat", wildcard_form ? "wildcard" : "group", at_socat,
              at_mcast);
  std::fflush(stdout);
  failures += at_socat != 5; // the other program keeps its unicast
  failures += at_mcast != 3; // the receiver takes its group, and nothing else
  return failures;
}

} // namespace

TEST_CASE("bind_receiver(sock, group, port) leaves a port-sharing program its unicast datagrams",
          "[netns][bind_receiver][interop]") {
  if (!have_socat()) {
    std::printf("SKIP: socat is not installed (apt-get install socat)\n");
    std::fflush(stdout);
    std::_Exit(77);
  }
  for (const bool v6 : {false, true})
    for (const bool mcast_first : {false, true}) {
      INFO("IPv" << (v6 ? 6 : 4) << (mcast_first ? ", mcast first" : ", socat first"));
      const int status = run_in_child_namespace([&] {
        setup_loopback_network();
        return share_port(v6, mcast_first, std::getenv("MCAST_TEST_WILDCARD_FORM") != nullptr);
      });
      CHECK(status == 0);
    }
}

TEST_CASE("bind_receiver(sock, group, port): a socket of the other family is family_mismatch, nothing changed",
          "[netns][bind_receiver]") {
  socket_fd fresh(::socket(AF_INET, SOCK_DGRAM, 0));
  std::error_code ec;
  CHECK(mcast::bind_receiver(fresh, fresh_group(mcast::family::v6), 0, ec) == 0);
  CHECK(ec == mcast::errc::family_mismatch);
  sockaddr_storage a{};
  socklen_t len = sizeof a;
  ::getsockname(fresh, reinterpret_cast<sockaddr*>(&a), &len);
  CHECK(reinterpret_cast<const sockaddr_in&>(a).sin_port == 0); // not bound
  // The group form binds the group: the socket's local address is the group.
  const auto g = fresh_group();
  const std::uint16_t port = mcast::bind_receiver(fresh, g, 0);
  CHECK(port != 0);
  len = sizeof a;
  ::getsockname(fresh, reinterpret_cast<sockaddr*>(&a), &len);
  CHECK(mcast::address::from_sockaddr(a) == g.address());
}

// #29 point 12: a program that sets only SO_REUSEPORT holds its port against SO_REUSEADDR
// sockets. bind_receiver says so: errc::port_in_use (raw EADDRINUSE), the exception names the
// port; and what the README advises works -- SO_REUSEPORT set on the receiver first (same user),
// with the group form, shares the port and leaves the program its unicast.
TEST_CASE("bind_receiver next to a program that set only SO_REUSEPORT: port_in_use, naming the port",
          "[netns][bind_receiver]") {
  const int status = run_in_child_namespace([] {
    int failures = 0;
    setup_loopback_network();
    for (const bool v6 : {false, true}) {
      const auto fam = v6 ? mcast::family::v6 : mcast::family::v4;
      const int af = v6 ? AF_INET6 : AF_INET;
      const std::uint16_t port = 5353;
      socket_fd other(::socket(af, SOCK_DGRAM, 0));
      int one = 1;
      ::setsockopt(other, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
      if (v6)
        ::setsockopt(other, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
      const auto any = (v6 ? mcast::make_address("::") : mcast::make_address("0.0.0.0")).to_sockaddr(port);
      check_sys(
          ::bind(other, reinterpret_cast<const sockaddr*>(&any), v6 ? sizeof(sockaddr_in6) : sizeof(sockaddr_in)) == 0,
          "bind SO_REUSEPORT-only");
      const mcast::group g = fresh_group(fam);
      for (const bool group_form : {false, true}) {
        socket_fd rx(::socket(af, SOCK_DGRAM, 0));
        if (v6)
          ::setsockopt(rx, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
        std::error_code ec;
        if (group_form)
          (void)mcast::bind_receiver(rx, g, port, ec);
        else
          (void)mcast::bind_receiver(rx, fam, port, ec);
        failures += !(ec == mcast::errc::port_in_use);
        failures += !(mcast::system_error_of(ec) == std::errc::address_in_use);
        failures += ec.message().find("SO_REUSEPORT") == std::string::npos;
        std::string what;
        try {
          if (group_form)
            (void)mcast::bind_receiver(rx, g, port);
          else
            (void)mcast::bind_receiver(rx, fam, port);
        } catch (const std::system_error& e) {
          what = e.what();
        }
        std::printf("IPv%d %s form next to a SO_REUSEPORT-only socket: %s\n", v6 ? 6 : 4,
                    group_form ? "group" : "family", what.c_str());
        std::fflush(stdout);
        failures += what.find("port 5353") == std::string::npos;
        failures += what.find("SO_REUSEPORT") == std::string::npos;
      }
      // The README's way: SO_REUSEPORT on the receiver first (same user), the group form.
      socket_fd rx(::socket(af, SOCK_DGRAM, 0));
      ::setsockopt(rx, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
      if (v6)
        ::setsockopt(rx, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
      std::error_code ec;
      failures += mcast::bind_receiver(rx, g, port, ec) != port;
      failures += static_cast<bool>(ec);
      auto m = mcast::join_group(rx, g, mcast::network_interface::from_name("lo"));
      send_unicast(v6, port, 5);
      socket_fd tx = udp_sender(mcast::make_source(v6 ? "2001:db8::2" : "127.0.0.2"));
      for (int i = 0; i < 3; ++i)
        send_one(tx, g, port, "group");
      // (The program, bound to the wildcard with IP_MULTICAST_ALL on as Linux leaves it, also gets
      // the group: count what came from the unicast sender, the loopback address.)
      const std::string unicast_from = v6 ? "::1" : "127.0.0.1";
      int at_rx = 0;
      for (const auto& [from, c] : drain(rx, std::chrono::milliseconds(100)))
        at_rx += c;
      const int at_other = drain(other, std::chrono::milliseconds(100))[unicast_from];
      std::printf("IPv%d shared with SO_REUSEPORT set first: the program got %d/5 unicast, the receiver %d "
                  "datagrams (3 to the group expected)\n",
                  v6 ? 6 : 4, at_other, at_rx);
      std::fflush(stdout);
      failures += at_other != 5;
      failures += at_rx != 3;
    }
    return failures;
  });
  CHECK(status == 0);
}
