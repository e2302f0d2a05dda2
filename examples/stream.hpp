// The numbered datagrams mcast-send sends and mcast-join counts, and the per-stream tally.
//
// A datagram starts with a 24-byte header (big-endian), the rest is padding up to --size:
//   0   "MCS1"
//   4   session   u32  a random number per mcast-send run (--session to choose it)
//   8   sequence  u64  0, 1, 2, ... (--first to start elsewhere)
//   16  sent      u64  send time, nanoseconds since the Unix epoch (the sender's clock)
// A stream is (group, source address, session): lost = the sequence numbers between the lowest
// and the highest seen that never arrived; duplicated = arrived again; reordered = arrived after
// a higher one (told apart within the last tally::window numbers: see tally). Latency is the
// receiver's clock minus the sender's: exact on one host, only as good as the clocks' agreement
// across hosts. Jitter is RFC 3550's interarrival jitter (6.4.1): the mean deviation of the
// difference in transit time between datagrams in arrival order, smoothed by 1/16; a constant
// clock offset cancels out of it, so it holds across hosts too.
#ifndef MCAST_EXAMPLES_STREAM_HPP
#define MCAST_EXAMPLES_STREAM_HPP

#include <algorithm>
#include <chrono>
#include <cmath>
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

// What a stream delivered between two interval reports (--interval). `lost` is the change in the
// stream's loss count: negative when late datagrams filled gaps counted lost in an earlier one.
// The latency of the interval's numbered arrivals: its mean and standard deviation (0 without
// arrivals).
struct interval_counts {
  std::uint64_t received = 0, bytes = 0, duplicated = 0, reordered = 0;
  std::int64_t lost = 0;
  double latency_avg_ms = 0, latency_stddev_ms = 0;
};

// The standard deviation of n values from their sum and sum of squares (population form, as
// iperf and omping report it; 0 below two values, and never negative from rounding).
inline double stddev(double n, double sum, double sum_squares) {
  if (n < 2)
    return 0;
  const double mean = sum / n;
  return std::sqrt((std::max)(0.0, sum_squares / n - mean * mean));
}

// What one stream delivered, in bounded memory (a sender can forge any sequence number): the last
// `window` sequence numbers are remembered, one bit each, so duplicates and reordering are told
// apart within that window; an arrival older than that counts as reordered and stays lost (it
// cannot be told from a duplicate). A jump of more than `restart_gap` either way (a sender
// restarted with --first) starts the count over; what was lost before is kept.
class tally {
public:
  static constexpr std::uint64_t window = 16384;         // sequence numbers remembered: 2 KiB
  static constexpr std::uint64_t restart_gap = 1u << 24; // a jump this far starts the count over

  // Counts one arrival of `bytes` (UDP payload); `now` is the receiver's clock (now_ns()).
  void add(const header& h, std::uint64_t now, std::size_t bytes) {
    add_transit(static_cast<double>(now) - static_cast<double>(h.sent_ns));
    add_numbered(h.sequence, bytes);
  }

  // Counts one arrival numbered `s` with no send time (RTP: see payload.hpp).
  void add_numbered(std::uint64_t s, std::size_t bytes) {
    ++received_;
    bytes_ += bytes;
    if (bits_.empty() || s > highest_ + restart_gap || s + restart_gap < lowest_) {
      start_over(s);
      return;
    }
    if (s > highest_) { // the newest: the numbers it passes enter the window, not seen yet
      forget(highest_ + 1, s);
      highest_ = s;
      mark(s);
      ++unique_;
      return;
    }
    if (highest_ - s >= window) { // too old to tell late from duplicated: still counted lost
      ++reordered_;
      return;
    }
    if (seen(s)) {
      ++duplicated_;
      return;
    }
    mark(s); // late, inside the window (an earlier one than the first extends the stream)
    lowest_ = (std::min)(lowest_, s);
    ++unique_;
    ++reordered_;
  }

  // Counts a datagram that is not mcast-send's (no sequence, no latency).
  void add_unnumbered(std::size_t bytes) {
    ++received_;
    bytes_ += bytes;
  }

