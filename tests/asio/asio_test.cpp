// asio.hpp and the option types with real Asio sockets (standalone Asio), on IPv4 loopback:
// socket.set_option with every option type, the handles over asio::ip::udp::socket, and an
// asynchronous receive that sees only the allowed sources.
#include <mcast/asio.hpp>

#include <asio.hpp>

#include "catch.hpp"
#include "support/net.hpp"

#include <future>
#include <memory>
#include <optional>
#include <thread>

using namespace mcast_test;
namespace o = mcast::option;

namespace {
struct asio_rig {
  asio::io_context io;
  asio::ip::udp::socket rx{io, asio::ip::udp::endpoint(asio::ip::udp::v4(), 0)};
  std::uint16_t port = rx.local_endpoint().port();
  mcast::network_interface lo = mcast::network_interface::from_name("lo");
  mcast::source s2 = mcast::make_source("127.0.0.2");
  mcast::source s3 = mcast::make_source("127.0.0.3");
  asio_rig() { multicast_all_off(rx.native_handle()); }

  // Sends 3 from each source, then receives asynchronously until 100 ms pass with nothing.
  std::pair<int, int> got(const mcast::group& g) {
    for (const auto& s : {s2, s3}) {
      socket_fd tx = udp_sender(s);
      for (int i = 0; i < 3; ++i)
        send_one(tx, g, port, "asio");
    }
    std::map<std::string, int> counts;
    std::array<char, 256> buf;
    asio::ip::udp::endpoint from;
    asio::steady_timer quiet(io);
    std::function<void()> next = [&] {
      quiet.expires_after(std::chrono::milliseconds(100));
      quiet.async_wait([&](std::error_code ec) {
        if (!ec)
          rx.cancel();
      });
      rx.async_receive_from(asio::buffer(buf), from, [&](std::error_code ec, std::size_t) {
        if (ec)
          return;
        counts[from.address().to_string()]++;
        next();
      });
    };
    next();
    io.restart();
    io.run_for(std::chrono::seconds(5));
    return {counts["127.0.0.2"], counts["127.0.0.3"]};
  }
};
} // namespace

TEST_CASE("address conversions between Asio and mcast", "[asio]") {
  const auto v4 = asio::ip::make_address("239.1.2.3");
  CHECK(mcast::to_address(v4) == mcast::make_address("239.1.2.3"));
  CHECK(mcast::to_asio(mcast::make_group("239.1.2.3")) == v4);
  const auto v6 = asio::ip::make_address("2001:db8::7");
  CHECK(mcast::to_address(v6) == mcast::make_address("2001:db8::7"));
  CHECK(mcast::to_asio(mcast::make_source("2001:db8::7")) == v6);
  CHECK(mcast::make_group(v4).to_string() == "239.1.2.3");
  std::error_code ec;
  CHECK(!mcast::make_group(asio::ip::make_address("10.0.0.1"), ec));
  CHECK(ec == mcast::errc::not_multicast);
  CHECK(!mcast::make_source(v4, ec));
  CHECK(ec == mcast::errc::not_unicast);
  CHECK(mcast::make_source(asio::ip::make_address("10.0.0.1")).to_string() == "10.0.0.1");
}

TEST_CASE("socket.set_option with every IPv4 option type (any-source sequence)", "[asio]") {
  for (bool ip : {true, false}) {
    asio_rig r;
    const auto g = fresh_group();
    if (ip)
      r.rx.set_option(o::ip_add_membership{g, r.lo});
    else
      r.rx.set_option(o::join_group{g, r.lo});
    CHECK(r.got(g) == std::pair(3, 3));
    if (ip)
      r.rx.set_option(o::ip_block_source{g, r.s3, r.lo});
    else
      r.rx.set_option(o::block_source{g, r.s3, r.lo});
    CHECK(r.got(g) == std::pair(3, 0));
    if (ip)
      r.rx.set_option(o::ip_unblock_source{g, r.s3, r.lo});
    else
      r.rx.set_option(o::unblock_source{g, r.s3, r.lo});
    CHECK(r.got(g) == std::pair(3, 3));
    if (ip)
      r.rx.set_option(o::ip_drop_membership{g, r.lo});
    else
      r.rx.set_option(o::leave_group{g, r.lo});
    CHECK(r.got(g) == std::pair(0, 0));
  }
}

