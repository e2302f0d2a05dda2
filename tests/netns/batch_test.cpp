// batch.hpp proven in the test namespace: receive_batch reports each datagram's own group,
// interface and source (two groups on two interfaces; IPv4, IPv6, dual-stack with IPv4 unmapped),
// truncation inside a batch, waiting for the first datagram only, batches longer than one
// recvmmsg, would-block on a non-blocking socket, the refusals before any system call and a call
// failing part way (through the syscall hook); send_batch delivers every datagram in order on lo
// and through a veth pair; datagram::multicast() tells a unicast datagram apart.
#include "catch.hpp"
#include "support/hook.hpp"
#include "support/net.hpp"
#include "support/netns.hpp"

#include <linux/if_packet.h>
#include <net/ethernet.h>

#include <array>
#include <chrono>
#include <map>
#include <string>
#include <vector>

using namespace mcast_test;
namespace o = mcast::option;

namespace {

void packet_info_on(const socket_fd& s, mcast::family f) {
  mcast::set_option(s, o::ip_pktinfo{true}); // (an IPv6 socket needs it for its IPv4 datagrams)
  if (f == mcast::family::v6)
    mcast::set_option(s, o::ipv6_recvpktinfo{true});
}

// Storage for a batch of `N` datagrams of `size` bytes each.
template <std::size_t N> struct batch_storage {
  explicit batch_storage(std::size_t size = 2048) : bytes(N * size) {
    for (std::size_t i = 0; i < N; ++i)
      bufs[i] = {bytes.data() + i * size, size};
  }
  std::string payload(std::size_t i) const { return std::string(static_cast<const char*>(bufs[i].data), ds[i].size); }
  std::vector<char> bytes;
  std::array<mcast::receive_buffer, N> bufs;
  std::array<mcast::datagram, N> ds;
};

// A receiver of a fresh group on lo, and a sender from 127.0.0.2 / 2001:db8::2.
struct lo_rig {
  explicit lo_rig(mcast::family f = mcast::family::v4)
      : rx(open_udp(f)), port(mcast::bind_receiver(rx, f, 0)), g(fresh_group(f)),
        membership(mcast::join_group(rx, g, mcast::network_interface::from_name("lo"))),
        tx(udp_sender(mcast::make_source(f == mcast::family::v4 ? "127.0.0.2" : "2001:db8::2"))) {}
  socket_fd rx;
  std::uint16_t port;
  mcast::group g;
  mcast::any_source_membership<> membership;
  socket_fd tx;
};

bool readable(const socket_fd& s, int ms) {
  pollfd p{s.get(), POLLIN, 0};
  return ::poll(&p, 1, ms) > 0;
}

} // namespace

