// IGMPv3 / MLDv2 reports on the wire: an AF_PACKET socket on one interface of the test namespace,
// and a decoder for the group records (RFC 3376 §4.2, RFC 3810 §5.2). No tshark needed.
#ifndef MCAST_TESTS_SUPPORT_WIRE_HPP
#define MCAST_TESTS_SUPPORT_WIRE_HPP

#include <mcast/address.hpp>

#include <arpa/inet.h>
#include <chrono>
#include <cstdint>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <stdexcept>
#include <string>
#include <sys/socket.h>
#include <unistd.h>
#include <utility>
#include <vector>

namespace mcast_test {

// Record types (the same numbers in IGMPv3 and MLDv2).
enum record_type {
  mode_is_include = 1,
  mode_is_exclude = 2,
  to_include = 3,
  to_exclude = 4,
  allow_new = 5,
  block_old = 6,
  // IGMPv2 (RFC 2236) and MLDv1 (RFC 2710) messages, which carry a group and no sources.
  igmpv2_report = 0x116,
  igmpv2_leave = 0x117,
  mldv1_report = 0x183,
  mldv1_done = 0x184
};

struct group_record {
  int type = 0;
  std::string group;
  std::vector<std::string> sources;
  std::string reporter; // the IP source address of the report
};

inline const char* record_name(int t) {
  switch (t) {
  case to_include: return "CHANGE_TO_INCLUDE";
  case to_exclude: return "CHANGE_TO_EXCLUDE";
  case allow_new: return "ALLOW_NEW_SOURCES";
  case block_old: return "BLOCK_OLD_SOURCES";
  case mode_is_include: return "MODE_IS_INCLUDE";
  case mode_is_exclude: return "MODE_IS_EXCLUDE";
  case igmpv2_report: return "IGMPv2 REPORT";
  case igmpv2_leave: return "IGMPv2 LEAVE";
  case mldv1_report: return "MLDv1 REPORT";
  case mldv1_done: return "MLDv1 DONE";
  }
  return "?";
}

class report_capture {
public:
  explicit report_capture(const char* ifname) {
    fd_ = ::socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));
    if (fd_ < 0)
      throw std::runtime_error("AF_PACKET socket (needs CAP_NET_RAW in the namespace)");
    sockaddr_ll sll{};
    sll.sll_family = AF_PACKET;
    sll.sll_protocol = htons(ETH_P_ALL);
    sll.sll_ifindex = static_cast<int>(::if_nametoindex(ifname));
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&sll), sizeof sll) != 0)
      throw std::runtime_error("bind AF_PACKET");
    loopback_ = std::string(ifname) == "lo";
  }
  ~report_capture() { ::close(fd_); }
  report_capture(const report_capture&) = delete;
  report_capture& operator=(const report_capture&) = delete;

  // Reads reports for up to `max_wait`; returns the records about `g` (stops early, `settle`
  // after the first one, so that its retransmission is consumed too).
  std::vector<group_record> records_for(const mcast::group& g, std::chrono::milliseconds max_wait,
                                        std::chrono::milliseconds settle = std::chrono::milliseconds(120)) {
    std::vector<group_record> out;
    const auto start = std::chrono::steady_clock::now();
    auto deadline = start + max_wait;
    for (int i = 0; i < 1000; ++i) {
      const auto now = std::chrono::steady_clock::now();
      if (now >= deadline)
        break;
      pollfd p{fd_, POLLIN, 0};
      const int ms = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count());
      if (::poll(&p, 1, ms < 1 ? 1 : ms) <= 0)
        break;
      unsigned char buf[4096];
      sockaddr_ll from{};
      socklen_t len = sizeof from;
      const ssize_t n = ::recvfrom(fd_, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &len);
      if (n <= 0)
        continue;
      // On lo every packet is seen twice (out and in): keep the outgoing copy.
      if (loopback_ && from.sll_pkttype != PACKET_OUTGOING)
        continue;
      const bool had = !out.empty();
      const std::size_t before = out.size();
      parse(buf, static_cast<std::size_t>(n), ntohs(from.sll_protocol), g, out);
      if (out.size() != before) // a report about g: kept for an independent decoder (tshark.hpp)
        frames_.emplace_back(buf, buf + n);
      if (!had && !out.empty())
        deadline = std::chrono::steady_clock::now() + settle;
    }
    return out;
  }

  // Drops whatever is queued (reports of earlier steps).
  void drain() { (void)records_for(mcast::make_group("239.255.255.254"), std::chrono::milliseconds(150)); }

  // The Ethernet frames (lo has an all-zero Ethernet header too) that carried the records
  // records_for() returned since the last take_frames().
  std::vector<std::vector<unsigned char>> take_frames() { return std::exchange(frames_, {}); }

