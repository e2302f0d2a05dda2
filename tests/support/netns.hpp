// Private network namespaces for the kernel tests (Linux): the test process enters its own
// network namespace (as root a plain one, else inside a user namespace) before any thread
// starts, and sets it up through ioctl and rtnetlink -- no `ip` binary needed:
//   lo up with MULTICAST, 224.0.0.0/4 on lo, 2001:db8::1..3 on lo (nodad), and the IPv6 multicast
//   route as "local ff00::/8 dev lo table local" (a plain route there is a silent reject route).
// Where namespaces are not available the caller reports the tests as skipped (exit code 77).
#ifndef MCAST_TESTS_SUPPORT_NETNS_HPP
#define MCAST_TESTS_SUPPORT_NETNS_HPP

#include "support/skip.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <linux/fib_rules.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <stdexcept>
#include <string>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace mcast_test {

inline bool write_file(const std::string& path, const std::string& value) {
  std::ofstream out(path);
  out << value;
  out.flush();
  return static_cast<bool>(out);
}

// Whether this process's root is not the system's (a chroot): the kernel refuses to create a user
// namespace there (EPERM). Best effort: /proc/1/root may not be readable.
inline bool in_chroot() {
  struct stat mine {
  }, init{};
  if (::stat("/", &mine) != 0 || ::stat("/proc/1/root/", &init) != 0)
    return false;
  return mine.st_dev != init.st_dev || mine.st_ino != init.st_ino;
}

// Kernel features, probed where the test uses them (never guessed from the distribution).
// Multicast routing (CONFIG_IP_MROUTE): the kernel makes /proc/net/ip_mr_vif in every network
// namespace where it can route multicast; `pid` names a process in the namespace (0: this one).
// MCAST_TEST_IP_MR_VIF names another file to probe instead (to show the skip, or the run, on a
// kernel that has, or lacks, the feature).
inline std::string missing_multicast_routing(pid_t pid = 0) {
  std::string path = pid == 0 ? "/proc/net/ip_mr_vif" : "/proc/" + std::to_string(pid) + "/net/ip_mr_vif";
  if (const char* other = std::getenv("MCAST_TEST_IP_MR_VIF"))
    path = other;
  if (::access(path.c_str(), F_OK) == 0)
    return "";
  return "this kernel has no IPv4 multicast routing (" + path +
         " is missing: CONFIG_IP_MROUTE is not set), so a router cannot forward between its links";
}

struct namespace_status {
  bool entered = false;
  std::string reason; // why not, when not
};

// Enters a fresh network namespace: as root a plain one (a chroot refuses user namespaces even to
// root); otherwise -- or where root may not (no CAP_SYS_ADMIN, as in some containers) -- one inside
// a new user namespace that maps this user to its root. Must be called before any thread exists
// (unshare(CLONE_NEWUSER) fails with EINVAL otherwise).
inline namespace_status enter_private_namespace() {
  namespace_status st;
  const uid_t uid = ::getuid();
  const gid_t gid = ::getgid();
  if (uid == 0) {
    if (::unshare(CLONE_NEWNET) == 0) {
      st.entered = true;
      return st;
    }
    const int e = errno;
    st.reason = std::string("unshare(CLONE_NEWNET) failed: ") + std::strerror(e) +
                (e == EPERM    ? " (root without CAP_SYS_ADMIN, as in some containers)"
                 : e == ENOSPC ? " (user.max_net_namespaces is 0)"
                               : "") +
                "; ";
  }
  if (::unshare(CLONE_NEWUSER | CLONE_NEWNET) != 0) {
    const int e = errno;
    st.reason += std::string("unshare(CLONE_NEWUSER|CLONE_NEWNET) failed: ") + std::strerror(e);
    if (e == EPERM && in_chroot())
      st.reason += " (this process runs inside a chroot, and the kernel refuses user namespaces there: run the tests "
                   "as root, or outside the chroot)";
    else if (e == EPERM)
      st.reason += " (user namespaces restricted: kernel.unprivileged_userns_clone=0, AppArmor, a seccomp filter, or a "
                   "chroot -- the kernel refuses user namespaces inside one)";
    else if (e == ENOSPC)
      st.reason += " (user.max_user_namespaces or user.max_net_namespaces is 0)";
    else if (e == EINVAL)
      st.reason += " (called after threads started?)";
    return st;
  }
  write_file("/proc/self/setgroups", "deny");
  if (!write_file("/proc/self/uid_map", "0 " + std::to_string(uid) + " 1") ||
      !write_file("/proc/self/gid_map", "0 " + std::to_string(gid) + " 1")) {
    st.reason += "could not write the user namespace's uid/gid maps";
    return st;
  }
  st.reason.clear();
  st.entered = true;
  return st;
}

