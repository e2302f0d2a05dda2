// interfaces.hpp against the kernel's own answers, in the test namespace: lo, a veth pair and (where
// the kernel has the driver) a dummy interface; and a host with 1000 interfaces. Names and indexes
// from if_nameindex, flags from SIOCGIFFLAGS, addresses from an RTM_GETADDR dump parsed here with
// the kernel's own header macros -- a second reading, independent of the library's (its own
// rtnetlink walk on Linux).
#include "catch.hpp"
#include "support/hook.hpp"
#include "support/net.hpp"
#include "support/netns.hpp"

#include <map>
#include <set>
#include <sys/ioctl.h>

using namespace mcast_test;

namespace {

struct kernel_interface {
  std::string name;
  bool up = false, multicast = false, loopback = false;
  std::set<std::string> addresses;
  bool operator==(const kernel_interface& o) const {
    return name == o.name && up == o.up && multicast == o.multicast && loopback == o.loopback &&
           addresses == o.addresses;
  }
};

// Every address of every interface, by index, as rtnetlink lists it.
std::map<unsigned, std::set<std::string>> rtnetlink_addresses() {
  std::map<unsigned, std::set<std::string>> out;
  const int fd = ::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  check_sys(fd >= 0, "netlink");
  struct {
    nlmsghdr h;
    ifaddrmsg m;
  } req{};
  req.h.nlmsg_len = NLMSG_LENGTH(sizeof(ifaddrmsg));
  req.h.nlmsg_type = RTM_GETADDR;
  req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  req.h.nlmsg_seq = 1;
  req.m.ifa_family = AF_UNSPEC;
  check_sys(::send(fd, &req, req.h.nlmsg_len, 0) >= 0, "RTM_GETADDR");
  for (bool done = false; !done;) {
    alignas(nlmsghdr) unsigned char buf[16384];
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    check_sys(n > 0, "recv RTM_GETADDR");
    std::size_t off = 0;
    while (off + sizeof(nlmsghdr) <= static_cast<std::size_t>(n)) {
      auto* h = reinterpret_cast<nlmsghdr*>(buf + off);
      off += NLMSG_ALIGN(h->nlmsg_len);
      if (h->nlmsg_type == NLMSG_DONE || h->nlmsg_type == NLMSG_ERROR) {
        done = true;
        break;
      }
      if (h->nlmsg_type != RTM_NEWADDR)
        continue;
      auto* m = static_cast<ifaddrmsg*>(NLMSG_DATA(h));
      int len = static_cast<int>(IFA_PAYLOAD(h));
      const void* local = nullptr;
      const void* address = nullptr;
      for (auto* a = IFA_RTA(m); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
        if (a->rta_type == IFA_LOCAL)
          local = RTA_DATA(a);
        else if (a->rta_type == IFA_ADDRESS)
          address = RTA_DATA(a);
      }
      const void* which = local != nullptr ? local : address; // IPv4: IFA_LOCAL is the interface's own
      if (which == nullptr)
        continue;
      char text[INET6_ADDRSTRLEN] = {};
      ::inet_ntop(m->ifa_family, which, text, sizeof text);
      out[m->ifa_index].insert(text);
    }
  }
  ::close(fd);
  return out;
}

std::map<unsigned, kernel_interface> kernel_view() {
  std::map<unsigned, kernel_interface> out;
  struct if_nameindex* names = ::if_nameindex();
  check_sys(names != nullptr, "if_nameindex");
  const int s = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  for (struct if_nameindex* n = names; n->if_index != 0; ++n) {
    kernel_interface k;
    k.name = n->if_name;
    ifreq ifr{};
    std::snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", n->if_name);
    check_sys(::ioctl(s, SIOCGIFFLAGS, &ifr) == 0, "SIOCGIFFLAGS");
    k.up = (ifr.ifr_flags & IFF_UP) != 0;
    k.multicast = (ifr.ifr_flags & IFF_MULTICAST) != 0;
    k.loopback = (ifr.ifr_flags & IFF_LOOPBACK) != 0;
    out[n->if_index] = k;
  }
  ::close(s);
  ::if_freenameindex(names);
  for (auto& [index, addresses] : rtnetlink_addresses())
    out[index].addresses = addresses;
  return out;
}

void set_flags(const char* name, int on, int off) {
  const int s = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  ifreq ifr{};
  std::snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", name);
  check_sys(::ioctl(s, SIOCGIFFLAGS, &ifr) == 0, "SIOCGIFFLAGS");
  ifr.ifr_flags = static_cast<short>((ifr.ifr_flags | on) & ~off);
  check_sys(::ioctl(s, SIOCSIFFLAGS, &ifr) == 0, "SIOCSIFFLAGS");
  ::close(s);
}

std::map<unsigned, kernel_interface> library_view(const std::vector<mcast::interface_info>& all) {
  std::map<unsigned, kernel_interface> out;
  for (const auto& i : all) {
    kernel_interface k;
    k.name = i.name;
    k.up = i.up;
    k.multicast = i.multicast;
    k.loopback = i.loopback;
    for (const auto& a : i.addresses)
      k.addresses.insert(a.to_string());
    out[i.index] = k;
  }
  return out;
}

} // namespace

