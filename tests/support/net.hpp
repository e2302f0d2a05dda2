// Loopback test support (POSIX): receivers, senders bound to chosen sources, delivery counting,
// and the kernel's membership tables in /proc/net. Traffic stays on lo: senders name lo as their
// multicast interface and receivers join on lo.
#ifndef MCAST_TESTS_SUPPORT_NET_HPP
#define MCAST_TESTS_SUPPORT_NET_HPP

#include <mcast/mcast.hpp>

#include "support/skip.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <map>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sstream>
#include <stdexcept>
#include <string>
#include <sys/socket.h>
#include <unistd.h>
#include <utility>
#include <vector>

namespace mcast_test {

class socket_fd {
public:
  socket_fd() noexcept = default;
  explicit socket_fd(int fd) noexcept : fd_(fd) {}
  socket_fd(socket_fd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  socket_fd& operator=(socket_fd&& o) noexcept {
    reset();
    fd_ = std::exchange(o.fd_, -1);
    return *this;
  }
  ~socket_fd() { reset(); }
  void reset() noexcept {
    if (fd_ >= 0)
      ::close(fd_);
    fd_ = -1;
  }
  int get() const noexcept { return fd_; }
  int native_handle() const noexcept { return fd_; }
  operator int() const noexcept { return fd_; }

private:
  int fd_ = -1;
};

inline void check_sys(bool ok, const char* what) {
  if (!ok)
    throw std::runtime_error(std::string(what) + ": " + std::strerror(errno));
}

inline unsigned lo_index() { return ::if_nametoindex("lo"); }

// A fresh group per call, unique across the test processes that ctest runs in parallel (the
// /proc/net tables are shared by all of them): 24 bits of pid and counter under 239/8 or 232/8
// (v4), ff15::/ff3e:: plus pid and counter (v6).
inline mcast::group fresh_group(mcast::family f = mcast::family::v4, bool ssm = false) {
  static unsigned counter = 0;
  ++counter;
  // 15 bits of pid, 9 of counter: unique for up to 512 groups per process (the fault-injection
  // test uses about 180) as long as the pids of parallel tests differ below 32768.
  const unsigned id = ((static_cast<unsigned>(::getpid()) & 0x7fffu) << 9) | (counter & 0x1ffu);
  char buf[64];
  if (f == mcast::family::v4)
    std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", ssm ? 232u : 239u, id >> 16, (id >> 8) & 0xffu, id & 0xffu);
  else
    std::snprintf(buf, sizeof buf, "%s%x:%x", ssm ? "ff3e::" : "ff15::", static_cast<unsigned>(::getpid()), counter);
  return mcast::make_group(buf);
}

// A UDP socket bound to the wildcard address and a port the kernel picks. IPv6 sockets are
// IPV6_V6ONLY unless `dual_stack` (then it receives IPv4 too, as ::ffff:a.b.c.d).
inline socket_fd udp_receiver(mcast::family f, std::uint16_t& port, bool reuse = false, bool dual_stack = false) {
  const int fam = f == mcast::family::v4 ? AF_INET : AF_INET6;
  socket_fd s(::socket(fam, SOCK_DGRAM, 0));
  if (s.get() < 0 && fam == AF_INET6 && errno == EAFNOSUPPORT)
    require_ipv6(); // skips: this kernel has no IPv6
  check_sys(s.get() >= 0, "socket");
  if (reuse) {
    int one = 1;
    ::setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  }
  sockaddr_storage a{};
  a.ss_family = static_cast<sa_family_t>(fam);
  socklen_t len = f == mcast::family::v4 ? sizeof(sockaddr_in) : sizeof(sockaddr_in6);
  if (f == mcast::family::v6) {
    int v6only = dual_stack ? 0 : 1;
    check_sys(::setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof v6only) == 0, "IPV6_V6ONLY");
  }
  check_sys(::bind(s, reinterpret_cast<sockaddr*>(&a), len) == 0, "bind");
  ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
  port = ntohs(f == mcast::family::v4 ? reinterpret_cast<sockaddr_in*>(&a)->sin_port
                                      : reinterpret_cast<sockaddr_in6*>(&a)->sin6_port);
  return s;
}

// An unbound UDP socket; IPv6 ones are IPV6_V6ONLY unless `dual_stack`.
inline socket_fd open_udp(mcast::family f, bool dual_stack = false) {
  socket_fd s(::socket(f == mcast::family::v4 ? AF_INET : AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  check_sys(s.get() >= 0, "socket");
  if (f == mcast::family::v6) {
    const int v6only = dual_stack ? 0 : 1;
    check_sys(::setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof v6only) == 0, "IPV6_V6ONLY");
  }
  return s;
}

inline socket_fd udp_dual_receiver(std::uint16_t& port) { return udp_receiver(mcast::family::v6, port, false, true); }

// A UDP socket that sends from `src` (which must be local: 127.0.0.x, or an address of lo in a
// test namespace) with lo as its multicast interface, loopback on, TTL/hops 1.
inline socket_fd udp_sender(const mcast::source& src) {
  const bool v4 = src.is_v4();
  socket_fd s(::socket(v4 ? AF_INET : AF_INET6, SOCK_DGRAM, 0));
  check_sys(s.get() >= 0, "socket");
  int one = 1;
  if (v4) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr = src.address().to_in_addr();
    check_sys(::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0, "bind sender");
    ip_mreqn m{};
    m.imr_ifindex = static_cast<int>(lo_index());
    check_sys(::setsockopt(s, IPPROTO_IP, IP_MULTICAST_IF, &m, sizeof m) == 0, "IP_MULTICAST_IF");
    ::setsockopt(s, IPPROTO_IP, IP_MULTICAST_LOOP, &one, sizeof one);
    ::setsockopt(s, IPPROTO_IP, IP_MULTICAST_TTL, &one, sizeof one);
  } else {
    sockaddr_in6 a{};
    a.sin6_family = AF_INET6;
    a.sin6_addr = src.address().to_in6_addr();
    check_sys(::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0, "bind sender");
    unsigned idx = lo_index();
    check_sys(::setsockopt(s, IPPROTO_IPV6, IPV6_MULTICAST_IF, &idx, sizeof idx) == 0, "IPV6_MULTICAST_IF");
    ::setsockopt(s, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &one, sizeof one);
    ::setsockopt(s, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &one, sizeof one);
  }
  return s;
}

inline void send_one(const socket_fd& s, const mcast::group& g, std::uint16_t port, const std::string& payload) {
  const auto ss = g.address().to_sockaddr(port);
  const socklen_t len = g.is_v4() ? sizeof(sockaddr_in) : sizeof(sockaddr_in6);
  check_sys(::sendto(s, payload.data(), payload.size(), 0, reinterpret_cast<const sockaddr*>(&ss), len) ==
                static_cast<ssize_t>(payload.size()),
            "sendto");
}

// Receives until nothing more arrives within `quiet`; returns the datagrams per source address.
inline std::map<std::string, int> drain(const socket_fd& r,
                                        std::chrono::milliseconds quiet = std::chrono::milliseconds(30)) {
  std::map<std::string, int> counts;
  for (int i = 0; i < 10000; ++i) { // bounded
    pollfd p{r.get(), POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(quiet.count())) <= 0)
      break;
    char buf[2048];
    sockaddr_storage from{};
    socklen_t len = sizeof from;
    if (::recvfrom(r, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &len) < 0)
      break;
    counts[mcast::address::from_sockaddr(from).to_string()]++;
  }
  return counts;
}