// ---- rtnetlink -----------------------------------------------------------------------------------
// The kernel's answer to a request: what was asked, and its errno.
struct netlink_error : std::runtime_error {
  int error;
  netlink_error(const std::string& what, int e) : std::runtime_error(what), error(e) {}
};

class netlink {
public:
  netlink() : fd_(::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE)) {
    if (fd_ < 0)
      throw std::runtime_error(std::string("netlink socket: ") + std::strerror(errno));
  }
  ~netlink() { ::close(fd_); }
  netlink(const netlink&) = delete;
  netlink& operator=(const netlink&) = delete;

  // A message under construction: header, fixed part, attributes.
  struct message {
    std::vector<unsigned char> buf;
    explicit message(std::uint16_t type, std::uint16_t flags, const void* body, std::size_t len) {
      buf.resize(NLMSG_SPACE(len));
      auto* h = reinterpret_cast<nlmsghdr*>(buf.data());
      h->nlmsg_type = type;
      h->nlmsg_flags = static_cast<std::uint16_t>(flags | NLM_F_REQUEST | NLM_F_ACK);
      h->nlmsg_len = static_cast<std::uint32_t>(NLMSG_LENGTH(len));
      std::memcpy(NLMSG_DATA(h), body, len);
    }
    nlmsghdr* header() { return reinterpret_cast<nlmsghdr*>(buf.data()); }
    // Appends an attribute; returns its offset (for nesting).
    std::size_t attr(std::uint16_t type, const void* data, std::size_t len) {
      const std::size_t at = NLMSG_ALIGN(header()->nlmsg_len);
      buf.resize(at + RTA_SPACE(len));
      auto* a = reinterpret_cast<rtattr*>(buf.data() + at);
      a->rta_type = type;
      a->rta_len = static_cast<std::uint16_t>(RTA_LENGTH(len));
      if (len)
        std::memcpy(RTA_DATA(a), data, len);
      header()->nlmsg_len = static_cast<std::uint32_t>(at + RTA_SPACE(len));
      return at;
    }
    template <class T> std::size_t attr(std::uint16_t type, const T& v) { return attr(type, &v, sizeof v); }
    std::size_t begin_nest(std::uint16_t type) { return attr(type, nullptr, 0); }
    void end_nest(std::size_t at) {
      reinterpret_cast<rtattr*>(buf.data() + at)->rta_len = static_cast<std::uint16_t>(header()->nlmsg_len - at);
    }
    void append_raw(const void* data, std::size_t len) {
      const std::size_t at = NLMSG_ALIGN(header()->nlmsg_len);
      buf.resize(at + NLMSG_ALIGN(len));
      std::memcpy(buf.data() + at, data, len);
      header()->nlmsg_len = static_cast<std::uint32_t>(at + NLMSG_ALIGN(len));
    }
  };

  // Sends and waits for the ACK; throws with the kernel's error.
  void request(message& m, const char* what) {
    m.header()->nlmsg_seq = ++seq_;
    if (::send(fd_, m.buf.data(), m.header()->nlmsg_len, 0) < 0)
      throw std::runtime_error(std::string(what) + ": send: " + std::strerror(errno));
    unsigned char reply[8192];
    for (int i = 0; i < 16; ++i) {
      const ssize_t got = ::recv(fd_, reply, sizeof reply, 0);
      if (got < 0)
        throw std::runtime_error(std::string(what) + ": recv: " + std::strerror(errno));
      // Walk the messages by hand (the NLMSG_OK/NEXT macros mix signed and unsigned lengths).
      std::size_t off = 0;
      const std::size_t total = static_cast<std::size_t>(got);
      for (; off + sizeof(nlmsghdr) <= total;) {
        auto* h = reinterpret_cast<nlmsghdr*>(reply + off);
        if (h->nlmsg_len < sizeof(nlmsghdr) || off + h->nlmsg_len > total)
          break;
        off += NLMSG_ALIGN(h->nlmsg_len);
        if (h->nlmsg_seq != seq_ || h->nlmsg_type != NLMSG_ERROR)
          continue;
        const int err = reinterpret_cast<nlmsgerr*>(NLMSG_DATA(h))->error;
        if (err != 0 && err != -EEXIST)
          throw netlink_error(std::string(what) + ": " + std::strerror(-err), -err);
        return;
      }
    }
    throw std::runtime_error(std::string(what) + ": no answer");
  }

  // ip addr add ADDR/PREFIX dev IFINDEX [nodad] [label LABEL]
  void add_address(unsigned ifindex, int family, const char* text, unsigned prefix, const char* label = nullptr) {
    ifaddrmsg ifa{};
    ifa.ifa_family = static_cast<unsigned char>(family);
    ifa.ifa_prefixlen = static_cast<unsigned char>(prefix);
    ifa.ifa_index = ifindex;
    ifa.ifa_flags = family == AF_INET6 ? IFA_F_NODAD : 0;
    message m(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, &ifa, sizeof ifa);
    unsigned char bytes[16];
    ::inet_pton(family, text, bytes);
    const std::size_t len = family == AF_INET ? 4 : 16;
    m.attr(IFA_LOCAL, bytes, len);
    m.attr(IFA_ADDRESS, bytes, len);
    if (family == AF_INET6) {
      const std::uint32_t flags = IFA_F_NODAD;
      m.attr(IFA_FLAGS, flags);
    }
    if (label != nullptr)
      m.attr(IFA_LABEL, label, std::strlen(label) + 1);
    request(m, "RTM_NEWADDR");
  }

  // ip route add [local] DST/LEN dev IFINDEX [table local]
  void add_route(int family, const char* dst, unsigned len, unsigned ifindex, bool local_table) {
    rtmsg rt{};
    rt.rtm_family = static_cast<unsigned char>(family);
    rt.rtm_dst_len = static_cast<unsigned char>(len);
    rt.rtm_table = local_table ? RT_TABLE_LOCAL : RT_TABLE_MAIN;
    rt.rtm_protocol = RTPROT_BOOT;
    rt.rtm_scope = local_table ? RT_SCOPE_HOST : RT_SCOPE_LINK;
    rt.rtm_type = local_table ? RTN_LOCAL : RTN_UNICAST;
    message m(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, &rt, sizeof rt);
    unsigned char bytes[16];
    ::inet_pton(family, dst, bytes);
    m.attr(RTA_DST, bytes, family == AF_INET ? 4 : 16);
    const std::uint32_t oif = ifindex;
    m.attr(RTA_OIF, oif);
    request(m, "RTM_NEWROUTE");
  }

  // ip route add TYPE DST/LEN [table TABLE] -- a route of a type without a device (RTN_PROHIBIT,
  // RTN_BLACKHOLE, RTN_UNREACHABLE), or with one when `ifindex` is not 0 (RTN_UNICAST).
  void add_typed_route(int family, const char* dst, unsigned len, unsigned char type, unsigned ifindex = 0,
                       unsigned table = RT_TABLE_MAIN) {
    rtmsg rt{};
    rt.rtm_family = static_cast<unsigned char>(family);
    rt.rtm_dst_len = static_cast<unsigned char>(len);
    rt.rtm_table = static_cast<unsigned char>(table < 256 ? table : RT_TABLE_UNSPEC);
    rt.rtm_protocol = RTPROT_BOOT;
    rt.rtm_scope = type == RTN_UNICAST ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE;
    rt.rtm_type = type;
    message m(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, &rt, sizeof rt);
    unsigned char bytes[16];
    ::inet_pton(family, dst, bytes);
    m.attr(RTA_DST, bytes, family == AF_INET ? 4 : 16);
    if (ifindex != 0) {
      const std::uint32_t oif = ifindex;
      m.attr(RTA_OIF, oif);
    }
    if (table >= 256) {
      const std::uint32_t t = table;
      m.attr(RTA_TABLE, t);
    }
    request(m, "RTM_NEWROUTE");
  }

  // ip rule add|del pref PREF [uidrange UID-UID] lookup TABLE (`uid` < 0: every uid).
  void rule(bool add, int family, unsigned pref, unsigned table, long uid = -1) {
    fib_rule_hdr h{};
    h.family = static_cast<unsigned char>(family);
    h.table = static_cast<unsigned char>(table < 256 ? table : RT_TABLE_UNSPEC);
    h.action = FR_ACT_TO_TBL;
    message m(add ? RTM_NEWRULE : RTM_DELRULE, add ? NLM_F_CREATE | NLM_F_EXCL : 0, &h, sizeof h);
    const std::uint32_t p = pref, t = table;
    m.attr(FRA_PRIORITY, p);
    m.attr(FRA_TABLE, t);
    if (uid >= 0) {
      fib_rule_uid_range r{};
      r.start = r.end = static_cast<std::uint32_t>(uid);
      m.attr(FRA_UID_RANGE, r);
    }
    request(m, add ? "RTM_NEWRULE" : "RTM_DELRULE");
  }

  // ip link add NAME type veth peer name PEER netns PID
  void add_veth(const char* name, const char* peer, pid_t peer_pid) {
    ifinfomsg ifi{};
    ifi.ifi_family = AF_UNSPEC;
    message m(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, &ifi, sizeof ifi);
    m.attr(IFLA_IFNAME, name, std::strlen(name) + 1);
    const std::size_t info = m.begin_nest(IFLA_LINKINFO);
    m.attr(IFLA_INFO_KIND, "veth", 5);
    const std::size_t data = m.begin_nest(IFLA_INFO_DATA);
    const std::size_t peer_at = m.begin_nest(VETH_INFO_PEER);
    ifinfomsg peer_ifi{};
    peer_ifi.ifi_family = AF_UNSPEC;
    m.append_raw(&peer_ifi, sizeof peer_ifi);
    m.attr(IFLA_IFNAME, peer, std::strlen(peer) + 1);
    const std::uint32_t pid = static_cast<std::uint32_t>(peer_pid);
    m.attr(IFLA_NET_NS_PID, pid);
    m.end_nest(peer_at);
    m.end_nest(data);
    m.end_nest(info);
    try {
      request(m, "RTM_NEWLINK veth");
    } catch (const netlink_error& e) {
      if (e.error == EOPNOTSUPP) // the kernel knows no link of that kind
        skip(std::string("this kernel has no veth driver (CONFIG_VETH; ") + e.what() + ")");
      throw;
    }
  }

  // ip link add NAME type KIND (e.g. "dummy"); false when this kernel has no such kind.
  bool add_link(const char* name, const char* kind) {
    ifinfomsg ifi{};
    ifi.ifi_family = AF_UNSPEC;
    message m(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, &ifi, sizeof ifi);
    m.attr(IFLA_IFNAME, name, std::strlen(name) + 1);
    const std::size_t info = m.begin_nest(IFLA_LINKINFO);
    m.attr(IFLA_INFO_KIND, kind, std::strlen(kind) + 1);
    m.end_nest(info);
    try {
      request(m, "RTM_NEWLINK");
    } catch (const std::runtime_error&) {
      return false;
    }
    return true;
  }

  // A veth pair with both ends in this namespace, both up, ADDR/24 on
  // NAME (IPv4) and, when given, ADDR6/64 (IPv6).
  void add_local_veth(const char* name, const char* peer, const char* addr, const char* addr6 = nullptr);