TEST_CASE("receive_batch: each datagram of a batch has its own group, interface and source (two groups, two "
          "interfaces: IPv4, IPv6, dual-stack)",
          "[netns][batch]") {
  netlink nl;
  nl.add_local_veth("ba", "bb", "198.51.100.1", "2001:db8:30::1");
  nl.add_local_veth("ca", "cb", "203.0.113.1", "2001:db8:40::1");
  const auto x = mcast::network_interface::from_name("ba");
  const auto y = mcast::network_interface::from_name("ca");
  struct variant {
    const char* name;
    mcast::family socket_family;
    bool dual_stack;
    mcast::family group_family;
    const char* x_source;
    const char* y_source;
  };
  for (const variant v :
       {variant{"IPv4", mcast::family::v4, false, mcast::family::v4, "198.51.100.1", "203.0.113.1"},
        variant{"IPv6", mcast::family::v6, false, mcast::family::v6, "2001:db8:30::1", "2001:db8:40::1"},
        variant{"dual-stack, IPv4 groups", mcast::family::v6, true, mcast::family::v4, "198.51.100.1",
                "203.0.113.1"}}) {
    INFO(v.name);
    socket_fd rx = open_udp(v.socket_family, v.dual_stack);
    const std::uint16_t port = mcast::bind_receiver(rx, v.socket_family, 0);
    packet_info_on(rx, v.socket_family);
    const auto g1 = fresh_group(v.group_family), g2 = fresh_group(v.group_family);
    auto on_x = mcast::join_group(rx, g1, x);
    auto on_y = mcast::join_group(rx, g2, y);
    auto sender = [&](const mcast::network_interface& nic, const char* from) {
      socket_fd tx = open_udp(v.group_family);
      const auto a = mcast::make_address(from);
      mcast::detail::sockaddr_storage_type sa{};
      a.fill_sockaddr(sa, 0);
      check_sys(::bind(tx, reinterpret_cast<sockaddr*>(&sa), mcast::detail::sockaddr_length(sa)) == 0, "bind");
      if (v.group_family == mcast::family::v4) {
        mcast::set_option(tx, o::ip_multicast_if{nic});
        mcast::set_option(tx, o::ip_multicast_loop{true});
      } else {
        mcast::set_option(tx, o::ipv6_multicast_if{nic});
        mcast::set_option(tx, o::ipv6_multicast_loop{true});
      }
      return tx;
    };
    socket_fd tx_x = sender(x, v.x_source);
    socket_fd tx_y = sender(y, v.y_source);
    // Interleaved, so that neighbours in the batch differ in every field.
    for (int i = 0; i < 3; ++i) {
      send_one(tx_x, g1, port, "x" + std::to_string(i));
      send_one(tx_y, g2, port, "y" + std::to_string(i));
    }
    send_one(tx_y, g1, port, "g1 on y"); // g1 is joined on x only: not delivered
    REQUIRE(readable(rx, 1000));
    batch_storage<16> b;
    const std::size_t n = mcast::receive_batch(rx, b.bufs.data(), b.ds.data(), b.bufs.size());
    REQUIRE(n == 6);
    for (std::size_t i = 0; i < n; ++i) {
      const mcast::datagram& d = b.ds[i];
      const std::string p = b.payload(i);
      INFO(p);
      const bool on_x_side = p[0] == 'x';
      CHECK(p == (on_x_side ? "x" : "y") + std::to_string(i / 2)); // in the order sent
      REQUIRE(d.destination.has_value());
      CHECK(d.destination->to_string() == (on_x_side ? g1 : g2).to_string());
      CHECK(d.interface_index == (on_x_side ? x : y).index());
      CHECK(d.source.to_string() == (on_x_side ? v.x_source : v.y_source)); // IPv4 unmapped on dual-stack
      CHECK(d.source_port != 0);
      CHECK(d.size == 2);
      CHECK_FALSE(d.truncated);
      CHECK(d.multicast());
    }
    CHECK_FALSE(readable(rx, 50));
  }
}

TEST_CASE("receive_batch: truncation is reported per datagram inside a batch, not as an error", "[netns][batch]") {
  for (const auto f : {mcast::family::v4, mcast::family::v6}) {
    INFO((f == mcast::family::v4 ? "IPv4" : "IPv6"));
    lo_rig r(f);
    auto& [rx, port, g, membership, tx] = r;
    send_one(tx, g, port, std::string(100, 'a'));
    send_one(tx, g, port, std::string(10, 'b'));
    send_one(tx, g, port, std::string(17, 'c'));
    send_one(tx, g, port, std::string(16, 'd'));
    batch_storage<8> b(16);
    std::error_code ec;
    const std::size_t n = mcast::receive_batch(rx, b.bufs.data(), b.ds.data(), b.bufs.size(), ec);
    CHECK_FALSE(ec);
    REQUIRE(n == 4);
    CHECK(b.ds[0].size == 16);
    CHECK(b.ds[0].truncated);
    CHECK(b.payload(0) == std::string(16, 'a'));
    CHECK(b.ds[1].size == 10);
    CHECK_FALSE(b.ds[1].truncated);
    CHECK(b.payload(1) == std::string(10, 'b'));
    CHECK(b.ds[2].size == 16);
    CHECK(b.ds[2].truncated);
    CHECK(b.ds[3].size == 16);
    CHECK_FALSE(b.ds[3].truncated);
  }
}