// Sends `per_source` datagrams to (g, port) from each source, then counts what `r` received
// per source. On lo delivery happens inside sendto(), so a short quiet period suffices.
inline std::map<std::string, int> delivery(const socket_fd& r, const mcast::group& g, std::uint16_t port,
                                           const std::vector<mcast::source>& sources, int per_source = 3) {
  drain(r, std::chrono::milliseconds(1));
  for (const auto& s : sources) {
    socket_fd tx = udp_sender(s);
    for (int i = 0; i < per_source; ++i)
      send_one(tx, g, port, "mcast-test " + s.to_string());
  }
  auto counts = drain(r);
  for (const auto& s : sources)
    counts.emplace(s.to_string(), 0); // every sender appears, with 0 when nothing came
  return counts;
}

// ---- /proc/net ---------------------------------------------------------------------------------
// /proc/net tables are generated as they are read, a page at a time: while other test processes
// (ctest -j) change the table, one read can skip or repeat a row. Read in large chunks, and take a
// table only when two reads in a row agree (bounded).
inline std::string read_once(const char* path) {
  const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return std::string();
  std::string out;
  std::vector<char> buf(1 << 20);
  for (int i = 0; i < 64; ++i) { // bounded
    const ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n <= 0)
      break;
    out.append(buf.data(), static_cast<std::size_t>(n));
  }
  ::close(fd);
  return out;
}

