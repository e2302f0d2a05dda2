// mcast demo: the whole story on IPv4 loopback, without privileges or setup.
//   mcast_demo           IPv4: senders 127.0.0.2 and 127.0.0.3 (every 127.x address is local)
//   mcast_demo --ipv6    IPv6: senders 2001:db8::2 and ::3 on lo, with a "local ff00::/8 dev lo
//                        table local" route. Where lo lacks them (a stock host), the demo runs
//                        itself in a private network namespace it sets up so (Linux, with ip
//                        from iproute2: as root a plain network namespace, else one inside a
//                        user namespace), and says why it skipped (exit 77) when it cannot.
//
// One receiver and two senders. The
// receiver joins a group any-source, mutes a source, unmutes it, leaves; then joins a
// source-specific group; then replaces a whole filter at once. After each step both senders
// send and the demo counts what arrived. It exits non-zero if the kernel did not filter as
// expected.
#include <mcast/mcast.hpp>

#include "udp.hpp"

#include <cstdio>
#include <cstdlib>
#include <string>
#if defined(__linux__)
#include <cerrno>
#include <cstring>
#include <sched.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#endif

namespace {

int failures = 0;

struct senders {
  example::udp_socket a, b;
  mcast::source sa, sb;
  senders(const mcast::network_interface& lo, bool v6)
      : a(v6 ? mcast::family::v6 : mcast::family::v4), b(v6 ? mcast::family::v6 : mcast::family::v4),
        sa(mcast::make_source(v6 ? "2001:db8::2" : "127.0.0.2")),
        sb(mcast::make_source(v6 ? "2001:db8::3" : "127.0.0.3")) {
    a.bind_source(sa);
    b.bind_source(sb);
    a.multicast_out(lo);
    b.multicast_out(lo);
  }
};

// Both senders send 5 datagrams; report and check how many of each arrived.
void step(const char* what, example::udp_socket& rx, senders& tx, const mcast::group& g, std::uint16_t port, int want_a,
          int want_b) {
  for (int i = 0; i < 5; ++i) {
    tx.a.send_to(g, port, "from a");
    tx.b.send_to(g, port, "from b");
  }
  auto got = rx.drain(std::chrono::milliseconds(50));
  const std::string na = tx.sa.to_string(), nb = tx.sb.to_string();
  const int a = got[na], b = got[nb];
  const bool ok = a == want_a && b == want_b;
  failures += ok ? 0 : 1;
  std::printf("  %-44s %s: %d/5  %s: %d/5  %s\n", what, na.c_str(), a, nb.c_str(), b, ok ? "ok" : "UNEXPECTED");
}

} // namespace

#if defined(__linux__)
// Makes this process a fresh network namespace's: as root a plain one (no user namespace, which a
// chroot refuses even to root), else -- or where root may not -- inside a new user namespace that
// maps this user to its root. Returns an empty string, or why no namespace could be made.
std::string enter_network_namespace() {
  std::string why;
  if (::geteuid() == 0) {
    if (::unshare(CLONE_NEWNET) == 0)
      return "";
    const int e = errno;
    why = std::string("unshare(CLONE_NEWNET): ") + std::strerror(e) + "; ";
  }
  const auto uid = ::getuid();
  const auto gid = ::getgid();
  if (::unshare(CLONE_NEWUSER | CLONE_NEWNET) != 0) {
    const int e = errno;
    return why + "unshare(CLONE_NEWUSER|CLONE_NEWNET): " + std::strerror(e) +
           (e == EPERM ? " (user namespaces are refused here: a chroot, a seccomp filter, or "
                         "kernel.unprivileged_userns_clone=0)"
                       : "");
  }
  auto put = [](const char* file, const std::string& text) {
    std::FILE* f = std::fopen(file, "w");
    const bool ok = f != nullptr && std::fputs(text.c_str(), f) >= 0;
    return (f == nullptr || std::fclose(f) == 0) && ok;
  };
  (void)put("/proc/self/setgroups", "deny"); // (absent on old kernels: the gid map works there)
  if (!put("/proc/self/uid_map", "0 " + std::to_string(uid) + " 1") ||
      !put("/proc/self/gid_map", "0 " + std::to_string(gid) + " 1"))
    return why + "could not write the user namespace's uid and gid maps";
  return "";
}