TEST_CASE("list_interfaces agrees with the kernel: names, indexes, flags and every address", "[netns][interfaces]") {
  netlink nl;
  nl.add_local_veth("ia", "ib", "192.0.2.1", "2001:db8:30::1");
  nl.add_address(::if_nametoindex("ia"), AF_INET, "192.0.2.9", 24); // a second IPv4 address
  nl.add_veth("ja", "jb", ::getpid());                              // left down
  set_flags("jb", 0, IFF_MULTICAST);                                // and one without multicast
  const bool dummy = nl.add_link("id0", "dummy");
  if (dummy)
    nl.add_address(::if_nametoindex("id0"), AF_INET, "198.51.100.7", 24); // down, with an address
  else
    WARN("this kernel has no dummy interfaces: lo and a veth pair only");

  // The view can change under us (IPv6 link-local addresses appear when a link comes up): compare
  // when the kernel's view is the same before and after the library's read.
  std::map<unsigned, kernel_interface> before, after, mine;
  for (int attempt = 0; attempt < 20; ++attempt) {
    before = kernel_view();
    mine = library_view(mcast::list_interfaces());
    after = kernel_view();
    if (before == after)
      break;
    ::usleep(100000);
  }
  REQUIRE(before == after);
  CHECK(mine.size() == before.size());
  for (const auto& [index, k] : before) {
    INFO("interface " << index << " " << k.name);
    REQUIRE(mine.count(index) == 1);
    const auto& m = mine.at(index);
    CHECK(m.name == k.name);
    CHECK(m.up == k.up);
    CHECK(m.multicast == k.multicast);
    CHECK(m.loopback == k.loopback);
    CHECK(m.addresses == k.addresses);
  }
  // The cases that matter, spelled out.
  const auto all = mcast::list_interfaces();
  auto find = [&](const char* name) -> const mcast::interface_info* {
    for (const auto& i : all)
      if (i.name == name)
        return &i;
    return nullptr;
  };
  // Without a separate name people see (Windows' FriendlyName), the display name is the name.
  for (const auto& i : all)
    CHECK(i.display_name == i.name);
  const auto* lo = find("lo");
  const auto* ia = find("ia");
  REQUIRE(lo != nullptr);
  REQUIRE(ia != nullptr);
  CHECK(lo->loopback);
  CHECK(lo->nic == mcast::network_interface::from_name("lo"));
  CHECK(ia->up);
  CHECK(ia->multicast);
  CHECK_FALSE(ia->loopback);
  CHECK(ia->nic.index() == ::if_nametoindex("ia"));
  CHECK(ia->nic.ipv4_address().to_string() == "192.0.2.1");
  std::set<std::string> ia_addresses;
  for (const auto& a : ia->addresses)
    ia_addresses.insert(a.to_string());
  CHECK(ia_addresses.count("192.0.2.1") == 1);
  CHECK(ia_addresses.count("192.0.2.9") == 1);
  CHECK(ia_addresses.count("2001:db8:30::1") == 1);
  const auto* jb = find("jb");
  REQUIRE(jb != nullptr);
  CHECK_FALSE(jb->up);
  CHECK_FALSE(jb->multicast);
  CHECK(jb->addresses.empty());
  if (dummy) {
    const auto* d = find("id0");
    REQUIRE(d != nullptr);
    CHECK_FALSE(d->up);
    CHECK(d->addresses.size() == 1);
  }
  for (std::size_t i = 1; i < all.size(); ++i)
    CHECK(all[i - 1].index < all[i].index);
}