TEST_CASE("receive_batch: waits for the first datagram only, takes longer batches in several calls, and a "
          "non-blocking socket with nothing queued reports would-block",
          "[netns][batch]") {
  lo_rig r;
  auto& [rx, port, g, membership, tx] = r;
  batch_storage<150> b(64);
  // One queued, eight asked: the call returns with the one instead of waiting for more.
  send_one(tx, g, port, "only");
  const auto start = std::chrono::steady_clock::now();
  CHECK(mcast::receive_batch(rx, b.bufs.data(), b.ds.data(), 8) == 1);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(1));
  CHECK(b.payload(0) == "only");
  // More than one recvmmsg holds (64): all of them, in order, in one receive_batch.
  for (int i = 0; i < 130; ++i)
    send_one(tx, g, port, std::to_string(i));
  std::size_t n = mcast::receive_batch(rx, b.bufs.data(), b.ds.data(), b.bufs.size());
  REQUIRE(n == 130);
  for (std::size_t i = 0; i < n; ++i)
    CHECK(b.payload(i) == std::to_string(i));
  // Nothing queued on a non-blocking socket.
  check_sys(::fcntl(rx, F_SETFL, O_NONBLOCK) == 0, "O_NONBLOCK");
  std::error_code ec;
  n = mcast::receive_batch(rx, b.bufs.data(), b.ds.data(), 8, ec);
  CHECK(n == 0);
  CHECK(ec == std::errc::operation_would_block);
  CHECK_THROWS_AS(mcast::receive_batch(rx, b.bufs.data(), b.ds.data(), 8), std::system_error);
  // Queued: the non-blocking socket gives what is there.
  send_one(tx, g, port, "late");
  n = mcast::receive_batch(rx, b.bufs.data(), b.ds.data(), 8, ec);
  CHECK_FALSE(ec);
  CHECK(n == 1);
}

TEST_CASE("receive_batch and send_batch: refusals and n == 0 come before any system call", "[netns][batch]") {
  socket_fd rx = open_udp(mcast::family::v4);
  const std::uint16_t port = mcast::bind_receiver(rx, mcast::family::v4, 0);
  batch_storage<4> b(64);
  syscall_recorder rec;
  std::error_code ec = make_error_code(std::errc::io_error);
  CHECK(mcast::receive_batch(rx, b.bufs.data(), b.ds.data(), 0, ec) == 0);
  CHECK_FALSE(ec);
  b.bufs[2] = {nullptr, 10};
  CHECK(mcast::receive_batch(rx, b.bufs.data(), b.ds.data(), 4, ec) == 0);
  CHECK(ec == mcast::errc::invalid_value);
  CHECK(mcast::receive_batch(rx, static_cast<const mcast::receive_buffer*>(nullptr), b.ds.data(), 4, ec) == 0);
  CHECK(ec == mcast::errc::invalid_value);
  CHECK(mcast::receive_batch(rx, b.bufs.data(), static_cast<mcast::datagram*>(nullptr), 4, ec) == 0);
  CHECK(ec == mcast::errc::invalid_value);
  CHECK_THROWS_AS(mcast::receive_batch(rx, b.bufs.data(), b.ds.data(), 4), std::system_error);
  const mcast::send_buffer out[2] = {{"a", 1}, {nullptr, 3}};
  CHECK(mcast::send_batch(rx, fresh_group(), port, out, 0, ec) == 0);
  CHECK_FALSE(ec);
  CHECK(mcast::send_batch(rx, fresh_group(), port, out, 2, ec) == 0);
  CHECK(ec == mcast::errc::invalid_value);
  CHECK(rec.count() == 0);
}

TEST_CASE("receive_batch and send_batch: a call failing reports what was done before, an error only when nothing "
          "was",
          "[netns][batch]") {
  lo_rig r;
  auto& [rx, port, g, membership, tx] = r;
  batch_storage<100> b(64);
  for (int i = 0; i < 80; ++i)
    send_one(tx, g, port, std::to_string(i));
  std::error_code ec;
  {
    syscall_recorder rec; // the first call fails: nothing received, the error
    rec.fail_call(0, ENOMEM);
    CHECK(mcast::receive_batch(rx, b.bufs.data(), b.ds.data(), b.bufs.size(), ec) == 0);
    CHECK(ec == std::errc::not_enough_memory);
    CHECK(rec.count(mcast::detail::syscall_kind::receive_batch) == 1);
  }
  {
    syscall_recorder rec; // the second recvmmsg fails: the first one's 64 are reported, no error
    rec.fail_call(1, ENOBUFS);
    CHECK(mcast::receive_batch(rx, b.bufs.data(), b.ds.data(), b.bufs.size(), ec) == 64);
    CHECK_FALSE(ec);
    CHECK(rec.count(mcast::detail::syscall_kind::receive_batch) == 2);
    CHECK(b.payload(63) == "63");
  }
  CHECK(mcast::receive_batch(rx, b.bufs.data(), b.ds.data(), b.bufs.size(), ec) == 16); // the rest is still queued
  CHECK(b.payload(0) == "64");

  std::vector<std::string> texts;
  std::vector<mcast::send_buffer> out;
  for (int i = 0; i < 100; ++i)
    texts.push_back("s" + std::to_string(i));
  for (const auto& t : texts)
    out.push_back({t.data(), t.size()});
  {
    syscall_recorder rec;
    rec.fail_from(0, ENOBUFS); // every call: nothing is sent
    CHECK(mcast::send_batch(tx, g, port, out.data(), out.size(), ec) == 0);
    CHECK(ec == std::errc::no_buffer_space);
    CHECK_THROWS_AS(mcast::send_batch(tx, g, port, out.data(), out.size()), std::system_error);
  }
  {
    syscall_recorder rec;
    rec.fail_call(1, ENOBUFS);
    CHECK(mcast::send_batch(tx, g, port, out.data(), out.size(), ec) == 64);
    CHECK_FALSE(ec);
  }
  CHECK(mcast::receive_batch(rx, b.bufs.data(), b.ds.data(), b.bufs.size(), ec) == 64);
  CHECK(b.payload(0) == "s0");
  CHECK(b.payload(63) == "s63");
}