// The IPv6 story needs 2001:db8::2 and ::3 on lo and a route for the groups, which a stock host
// does not have (and only root could add): run the demo again in a private network namespace set
// up for it. Returns the exit status (77: skipped, with the reason: no IPv6 in this kernel, or no
// namespace), or -1 when lo is ready here.
int ipv6_in_private_namespace(const char* self) {
  if (const int probe = ::socket(AF_INET6, SOCK_DGRAM, 0); probe >= 0) {
    ::close(probe);
  } else if (errno == EAFNOSUPPORT) {
    std::printf("SKIP: mcast demo --ipv6: this kernel has no IPv6 (socket(AF_INET6): %s)\n", std::strerror(errno));
    return 77;
  }
  std::error_code ec;
  (void)mcast::network_interface::from_address(mcast::make_address("2001:db8::3"), ec);
  if (!ec || std::getenv("MCAST_DEMO_NAMESPACE") != nullptr)
    return -1; // ready here (or already inside the namespace: the run below reports what is wrong)
  const std::string setup = "ip link set lo up && ip -6 addr add 2001:db8::2/128 dev lo nodad && "
                            "ip -6 addr add 2001:db8::3/128 dev lo nodad && "
                            "ip -6 route add local ff00::/8 dev lo table local && MCAST_DEMO_NAMESPACE=1 exec '" +
                            std::string(self) + "' --ipv6";
  std::printf("mcast demo: lo has no 2001:db8::2/::3 here; running the IPv6 story in a private network namespace\n");
  std::fflush(stdout);
  const pid_t child = ::fork(); // the namespace is the child's alone
  if (child == 0) {
    const std::string why = enter_network_namespace();
    if (!why.empty()) {
      std::printf("SKIP: mcast demo --ipv6: could not create a private network namespace: %s. Run it as root, or add "
                  "2001:db8::2, ::3 to lo and 'ip -6 route add local ff00::/8 dev lo table local' as root\n",
                  why.c_str());
      std::fflush(stdout);
      ::_exit(77);
    }
    ::execl("/bin/sh", "sh", "-c", setup.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  int status = 0;
  if (child < 0 || ::waitpid(child, &status, 0) != child) {
    const int e = errno;
    std::printf("mcast demo FAILED: fork: %s\n", std::strerror(e));
    return 1;
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
    std::printf("SKIP: mcast demo --ipv6: ip (iproute2) is missing; or add 2001:db8::2, ::3 to lo and "
                "'ip -6 route add local ff00::/8 dev lo table local' as root\n");
  else if (WIFEXITED(status) && WEXITSTATUS(status) != 0 && WEXITSTATUS(status) != 1 && WEXITSTATUS(status) != 77)
    std::printf("mcast demo FAILED: the namespace's set-up (ip) exited with %d\n", WEXITSTATUS(status));
  if (!WIFEXITED(status))
    return 1;
  return WEXITSTATUS(status) == 127 ? 77 : WEXITSTATUS(status);
}
#endif

int main(int argc, char** argv) try {
  const bool v6 = argc > 1 && std::string(argv[1]) == "--ipv6";
#if defined(__linux__)
  if (v6)
    if (int status = ipv6_in_private_namespace(argv[0]); status >= 0)
      return status;
#endif
  example::winsock_session winsock; // Windows: mcast never calls WSAStartup itself
  const auto lo = mcast::network_interface::from_address(mcast::make_address(v6 ? "::1" : "127.0.0.1"));
  example::udp_socket rx(v6 ? mcast::family::v6 : mcast::family::v4); // outlives every handle below
  const std::uint16_t port = rx.bind_any();
  senders tx(lo, v6);

  std::printf("mcast demo: receiver on port %u, interface %s, senders %s and %s\n", static_cast<unsigned>(port),
              lo.to_string().c_str(), tx.sa.to_string().c_str(), tx.sb.to_string().c_str());

  // The conference: any-source membership, then mute and unmute one speaker.
  const auto conference = mcast::make_group(v6 ? "ff15::77:1" : "239.255.77.1");
  std::printf("conference %s (any-source: MCAST_JOIN_GROUP, MCAST_BLOCK_SOURCE, ...)\n",
              conference.to_string().c_str());
  {
    auto member = mcast::join_group(rx, conference, lo);
    step("joined: everyone is heard", rx, tx, conference, port, 5, 5);
    {
      auto mute = member.block(tx.sb);
      step(("blocked " + tx.sb.to_string()).c_str(), rx, tx, conference, port, 5, 0);
    } // mute goes out of scope: MCAST_UNBLOCK_SOURCE
    step("unblocked (the handle went out of scope)", rx, tx, conference, port, 5, 5);
    member.leave();
    step("left the group", rx, tx, conference, port, 0, 0);
  }

  // The radio: a source-specific membership hears only the sources it names.
  const auto radio = mcast::make_group(v6 ? "ff3e::77:1" : "232.255.77.1");
  std::printf("radio %s (source-specific: MCAST_JOIN_SOURCE_GROUP, ...)\n", radio.to_string().c_str());
  {
    auto station = mcast::join_source_group(rx, radio, tx.sa, lo);
    step(("joined (" + radio.to_string() + ", " + tx.sa.to_string() + ")").c_str(), rx, tx, radio, port, 5, 0);
    auto second = station.include(tx.sb);
    step(("included " + tx.sb.to_string() + " as well").c_str(), rx, tx, radio, port, 5, 5);
    second.drop();
    step(("dropped " + tx.sb.to_string()).c_str(), rx, tx, radio, port, 5, 0);
  } // station leaves

  // Final state: hand the whole list to the stack in one call, and read it back.
  std::printf("final state %s (SIOCSMSFILTER / MCAST_MSFILTER)\n", conference.to_string().c_str());
  {
    std::error_code ec;
    auto f = mcast::join_with_filter(rx, conference, lo, mcast::filter_mode::exclude, {tx.sa}, ec);
    if (ec == mcast::errc::unsupported) {
      std::printf("  this stack has no final-state filter call (%s); skipped\n", ec.message().c_str());
    } else if (ec) {
      throw std::system_error(ec, "join_with_filter");
    } else {
      step(("exclude {" + tx.sa.to_string() + "}").c_str(), rx, tx, conference, port, 0, 5);
      f.set(mcast::filter_mode::include, {tx.sa});
      step(("include {" + tx.sa.to_string() + "}, one call").c_str(), rx, tx, conference, port, 5, 0);
      const auto now = f.filter();
      std::printf("  the stack holds: %s {", now.mode == mcast::filter_mode::include ? "INCLUDE" : "EXCLUDE");
      for (const auto& s : now.sources)
        std::printf(" %s", s.to_string().c_str());
      std::printf(" }\n");
    }
  }

  if (failures != 0) {
    std::printf("mcast demo FAILED: %d step(s) did not filter as expected\n", failures);
    return 1;
  }
  std::printf("mcast demo OK\n");
  return 0;
} catch (const std::exception& e) {
  std::printf("mcast demo FAILED: %s\n", e.what());
  return 1;
}