TEST_CASE("socket.set_option with every IPv4 option type (source-specific sequence)", "[asio]") {
  for (bool ip : {true, false}) {
    asio_rig r;
    const auto g = fresh_group(mcast::family::v4, true);
    if (ip) {
      r.rx.set_option(o::ip_add_source_membership{g, r.s2, r.lo});
      r.rx.set_option(o::ip_add_source_membership{g, r.s3, r.lo});
      CHECK(r.got(g) == std::pair(3, 3));
      r.rx.set_option(o::ip_drop_source_membership{g, r.s3, r.lo});
    } else {
      r.rx.set_option(o::join_source_group{g, r.s2, r.lo});
      r.rx.set_option(o::join_source_group{g, r.s3, r.lo});
      CHECK(r.got(g) == std::pair(3, 3));
      r.rx.set_option(o::leave_source_group{g, r.s3, r.lo});
    }
    CHECK(r.got(g) == std::pair(3, 0));
    // Asio's error_code overload reports the kernel's refusal.
    std::error_code ec;
    r.rx.set_option(o::join_group{g, r.lo}, ec);
    CHECK(ec.value() == EADDRINUSE);
    CHECK(ec.category() == asio::system_category());
  }
}

TEST_CASE("Asio's error codes compare equal to the errc they unambiguously mean", "[asio]") {
  asio::io_context io;
  asio::ip::udp::socket v4(io, asio::ip::udp::endpoint(asio::ip::udp::v4(), 0));
  std::error_code ec;
  v4.set_option(o::ipv6_add_membership{fresh_group(mcast::family::v6), mcast::network_interface::from_name("lo")}, ec);
  REQUIRE(ec);
  CHECK(ec.category() == asio::system_category()); // Asio's own category, not the system's
  CHECK(ec == mcast::errc::unsupported);           // ENOPROTOOPT: the option is not one of an IPv4 socket
  CHECK(ec != mcast::errc::limit_exceeded);
}

TEST_CASE("socket.set_option with the IPv6 option types", "[asio]") {
  require_ipv6();
  asio::io_context io;
  asio::ip::udp::socket rx(io, asio::ip::udp::endpoint(asio::ip::udp::v6(), 0));
  const auto lo = mcast::network_interface::from_name("lo");
  const auto g = fresh_group(mcast::family::v6);
  rx.set_option(o::ipv6_add_membership{g, lo});
  CHECK(kernel_has_group(g));
  rx.set_option(o::ipv6_drop_membership{g, lo});
  CHECK(!kernel_has_group(g));
  rx.set_option(o::join_group{g, lo});
  CHECK(kernel_has_group(g));
  rx.set_option(o::leave_group{g, lo});
  CHECK(!kernel_has_group(g));
}

TEST_CASE("handles and filters take asio::ip::udp::socket, and async receive sees only allowed sources", "[asio]") {
  asio_rig r;
  const auto g = fresh_group();
  {
    auto conf = mcast::join_group(r.rx, g, r.lo);
    CHECK(conf.socket() == r.rx.native_handle());
    auto mute = conf.block(r.s3);
    CHECK(r.got(g) == std::pair(3, 0));
  }
  CHECK(r.got(g) == std::pair(0, 0));
  {
    auto f = mcast::join_with_filter(r.rx, g, r.lo, mcast::filter_mode::include, {r.s3});
    CHECK(r.got(g) == std::pair(0, 3));
    mcast::set_source_filter(r.rx, g, r.lo, mcast::filter_mode::exclude, {r.s3});
    CHECK(mcast::get_source_filter(r.rx, g, r.lo).mode == mcast::filter_mode::exclude);
    CHECK(r.got(g) == std::pair(3, 0));
  }
  const auto gs = fresh_group(mcast::family::v4, true);
  auto radio = mcast::join_source_group<mcast::api::ipv4>(r.rx, gs, r.s2, r.lo);
  CHECK(r.got(gs) == std::pair(3, 0));
}

