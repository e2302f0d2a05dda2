// mcast/batch.hpp -- many datagrams per call: receive_batch (Linux recvmmsg; elsewhere a loop of
// receives with the same contract) and send_batch (Linux sendmmsg and UDP GSO; elsewhere a loop
// of sendto).
//
// Copyright (c) 2026 The mcast authors.
// Distributed under the Boost Software License, Version 1.0 (see LICENSE).
/// @file
/// @brief receive_batch() and send_batch(): many datagrams per system call.
///
/// @par Measured
/// From the bench (batches of 64, IP_PKTINFO on, a group on lo; one run of 2026-12-06, g++ 12 /
/// clang 14). Time per datagram with the kernel (median of 31 A/B pairs): receive_batch 1.00x a
/// hand-written recvmmsg that fills its arrays each call (1200 B: 1.03x; an IPv6 socket and group
/// 1.02x; a dual-stack socket receiving IPv4, its addresses unmapped, 1.01x; target 1.10x); with
/// option::receive_timestamp on 1.10x of off, where the kernel's own cost (a hand-written recvmmsg
/// reading SO_TIMESTAMPNS) is 1.12x; send_batch of one size (UDP GSO) 0.19x a hand-written
/// sendmmsg. User-space instructions per datagram (callgrind): receive_batch 90 / 96 against 67 /
/// 70 (1.35x / 1.38x; building each full datagram -- 20-byte addresses, the optional group,
/// timestamp and drops -- is most of the rest; IPv6 110 / 142 against 76 / 79); with
/// option::receive_timestamp on 1.16x / 1.12x of off; receive() 135 / 160 against recvmsg's 90
/// (IPv6 149 / 184 against 101 / 98); send_batch 30 / 37 against sendmmsg's 21 / 15 (the kernel's
/// share, not these, decides its time).
#ifndef MCAST_BATCH_HPP
#define MCAST_BATCH_HPP

#if defined(_MSC_VER)
#pragma once
#endif

#include "receive.hpp"

#include <cstddef>
#include <cstdint>

#if (__cplusplus >= 202002L || (defined(_MSVC_LANG) && _MSVC_LANG >= 202002L)) && defined(__has_include)
#if __has_include(<span>)
#include <span>
#endif
#endif

MCAST_BEGIN_NAMESPACE

/// Where receive_batch stores one datagram: `size` bytes at `data` (the caller owns it).
struct receive_buffer {
  /// Where the datagram's bytes go.
  void* data = nullptr;
  /// How many bytes fit there; a longer datagram is stored in part (`truncated`).
  std::size_t size = 0;
};

/// One datagram for send_batch: `size` bytes at `data` (the caller owns it).
struct send_buffer {
  /// The datagram's bytes.
  const void* data = nullptr;
  /// How many bytes to send.
  std::size_t size = 0;
};

namespace detail {

template <class Buffer> bool buffers_valid(const Buffer* bufs, std::size_t n) noexcept {
  if (bufs == nullptr)
    return false;
  for (std::size_t i = 0; i < n; ++i)
    if (bufs[i].data == nullptr && bufs[i].size != 0)
      return false;
  return true;
}

// Fills datagrams[i] from what the platform's batch call learnt of its i-th datagram: forced inline
// (clang made the lambda this was a function of its own, called per datagram).
template <class Datagram> struct batch_filler {
  Datagram* out;
  MCAST_DETAIL_ALWAYS_INLINE void operator()(std::size_t i, const batch_received& b) const noexcept {
    fill_datagram(out[i], b.size, b.truncated, *b.from, b.destination_family, b.destination, b.interface_index,
                  b.extras);
  }
};

template <class Datagram>
std::size_t receive_batch_native(native_handle_type s, const receive_buffer* bufs, Datagram* datagrams, std::size_t n,
                                 std::error_code& ec, bool wait_first = true) noexcept {
  if (n == 0) {
    clear(ec);
    return 0;
  }
  if (datagrams == nullptr || !buffers_valid(bufs, n)) {
    ec = make_error_code(errc::invalid_value);
    return 0;
  }
  std::size_t total = 0;
  while (total < n) {
    const std::size_t want = n - total < batch_chunk ? n - total : batch_chunk;
    Datagram* out = datagrams + total;
    std::size_t got = 0;
    const int r = sys_receive_batch(s, bufs + total, want, wait_first && total == 0, got, batch_filler<Datagram>{out});
    total += got;
    if (r != 0) {
      if (total == 0) {
        ec = r == would_block_error() ? would_block_code() : system_error(r);
        return 0;
      }
      break; // what was received is reported; the error is the next call's
    }
    if (got < want)
      break; // nothing more queued
  }
  clear(ec);
  return total;
}

} // namespace detail

