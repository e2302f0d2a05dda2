// network_interface.hpp: any(), lookup by name / index / address, and the errors.
#if defined(__linux__)
#include <unistd.h> // before mcast, which declares close() itself (built with -Wredundant-decls)
#endif
#include <mcast/network_interface.hpp>

#include "catch.hpp"

#include <cstring>

TEST_CASE("any() is index 0 with the 0.0.0.0 IPv4 field", "[interface]") {
  const auto nic = mcast::network_interface::any();
  CHECK(nic.is_any());
  CHECK(nic.index() == 0);
  CHECK(nic.to_string() == "any");
  CHECK(nic.has_ipv4_address());
  CHECK(nic.ipv4_address().is_unspecified());
  CHECK(mcast::network_interface::from_address(mcast::make_address("0.0.0.0")) == nic);
}

#if !defined(_WIN32)
TEST_CASE("loopback by name, index and address resolve to the same interface", "[interface]") {
  const auto by_name = mcast::network_interface::from_name("lo");
  CHECK(by_name.index() > 0);
  CHECK(by_name.name() == "lo");
  CHECK(by_name.to_string() == "lo");
  CHECK(by_name.has_ipv4_address());
  CHECK(by_name.ipv4_address().is_loopback());
  const auto by_index = mcast::network_interface::from_index(by_name.index());
  CHECK(by_index == by_name);
  CHECK(by_index.name() == "lo");
  const auto by_number = mcast::network_interface::from_name(std::to_string(by_name.index()));
  CHECK(by_number == by_name);
  const auto by_address = mcast::network_interface::from_address(mcast::make_address("127.0.0.1"));
  CHECK(by_address == by_name);
  CHECK(by_address.ipv4_address() == mcast::make_address("127.0.0.1"));
  const auto by_v6 = mcast::network_interface::from_address(mcast::make_address("::1"));
  CHECK(by_v6 == by_name);
}

TEST_CASE("an address label (lo:0) is not an interface name", "[interface][errors]") {
  std::error_code ec;
  (void)mcast::network_interface::from_name("lo:0", ec); // Linux's if_nametoindex gives lo's index
  CHECK(ec == mcast::errc::no_such_interface);
  (void)mcast::network_interface::from_name("lo:", ec);
  CHECK(ec == mcast::errc::no_such_interface);
  CHECK(mcast::network_interface::from_name("lo").name() == "lo");
}
#endif

TEST_CASE("unknown interfaces get errc::no_such_interface", "[interface][errors]") {
  std::error_code ec;
  (void)mcast::network_interface::from_name("no-such-if0", ec);
  CHECK(ec == mcast::errc::no_such_interface);
  (void)mcast::network_interface::from_name("", ec);
  CHECK(ec == mcast::errc::no_such_interface);
  (void)mcast::network_interface::from_name(std::string(300, 'x'), ec);
  CHECK(ec == mcast::errc::no_such_interface);
  (void)mcast::network_interface::from_index(999999, ec);
  CHECK(ec == mcast::errc::no_such_interface);
  (void)mcast::network_interface::from_name("999999", ec);
  CHECK(ec == mcast::errc::no_such_interface);
  (void)mcast::network_interface::from_address(mcast::make_address("198.51.100.77"), ec); // TEST-NET-2, not local
  CHECK(ec == mcast::errc::no_such_interface);
  (void)mcast::network_interface::from_address(mcast::make_address("239.1.1.1"), ec);
  CHECK(ec == mcast::errc::not_unicast);
  CHECK_THROWS_AS(mcast::network_interface::from_name("no-such-if0"), std::system_error);
  CHECK_THROWS_AS(mcast::network_interface::from_index(999999), std::system_error);
}