namespace {
// A receiver made by mcast::bind_receiver with packet info on, joined to a fresh group on lo.
struct async_rig {
  asio::io_context io;
  asio::ip::udp::socket rx{io, asio::ip::udp::v4()};
  std::uint16_t port = mcast::bind_receiver(rx, mcast::family::v4, 0);
  mcast::group g = fresh_group();
  mcast::network_interface lo = mcast::network_interface::from_name("lo");
  mcast::any_source_membership<> member = mcast::join_group(rx, g, lo);
  std::array<char, 64> buf{};
  async_rig() { mcast::set_option(rx, o::ip_pktinfo{true}); }
  void send(const char* from, const std::string& text) {
    socket_fd tx = udp_sender(mcast::make_source(from));
    send_one(tx, g, port, text);
  }
};
} // namespace

TEST_CASE("async_receive with a callback: each datagram with its source, group and interface", "[asio]") {
  async_rig r;
  std::vector<std::pair<std::error_code, mcast::datagram>> got;
  std::vector<std::string> payloads;
  std::function<void()> next = [&] {
    mcast::async_receive(r.rx, asio::buffer(r.buf), [&](std::error_code ec, mcast::datagram d) {
      got.emplace_back(ec, d);
      if (ec)
        return;
      payloads.emplace_back(r.buf.data(), d.size);
      if (got.size() < 2)
        next();
    });
  };
  next();
  // Nothing runs inside the initiating call: the handler waits for the io_context.
  r.send("127.0.0.2", "first");
  r.send("127.0.0.3", "second one");
  CHECK(got.empty());
  r.io.run_for(std::chrono::seconds(5));
  REQUIRE(got.size() == 2);
  for (const auto& [ec, d] : got) {
    CHECK_FALSE(ec);
    REQUIRE(d.destination.has_value());
    CHECK(*d.destination == r.g.address());
    CHECK(d.interface_index == r.lo.index());
  }
  CHECK(got[0].second.source.to_string() == "127.0.0.2");
  CHECK(got[1].second.source.to_string() == "127.0.0.3");
  CHECK(payloads == std::vector<std::string>{"first", "second one"});
}

// A handler object the caller keeps: its state is shared, so a copy counts into the same place,
// and a handler that was moved from has lost it.
struct counting_handler {
  std::shared_ptr<std::vector<std::size_t>> sizes = std::make_shared<std::vector<std::size_t>>();
  void operator()(std::error_code ec, mcast::datagram d) const { sizes->push_back(ec ? 0 : d.size); }
  void operator()(std::error_code ec, std::size_t n) const { sizes->push_back(ec ? 0 : 1000 + n); }
};

TEST_CASE("async_receive and async_receive_batch take a handler passed as an lvalue, const or not, and copy it",
          "[asio]") {
  async_rig r;
  std::array<char, 16> storage[4] = {};
  mcast::receive_buffer bufs[4];
  for (std::size_t i = 0; i < 4; ++i)
    bufs[i] = {storage[i].data(), storage[i].size()};
  mcast::datagram ds[4];
  const counting_handler fixed;
  counting_handler kept;
  // Nothing queued: each waits (Asio's composed operation).
  mcast::async_receive(r.rx, asio::buffer(r.buf), fixed);
  r.io.run_for(std::chrono::milliseconds(50));
  r.send("127.0.0.2", "one");
  r.io.restart();
  r.io.run_for(std::chrono::seconds(5));
  mcast::async_receive_batch(r.rx, bufs, ds, 4, kept);
  r.io.restart();
  r.io.run_for(std::chrono::milliseconds(50));
  r.send("127.0.0.2", "two");
  r.io.restart();
  r.io.run_for(std::chrono::seconds(5));
  // Queued before the call: the first try completes it.
  r.send("127.0.0.2", "three");
  mcast::async_receive(r.rx, asio::buffer(r.buf), kept);
  r.io.restart();
  r.io.run_for(std::chrono::seconds(5));
  r.send("127.0.0.2", "four");
  mcast::async_receive_batch(r.rx, bufs, ds, 4, fixed);
  r.io.restart();
  r.io.run_for(std::chrono::seconds(5));
  REQUIRE(kept.sizes != nullptr); // (not moved from)
  CHECK(*fixed.sizes == std::vector<std::size_t>{3, 1001});
  CHECK(*kept.sizes == std::vector<std::size_t>{1001, 5});
}