/// Receives up to `n` datagrams in one go: bufs[i] receives the i-th, datagrams[i] describes it
/// with everything receive() gives (size, truncated, source, source_port and -- with packet info on
/// -- destination and interface_index). Waits for the first datagram only (unless the socket is
/// non-blocking), then takes what is already queued, and returns how many it stored (1..n).
/// No allocation; the caller owns buffers and datagrams.
/// - Linux: one recvmmsg with MSG_WAITFORONE per 64 datagrams (the later calls MSG_DONTWAIT); its
///   timeout argument is never used (recvmmsg(2) BUGS).
/// - macOS, FreeBSD: one blocking recvmsg, then recvmsg with MSG_DONTWAIT until none is queued.
/// - Windows: one WSARecvMsg as the socket's mode says (blocking, unless it was made non-blocking),
///   then, while WSAPoll says a datagram is queued, one more WSARecvMsg each. Winsock has no
///   per-call don't-wait: with a blocking socket and another thread reading the same socket, a
///   datagram that other reader takes between the check and the receive makes this call wait for
///   the next one. One reader per socket (or a non-blocking socket) avoids that.
/// Errors: errc::invalid_value for a null `bufs` or `datagrams`, or a null buffer of non-zero size,
/// before any system call; `n == 0` returns 0 with no system call. With nothing queued on a
/// non-blocking socket, std::errc::operation_would_block. A failure after some datagrams were
/// received ends the batch: the count is returned without an error (the next call reports it).
/// A datagram longer than its buffer is stored in part and marked `truncated`: not an error.
template <class Socket, class Address>
[[nodiscard]] std::size_t receive_batch(Socket&& socket, const receive_buffer* bufs, basic_datagram<Address>* datagrams,
                                        std::size_t n, std::error_code& ec) noexcept {
  return detail::receive_batch_native(detail::native_of(socket), bufs, datagrams, n, ec);
}

/// Receives up to `n` datagrams, as the `std::error_code&` overload does.
/// @throws std::system_error errc::invalid_value, or the stack's error when nothing was received.
///
/// @par Example
/// @code
/// static char space[64][1500];
/// mcast::receive_buffer bufs[64];
/// mcast::datagram ds[64];
/// for (std::size_t i = 0; i < 64; ++i)
///   bufs[i] = {space[i], sizeof space[i]};
/// std::size_t n = mcast::receive_batch(rx, bufs, ds, 64); // recvmmsg on Linux
/// @endcode
template <class Socket, class Address>
[[nodiscard]] std::size_t receive_batch(Socket&& socket, const receive_buffer* bufs, basic_datagram<Address>* datagrams,
                                        std::size_t n) {
  std::error_code ec;
  const std::size_t got = receive_batch(std::forward<Socket>(socket), bufs, datagrams, n, ec);
  detail::throw_if(ec, "mcast::receive_batch");
  return got;
}

