// The numbered datagrams mcast-send sends and mcast-join counts, and the per-stream tally.
//
// A datagram starts with a 24-byte header (big-endian), the rest is padding up to --size:
//   0   "MCS1"
//   4   session   u32  a random number per mcast-send run (--session to choose it)
//   8   sequence  u64  0, 1, 2, ... (--first to start elsewhere)
//   16  sent      u64  send time, nanoseconds since the Unix epoch (the sender's clock)
// A stream is (group, source address, session): lost = the sequence numbers between the lowest
// and the highest seen that never arrived; duplicated = arrived again; reordered = arrived after
// a higher one. Latency is the receiver's clock minus the sender's: exact on one host, only as
// good as the clocks' agreement across hosts.
#ifndef MCAST_EXAMPLES_STREAM_HPP
#define MCAST_EXAMPLES_STREAM_HPP

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace example::stream {

inline constexpr std::size_t header_size = 24;

struct header {
  std::uint32_t session = 0;
  std::uint64_t sequence = 0;
  std::uint64_t sent_ns = 0;
};

inline std::uint64_t now_ns() {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count());
}

inline void put(unsigned char* p, std::uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i, v >>= 8)
    p[i] = static_cast<unsigned char>(v & 0xff);
}
inline std::uint64_t get(const unsigned char* p, int bytes) {
  std::uint64_t v = 0;
  for (int i = 0; i < bytes; ++i)
    v = (v << 8) | p[i];
  return v;
}

inline void write(unsigned char* p, const header& h) {
  p[0] = 'M';
  p[1] = 'C';
  p[2] = 'S';
  p[3] = '1';
  put(p + 4, h.session, 4);
  put(p + 8, h.sequence, 8);
  put(p + 16, h.sent_ns, 8);
}

inline std::optional<header> read(const unsigned char* p, std::size_t size) {
  if (size < header_size || p[0] != 'M' || p[1] != 'C' || p[2] != 'S' || p[3] != '1')
    return std::nullopt;
  header h;
  h.session = static_cast<std::uint32_t>(get(p + 4, 4));
  h.sequence = get(p + 8, 8);
  h.sent_ns = get(p + 16, 8);
  return h;
}

// What one stream delivered.
class tally {
public:
  // Counts one arrival; `now` is the receiver's clock (now_ns()).
  void add(const header& h, std::uint64_t now) {
    ++received_;
    const double ms = (static_cast<double>(now) - static_cast<double>(h.sent_ns)) / 1e6;
    min_ms_ = received_ == 1 ? ms : std::min(min_ms_, ms);
    max_ms_ = received_ == 1 ? ms : std::max(max_ms_, ms);
    sum_ms_ += ms;
    if (seen_.empty()) {
      lowest_ = highest_ = h.sequence;
      seen_.assign(1, true);
      unique_ = 1;
      return;
    }
    // A sequence far from the rest (a sender restarted with --first): start the count over.
    const std::uint64_t window = 1u << 24;
    if (h.sequence + window < lowest_ || h.sequence > highest_ + window) {
      lost_before_ = lost();
      lowest_ = highest_ = h.sequence;
      seen_.assign(1, true);
      unique_ = 1;
      return;
    }
    if (h.sequence < lowest_) { // an earlier one, late: grow the window at the front
      seen_.insert(seen_.begin(), static_cast<std::size_t>(lowest_ - h.sequence), false);
      lowest_ = h.sequence;
    } else if (h.sequence > highest_) {
      seen_.resize(static_cast<std::size_t>(h.sequence - lowest_ + 1), false);
    }
    const auto at = static_cast<std::size_t>(h.sequence - lowest_);
    if (seen_[at]) {
      ++duplicated_;
      return;
    }
    seen_[at] = true;
    ++unique_;
    if (h.sequence < highest_)
      ++reordered_;
    highest_ = std::max(highest_, h.sequence);
  }

  // Counts a datagram that is not mcast-send's (no sequence, no latency).
  void add_unnumbered() { ++received_; }

  std::uint64_t received() const { return received_; }
  std::uint64_t duplicated() const { return duplicated_; }
  std::uint64_t reordered() const { return reordered_; }
  std::uint64_t lost() const { return lost_before_ + (seen_.empty() ? 0 : (highest_ - lowest_ + 1) - unique_); }
  double min_ms() const { return min_ms_; }
  double max_ms() const { return max_ms_; }
  double avg_ms() const { return received_ == 0 ? 0 : sum_ms_ / static_cast<double>(received_); }

private:
  std::uint64_t received_ = 0, duplicated_ = 0, reordered_ = 0, unique_ = 0, lost_before_ = 0;
  std::uint64_t lowest_ = 0, highest_ = 0;
  std::vector<bool> seen_;
  double min_ms_ = 0, max_ms_ = 0, sum_ms_ = 0;
};

} // namespace example::stream

#endif
