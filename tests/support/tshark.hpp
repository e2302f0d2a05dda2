// An independent decoder of IGMPv3 / MLDv2 reports: Wireshark's tshark (Debian's package) reads
// the frames report_capture kept, from a pcap file, and its dissector's fields give the records.
// Nothing of wire.hpp's decoder is used, so a disagreement is a bug in one of the two.
#ifndef MCAST_TESTS_SUPPORT_TSHARK_HPP
#define MCAST_TESTS_SUPPORT_TSHARK_HPP

#include "support/wire.hpp"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

namespace mcast_test {

inline bool have_tshark() { return std::system("command -v tshark >/dev/null 2>&1") == 0; }

namespace detail_tshark {
inline std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  if (s.empty())
    return out;
  std::string item;
  std::istringstream in(s);
  while (std::getline(in, item, sep))
    out.push_back(item);
  return out;
}

// A pcap file (LINKTYPE_ETHERNET) of the frames.
inline std::string write_pcap(const std::vector<std::vector<unsigned char>>& frames) {
  char path[] = "/tmp/mcast-wire-XXXXXX";
  const int fd = ::mkstemp(path);
  if (fd < 0)
    return std::string();
  FILE* f = ::fdopen(fd, "wb");
  const std::uint32_t header[6] = {0xa1b2c3d4u, 0x00040002u, 0,
                                   0,           65535,       1}; // magic, v2.4, tz, sigfigs, snaplen, Ethernet
  std::fwrite(header, 4, 6, f);
  std::uint32_t t = 0;
  for (const auto& fr : frames) {
    const std::uint32_t rec[4] = {++t, 0, static_cast<std::uint32_t>(fr.size()), static_cast<std::uint32_t>(fr.size())};
    std::fwrite(rec, 4, 4, f);
    std::fwrite(fr.data(), 1, fr.size(), f);
  }
  std::fclose(f);
  return path;
}
} // namespace detail_tshark

// The records tshark decodes from the frames, for group g (same shape as wire.hpp's). `error` is
// set when tshark could not be run.
struct tshark_decode_result {
  std::vector<group_record> records;
  std::string error;
};

inline tshark_decode_result tshark_records(const std::vector<std::vector<unsigned char>>& frames,
                                           const mcast::group& g) {
  tshark_decode_result out;
  const std::string pcap = detail_tshark::write_pcap(frames);
  if (pcap.empty()) {
    out.error = "could not write the pcap file";
    return out;
  }
  const bool v4 = g.is_v4();
  const std::string fields = v4 ? "-e ip.src -e igmp.record_type -e igmp.maddr -e igmp.num_src -e igmp.saddr"
                                : "-e ipv6.src -e icmpv6.mldr.mar.record_type -e icmpv6.mldr.mar.multicast_address "
                                  "-e icmpv6.mldr.mar.nb_sources -e icmpv6.mldr.mar.source_address";
  const std::string cmd =
      "tshark -n -r " + pcap + " -T fields -E separator=/t -E occurrence=a -E aggregator=, " + fields + " 2>/dev/null";
  FILE* p = ::popen(cmd.c_str(), "r");
  if (p == nullptr) {
    out.error = "popen tshark";
    ::unlink(pcap.c_str());
    return out;
  }
  char line[65536];
  int lines = 0;
  while (std::fgets(line, sizeof line, p)) {
    ++lines;
    std::string l(line);
    while (!l.empty() && (l.back() == '\n' || l.back() == '\r'))
      l.pop_back();
    const auto cols = detail_tshark::split(l, '\t');
    if (cols.size() < 4)
      continue;
    const auto types = detail_tshark::split(cols[1], ',');
    const auto groups = detail_tshark::split(cols[2], ',');
    const auto counts = detail_tshark::split(cols[3], ',');
    const auto sources = cols.size() > 4 ? detail_tshark::split(cols[4], ',') : std::vector<std::string>{};
    std::size_t next_source = 0;
    for (std::size_t r = 0; r < types.size() && r < groups.size() && r < counts.size(); ++r) {
      group_record rec;
      rec.type = std::atoi(types[r].c_str());
      rec.group = groups[r];
      rec.reporter = cols[0];
      const std::size_t n = static_cast<std::size_t>(std::atoi(counts[r].c_str()));
      for (std::size_t i = 0; i < n && next_source < sources.size(); ++i)
        rec.sources.push_back(sources[next_source++]);
      if (mcast::make_address(rec.group) == g.address())
        out.records.push_back(rec);
    }
  }
  const int status = ::pclose(p);
  ::unlink(pcap.c_str());
  if (status != 0 || lines != static_cast<int>(frames.size()))
    out.error = "tshark exited with status " + std::to_string(status) + " after " + std::to_string(lines) + " of " +
                std::to_string(frames.size()) + " frames";
  return out;
}

} // namespace mcast_test

#endif