  // The counts since the previous call (the first time: since the start).
  interval_counts since_last_report() {
    interval_counts now;
    now.received = received_ - reported_.received;
    now.bytes = bytes_ - reported_.bytes;
    now.duplicated = duplicated_ - reported_.duplicated;
    now.reordered = reordered_ - reported_.reordered;
    now.lost = static_cast<std::int64_t>(lost() - static_cast<std::uint64_t>(reported_.lost));
    const double n = static_cast<double>(timed_ - reported_timed_);
    if (n > 0) {
      now.latency_avg_ms = (sum_ms_ - reported_sum_ms_) / n;
      now.latency_stddev_ms = stddev(n, sum_ms_ - reported_sum_ms_, sum_squares_ms_ - reported_sum_squares_ms_);
    }
    reported_ = {received_, bytes_, duplicated_, reordered_, static_cast<std::int64_t>(lost())};
    reported_timed_ = timed_;
    reported_sum_ms_ = sum_ms_;
    reported_sum_squares_ms_ = sum_squares_ms_;
    return now;
  }

  // Adds another stream's counts to these (the "other" line of the streams no longer kept apart).
  void fold(const tally& t) {
    received_ += t.received_;
    bytes_ += t.bytes_;
    duplicated_ += t.duplicated_;
    reordered_ += t.reordered_;
    lost_before_ += t.lost();
    if (t.timed_ > 0) {
      min_ms_ = timed_ == 0 ? t.min_ms_ : (std::min)(min_ms_, t.min_ms_);
      max_ms_ = timed_ == 0 ? t.max_ms_ : (std::max)(max_ms_, t.max_ms_);
    }
    timed_ += t.timed_;
    sum_ms_ += t.sum_ms_;
    sum_squares_ms_ += t.sum_squares_ms_;
  }

  std::uint64_t received() const { return received_; }
  std::uint64_t duplicated() const { return duplicated_; }
  std::uint64_t reordered() const { return reordered_; }
  std::uint64_t lost() const { return lost_before_ + (bits_.empty() ? 0 : (highest_ - lowest_ + 1) - unique_); }
  bool numbered() const { return timed_ > 0; }
  double min_ms() const { return min_ms_; }
  double max_ms() const { return max_ms_; }
  double avg_ms() const { return timed_ == 0 ? 0 : sum_ms_ / static_cast<double>(timed_); }
  double stddev_ms() const { return stddev(static_cast<double>(timed_), sum_ms_, sum_squares_ms_); }
  double jitter_ms() const { return jitter_ns_ / 1e6; }

private:
  void add_transit(double ns) { // RFC 3550 6.4.1: J += (|D(i-1,i)| - J) / 16
    if (timed_ > 0)
      jitter_ns_ += (std::fabs(ns - last_transit_ns_) - jitter_ns_) / 16;
    last_transit_ns_ = ns;
    add_latency(ns / 1e6);
  }
  void add_latency(double ms) {
    min_ms_ = timed_ == 0 ? ms : (std::min)(min_ms_, ms);
    max_ms_ = timed_ == 0 ? ms : (std::max)(max_ms_, ms);
    sum_ms_ += ms;
    sum_squares_ms_ += ms * ms;
    ++timed_;
  }
  void start_over(std::uint64_t s) {
    lost_before_ = lost();
    bits_.assign(window / 64, 0);
    lowest_ = highest_ = s;
    mark(s);
    unique_ = 1;
  }
  std::uint64_t& word(std::uint64_t s) { return bits_[static_cast<std::size_t>((s % window) / 64)]; }
  static std::uint64_t bit(std::uint64_t s) { return std::uint64_t{1} << (s % 64); }
  bool seen(std::uint64_t s) { return (word(s) & bit(s)) != 0; }
  void mark(std::uint64_t s) { word(s) |= bit(s); }
  void forget(std::uint64_t from, std::uint64_t to) { // [from, to]
    if (to - from >= window)
      bits_.assign(window / 64, 0);
    else
      for (std::uint64_t s = from; s <= to; ++s)
        word(s) &= ~bit(s);
  }

  std::uint64_t received_ = 0, bytes_ = 0, duplicated_ = 0, reordered_ = 0, unique_ = 0, lost_before_ = 0, timed_ = 0;
  std::uint64_t lowest_ = 0, highest_ = 0;
  std::vector<std::uint64_t> bits_; // empty until the first numbered arrival
  double min_ms_ = 0, max_ms_ = 0, sum_ms_ = 0, sum_squares_ms_ = 0, jitter_ns_ = 0, last_transit_ns_ = 0;
  interval_counts reported_; // the totals at the previous since_last_report()
  std::uint64_t reported_timed_ = 0;
  double reported_sum_ms_ = 0, reported_sum_squares_ms_ = 0;
};

} // namespace example::stream

#endif