private:
  int fd_;
  std::uint32_t seq_ = 0;
};

// ip link set NAME up [multicast on]
inline void link_up(const char* name, bool multicast = true) {
  const int s = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  ifreq ifr{};
  std::snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", name);
  if (::ioctl(s, SIOCGIFFLAGS, &ifr) != 0) {
    const int e = errno;
    ::close(s);
    throw std::runtime_error(std::string("SIOCGIFFLAGS ") + name + ": " + std::strerror(e));
  }
  ifr.ifr_flags = static_cast<short>(ifr.ifr_flags | IFF_UP | (multicast ? IFF_MULTICAST : 0));
  const int r = ::ioctl(s, SIOCSIFFLAGS, &ifr);
  const int e = errno;
  ::close(s);
  if (r != 0)
    throw std::runtime_error(std::string("SIOCSIFFLAGS ") + name + ": " + std::strerror(e));
}

// Waits (at most 3 s) until NAME is running. A link set up is not yet ready to send: the kernel
// switches it to running, and gives it its real queue, a moment later (until then what is sent
// is dropped) -- on a loaded machine the first datagrams of a test were lost that way.
inline void wait_running(const char* name) {
  const int s = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  bool running = false;
  for (int i = 0; i < 300 && !running; ++i) {
    ifreq ifr{};
    std::snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", name);
    running = ::ioctl(s, SIOCGIFFLAGS, &ifr) == 0 && (ifr.ifr_flags & IFF_RUNNING) != 0;
    if (!running)
      ::usleep(10000);
  }
  ::close(s);
  if (!running)
    throw std::runtime_error(std::string(name) + " is not running 3 s after it was set up");
  ::usleep(10000); // (the queue is set right after the running flag, in the same kernel step)
}