TEST_CASE("send_batch: every datagram arrives, in order, on lo (IPv4, IPv6, dual-stack sender)", "[netns][batch]") {
  struct variant {
    const char* name;
    mcast::family group_family;
    bool dual_stack_sender;
  };
  for (const variant v : {variant{"IPv4", mcast::family::v4, false}, variant{"IPv6", mcast::family::v6, false},
                          variant{"IPv4 group from a dual-stack socket", mcast::family::v4, true}}) {
    INFO(v.name);
    socket_fd rx = open_udp(v.group_family);
    const std::uint16_t port = mcast::bind_receiver(rx, v.group_family, 0);
    const auto g = fresh_group(v.group_family);
    auto m = mcast::join_group(rx, g, mcast::network_interface::from_name("lo"));
    socket_fd tx =
        v.dual_stack_sender
            ? open_udp(mcast::family::v6, true)
            : udp_sender(mcast::make_source(v.group_family == mcast::family::v4 ? "127.0.0.2" : "2001:db8::2"));
    if (v.dual_stack_sender)
      mcast::set_option(tx, o::ip_multicast_if{mcast::network_interface::from_name("lo")});
    // 150 of mixed sizes, then 150 of one size (UDP GSO on Linux: runs of 64, 64 and 22) with a
    // shorter last one.
    std::vector<std::string> texts;
    for (int i = 0; i < 150; ++i)
      texts.push_back(std::to_string(i) + std::string(static_cast<std::size_t>(i % 7), '.'));
    for (int i = 0; i < 150; ++i)
      texts.push_back(std::string(i == 149 ? 5 : 40, static_cast<char>('A' + i % 26)));
    std::vector<mcast::send_buffer> out;
    for (const auto& t : texts)
      out.push_back({t.data(), t.size()});
    for (std::size_t half = 0; half < 300; half += 150) { // (300 at once would overflow the receive buffer)
      CHECK(mcast::send_batch(tx, g, port, out.data() + half, 150) == 150);
      batch_storage<200> b(64);
      std::size_t got = 0;
      while (got < 150 && readable(rx, 1000))
        got += mcast::receive_batch(rx, b.bufs.data() + got, b.ds.data() + got, 200 - got);
      REQUIRE(got == 150);
      for (std::size_t i = 0; i < got; ++i)
        CHECK(b.payload(i) == texts[half + i]);
    }
  }
}

