// asio_receiver: asynchronous receive with Asio and mcast handles; Ctrl-C (SIGINT) or SIGTERM
// closes everything cleanly: the handles leave, then the socket closes.
//
//   asio_receiver GROUP PORT IFACE [--block SOURCE] [--seconds N]
#include <mcast/asio.hpp>

#include <asio.hpp>

#include <array>
#include <cstdio>
#include <cstdlib>
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
  // Bind the wildcard address and the port (never the group: Windows refuses that).
  const auto any = group.is_v4() ? asio::ip::udp::v4() : asio::ip::udp::v6();
  asio::ip::udp::socket socket(io, asio::ip::udp::endpoint(any, port));

  // The handles take the Asio socket as it is; declared after it, they leave before it closes.
  auto member = mcast::join_group(socket, group, nic);
  std::optional<mcast::blocked_source<>> mute;
  if (blocked)
    mute.emplace(member.block(*blocked));
  std::printf("listening on %s port %u%s%s\n", group.to_string().c_str(), static_cast<unsigned>(port),
              blocked ? ", blocking " : "", blocked ? blocked->to_string().c_str() : "");
  std::fflush(stdout);

  std::array<char, 2048> buffer;
  asio::ip::udp::endpoint from;
  std::function<void()> receive = [&] {
    socket.async_receive_from(asio::buffer(buffer), from, [&](std::error_code ec, std::size_t n) {
      if (ec)
        return; // cancelled at shutdown
      std::printf("from %s: %zu bytes\n", from.address().to_string().c_str(), n);
      std::fflush(stdout);
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
