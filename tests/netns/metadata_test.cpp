// Kernel metadata with each datagram, proven in the test namespace: receive timestamps
// (option::receive_timestamp, SO_TIMESTAMPNS) lie between each datagram's own send and the read, and
// the drop count (option::receive_drops, SO_RXQ_OVFL) rises by exactly what the kernel dropped
// while the reader paused with a tiny receive buffer -- through receive() and receive_batch().
#include "catch.hpp"
#include "support/net.hpp"
#include "support/netns.hpp"

#include <array>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

using namespace mcast_test;
namespace o = mcast::option;

namespace {

// A receiver of a fresh group on lo, and a sender from 127.0.0.2.
struct receiver {
  socket_fd rx = open_udp(mcast::family::v4);
  std::uint16_t port = mcast::bind_receiver(rx, mcast::family::v4, 0);
  mcast::group g = fresh_group();
  mcast::any_source_membership<> membership = mcast::join_group(rx, g, mcast::network_interface::from_name("lo"));
  socket_fd tx = udp_sender(mcast::make_source("127.0.0.2"));
};

bool readable(const socket_fd& s, int ms) {
  pollfd p{s.get(), POLLIN, 0};
  return ::poll(&p, 1, ms) > 0;
}

std::chrono::nanoseconds wall_clock() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch());
}

// Every datagram queued now, by receive() or by receive_batch() (batches of 8); with each, its
// payload when `payloads` is given.
std::vector<mcast::datagram> take_queued(const socket_fd& s, bool batch, std::vector<std::string>* payloads = nullptr) {
  std::vector<mcast::datagram> out;
  std::array<std::array<char, 512>, 8> bytes{};
  std::array<mcast::receive_buffer, 8> bufs{};
  for (std::size_t i = 0; i < bufs.size(); ++i)
    bufs[i] = {bytes[i].data(), bytes[i].size()};
  std::array<mcast::datagram, 8> ds{};
  while (readable(s, 0)) {
    if (batch) {
      const std::size_t n = mcast::receive_batch(s, bufs.data(), ds.data(), ds.size());
      for (std::size_t i = 0; i < n; ++i) {
        out.push_back(ds[i]);
        if (payloads != nullptr)
          payloads->emplace_back(bytes[i].data(), ds[i].size);
      }
    } else {
      out.push_back(mcast::receive(s, bytes[0].data(), bytes[0].size()));
      if (payloads != nullptr)
        payloads->emplace_back(bytes[0].data(), out.back().size);
    }
  }
  return out;
}

} // namespace