// Waits (at most 3 s) until the IPv6 address TEXT, just added to an interface that is up, takes a
// datagram it sends to itself. Even with nodad the kernel finishes an IPv6 address in a work item
// a moment after RTM_NEWADDR returns; a datagram sent to it before then is discarded on the way
// out (Ip6OutNoRoutes) although sendto() succeeds and the address can be bound -- seen as a lost
// unicast datagram in a test that ran right after the set-up.
inline void wait_ipv6_usable(const char* text) {
  sockaddr_in6 a{};
  a.sin6_family = AF_INET6;
  ::inet_pton(AF_INET6, text, &a.sin6_addr);
  bool usable = false;
  for (int i = 0; i < 150 && !usable; ++i) {
    const int s = ::socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_in6 self{};
    socklen_t len = sizeof self;
    if (s >= 0 && ::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
        ::getsockname(s, reinterpret_cast<sockaddr*>(&self), &len) == 0 &&
        ::sendto(s, "x", 1, 0, reinterpret_cast<sockaddr*>(&self), sizeof self) == 1) {
      pollfd p{s, POLLIN, 0};
      char c = 0;
      usable = ::poll(&p, 1, 20) == 1 && ::recv(s, &c, 1, MSG_DONTWAIT) == 1;
    } else {
      ::usleep(20000);
    }
    if (s >= 0)
      ::close(s);
  }
  if (!usable)
    throw std::runtime_error(std::string(text) + " does not take a datagram 3 s after it was added");
}