inline std::string read_file(const char* path) {
  std::string last = read_once(path);
  for (int i = 0; i < 50; ++i) {
    std::string next = read_once(path);
    if (next == last)
      return next;
    last = std::move(next);
  }
  return last;
}

// /proc/net/igmp prints each group as "%08X" of the raw network-order word (byte-reversed on
// little-endian machines); igmp6 as 32 lowercase hex digits.
inline std::string proc_group_key(const mcast::group& g) {
  char buf[40];
  if (g.is_v4()) {
    std::uint32_t raw;
    std::memcpy(&raw, g.address().data(), 4);
    std::snprintf(buf, sizeof buf, "%08X", raw);
  } else {
    for (int i = 0; i < 16; ++i)
      std::snprintf(buf + 2 * i, 3, "%02x", g.address().data()[i]);
  }
  return buf;
}

// Whether the kernel lists the group on lo (any socket in this namespace).
inline bool kernel_has_group(const mcast::group& g) {
  const std::string table = read_file(g.is_v4() ? "/proc/net/igmp" : "/proc/net/igmp6");
  const std::string key = proc_group_key(g);
  if (g.is_v4()) {
    // Sections start with "<idx>\t<dev> :"; only lo's section counts.
    std::istringstream in(table);
    std::string line;
    bool in_lo = false;
    while (std::getline(in, line)) {
      if (!line.empty() && line[0] != '\t' && line[0] != ' ')
        in_lo = line.find("lo") != std::string::npos && line.find(':') != std::string::npos &&
                line.find("\tlo ") != std::string::npos;
      else if (in_lo && line.find(key) != std::string::npos)
        return true;
    }
    return false;
  }
  std::istringstream in(table);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream f(line);
    std::string idx, dev, grp;
    f >> idx >> dev >> grp;
    if (dev == "lo" && grp == key)
      return true;
  }
  return false;
}

// The index of the interface /proc/net/igmp(6) lists the group on (the first), 0 when none does.
inline unsigned kernel_group_interface(const mcast::group& g) {
  std::istringstream in(read_file(g.is_v4() ? "/proc/net/igmp" : "/proc/net/igmp6"));
  const std::string key = proc_group_key(g);
  std::string line;
  unsigned section = 0; // IPv4: sections start with "<idx>\t<dev> :"
  while (std::getline(in, line)) {
    std::istringstream f(line);
    if (g.is_v4()) {
      if (!line.empty() && line[0] != '\t' && line[0] != ' ') {
        unsigned idx = 0;
        section = (f >> idx) ? idx : 0;
      } else if (line.find(key) != std::string::npos) {
        return section;
      }
      continue;
    }
    unsigned idx = 0;
    std::string dev, grp;
    if ((f >> idx >> dev >> grp) && grp == key)
      return idx;
  }
  return 0;
}

// {INC, EXC} counts of /proc/net/mcfilter(6) for (group, source) on `dev`; {-1, -1} when absent.
// Kernel quirk (6.x, igmp_mcf_get_first / igmp6_mcf_get_first): an interface's rows are listed only
// if the group joined *last* on it has sources; a later any-source join hides them all. Use it
// only where the test controls every join on the interface (the private namespace).
inline std::pair<int, int> kernel_source_counts(const mcast::group& g, const mcast::source& s,
                                                const std::string& on = "lo") {
  const std::string table = read_file(g.is_v4() ? "/proc/net/mcfilter" : "/proc/net/mcfilter6");
  std::string gkey, skey;
  char buf[40];
  if (g.is_v4()) {
    std::uint32_t a, b;
    std::memcpy(&a, g.address().data(), 4);
    std::memcpy(&b, s.address().data(), 4);
    std::snprintf(buf, sizeof buf, "0x%08x", ntohl(a));
    gkey = buf;
    std::snprintf(buf, sizeof buf, "0x%08x", ntohl(b));
    skey = buf;
  } else {
    gkey = proc_group_key(g);
    for (int i = 0; i < 16; ++i)
      std::snprintf(buf + 2 * i, 3, "%02x", s.address().data()[i]);
    skey = buf;
  }
  std::istringstream in(table);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream f(line);
    std::string idx, dev, mca, src;
    int inc = 0, exc = 0;
    if (!(f >> idx >> dev >> mca >> src >> inc >> exc))
      continue;
    if (dev == on && mca == gkey && src == skey)
      return {inc, exc};
  }
  return {-1, -1};
}