private:
  static std::string text(int family, const unsigned char* p) {
    char buf[64];
    ::inet_ntop(family, p, buf, sizeof buf);
    return buf;
  }

  // The group records after an IGMPv3 (RFC 3376 §4.2) or MLDv2 (RFC 3810 §5.2) report header: both
  // put the record count at offset 6 of an 8-byte header and lay records out alike -- type, aux
  // length, source count, group, sources -- with 4-byte (IPv4) or 16-byte (IPv6) addresses.
  static void records(const unsigned char* b, std::size_t n, std::size_t off, int family, const std::string& reporter,
                      const mcast::group& g, std::vector<group_record>& out) {
    const std::size_t alen = family == AF_INET ? 4 : 16;
    const unsigned count = (b[off + 6] << 8) | b[off + 7];
    off += 8;
    for (unsigned r = 0; r < count && off + 4 + alen <= n; ++r) {
      group_record rec;
      rec.type = b[off];
      const std::size_t aux = b[off + 1] * 4u;
      const unsigned ns = (b[off + 2] << 8) | b[off + 3];
      rec.group = text(family, b + off + 4);
      rec.reporter = reporter;
      off += 4 + alen;
      for (unsigned i = 0; i < ns && off + alen <= n; ++i, off += alen)
        rec.sources.push_back(text(family, b + off));
      off += aux;
      if (rec.group == g.to_string())
        out.push_back(rec);
    }
  }

  static void single(int type, const std::string& group, const std::string& reporter, const mcast::group& g,
                     std::vector<group_record>& out) {
    if (group == g.to_string())
      out.push_back(group_record{type, group, {}, reporter});
  }

  static void parse(const unsigned char* b, std::size_t n, unsigned proto, const mcast::group& g,
                    std::vector<group_record>& out) {
    std::size_t off = 14; // Ethernet header (lo has one too)
    if (proto == ETH_P_IP) {
      if (n < off + 20 || b[off + 9] != 2 /* IGMP */)
        return;
      const std::string reporter = text(AF_INET, b + off + 12);
      off += static_cast<std::size_t>(b[off] & 0x0f) * 4;
      if (n >= off + 8 && b[off] == 0x22 /* v3 report */)
        records(b, n, off, AF_INET, reporter, g, out);
      else if (n >= off + 8 && (b[off] == 0x16 || b[off] == 0x17)) // v2 report / leave: the group at 4
        single(b[off] == 0x16 ? igmpv2_report : igmpv2_leave, text(AF_INET, b + off + 4), reporter, g, out);
    } else if (proto == ETH_P_IPV6) {
      if (n < off + 40)
        return;
      const std::string reporter = text(AF_INET6, b + off + 8);
      int next = b[off + 6];
      off += 40;
      if (next == 0) { // hop-by-hop options (the router alert MLD carries)
        if (n < off + 2)
          return;
        next = b[off];
        off += (static_cast<std::size_t>(b[off + 1]) + 1) * 8;
      }
      if (next == 58 && n >= off + 8 && b[off] == 143 /* MLDv2 report */)
        records(b, n, off, AF_INET6, reporter, g, out);
      else if (next == 58 && n >= off + 24 && (b[off] == 131 || b[off] == 132)) // MLDv1 report / done: the group at 8
        single(b[off] == 131 ? mldv1_report : mldv1_done, text(AF_INET6, b + off + 8), reporter, g, out);
    }
  }

  int fd_ = -1;
  bool loopback_ = false;
  std::vector<std::vector<unsigned char>> frames_;
};

} // namespace mcast_test

#endif