TEST_CASE("async_receive with asio::use_future, and a truncated datagram", "[asio]") {
  async_rig r;
  auto work = asio::make_work_guard(r.io);
  std::thread runner([&] { r.io.run(); });
  std::future<mcast::datagram> f = mcast::async_receive(r.rx, asio::buffer(r.buf.data(), 4), asio::use_future);
  r.send("127.0.0.2", "a longer datagram");
  REQUIRE(f.wait_for(std::chrono::seconds(5)) == std::future_status::ready);
  const mcast::datagram d = f.get();
  CHECK(d.size == 4);
  CHECK(d.truncated);
  CHECK(std::string(r.buf.data(), 4) == "a lo");
  CHECK(d.source.to_string() == "127.0.0.2");
  work.reset();
  r.io.stop();
  runner.join();
}

TEST_CASE("async_receive completes with operation_aborted when the socket is closed", "[asio]") {
  async_rig r;
  std::optional<std::error_code> result;
  mcast::async_receive(r.rx, asio::buffer(r.buf), [&](std::error_code ec, mcast::datagram) { result = ec; });
  asio::steady_timer t(r.io, std::chrono::milliseconds(50));
  t.async_wait([&](std::error_code) {
    r.member.leave();
    r.rx.close();
  });
  r.io.run_for(std::chrono::seconds(5));
  REQUIRE(result.has_value());
  CHECK(*result == asio::error::operation_aborted);
  // A future sees the same as an exception.
  async_rig r2;
  auto work = asio::make_work_guard(r2.io);
  std::thread runner([&] { r2.io.run(); });
  auto f = mcast::async_receive(r2.rx, asio::buffer(r2.buf), asio::use_future);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  asio::post(r2.io, [&] { r2.rx.cancel(); });
  REQUIRE(f.wait_for(std::chrono::seconds(5)) == std::future_status::ready);
  CHECK_THROWS_AS(f.get(), std::system_error);
  work.reset();
  r2.io.stop();
  runner.join();
}

namespace {
// Storage for an asynchronous batch of N datagrams of 64 bytes.
template <std::size_t N> struct async_batch {
  async_batch() {
    for (std::size_t i = 0; i < N; ++i)
      bufs[i] = {bytes[i].data(), bytes[i].size()};
  }
  std::string payload(std::size_t i) const { return std::string(bytes[i].data(), ds[i].size); }
  std::array<std::array<char, 64>, N> bytes{};
  std::array<mcast::receive_buffer, N> bufs{};
  std::array<mcast::datagram, N> ds{};
};
} // namespace

TEST_CASE("async_receive_batch with a callback: waits for the first datagram, then takes what is queued", "[asio]") {
  async_rig r;
  async_batch<8> b;
  std::vector<std::pair<std::error_code, std::size_t>> done;
  mcast::async_receive_batch(r.rx, b.bufs.data(), b.ds.data(), b.ds.size(),
                             [&](std::error_code ec, std::size_t n) { done.emplace_back(ec, n); });
  r.io.run_for(std::chrono::milliseconds(50));
  CHECK(done.empty()); // nothing queued: it waits
  r.send("127.0.0.2", "first");
  r.send("127.0.0.3", "second");
  r.send("127.0.0.2", "third");
  r.io.restart();
  for (int i = 0; i < 50 && done.empty(); ++i)
    r.io.run_for(std::chrono::milliseconds(100));
  REQUIRE(done.size() == 1);
  CHECK_FALSE(done[0].first);
  const std::size_t n = done[0].second;
  REQUIRE(n >= 1); // the first at least; the others when they were queued by the time it woke
  std::vector<std::string> payloads;
  for (std::size_t i = 0; i < n; ++i) {
    payloads.push_back(b.payload(i));
    REQUIRE(b.ds[i].destination.has_value());
    CHECK(*b.ds[i].destination == r.g.address());
    CHECK(b.ds[i].interface_index == r.lo.index());
  }
  // The rest, queued now, in one more batch.
  if (n < 3) {
    std::optional<std::size_t> more;
    async_batch<8> c;
    mcast::async_receive_batch(r.rx, c.bufs.data(), c.ds.data(), c.ds.size(), [&](std::error_code ec, std::size_t k) {
      CHECK_FALSE(ec);
      more = k;
    });
    r.io.restart();
    r.io.run_for(std::chrono::seconds(2));
    REQUIRE(more.has_value());
    for (std::size_t i = 0; i < *more; ++i)
      payloads.push_back(c.payload(i));
  }
  CHECK(payloads == std::vector<std::string>{"first", "second", "third"});
  CHECK(b.ds[0].source.to_string() == "127.0.0.2");
}