inline void netlink::add_local_veth(const char* name, const char* peer, const char* addr, const char* addr6) {
  add_veth(name, peer, ::getpid());
  link_up(name);
  link_up(peer);
  wait_running(name);
  wait_running(peer);
  const unsigned index = ::if_nametoindex(name);
  add_address(index, AF_INET, addr, 24);
  if (addr6 != nullptr) {
    add_address(index, AF_INET6, addr6, 64);
    wait_ipv6_usable(addr6);
  }
}

// Runs `body` in a child process, in a network namespace of its own with lo up: what the body
// sets up (addresses, routes, rules, a uid) stays away from every other test, and a fresh
// namespace need not be left. `body` returns how many checks failed, or 77 for "skipped"; an
// exception counts as 98. Returns the child's exit status (100: unshare failed), -1 when it did
// not exit.
template <class Body> int run_in_child_namespace(Body&& body) {
  const pid_t child = ::fork();
  if (child < 0)
    return -1;
  if (child == 0) {
    int result = 0;
    try {
      if (::unshare(CLONE_NEWNET) != 0)
        ::_exit(100);
      link_up("lo");
      result = body();
    } catch (const std::exception& e) {
      std::fprintf(stderr, "%s\n", e.what());
      result = 98;
    }
    ::_exit(result > 99 ? 99 : result);
  }
  int status = 0;
  if (::waitpid(child, &status, 0) != child || !WIFEXITED(status))
    return -1;
  return WEXITSTATUS(status);
}

// The loopback test network inside a fresh namespace.
inline void setup_loopback_network() {
  link_up("lo");
  const unsigned lo = ::if_nametoindex("lo");
  netlink nl;
  nl.add_route(AF_INET, "224.0.0.0", 4, lo, false);
  for (const char* a : {"2001:db8::1", "2001:db8::2", "2001:db8::3"})
    nl.add_address(lo, AF_INET6, a, 128);
  nl.add_route(AF_INET6, "ff00::", 8, lo, true);
  for (const char* a : {"2001:db8::1", "2001:db8::2", "2001:db8::3"})
    wait_ipv6_usable(a);
  // Reports every 10 ms instead of every second (wire tests).
  write_file("/proc/sys/net/ipv4/conf/lo/igmpv3_unsolicited_report_interval", "10");
  write_file("/proc/sys/net/ipv6/conf/lo/mldv2_unsolicited_report_interval", "10");
}

// True when this process runs in a namespace with no interface but lo (safe to use any()).
inline bool only_loopback() {
  std::ifstream in("/proc/net/dev");
  std::string line;
  int n = 0;
  while (std::getline(in, line))
    if (++n > 2 && line.find("lo:") == std::string::npos)
      return false;
  return true;
}

} // namespace mcast_test

#endif