// A labelled IPv4 address (`ip addr add 192.0.2.7/24 dev lo label lo:7`) is one of lo's
// addresses: getifaddrs lists it under its label, "lo:7", and list_interfaces dropped it. In a
// namespace of its own (a child process), so that no other test sees 192.0.2.0/24 on lo.
TEST_CASE("list_interfaces lists a labelled IPv4 address with its interface", "[netns][interfaces]") {
  const int status = run_in_child_namespace([] {
    int failures = 0;
    netlink nl;
    const unsigned lo = ::if_nametoindex("lo");
    nl.add_address(lo, AF_INET, "192.0.2.7", 24, "lo:7");
    nl.add_address(lo, AF_INET, "192.0.2.8", 24, "lo:other");
    nl.add_address(lo, AF_INET, "198.51.100.9", 24); // no label
    // The kernel's view (rtnetlink, no labels) and the library's, interface by interface.
    const auto kernel = kernel_view();
    const auto mine = library_view(mcast::list_interfaces());
    failures += mine.size() != kernel.size();
    for (const auto& [index, k] : kernel)
      failures += mine.count(index) != 1 || !(mine.at(index) == k);
    const auto& lo_addresses = mine.count(lo) ? mine.at(lo).addresses : std::set<std::string>{};
    for (const char* a : {"127.0.0.1", "192.0.2.7", "192.0.2.8", "198.51.100.9"})
      if (lo_addresses.count(a) != 1) {
        std::fprintf(stderr, "list_interfaces: lo lacks %s\n", a);
        ++failures;
      }
    // The address names lo for the lookups by address too.
    failures += mcast::network_interface::from_address(mcast::make_address("192.0.2.7")).index() != lo;
    return failures;
  });
  CHECK(status == 0);
}

// A host with 1000 interfaces (500 veth pairs, each end with its own IPv4 address; one address
// held by two of them): list_interfaces agrees with the kernel on every one, and each entry's
// interface is what from_index / from_name / from_address make of it. (The lookups once walked
// every interface for each other one: 30 s for 800 interfaces; the bench's section 8 times them.)
TEST_CASE("list_interfaces and the lookups on a host with 1000 interfaces", "[netns][interfaces]") {
  const int status = run_in_child_namespace([] {
    int failures = 0;
    netlink nl;
    for (int k = 0; k < 500; ++k) {
      const std::string a = "ma" + std::to_string(k), b = "mb" + std::to_string(k);
      nl.add_veth(a.c_str(), b.c_str(), ::getpid()); // left down: no link-local address appears
      const std::string va = "10." + std::to_string(k / 200) + "." + std::to_string(k % 200) + ".1";
      const std::string vb =
          k == 499 ? std::string("10.0.0.1") : "10." + std::to_string(k / 200) + "." + std::to_string(k % 200) + ".2";
      nl.add_address(::if_nametoindex(a.c_str()), AF_INET, va.c_str(), 32);
      nl.add_address(::if_nametoindex(b.c_str()), AF_INET, vb.c_str(), 32);
    }
    const auto kernel = kernel_view();
    const auto all = mcast::list_interfaces();
    const auto mine = library_view(all);
    if (kernel.size() != 1001 || mine.size() != kernel.size()) {
      std::fprintf(stderr, "interfaces: kernel %zu, list_interfaces %zu\n", kernel.size(), mine.size());
      ++failures;
    }
    for (const auto& [index, k] : kernel)
      if (mine.count(index) != 1 || !(mine.at(index) == k)) {
        std::fprintf(stderr, "list_interfaces differs from the kernel at %u %s\n", index, k.name.c_str());
        ++failures;
      }
    for (const auto& i : all) {
      const auto by_index = mcast::network_interface::from_index(i.index);
      const auto by_name = mcast::network_interface::from_name(i.name);
      for (const auto* n : {&by_index, &by_name})
        if (n->index() != i.nic.index() || n->name() != i.nic.name() ||
            n->has_ipv4_address() != i.nic.has_ipv4_address() || n->ipv4_address() != i.nic.ipv4_address() ||
            n->ipv4_address_shared() != i.nic.ipv4_address_shared()) {
          std::fprintf(stderr, "%s: list_interfaces and the lookup disagree\n", i.name.c_str());
          ++failures;
        }
    }
    // 10.0.0.1 is held by ma0 and mb499: both say so, and an address lookup names one of them.
    const unsigned ma0 = ::if_nametoindex("ma0"), mb499 = ::if_nametoindex("mb499");
    for (const auto& i : all)
      if (i.nic.ipv4_address_shared() != (i.index == ma0 || i.index == mb499)) {
        std::fprintf(stderr, "%s: ipv4_address_shared() is wrong\n", i.name.c_str());
        ++failures;
      }
    const unsigned by_address = mcast::network_interface::from_address(mcast::make_address("10.0.0.1")).index();
    failures += by_address != ma0 && by_address != mb499;
    failures += mcast::network_interface::from_address(mcast::make_address("10.2.98.2")).name() != "mb498";
    return failures;
  });
  CHECK(status == 0);
}

TEST_CASE("list_interfaces: a failure of the system's call is reported, with nothing half-filled",
          "[netns][interfaces]") {
  syscall_recorder rec;
  rec.fail_call(0, ENOBUFS);
  std::error_code ec;
  const auto all = mcast::list_interfaces(ec);
  CHECK(ec == std::errc::no_buffer_space);
  CHECK(all.empty());
  rec.clear();
  rec.fail_call(0, ENOBUFS);
  CHECK_THROWS_AS(mcast::list_interfaces(), std::system_error);
}