TEST_CASE("async_receive_batch with asio::use_future, truncation inside a batch, n == 0 and invalid buffers",
          "[asio]") {
  async_rig r;
  auto work = asio::make_work_guard(r.io);
  std::thread runner([&] { r.io.run(); });
  r.send("127.0.0.2", std::string(100, 'a'));
  r.send("127.0.0.3", "short");
  async_batch<4> b;
  b.bufs[0].size = 8;
  // Both queued before the call: one batch takes both.
  for (int i = 0; i < 100; ++i) {
    pollfd p{r.rx.native_handle(), POLLIN, 0};
    if (::poll(&p, 1, 10) > 0)
      break;
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  std::future<std::size_t> f = mcast::async_receive_batch(r.rx, b.bufs.data(), b.ds.data(), 4, asio::use_future);
  REQUIRE(f.wait_for(std::chrono::seconds(5)) == std::future_status::ready);
  REQUIRE(f.get() == 2);
  CHECK(b.ds[0].size == 8);
  CHECK(b.ds[0].truncated);
  CHECK(b.ds[0].source.to_string() == "127.0.0.2");
  CHECK(b.payload(1) == "short");
  CHECK_FALSE(b.ds[1].truncated);
  // n == 0: no error, no datagram, through the executor.
  auto zero = mcast::async_receive_batch(r.rx, b.bufs.data(), b.ds.data(), 0, asio::use_future);
  REQUIRE(zero.wait_for(std::chrono::seconds(5)) == std::future_status::ready);
  CHECK(zero.get() == 0);
  // A null buffer of non-zero size: errc::invalid_value, as receive_batch.
  b.bufs[1] = {nullptr, 10};
  auto bad = mcast::async_receive_batch(r.rx, b.bufs.data(), b.ds.data(), 2, asio::use_future);
  REQUIRE(bad.wait_for(std::chrono::seconds(5)) == std::future_status::ready);
  try {
    (void)bad.get();
    FAIL("no exception");
  } catch (const std::system_error& e) {
    CHECK(e.code() == mcast::errc::invalid_value);
  }
  work.reset();
  r.io.stop();
  runner.join();
}

TEST_CASE("async_receive_batch completes with operation_aborted when the socket is closed or cancelled", "[asio]") {
  async_rig r;
  async_batch<4> b;
  std::optional<std::error_code> result;
  mcast::async_receive_batch(r.rx, b.bufs.data(), b.ds.data(), 4, [&](std::error_code ec, std::size_t n) {
    result = ec;
    CHECK(n == 0);
  });
  asio::steady_timer t(r.io, std::chrono::milliseconds(50));
  t.async_wait([&](std::error_code) {
    r.member.leave();
    r.rx.close();
  });
  r.io.run_for(std::chrono::seconds(5));
  REQUIRE(result.has_value());
  CHECK(*result == asio::error::operation_aborted);
  async_rig r2;
  auto work = asio::make_work_guard(r2.io);
  std::thread runner([&] { r2.io.run(); });
  auto f = mcast::async_receive_batch(r2.rx, b.bufs.data(), b.ds.data(), 4, asio::use_future);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  asio::post(r2.io, [&] { r2.rx.cancel(); });
  REQUIRE(f.wait_for(std::chrono::seconds(5)) == std::future_status::ready);
  CHECK_THROWS_AS(f.get(), std::system_error);
  work.reset();
  r2.io.stop();
  runner.join();
}

// A datagram taken by the initiation is completed on the handler's own executor: through the
// io_context directly for a plain handler, through the strand for a handler bound to one (as a
// strand, or held in an any_io_executor: the socket's own executor type).
TEST_CASE("async_receive and async_receive_batch complete a first-try datagram on the handler's executor (strand)",
          "[asio]") {
  async_rig r;
  auto strand = asio::make_strand(r.io);
  for (const bool batch : {false, true}) {
    INFO((batch ? "async_receive_batch" : "async_receive"));
    r.send("127.0.0.2", "queued");
    pollfd p{r.rx.native_handle(), POLLIN, 0};
    REQUIRE(::poll(&p, 1, 1000) > 0);
    bool done = false, in_strand = false;
    std::string payload;
    async_batch<2> b;
    if (batch)
      mcast::async_receive_batch(r.rx, b.bufs.data(), b.ds.data(), 2,
                                 asio::bind_executor(strand, [&](std::error_code ec, std::size_t n) {
                                   CHECK_FALSE(ec);
                                   CHECK(n == 1);
                                   payload = b.payload(0);
                                   in_strand = strand.running_in_this_thread();
                                   done = true;
                                 }));
    else
      mcast::async_receive(
          r.rx, asio::buffer(r.buf),
          asio::bind_executor(asio::any_io_executor(strand), [&](std::error_code ec, mcast::datagram d) {
            CHECK_FALSE(ec);
            payload.assign(r.buf.data(), d.size);
            in_strand = strand.running_in_this_thread();
            done = true;
          }));
    CHECK_FALSE(done);
    r.io.restart();
    r.io.run_for(std::chrono::seconds(2));
    REQUIRE(done);
    CHECK(in_strand);
    CHECK(payload == "queued");
  }
}

namespace {
// An allocator that counts what it is asked for (the handler's associated allocator).
template <class T> struct counting_allocator {
  using value_type = T;
  int* count;
  explicit counting_allocator(int* c) noexcept : count(c) {}
  template <class U> counting_allocator(const counting_allocator<U>& other) noexcept : count(other.count) {}
  T* allocate(std::size_t n) {
    ++*count;
    return std::allocator<T>().allocate(n);
  }
  void deallocate(T* p, std::size_t n) noexcept { std::allocator<T>().deallocate(p, n); }
  template <class U> bool operator==(const counting_allocator<U>& other) const noexcept { return count == other.count; }
  template <class U> bool operator!=(const counting_allocator<U>& other) const noexcept { return count != other.count; }
};
// A handler with an allocator of its own and no executor of its own.
template <class Result> struct allocating_handler {
  using allocator_type = counting_allocator<void>;
  int* count;
  bool* done;
  allocator_type get_allocator() const noexcept { return allocator_type(count); }
  void operator()(std::error_code ec, Result) const {
    CHECK_FALSE(ec);
    *done = true;
  }
};
} // namespace

// A datagram taken by the initiation is handed to the io_context in storage from the handler's
// associated allocator (as Asio's own operations allocate).
TEST_CASE("async_receive and async_receive_batch allocate a first-try completion with the handler's allocator",
          "[asio]") {
  async_rig r;
  for (const bool batch : {false, true}) {
    INFO((batch ? "async_receive_batch" : "async_receive"));
    r.send("127.0.0.2", "queued");
    pollfd p{r.rx.native_handle(), POLLIN, 0};
    REQUIRE(::poll(&p, 1, 1000) > 0);
    int count = 0;
    bool done = false;
    async_batch<2> b;
    if (batch)
      mcast::async_receive_batch(r.rx, b.bufs.data(), b.ds.data(), 2, allocating_handler<std::size_t>{&count, &done});
    else
      mcast::async_receive(r.rx, asio::buffer(r.buf), allocating_handler<mcast::datagram>{&count, &done});
    CHECK_FALSE(done);
    CHECK(count == 1);
    r.io.restart();
    r.io.run_for(std::chrono::seconds(2));
    CHECK(done);
  }
}

// Each completion starts the next receive (the first-try result then goes to the io_context as a
// continuation of the running handler): all arrive, in order, with two threads running the
// io_context.
TEST_CASE("async_receive chained from its own completions on an io_context run by two threads", "[asio]") {
  async_rig r;
  constexpr int total = 40;
  for (int i = 0; i < total; ++i)
    r.send("127.0.0.2", std::to_string(i));
  pollfd p{r.rx.native_handle(), POLLIN, 0};
  REQUIRE(::poll(&p, 1, 1000) > 0);
  std::vector<std::string> got;
  std::error_code failed;
  std::function<void()> next = [&] {
    mcast::async_receive(r.rx, asio::buffer(r.buf), [&](std::error_code ec, mcast::datagram d) {
      if (ec) {
        failed = ec;
        return;
      }
      got.emplace_back(r.buf.data(), d.size);
      if (got.size() < total)
        next();
    });
  };
  next();
  std::thread second([&] { r.io.run_for(std::chrono::seconds(5)); });
  r.io.run_for(std::chrono::seconds(5));
  second.join();
  CHECK_FALSE(failed);
  REQUIRE(got.size() == total);
  for (int i = 0; i < total; ++i)
    CHECK(got[static_cast<std::size_t>(i)] == std::to_string(i));
}

// A handler that starts the next receive, which finds a datagram queued, has that completion run
// when it returns (a chain), MCAST_ASIO_CHAIN_LIMIT completions at most; then the io_context takes
// its turn: a handler posted from the first completion of a chain runs after that chain's last.
TEST_CASE("async_receive and async_receive_batch chain at most MCAST_ASIO_CHAIN_LIMIT completions, then the "
          "io_context takes its turn",
          "[asio]") {
  constexpr std::size_t limit = MCAST_ASIO_CHAIN_LIMIT;
  static_assert(limit == 8, "the default");
  constexpr std::size_t total = 3 * limit + 2;
  for (const bool batch : {false, true}) {
    INFO((batch ? "async_receive_batch" : "async_receive"));
    async_rig r;
    for (std::size_t i = 0; i < total; ++i)
      r.send("127.0.0.2", std::to_string(i));
    pollfd p{r.rx.native_handle(), POLLIN, 0};
    REQUIRE(::poll(&p, 1, 1000) > 0);
    std::vector<std::string> got;
    std::vector<std::size_t> marker_saw; // how many had completed when each posted handler ran
    std::error_code failed;
    async_batch<1> b;
    std::function<void()> next;
    const auto step = [&] {
      if (got.size() % limit == 1)
        asio::post(r.io, [&] { marker_saw.push_back(got.size()); });
      if (got.size() < total)
        next();
    };
    next = [&] {
      if (batch)
        mcast::async_receive_batch(r.rx, b.bufs.data(), b.ds.data(), 1, [&](std::error_code ec, std::size_t n) {
          if (ec || n != 1) {
            failed = ec ? ec : make_error_code(std::errc::message_size);
            return;
          }
          got.push_back(b.payload(0));
          step();
        });
      else
        mcast::async_receive(r.rx, asio::buffer(r.buf), [&](std::error_code ec, mcast::datagram d) {
          if (ec) {
            failed = ec;
            return;
          }
          got.emplace_back(r.buf.data(), d.size);
          step();
        });
    };
    next();
    r.io.run_for(std::chrono::seconds(5));
    CHECK_FALSE(failed);
    REQUIRE(got.size() == total);
    for (std::size_t i = 0; i < total; ++i)
      CHECK(got[i] == std::to_string(i));
    CHECK(marker_saw == std::vector<std::size_t>{limit, 2 * limit, 3 * limit, total}); // 25 starts the last chain
  }
}

// Asio's rules hold inside a chain: a handler's exception leaves run() and io_context::stop() makes
// run() return, and in both cases the receive that handler started (it has its datagram) is not
// lost: it completes when the io_context runs again.
TEST_CASE("a chained receive started by a handler that throws or stops the io_context completes on the next run",
          "[asio]") {
  for (const bool throws : {true, false}) {
    INFO((throws ? "the handler throws" : "the handler calls io_context::stop()"));
    async_rig r;
    r.send("127.0.0.2", "one");
    r.send("127.0.0.2", "two");
    pollfd p{r.rx.native_handle(), POLLIN, 0};
    REQUIRE(::poll(&p, 1, 1000) > 0);
    std::vector<std::string> got;
    std::function<void()> next = [&] {
      mcast::async_receive(r.rx, asio::buffer(r.buf), [&](std::error_code ec, mcast::datagram d) {
        REQUIRE_FALSE(ec);
        got.emplace_back(r.buf.data(), d.size);
        if (got.size() != 1)
          return;
        next();
        if (throws)
          throw std::runtime_error("from the handler");
        r.io.stop();
      });
    };
    next();
    if (throws)
      CHECK_THROWS_AS(r.io.run_for(std::chrono::seconds(2)), std::runtime_error);
    else
      r.io.run_for(std::chrono::seconds(2));
    CHECK(got == std::vector<std::string>{"one"});
    r.io.restart();
    r.io.run_for(std::chrono::milliseconds(500));
    CHECK(got == std::vector<std::string>{"one", "two"});
  }
}

// A chain keeps only completions of its own io_context: a handler of the same type started on a
// socket of another io_context, from a completion of this one, runs when that one runs.
TEST_CASE("a receive on another io_context's socket started inside a chain completes on that io_context", "[asio]") {
  async_rig r, other;
  r.send("127.0.0.2", "here");
  other.send("127.0.0.2", "there");
  pollfd p[2] = {{r.rx.native_handle(), POLLIN, 0}, {other.rx.native_handle(), POLLIN, 0}};
  REQUIRE(::poll(&p[0], 1, 1000) > 0);
  REQUIRE(::poll(&p[1], 1, 1000) > 0);
  using handler = std::function<void(std::error_code, mcast::datagram)>; // one type for both
  std::vector<std::string> got;
  const handler on_other = [&](std::error_code ec, mcast::datagram d) {
    CHECK_FALSE(ec);
    got.push_back(std::string(other.buf.data(), d.size) +
                  (other.io.get_executor().running_in_this_thread() ? "" : "?"));
  };
  const handler on_here = [&](std::error_code ec, mcast::datagram d) {
    CHECK_FALSE(ec);
    got.emplace_back(r.buf.data(), d.size);
    mcast::async_receive(other.rx, asio::buffer(other.buf), on_other);
  };
  mcast::async_receive(r.rx, asio::buffer(r.buf), on_here);
  r.io.run_for(std::chrono::seconds(2));
  CHECK(got == std::vector<std::string>{"here"});
  other.io.run_for(std::chrono::milliseconds(500));
  CHECK(got == std::vector<std::string>{"here", "there"});
}

// Two sockets on one port and one io_context, each in its own receive loop with handlers of the
// same type: a chain holds one completion at a time, the other socket's goes through the
// io_context; both receive every datagram, each in order, and neither starves the other.
TEST_CASE("two sockets on one port, one io_context, two receive loops: each receives every datagram in order",
          "[asio]") {
  constexpr std::size_t total = 3 * MCAST_ASIO_CHAIN_LIMIT;
  asio::io_context io;
  const auto g = fresh_group();
  const auto lo = mcast::network_interface::from_name("lo");
  asio::ip::udp::socket a(io, asio::ip::udp::v4()), b(io, asio::ip::udp::v4());
  const std::uint16_t port = mcast::bind_receiver(a, mcast::family::v4, 0);
  REQUIRE(mcast::bind_receiver(b, mcast::family::v4, port) == port);
  auto ma = mcast::join_group(a, g, lo);
  auto mb = mcast::join_group(b, g, lo);
  socket_fd tx = udp_sender(mcast::make_source("127.0.0.2"));
  for (std::size_t i = 0; i < total; ++i)
    send_one(tx, g, port, std::to_string(i));
  pollfd p[2] = {{a.native_handle(), POLLIN, 0}, {b.native_handle(), POLLIN, 0}};
  REQUIRE(::poll(p, 2, 1000) > 0);
  struct loop {
    asio::ip::udp::socket* s;
    std::array<char, 32> buf{};
    std::vector<std::string> got;
    std::vector<std::size_t> other_at; // the other loop's count at each of this one's completions
  } la{&a, {}, {}, {}}, lb{&b, {}, {}, {}};
  using handler = std::function<void(std::error_code, mcast::datagram)>;
  std::function<void(loop&, loop&)> next = [&](loop& self, loop& other) {
    mcast::async_receive(*self.s, asio::buffer(self.buf), handler([&](std::error_code ec, mcast::datagram d) {
      REQUIRE_FALSE(ec);
      self.got.emplace_back(self.buf.data(), d.size);
      self.other_at.push_back(other.got.size());
      if (self.got.size() < total)
        next(self, other);
    }));
  };
  next(la, lb);
  next(lb, la);
  io.run_for(std::chrono::seconds(5));
  for (const loop* l : {&la, &lb}) {
    REQUIRE(l->got.size() == total);
    for (std::size_t i = 0; i < total; ++i)
      CHECK(l->got[i] == std::to_string(i));
  }
  // Interleaved: when one loop had all its datagrams, the other had not finished a chain's worth.
  CHECK(la.other_at.back() + MCAST_ASIO_CHAIN_LIMIT >= total);
  CHECK(lb.other_at.front() <= MCAST_ASIO_CHAIN_LIMIT);
}
