// libFuzzer target: reading a received datagram's control messages (Linux), the bytes the kernel
// writes after recvmsg / recvmmsg -- read_control's fast paths for the usual layouts and
// walk_control, the bounded walk every POSIX stack uses.
// Properties: no read outside the msg_controllen bytes (the buffer is exactly that long, under
// AddressSanitizer) and no sanitizer report on any input; the fast paths and the walk read the same
// facts; a single receive (received_info: bytes copied) and a batch (batch_received: a pointer
// into the buffer) read the same facts; a destination is IPv4 or IPv6 and lies inside the buffer.
#include <mcast/mcast.hpp>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace {
namespace d = mcast::detail;

struct facts {
  int family = 0;
  unsigned char destination[16] = {};
  unsigned index = 0;
  unsigned char set = 0;
  std::uint32_t drops = 0;
  std::int64_t timestamp_ns = 0;
  bool operator==(const facts& o) const {
    return family == o.family && std::memcmp(destination, o.destination, sizeof destination) == 0 && index == o.index &&
           set == o.set && (!(set & d::receive_extras::drops_set) || drops == o.drops) &&
           (!(set & d::receive_extras::timestamp_set) || timestamp_ns == o.timestamp_ns);
  }
};

facts of(const d::received_info& r) {
  facts f;
  f.family = r.destination_family;
  if (f.family != 0)
    std::memcpy(f.destination, r.destination, f.family == AF_INET ? 4 : 16);
  f.index = r.destination_family != 0 ? r.interface_index : 0;
  f.set = r.extras.set;
  f.drops = r.extras.drops;
  f.timestamp_ns = r.extras.timestamp_ns;
  return f;
}

facts of(const d::batch_received& r, const unsigned char* begin, std::size_t size) {
  facts f;
  f.family = r.destination_family;
  if (f.family != 0) {
    const std::size_t n = f.family == AF_INET ? 4 : 16;
    if (r.destination < begin || r.destination + n > begin + size)
      std::abort(); // a destination pointing outside the control bytes
    std::memcpy(f.destination, r.destination, n);
  }
  f.index = r.destination_family != 0 ? r.interface_index : 0;
  f.set = r.extras.set;
  f.drops = r.extras.drops;
  f.timestamp_ns = r.extras.timestamp_ns;
  return f;
}

d::batch_received fresh_batch() {
  d::batch_received b{};
  b.destination_family = 0;
  b.destination = nullptr;
  b.interface_index = 0;
  return b;
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // Exactly `size` bytes on the heap, so that AddressSanitizer sees a read past msg_controllen.
  std::vector<unsigned char> control(data, data + size);
  msghdr msg{};
  msg.msg_control = size ? control.data() : nullptr;
  msg.msg_controllen = size;

  d::received_info fast, walked;
  d::read_control(msg, fast);
  d::walk_control(msg, walked);
  const facts a = of(fast), b = of(walked);
  if (!(a == b))
    std::abort(); // the fast paths and the walk disagree
  if (a.family != 0 && a.family != AF_INET && a.family != AF_INET6)
    std::abort();

  d::batch_received batch = fresh_batch();
  d::read_control(msg, batch);
  if (!(of(batch, control.data(), size) == a))
    std::abort(); // a batch entry and a single receive disagree
  return 0;
}