// What leaves through a veth pair as the far end's packet socket sees it, with the virtio header
// (PACKET_VNET_HDR) that says whether a packet is a UDP GSO one (gso_type 5, VIRTIO_NET_HDR_GSO_UDP_L4)
// and its segment size: such a packet is cut into its datagrams here as the kernel cuts it for a
// receiver or a wire.
struct veth_capture {
  static constexpr std::size_t before_ip = 10 + 14; // struct virtio_net_hdr, then the Ethernet header
  socket_fd fd{-1};
  explicit veth_capture(const char* name) {
    const int cap = ::socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_IP)); // (the header needs SOCK_RAW)
    check_sys(cap >= 0, "AF_PACKET");
    fd = socket_fd(cap);
    const int on = 1;
    check_sys(::setsockopt(fd, SOL_PACKET, PACKET_VNET_HDR, &on, sizeof on) == 0, "PACKET_VNET_HDR");
    sockaddr_ll ll{};
    ll.sll_family = AF_PACKET;
    ll.sll_protocol = htons(ETH_P_IP);
    ll.sll_ifindex = static_cast<int>(::if_nametoindex(name));
    check_sys(::bind(fd, reinterpret_cast<sockaddr*>(&ll), sizeof ll) == 0, "bind AF_PACKET");
  }
  // The UDP payloads to `g`:`port`, in order, until `count` or a second with nothing; `segmented`
  // counts the GSO packets among them. A datagram sent in fragments is seen as "fragments of C",
  // C its first byte.
  std::vector<std::string> datagrams(const mcast::group& g, std::uint16_t port, std::size_t count, int& segmented) {
    std::vector<std::string> seen;
    segmented = 0;
    while (seen.size() < count && readable(fd, 1000)) {
      unsigned char pkt[70000];
      const ssize_t r = ::recv(fd, pkt, sizeof pkt, 0);
      if (r < static_cast<ssize_t>(before_ip + 28))
        continue;
      const unsigned gso_type = pkt[1];
      const std::size_t gso_size = static_cast<std::size_t>(pkt[4] | pkt[5] << 8); // (little-endian here)
      const unsigned char* ip = pkt + before_ip;
      const std::size_t length = static_cast<std::size_t>(r) - before_ip;
      const std::size_t ihl = static_cast<std::size_t>(ip[0] & 0x0f) * 4;
      if (ip[9] != IPPROTO_UDP || length < ihl + 8 || ((ip[6] & 0x1f) | ip[7]) != 0)
        continue; // (a fragment after the first has no UDP header)
      const unsigned dport = static_cast<unsigned>(ip[ihl + 2]) << 8 | ip[ihl + 3];
      if (dport != port ||
          mcast::address::from_bytes(std::array<unsigned char, 4>{ip[16], ip[17], ip[18], ip[19]}) != g.address())
        continue;
      const char* payload = reinterpret_cast<const char*>(ip + ihl + 8);
      const std::size_t bytes = length - ihl - 8;
      if ((ip[6] & 0x20) != 0) { // the first fragment
        seen.push_back(std::string("fragments of ") + payload[0]);
        continue;
      }
      if (gso_type == 0) {
        seen.emplace_back(payload, bytes);
        continue;
      }
      REQUIRE(gso_type == 5);
      REQUIRE(gso_size > 0);
      ++segmented;
      for (std::size_t at = 0; at < bytes; at += gso_size)
        seen.emplace_back(payload + at, (std::min)(gso_size, bytes - at));
    }
    return seen;
  }
};