/// Sends bufs[0..n) to `destination` on `port`, in order, each as one datagram, and returns how
/// many were sent (fewer than `n` when a send after the first failed or would block: the rest
/// were not sent; sending them again reports why).
/// - Linux: one sendmmsg per 64 datagrams; a run of datagrams of one size (the last may be
///   shorter) -- at least 8, or the whole batch -- goes by UDP GSO where the kernel has it
///   (UDP_SEGMENT, 4.18+; asked once per process): one sendmsg of at most 65507 bytes that the
///   kernel or the device cuts into those datagrams (the bench: about 2.5x faster than sendmmsg
///   on lo). A receiver sees the same datagrams; a packet capture on the sending host may show the
///   uncut packet. From a segmented send the kernel refuses (a datagram larger than the
///   interface's MTU, a device without checksum offload, SO_NO_CHECK) the rest of the batch goes
///   by sendmmsg.
///   An IPv4 group on a dual-stack IPv6 socket is sent as IPv4 (the kernel accepts it).
/// - Elsewhere: one sendto each; the socket's family is read first (one getsockname, or on
///   Windows SO_PROTOCOL_INFOW), and an IPv4 group on an IPv6 socket is sent to \::ffff:a.b.c.d.
/// Errors: errc::invalid_value for a null `bufs` or a null buffer of non-zero size, before any
/// system call; `n == 0` returns 0 with no system call. A group the socket cannot send to (an
/// IPv6 group on an IPv4 socket, an IPv4 group on an IPV6_V6ONLY socket) is the system's error
/// on Linux (EAFNOSUPPORT, ENETUNREACH) and errc::family_mismatch elsewhere. A failure of the
/// first send is the error (and 0 is returned).
template <class Socket>
[[nodiscard]] std::size_t send_batch(Socket&& socket, const group& destination, std::uint16_t port,
                                     const send_buffer* bufs, std::size_t n, std::error_code& ec) noexcept {
  const native_handle_type s = detail::native_of(socket);
  if (n == 0) {
    detail::clear(ec);
    return 0;
  }
  if (!detail::buffers_valid(bufs, n)) {
    ec = make_error_code(errc::invalid_value);
    return 0;
  }
  address to = destination.address();
  if constexpr (!detail::is_linux) {
    int socket_family = 0;
    if (int r = detail::sys_socket_family(s, socket_family); r != 0) {
      ec = detail::system_error(r);
      return 0;
    }
    if (socket_family == detail::af_inet6 && to.is_v4()) {
      std::array<unsigned char, 16> mapped{};
      mapped[10] = mapped[11] = 0xff;
      detail::copy_bytes(mapped.data() + 12, to.data(), 4);
      to = address::from_bytes(mapped);
    } else if (socket_family == detail::af_inet && !to.is_v4()) {
      ec = make_error_code(errc::family_mismatch);
      return 0;
    }
  }
  // Zeroed first: fill_sockaddr writes the fields it names, and the kernel reads the whole
  // sockaddr_in / sockaddr_in6 (sin_zero, sin6_flowinfo; valgrind's memcheck job checks it).
  detail::sockaddr_storage_type sa;
  detail::fill_bytes(&sa, 0, sizeof sa);
  to.fill_sockaddr(sa, port);
  std::size_t total = 0;
  while (total < n) {
    const std::size_t want = n - total < detail::batch_chunk ? n - total : detail::batch_chunk;
    std::size_t sent = 0;
    const int r = detail::sys_send_batch(s, sa, bufs + total, want, sent);
    total += sent;
    if (r != 0) {
      if (total == 0) {
        ec = r == detail::would_block_error() ? detail::would_block_code() : detail::system_error(r);
        return 0;
      }
      break;
    }
    if (sent < want)
      break;
  }
  detail::clear(ec);
  return total;
}

/// Sends `n` datagrams, as the `std::error_code&` overload does.
/// @throws std::system_error when the first send fails (errc::invalid_value, errc::family_mismatch,
/// or the stack's error).
template <class Socket>
[[nodiscard]] std::size_t send_batch(Socket&& socket, const group& destination, std::uint16_t port,
                                     const send_buffer* bufs, std::size_t n) {
  std::error_code ec;
  const std::size_t sent = send_batch(std::forward<Socket>(socket), destination, port, bufs, n, ec);
  detail::throw_if(ec, "mcast::send_batch");
  return sent;
}

#if defined(__cpp_lib_span)
/// receive_batch into as many datagrams as both spans hold.
template <class Socket, class Address>
[[nodiscard]] std::size_t receive_batch(Socket&& socket, std::span<const receive_buffer> bufs,
                                        std::span<basic_datagram<Address>> datagrams, std::error_code& ec) noexcept {
  const std::size_t n = bufs.size() < datagrams.size() ? bufs.size() : datagrams.size();
  return receive_batch(std::forward<Socket>(socket), bufs.data(), datagrams.data(), n, ec);
}
/// receive_batch into as many datagrams as both spans hold (throwing form).
template <class Socket, class Address>
[[nodiscard]] std::size_t receive_batch(Socket&& socket, std::span<const receive_buffer> bufs,
                                        std::span<basic_datagram<Address>> datagrams) {
  const std::size_t n = bufs.size() < datagrams.size() ? bufs.size() : datagrams.size();
  return receive_batch(std::forward<Socket>(socket), bufs.data(), datagrams.data(), n);
}
/// send_batch of every buffer in `bufs`.
template <class Socket>
[[nodiscard]] std::size_t send_batch(Socket&& socket, const group& destination, std::uint16_t port,
                                     std::span<const send_buffer> bufs, std::error_code& ec) noexcept {
  return send_batch(std::forward<Socket>(socket), destination, port, bufs.data(), bufs.size(), ec);
}
/// send_batch of every buffer in `bufs` (throwing form).
template <class Socket>
[[nodiscard]] std::size_t send_batch(Socket&& socket, const group& destination, std::uint16_t port,
                                     std::span<const send_buffer> bufs) {
  return send_batch(std::forward<Socket>(socket), destination, port, bufs.data(), bufs.size());
}
#endif

MCAST_END_NAMESPACE

#endif // MCAST_BATCH_HPP