#if !defined(_WIN32)
TEST_CASE("interfaces copy, move and assign as values, name included", "[interface]") {
  const auto lo = mcast::network_interface::from_name("lo");
  auto copy = lo;
  CHECK(copy == lo);
  CHECK(copy.name() == "lo");
  auto moved = std::move(copy);
  CHECK(moved.name() == "lo");
  auto assigned = mcast::network_interface::any();
  assigned = moved;
  CHECK(assigned.name() == "lo");
  CHECK(assigned.ipv4_address() == lo.ipv4_address());
  assigned = mcast::network_interface::any();
  CHECK(assigned.name().empty());
  CHECK(assigned.to_string() == "any");
}
#endif

TEST_CASE("the 0.0.0.index form holds 24 bits: a larger index is refused, not truncated", "[interface][errors]") {
  mcast::detail::in4_addr_type out{};
  CHECK(mcast::detail::index_form(7, out));
  unsigned char b[4];
  std::memcpy(b, &out, 4);
  CHECK((b[0] == 0 && b[1] == 0 && b[2] == 0 && b[3] == 7));
  CHECK(mcast::detail::index_form(0x00ffffffu, out));
  CHECK(!mcast::detail::index_form(0x01000000u, out)); // would have been 0.0.0.0: the stack's choice
  CHECK(!mcast::detail::index_form(0x01000005u, out)); // would have been interface 5
}

#if defined(__linux__)
#include <arpa/inet.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <vector>

TEST_CASE("the route lookup's own rtnetlink declarations are Linux's", "[interface][linux]") {
  using mcast::detail::route_attribute;
  using mcast::detail::route_message;
  STATIC_REQUIRE(sizeof(route_message) == sizeof(rtmsg));
  STATIC_REQUIRE(offsetof(route_message, family) == offsetof(rtmsg, rtm_family));
  STATIC_REQUIRE(offsetof(route_message, dst_len) == offsetof(rtmsg, rtm_dst_len));
  STATIC_REQUIRE(offsetof(route_message, src_len) == offsetof(rtmsg, rtm_src_len));
  STATIC_REQUIRE(offsetof(route_message, tos) == offsetof(rtmsg, rtm_tos));
  STATIC_REQUIRE(offsetof(route_message, table) == offsetof(rtmsg, rtm_table));
  STATIC_REQUIRE(offsetof(route_message, protocol) == offsetof(rtmsg, rtm_protocol));
  STATIC_REQUIRE(offsetof(route_message, scope) == offsetof(rtmsg, rtm_scope));
  STATIC_REQUIRE(offsetof(route_message, type) == offsetof(rtmsg, rtm_type));
  STATIC_REQUIRE(offsetof(route_message, flags) == offsetof(rtmsg, rtm_flags));
  STATIC_REQUIRE(sizeof(route_attribute) == sizeof(rtattr));
  STATIC_REQUIRE(offsetof(route_attribute, len) == offsetof(rtattr, rta_len));
  STATIC_REQUIRE(offsetof(route_attribute, type) == offsetof(rtattr, rta_type));
  STATIC_REQUIRE(mcast::detail::rtm_newroute == RTM_NEWROUTE);
  STATIC_REQUIRE(mcast::detail::rtm_getroute == RTM_GETROUTE);
  STATIC_REQUIRE(mcast::detail::rta_dst == RTA_DST);
  STATIC_REQUIRE(mcast::detail::rta_oif == RTA_OIF);
  STATIC_REQUIRE(mcast::detail::rta_uid == RTA_UID);
}