TEST_CASE("send_batch: every datagram leaves through a veth, in order (runs of one size by UDP GSO)",
          "[netns][batch]") {
  netlink nl;
  nl.add_local_veth("sa", "sb", "198.51.100.1");
  veth_capture capture("sb");
  const auto g = fresh_group();
  const std::uint16_t port = 33000 + static_cast<std::uint16_t>(::getpid() % 1000);
  socket_fd tx = open_udp(mcast::family::v4);
  mcast::set_option(tx, o::ip_multicast_if{mcast::network_interface::from_name("sa")});
  auto send = [&](const std::vector<std::string>& texts) {
    std::vector<mcast::send_buffer> out;
    for (const auto& t : texts)
      out.push_back({t.data(), t.size()});
    REQUIRE(mcast::send_batch(tx, g, port, out.data(), out.size()) == texts.size());
  };
  // Sends `texts`, checks that they left in order, and returns how many GSO packets carried them.
  auto sent_as = [&](const std::vector<std::string>& texts) {
    send(texts);
    int segmented = 0;
    CHECK(capture.datagrams(g, port, texts.size(), segmented) == texts);
    return segmented;
  };
  std::vector<std::string> runs, alternating;
  for (int i = 0; i < 100; ++i)
    runs.push_back("veth " + std::to_string(i));
  for (int i = 0; i < 40; ++i)
    alternating.push_back(std::string(i % 2 ? 20 : 30, static_cast<char>('a' + i % 26)));
  CHECK(sent_as(runs) == 3);        // runs of one size: veth 0-9, 10-63 (the first chunk ends), 64-99
  CHECK(sent_as(alternating) == 0); // no run: one sendmmsg
  {
    INFO("datagrams larger than the veth's MTU (1500): GSO refuses them, sendmmsg sends them in fragments");
    std::vector<std::string> texts;
    for (int i = 0; i < 4; ++i)
      texts.push_back(std::string(3000, static_cast<char>('k' + i)));
    send(texts);
    // (the capture sees the fragments, not the datagrams: count the first fragments' offsets)
    int first_fragments = 0;
    while (readable(capture.fd, 1000)) {
      unsigned char pkt[70000];
      const ssize_t r = ::recv(capture.fd, pkt, sizeof pkt, 0);
      const unsigned char* ip = pkt + veth_capture::before_ip;
      if (r > static_cast<ssize_t>(veth_capture::before_ip + 20) && ip[9] == IPPROTO_UDP &&
          ((ip[6] & 0x1f) | ip[7]) == 0 && (ip[6] & 0x20) != 0)
        ++first_fragments; // offset 0, more fragments
    }
    CHECK(first_fragments == 4);
  }
  // A run that GSO refuses after one it took: the rest of the batch goes by sendmmsg, every
  // datagram in order, no short count.
  std::vector<std::string> mixed, expected;
  for (int i = 0; i < 28; ++i) {
    const bool big = i >= 10 && i < 18;
    mixed.push_back(big ? std::string(3000, static_cast<char>('k' + i)) : "mixed " + std::to_string(i + 10));
    expected.push_back(big ? std::string("fragments of ") + static_cast<char>('k' + i) : mixed.back());
  }
  {
    INFO("10 of one size, 8 larger than the MTU, 10 of one size");
    send(mixed);
    int segmented = 0;
    CHECK(capture.datagrams(g, port, mixed.size(), segmented) == expected);
    CHECK(segmented == 1); // the first 10; the last 10 went with the big ones by sendmmsg
  }
  {
    INFO("the same with IP_PMTUDISC_DO: GSO refuses the big run and sendmmsg fails too (EMSGSIZE) -- "
         "the 10 that went are the count, and the error is the next call's");
    const int dont_fragment = IP_PMTUDISC_DO;
    check_sys(::setsockopt(tx, IPPROTO_IP, IP_MTU_DISCOVER, &dont_fragment, sizeof dont_fragment) == 0,
              "IP_MTU_DISCOVER");
    std::vector<mcast::send_buffer> out;
    for (const auto& t : mixed)
      out.push_back({t.data(), t.size()});
    std::error_code ec;
    CHECK(mcast::send_batch(tx, g, port, out.data(), out.size(), ec) == 10);
    CHECK(!ec);
    CHECK(mcast::send_batch(tx, g, port, out.data() + 10, out.size() - 10, ec) == 0);
    CHECK(ec == std::errc::message_size);
    int segmented = 0;
    CHECK(capture.datagrams(g, port, mixed.size(), segmented) ==
          std::vector<std::string>(mixed.begin(), mixed.begin() + 10));
    CHECK(segmented == 1);
  }
}

TEST_CASE("datagram::multicast() is false for a unicast datagram, true for a group's", "[netns][batch]") {
  for (const auto f : {mcast::family::v4, mcast::family::v6}) {
    INFO((f == mcast::family::v4 ? "IPv4" : "IPv6"));
    socket_fd rx = open_udp(f);
    const std::uint16_t port = mcast::bind_receiver(rx, f, 0);
    packet_info_on(rx, f);
    const auto g = fresh_group(f);
    auto m = mcast::join_group(rx, g, mcast::network_interface::from_name("lo"));
    socket_fd tx = udp_sender(mcast::make_source(f == mcast::family::v4 ? "127.0.0.2" : "2001:db8::2"));
    send_one(tx, g, port, "group");
    // Unicast to the receiver's port on a local address.
    const auto local = mcast::make_address(f == mcast::family::v4 ? "127.0.0.1" : "2001:db8::1");
    mcast::detail::sockaddr_storage_type to{};
    local.fill_sockaddr(to, port);
    check_sys(::sendto(tx, "unicast", 7, 0, reinterpret_cast<sockaddr*>(&to), mcast::detail::sockaddr_length(to)) == 7,
              "sendto");
    REQUIRE(readable(rx, 1000));
    batch_storage<4> b(64);
    std::size_t n = mcast::receive_batch(rx, b.bufs.data(), b.ds.data(), 4);
    if (n < 2 && readable(rx, 1000))
      n += mcast::receive_batch(rx, b.bufs.data() + n, b.ds.data() + n, 4 - n);
    REQUIRE(n == 2);
    CHECK(b.payload(0) == "group");
    CHECK(b.ds[0].multicast());
    CHECK(b.payload(1) == "unicast");
    REQUIRE(b.ds[1].destination.has_value());
    CHECK(b.ds[1].destination->to_string() == local.to_string());
    CHECK_FALSE(b.ds[1].multicast());
    // Without packet info the destination is unknown: not reported as unicast.
    mcast::datagram unknown;
    CHECK(unknown.multicast());
  }
}