TEST_CASE("receive_timestamp: each datagram's kernel time lies between its own send and its read",
          "[netns][receive][timestamp]") {
  // With packet info on as well: the kernel's two messages (the timestamp first) are read by a
  // path of their own on Linux.
  for (const bool pktinfo : {false, true})
    for (const bool batch : {false, true}) {
      INFO((batch ? "receive_batch" : "receive") << (pktinfo ? ", packet info on" : ""));
      receiver r;
      if (pktinfo)
        mcast::set_option(r.rx, o::ip_pktinfo{true});
      o::receive_timestamp before;
      mcast::get_option(r.rx, before);
      CHECK_FALSE(before.value());
      mcast::set_option(r.rx, o::receive_timestamp{true});
      o::receive_timestamp now_on;
      mcast::get_option(r.rx, now_on);
      CHECK(now_on.value());

      std::vector<std::chrono::nanoseconds> sent_at;
      for (int i = 0; i < 5; ++i) {
        sent_at.push_back(wall_clock());
        send_one(r.tx, r.g, r.port, "t" + std::to_string(i));
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
      }
      REQUIRE(readable(r.rx, 1000));
      std::vector<std::string> payloads;
      const std::vector<mcast::datagram> got = take_queued(r.rx, batch, &payloads);
      const std::chrono::nanoseconds read_at = wall_clock();
      REQUIRE(got.size() == 5);
      std::array<bool, 5> seen{};
      for (std::size_t i = 0; i < got.size(); ++i) {
        INFO("datagram " << i << ": " << payloads[i]);
        REQUIRE(payloads[i].size() == 2);
        REQUIRE(payloads[i][0] == 't');
        const auto k = static_cast<std::size_t>(payloads[i][1] - '0');
        REQUIRE(k < seen.size());
        CHECK_FALSE(seen[k]);
        seen[k] = true;
        REQUIRE(got[i].timestamp.has_value());
        if (pktinfo) {
          REQUIRE(got[i].destination.has_value());
          CHECK(*got[i].destination == r.g.address());
          CHECK(got[i].interface_index == mcast::network_interface::from_name("lo").index());
        } else {
          CHECK_FALSE(got[i].destination.has_value());
        }
        // Judged against the send of the same datagram, found by its payload -- not by queue
        // position, and no order between datagrams: the kernel stamps a looped-back datagram when
        // the sending CPU queues it, and under load (CI's TSan run) a datagram queued on the other
        // CPU's backlog reached the socket first, stamped later than the one behind it.
        CHECK(*got[i].timestamp >= sent_at[k]);
        CHECK(*got[i].timestamp <= read_at);
      }
      // Off again: no timestamp (a datagram structure reused from a stamped one is cleared).
      mcast::set_option(r.rx, o::receive_timestamp{false});
      send_one(r.tx, r.g, r.port, "plain");
      REQUIRE(readable(r.rx, 1000));
      std::array<char, 64> buf{};
      std::array<mcast::receive_buffer, 1> bufs{{{buf.data(), buf.size()}}};
      std::array<mcast::datagram, 1> ds{got.back()};
      if (batch)
        REQUIRE(mcast::receive_batch(r.rx, bufs.data(), ds.data(), 1) == 1);
      else
        ds[0] = mcast::receive(r.rx, buf.data(), buf.size());
      CHECK_FALSE(ds[0].timestamp.has_value());
      CHECK_FALSE(ds[0].drops.has_value());
    }
}

TEST_CASE("receive_drops: the count rises by exactly what the kernel dropped while the reader paused",
          "[netns][receive][drops]") {
  for (const bool batch : {false, true}) {
    INFO((batch ? "receive_batch" : "receive"));
    receiver r;
    const int tiny = 1; // the kernel makes it its minimum (about 2 KiB here): a few datagrams fit
    check_sys(::setsockopt(r.rx, SOL_SOCKET, SO_RCVBUF, &tiny, sizeof tiny) == 0, "SO_RCVBUF");
    mcast::set_option(r.rx, o::receive_drops{true});
    o::receive_drops on;
    mcast::get_option(r.rx, on);
    CHECK(on.value());
    const std::string payload(200, 'd');
    std::uint32_t dropped_so_far = 0;
    for (int round = 0; round < 3; ++round) {
      INFO("round " << round);
      constexpr int sent = 40;
      for (int i = 0; i < sent; ++i)
        send_one(r.tx, r.g, r.port, payload);
      // (lo delivers in the sender's softirq; a moment for anything still on its way)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      const std::vector<mcast::datagram> queued = take_queued(r.rx, batch);
      REQUIRE(!queued.empty());
      REQUIRE(queued.size() < static_cast<std::size_t>(sent)); // the buffer overflowed
      // Each one queued in this round carries the count as it stood when it was queued: the
      // earlier rounds' drops (these were queued before this round dropped any).
      for (const auto& d : queued)
        CHECK(d.drops.value_or(0) == dropped_so_far);
      dropped_so_far += static_cast<std::uint32_t>(sent - static_cast<int>(queued.size()));
      // The next datagram carries what was dropped so far, exactly.
      send_one(r.tx, r.g, r.port, "marker");
      REQUIRE(readable(r.rx, 1000));
      const std::vector<mcast::datagram> marker = take_queued(r.rx, batch);
      REQUIRE(marker.size() == 1);
      REQUIRE(marker[0].drops.has_value());
      CHECK(*marker[0].drops == dropped_so_far);
    }
  }
}