// ---- an independent oracle: libc's getsourcefilter (RFC 3678), not the library's reader -------
struct libc_filter_result {
  int error = 0; // errno when the call failed (EADDRNOTAVAIL: no membership)
  bool include = false;
  std::vector<std::string> sources; // sorted text
};

inline libc_filter_result libc_filter(int fd, const mcast::group& g, unsigned ifindex) {
  libc_filter_result out;
  const auto ss = g.address().to_sockaddr();
  std::uint32_t mode = 0;
  std::uint32_t n = 64;
  std::vector<sockaddr_storage> list(n);
  const socklen_t len = g.is_v4() ? sizeof(sockaddr_in) : sizeof(sockaddr_in6);
  if (::getsourcefilter(fd, ifindex, reinterpret_cast<const sockaddr*>(&ss), len, &mode, &n, list.data()) != 0) {
    out.error = errno;
    return out;
  }
  out.include = mode == MCAST_INCLUDE;
  for (std::uint32_t i = 0; i < n && i < list.size(); ++i)
    out.sources.push_back(mcast::address::from_sockaddr(list[i]).to_string());
  std::sort(out.sources.begin(), out.sources.end());
  return out;
}

inline int read_sysctl(const char* path, int fallback) {
  std::ifstream in(path);
  int v = fallback;
  in >> v;
  return in ? v : fallback;
}

// Turns IP_MULTICAST_ALL off on a raw receiver, as the handles do, so that it sees only its own
// memberships.
inline void multicast_all_off(int fd, bool v6 = false) {
  int off = 0;
  ::setsockopt(fd, v6 ? IPPROTO_IPV6 : IPPROTO_IP, v6 ? 29 /* IPV6_MULTICAST_ALL */ : IP_MULTICAST_ALL, &off,
               sizeof off);
}

// The usual setup: a receiver on a fresh port, two senders, and lo. IPv4: 127.0.0.2 and
// 127.0.0.3 (local everywhere). IPv6: 2001:db8::2 and ::3 (added to lo in the test namespace).
struct loopback_rig {
  mcast::family family;
  std::uint16_t port = 0;
  socket_fd rx;
  mcast::source s2;
  mcast::source s3;
  mcast::network_interface lo = mcast::network_interface::from_name("lo");

  // Raw-option tests turn *_MULTICAST_ALL off themselves (the handles do it on every join).
  explicit loopback_rig(bool raw_receiver = false, mcast::family f = mcast::family::v4)
      : family(f), rx(udp_receiver(f, port)),
        s2(mcast::make_source(f == mcast::family::v4 ? "127.0.0.2" : "2001:db8::2")),
        s3(mcast::make_source(f == mcast::family::v4 ? "127.0.0.3" : "2001:db8::3")) {
    if (raw_receiver)
      multicast_all_off(rx, f == mcast::family::v6);
  }
  // Datagrams received from {s2, s3} when each sent 3 to (g, port).
  std::pair<int, int> got(const mcast::group& g) {
    auto c = delivery(rx, g, port, {s2, s3});
    return {c[s2.to_string()], c[s3.to_string()]};
  }
  libc_filter_result filter(const mcast::group& g) { return libc_filter(rx, g, lo.index()); }
};

inline std::vector<std::string> texts(std::initializer_list<const char*> l) { return {l.begin(), l.end()}; }
inline std::vector<std::string> texts(const mcast::source_filter& f) {
  std::vector<std::string> out;
  for (const auto& s : f.sources)
    out.push_back(s.to_string());
  return out;
}

} // namespace mcast_test

#endif