TEST_CASE("the interface walks' own rtnetlink declarations are Linux's", "[interface][linux]") {
  using mcast::detail::address_message;
  using mcast::detail::link_message;
  STATIC_REQUIRE(sizeof(link_message) == sizeof(ifinfomsg));
  STATIC_REQUIRE(offsetof(link_message, family) == offsetof(ifinfomsg, ifi_family));
  STATIC_REQUIRE(offsetof(link_message, type) == offsetof(ifinfomsg, ifi_type));
  STATIC_REQUIRE(offsetof(link_message, index) == offsetof(ifinfomsg, ifi_index));
  STATIC_REQUIRE(offsetof(link_message, flags) == offsetof(ifinfomsg, ifi_flags));
  STATIC_REQUIRE(offsetof(link_message, change) == offsetof(ifinfomsg, ifi_change));
  STATIC_REQUIRE(sizeof(address_message) == sizeof(ifaddrmsg));
  STATIC_REQUIRE(offsetof(address_message, family) == offsetof(ifaddrmsg, ifa_family));
  STATIC_REQUIRE(offsetof(address_message, prefix_len) == offsetof(ifaddrmsg, ifa_prefixlen));
  STATIC_REQUIRE(offsetof(address_message, flags) == offsetof(ifaddrmsg, ifa_flags));
  STATIC_REQUIRE(offsetof(address_message, scope) == offsetof(ifaddrmsg, ifa_scope));
  STATIC_REQUIRE(offsetof(address_message, index) == offsetof(ifaddrmsg, ifa_index));
  STATIC_REQUIRE(mcast::detail::rtm_newlink == RTM_NEWLINK);
  STATIC_REQUIRE(mcast::detail::rtm_getlink == RTM_GETLINK);
  STATIC_REQUIRE(mcast::detail::rtm_newaddr == RTM_NEWADDR);
  STATIC_REQUIRE(mcast::detail::rtm_getaddr == RTM_GETADDR);
  STATIC_REQUIRE(mcast::detail::ifla_ifname == IFLA_IFNAME);
  STATIC_REQUIRE(mcast::detail::ifa_address == IFA_ADDRESS);
  STATIC_REQUIRE(mcast::detail::ifa_local == IFA_LOCAL);
}

// The lookup any() is resolved with (the netns tests use it on groups; here on the loopback
// addresses, whose route is lo's everywhere): no datagram is sent.
TEST_CASE("the route lookup names lo for 127.0.0.1 and ::1", "[interface][linux]") {
  const unsigned lo = mcast::network_interface::from_name("lo").index();
  unsigned char v4[4];
  REQUIRE(::inet_pton(AF_INET, "127.0.0.1", v4) == 1);
  unsigned index = 0;
  bool answered = false;
  CHECK(mcast::detail::raw_route_interface(AF_INET, v4, index, answered) == 0);
  CHECK(answered);
  CHECK(index == lo);
  // ::1 where the host has it (a socket can be bound to it); a host without IPv6 has no route.
  sockaddr_in6 one{};
  one.sin6_family = AF_INET6;
  REQUIRE(::inet_pton(AF_INET6, "::1", &one.sin6_addr) == 1);
  const int s6 = ::socket(AF_INET6, SOCK_DGRAM, 0);
  const bool has_v6_loopback = s6 >= 0 && ::bind(s6, reinterpret_cast<const sockaddr*>(&one), sizeof one) == 0;
  if (s6 >= 0)
    ::close(s6);
  index = 0;
  const int r = mcast::detail::raw_route_interface(AF_INET6, &one.sin6_addr, index, answered);
  if (!has_v6_loopback) {
    WARN("no ::1 on this host; its route lookup answered " << r);
  } else {
    CHECK(r == 0);
    CHECK(index == lo);
  }
}
// The reply parser, on replies made here: what the kernel sends, and what it must never make the
// parser read past (a length beyond the message or beyond the bytes received).
namespace {
using bytes = std::vector<unsigned char>;

bytes padded(bytes b) {
  b.resize(NLMSG_ALIGN(b.size()));
  return b;
}
bytes operator+(bytes a, const bytes& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}
// One message; `len` is what its header claims (default: header plus payload).
bytes message(std::uint16_t type, const bytes& payload, std::uint32_t len = 0) {
  nlmsghdr h{};
  h.nlmsg_type = type;
  h.nlmsg_len = len != 0 ? len : static_cast<std::uint32_t>(NLMSG_HDRLEN + payload.size());
  bytes b(NLMSG_HDRLEN);
  std::memcpy(b.data(), &h, sizeof h);
  return padded(b + payload);
}
bytes attribute(std::uint16_t type, const bytes& data) {
  rtattr a{};
  a.rta_type = type;
  a.rta_len = static_cast<unsigned short>(RTA_LENGTH(data.size()));
  bytes b(sizeof a);
  std::memcpy(b.data(), &a, sizeof a);
  return padded(b + data);
}
bytes oif(int index) {
  bytes b(sizeof index);
  std::memcpy(b.data(), &index, sizeof index);
  return attribute(RTA_OIF, b);
}
bytes route(const bytes& attributes, std::uint32_t len = 0) {
  return message(RTM_NEWROUTE, padded(bytes(sizeof(rtmsg))) + attributes, len);
}
bytes error_answer(int error) {
  nlmsgerr e{};
  e.error = error;
  bytes b(sizeof e);
  std::memcpy(b.data(), &e, sizeof e);
  return message(NLMSG_ERROR, b);
}
int parse(const bytes& b, unsigned& index) { return mcast::detail::route_reply_interface(b.data(), b.size(), index); }
} // namespace

