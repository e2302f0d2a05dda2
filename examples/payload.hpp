// Streams mcast-join did not send: RTP (RFC 3550) and MPEG-TS (ISO/IEC 13818-1) recognised in a
// datagram, so that their loss, duplicates and reordering are counted as for mcast-send's own.
//
// RTP: a 12-byte header (version 2) with a 16-bit sequence number and the sender's SSRC; a
// stream is (group, source address, SSRC) and its 16-bit sequence is extended across wrap-arounds
// (rtp_sequence) before it goes to the same tally as mcast-send's numbers. RTP timestamps run at
// a clock rate the payload type implies (90 kHz for video, the sample rate for audio), which the
// packet does not carry: no latency or jitter is computed for RTP.
//
// MPEG-TS: 188-byte packets starting 0x47, 7 to a datagram from ffmpeg, VLC and IPTV head-ends.
// Each packet carries a 13-bit PID and a 4-bit continuity counter that counts, per PID, the
// packets with a payload; a gap in it is loss (ts_continuity). Four bits tell no more than 14
// packets in a row lost on one PID, and nothing of order: a late packet reads as the counter
// jumping ahead, so the packets it seems to skip are counted lost (reordering is not counted for
// TS). A repeated counter is a duplicate (the standard lets a sender repeat a packet once); the
// null PID (0x1FFF) carries nothing and is not counted; a packet that says it is a discontinuity
// starts its PID's count over.
#ifndef MCAST_EXAMPLES_PAYLOAD_HPP
#define MCAST_EXAMPLES_PAYLOAD_HPP

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>

namespace example::payload {

// What a datagram is taken for (--payload auto|mcast|rtp|ts|none).
enum class kind { mcast, rtp, ts, none };

struct rtp_header {
  std::uint32_t ssrc = 0;
  std::uint16_t sequence = 0;
  std::uint8_t payload_type = 0;
};

// An RTP packet: version 2, room for the fixed header and its CSRC list, a payload type that is not
// one of RTCP's packet types with the marker bit (200..204 read as 72..76, RFC 3550 A.1 and
// RFC 5761 4). Anything else, nullopt.
inline std::optional<rtp_header> read_rtp(const unsigned char* p, std::size_t size) {
  if (size < 12 || (p[0] >> 6) != 2)
    return std::nullopt;
  const std::size_t csrc_count = p[0] & 0x0f;
  if (size < 12 + 4 * csrc_count)
    return std::nullopt;
  rtp_header h;
  h.payload_type = static_cast<std::uint8_t>(p[1] & 0x7f);
  if (h.payload_type >= 72 && h.payload_type <= 76)
    return std::nullopt;
  h.sequence = static_cast<std::uint16_t>((p[2] << 8) | p[3]);
  h.ssrc = (std::uint32_t{p[8]} << 24) | (std::uint32_t{p[9]} << 16) | (std::uint32_t{p[10]} << 8) | p[11];
  return h;
}

inline constexpr std::size_t ts_packet_size = 188;

// One or more whole TS packets, each starting with the sync byte.
inline bool is_ts(const unsigned char* p, std::size_t size) {
  if (size == 0 || size % ts_packet_size != 0)
    return false;
  for (std::size_t i = 0; i < size; i += ts_packet_size)
    if (p[i] != 0x47)
      return false;
  return true;
}

// The 16-bit RTP sequence of one stream as a 64-bit number that keeps counting across
// wrap-arounds: each number is placed within half the sequence space of the highest seen (a
// number up to 32767 behind it is late, not a new cycle). The first is placed at 2^32, so that
// late ones before it stay positive.
class rtp_sequence {
public:
  std::uint64_t extend(std::uint16_t s) {
    if (!started_) {
      started_ = true;
      highest_ = (std::uint64_t{1} << 32) + s;
      return highest_;
    }
    const auto delta = static_cast<std::int16_t>(static_cast<std::uint16_t>(s - static_cast<std::uint16_t>(highest_)));
    const std::uint64_t x = highest_ + static_cast<std::uint64_t>(static_cast<std::int64_t>(delta));
    if (delta > 0)
      highest_ = x;
    return x;
  }

private:
  bool started_ = false;
  std::uint64_t highest_ = 0;
};

// TS packets counted per PID by their continuity counters (see the top of this file). The
// per-PID state is one byte for each of the 8192 PIDs, allocated with the first packet.
class ts_continuity {
public:
  struct counts {
    std::uint64_t packets = 0, lost = 0, duplicated = 0;
  };

  // Counts the packets of one datagram (is_ts() true).
  void add(const unsigned char* p, std::size_t size) {
    for (std::size_t i = 0; i + ts_packet_size <= size; i += ts_packet_size)
      add_packet(p + i);
  }

  const counts& total() const { return total_; }

  // The counts since the previous call (the first time: since the start).
  counts since_last_report() {
    const counts now{total_.packets - reported_.packets, total_.lost - reported_.lost,
                     total_.duplicated - reported_.duplicated};
    reported_ = total_;
    return now;
  }

  void fold(const ts_continuity& t) {
    total_.packets += t.total_.packets;
    total_.lost += t.total_.lost;
    total_.duplicated += t.total_.duplicated;
  }

private:
  static constexpr std::uint8_t unknown = 0xff;

  void add_packet(const unsigned char* p) {
    const unsigned pid = ((p[1] & 0x1fu) << 8) | p[2];
    const unsigned adaptation = (p[3] >> 4) & 3u; // 1 payload only, 2 adaptation only, 3 both
    const auto cc = static_cast<std::uint8_t>(p[3] & 0x0f);
    if (pid == 0x1fff || adaptation == 0) // null packets; 0 is reserved: a broken packet
      return;
    ++total_.packets;
    if (!last_)
      last_ = std::make_unique<std::array<std::uint8_t, 8192>>(), last_->fill(unknown);
    std::uint8_t& last = (*last_)[pid];
    const bool discontinuity = (adaptation & 2u) != 0 && p[4] > 0 && (p[5] & 0x80) != 0;
    if ((adaptation & 1u) == 0) // no payload: the counter does not advance
      return;
    if (last == unknown || discontinuity) {
      last = cc;
      return;
    }
    if (cc == last) {
      ++total_.duplicated;
      return;
    }
    total_.lost += static_cast<std::uint8_t>(cc - last - 1) & 0x0fu;
    last = cc;
  }

  std::unique_ptr<std::array<std::uint8_t, 8192>> last_;
  counts total_, reported_;
};

} // namespace example::payload

#endif
