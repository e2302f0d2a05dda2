// libFuzzer target: mcast-join's payload recognisers (examples/payload.hpp) on any datagram.
// Properties: no crash or sanitizer report; an RTP header is only read from version 2 and at least
// its fixed header and CSRC list; TS only from whole packets that each start 0x47; an extended
// RTP sequence keeps the 16 bits it was given and stays within half the space of the highest;
// continuity counting never counts more packets than it was given, nor more than 14 lost for
// each after a PID's first (a counter one behind the last is 14 ahead).
#include "payload.hpp"

#include <cstdint>
#include <cstdlib>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace example::payload;
  if (const auto h = read_rtp(data, size)) {
    if (size < 12 || (data[0] >> 6) != 2 || size < 12 + 4 * std::size_t(data[0] & 0x0f))
      std::abort();
    if (h->payload_type >= 72 && h->payload_type <= 76)
      std::abort();
  }
  if (is_ts(data, size) && (size % ts_packet_size != 0 || data[0] != 0x47))
    std::abort();

  // The input as a run of 16-bit RTP sequence numbers.
  rtp_sequence s;
  std::uint64_t highest = 0;
  for (std::size_t i = 0; i + 1 < size; i += 2) {
    const auto n = static_cast<std::uint16_t>((data[i] << 8) | data[i + 1]);
    const std::uint64_t x = s.extend(n);
    if (static_cast<std::uint16_t>(x) != n)
      std::abort();
    if (i > 0 && (x > highest + 32768 || x + 32768 < highest))
      std::abort();
    if (i == 0 || x > highest)
      highest = x;
  }

  // The input as TS packets (the sync byte forced, so that every input reaches the counters).
  std::vector<unsigned char> ts(data, data + size - size % ts_packet_size);
  for (std::size_t i = 0; i < ts.size(); i += ts_packet_size)
    ts[i] = 0x47;
  ts_continuity c;
  c.add(ts.data(), ts.size());
  // A PID's first counted packet tells no loss: at most 14 for each of the others.
  std::vector<bool> seen(8192);
  std::uint64_t pids = 0;
  for (std::size_t i = 0; i < ts.size(); i += ts_packet_size) {
    const unsigned pid = ((ts[i + 1] & 0x1fu) << 8) | ts[i + 2];
    if (pid != 0x1fff && (ts[i + 3] & 0x30) != 0 && !seen[pid])
      seen[pid] = true, ++pids;
  }
  const auto& t = c.total();
  if (t.packets > ts.size() / ts_packet_size || t.packets < pids || t.lost > 14 * (t.packets - pids) ||
      t.duplicated > t.packets)
    std::abort();
  return 0;
}
