// asio_receiver: asynchronous receive with Asio and mcast handles -- mcast::async_receive_batch
// takes up to 16 queued datagrams per completion (one recvmmsg on Linux) and reports the group and
// interface of each; Ctrl-C (SIGINT) or SIGTERM closes everything cleanly:
// the handles leave, then the socket closes.
//
//   asio_receiver GROUP PORT IFACE [--block SOURCE] [--seconds N]
#include <mcast/asio.hpp>

#include <asio.hpp>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <optional>
#include <string>

int main(int argc, char** argv) try {
  if (argc < 4) {
    std::fprintf(stderr, "usage: asio_receiver GROUP PORT IFACE [--block SOURCE] [--seconds N]\n");
    return 2;
  }
  const auto group = mcast::make_group(argv[1]);
  const auto port = static_cast<unsigned short>(std::atoi(argv[2]));
  const auto nic = mcast::network_interface::from_name(argv[3]);
  std::optional<mcast::source> blocked;
  int seconds = 0;
  for (int i = 4; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--block")
      blocked = mcast::make_source(argv[i + 1]);
    else if (flag == "--seconds")
      seconds = std::atoi(argv[i + 1]);
  }

  asio::io_context io;
  // A receiver bound the portable way: the wildcard address (never the group: Windows refuses
  // that), the port shared, and on Linux IP_MULTICAST_ALL off.
  asio::ip::udp::socket socket(io, group.is_v4() ? asio::ip::udp::v4() : asio::ip::udp::v6());
  mcast::bind_receiver(socket, group.family(), port);
  // Packet info: each datagram says which group it was sent to and where it arrived.
  if (group.is_v4())
    mcast::set_option(socket, mcast::option::ip_pktinfo{true});
  else
    mcast::set_option(socket, mcast::option::ipv6_recvpktinfo{true});

  // The handles take the Asio socket as it is; declared after it, they leave before it closes.
  auto member = mcast::join_group(socket, group, nic);
  std::optional<mcast::blocked_source<>> mute;
  if (blocked)
    mute.emplace(member.block(*blocked));
  std::printf("listening on %s port %u%s%s\n", group.to_string().c_str(), static_cast<unsigned>(port),
              blocked ? ", blocking " : "", blocked ? blocked->to_string().c_str() : "");
  std::fflush(stdout);

  // Up to 16 datagrams per completion, each into a buffer of its own; they stay valid until the
  // completion runs (they outlive io.run()).
  constexpr std::size_t batch = 16;
  std::array<std::array<char, 2048>, batch> storage;
  std::array<mcast::receive_buffer, batch> buffers;
  for (std::size_t i = 0; i < batch; ++i)
    buffers[i] = {storage[i].data(), storage[i].size()};
  std::array<mcast::datagram, batch> datagrams;
  std::function<void()> receive = [&] {
    mcast::async_receive_batch(socket, buffers.data(), datagrams.data(), batch, [&](std::error_code ec, std::size_t n) {
      if (ec)
        return; // cancelled at shutdown
      for (std::size_t i = 0; i < n; ++i) {
        const mcast::datagram& d = datagrams[i];
        std::printf("%s from %s: %zu bytes on interface %u\n", d.destination ? d.destination->to_string().c_str() : "?",
                    d.source.to_string().c_str(), d.size, d.interface_index);
      }
      std::fflush(stdout);
      // The next receive: when more is queued, its completion runs right after this one returns
      // (up to MCAST_ASIO_CHAIN_LIMIT in a row, then the signals below get their turn).
      receive();
    });
  };
  receive();

  auto stop = [&] {
    mute.reset();   // MCAST_UNBLOCK_SOURCE
    member.leave(); // MCAST_LEAVE_GROUP
    socket.close();
    io.stop();
  };
  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](std::error_code, int) {
    std::printf("signal: leaving\n");
    stop();
  });
  asio::steady_timer timer(io);
  if (seconds > 0) {
    timer.expires_after(std::chrono::seconds(seconds));
    timer.async_wait([&](std::error_code ec) {
      if (!ec)
        stop();
    });
  }
  io.run();
  std::printf("done\n");
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "asio_receiver: %s\n", e.what());
  return 1;
}