TEST_CASE("the route lookup reads the kernel's answer, and nothing past a message or the reply", "[interface][linux]") {
  const bytes dst = attribute(RTA_DST, {239, 1, 2, 3});
  unsigned index = 12345;
  SECTION("a route: its RTA_OIF, after other attributes and after other messages") {
    CHECK(parse(route(dst + oif(7)), index) == 0);
    CHECK(index == 7);
    index = 0;
    CHECK(parse(route(attribute(RTA_DST, {}) + oif(8)), index) == 0); // an empty attribute is one
    CHECK(index == 8);
    index = 0;
    CHECK(parse(message(NLMSG_NOOP, {}) + route(oif(9)), index) == 0);
    CHECK(index == 9);
  }
  SECTION("the kernel's refusal, as its error number") {
    CHECK(parse(error_answer(-ENETUNREACH), index) == ENETUNREACH);
    CHECK(parse(error_answer(-EACCES), index) == EACCES);
    CHECK(parse(error_answer(0), index) == ENETUNREACH); // an acknowledgement is no route
    CHECK(index == 12345);
  }
  SECTION("no interface: no RTA_OIF, interface 0, or an RTA_OIF too short for one") {
    CHECK(parse(route(dst), index) == ENETUNREACH);
    CHECK(parse(route(oif(0)), index) == ENETUNREACH);
    CHECK(parse(route(attribute(RTA_OIF, {7, 0})), index) == ENETUNREACH);
    CHECK(index == 12345);
  }
  SECTION("lengths past the bytes: nothing is read there") {
    const bytes whole = route(dst + oif(7));
    // Fewer bytes received than the message claims (the RTA_OIF lies in what is missing).
    CHECK(mcast::detail::route_reply_interface(whole.data(), whole.size() - 4, index) == ENETUNREACH);
    // A message that ends inside its RTA_OIF (the rest of the attribute follows it in the reply).
    const auto cut = static_cast<std::uint32_t>(whole.size() - 2);
    CHECK(parse(route(dst + oif(7), cut), index) == ENETUNREACH);
    // An attribute of length 0 (it would never advance), a header cut short, an error cut short.
    CHECK(parse(route(dst + bytes{0, 0, 0, 0} + oif(7)), index) == ENETUNREACH);
    CHECK(parse(bytes(sizeof(nlmsghdr) - 1), index) == ENETUNREACH);
    CHECK(parse(bytes{}, index) == ENETUNREACH);
    CHECK(parse(message(NLMSG_ERROR, {0, 0}), index) == ENETUNREACH);
    bytes refusal = error_answer(-EACCES); // whole, but its header claims only 2 bytes of it
    const std::uint32_t short_len = NLMSG_HDRLEN + 2;
    std::memcpy(refusal.data(), &short_len, sizeof short_len);
    CHECK(parse(refusal, index) == ENETUNREACH);
    CHECK(index == 12345);
  }
}
#endif
