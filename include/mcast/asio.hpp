// mcast/asio.hpp -- opt-in glue for standalone Asio (never included by mcast.hpp).
//
// Copyright (c) 2026 The mcast authors.
// Distributed under the Boost Software License, Version 1.0 (see LICENSE).
//
// Nothing else is needed to use mcast with Asio: every mcast::option type is an Asio
// SettableSocketOption (`socket.set_option(mcast::option::block_source{g, s, nic})`), and the
// handles and filter calls take an asio::ip::udp::socket directly (through native_handle()).
// This header adds the conversions between asio::ip::address and mcast's address types,
// async_receive (a datagram with its group and interface, as mcast::receive) and
// async_receive_batch (receive_batch's contract), and makes Asio's
// error codes compare equal to mcast::errc (include it where you compare them).
// Link the CMake target mcast::asio (it brings Asio, with ASIO_STANDALONE).
#ifndef MCAST_ASIO_HPP
#define MCAST_ASIO_HPP

#if defined(_MSC_VER)
#pragma once
#endif

#include "keeper.hpp" // async_run
#include "mcast.hpp"

#include <asio/any_io_executor.hpp>
#include <asio/associated_allocator.hpp>
#include <asio/associated_executor.hpp>
#include <asio/async_result.hpp>
#include <asio/buffer.hpp>
#include <asio/compose.hpp>
#include <asio/defer.hpp>
#include <asio/error.hpp>
#include <asio/error_code.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/address.hpp>
#include <asio/post.hpp>
#include <asio/socket_base.hpp>
#include <asio/steady_timer.hpp>
#if defined(ASIO_HAS_POSIX_STREAM_DESCRIPTOR)
#include <asio/posix/stream_descriptor.hpp>
#endif

#include <memory>
#include <optional>
#include <type_traits>
#include <utility>

MCAST_BEGIN_NAMESPACE

namespace detail {
// Asio reports system errors in its own category ("asio.system") with the system's numbers:
// registered here, by identity, its codes compare equal to the errc they unambiguously mean
// (`socket.set_option(opt, ec); ec == mcast::errc::limit_exceeded`).
inline const bool asio_category_registered = (register_system_category(::asio::system_category()), true);
} // namespace detail

/// An asio::ip::address as an mcast::address (IPv6 scope ids are not carried: name the
/// interface with network_interface instead).
inline address to_address(const ::asio::ip::address& a) noexcept {
  if (a.is_v4())
    return address::from_bytes(a.to_v4().to_bytes());
  return address::from_bytes(a.to_v6().to_bytes());
}

/// An mcast address, group or source as an asio::ip::address.
inline ::asio::ip::address to_asio(const address& a) {
  if (a.is_v4()) {
    ::asio::ip::address_v4::bytes_type b;
    detail::copy_bytes(b.data(), a.data(), 4);
    return ::asio::ip::address_v4(b);
  }
  ::asio::ip::address_v6::bytes_type b;
  detail::copy_bytes(b.data(), a.data(), 16);
  return ::asio::ip::address_v6(b);
}
/// A group as an asio::ip::address.
inline ::asio::ip::address to_asio(const group& g) { return to_asio(g.address()); }
/// A source as an asio::ip::address.
inline ::asio::ip::address to_asio(const source& s) { return to_asio(s.address()); }

/// errc::not_multicast unless `a` is a multicast address.
inline std::optional<group> make_group(const ::asio::ip::address& a, std::error_code& ec) noexcept {
  return make_group(to_address(a), ec);
}
/// A group from an asio::ip::address.
/// @throws std::system_error errc::not_multicast.
inline group make_group(const ::asio::ip::address& a) { return make_group(to_address(a)); }

/// errc::not_unicast for a multicast, unspecified or limited-broadcast address.
inline std::optional<source> make_source(const ::asio::ip::address& a, std::error_code& ec) noexcept {
  return make_source(to_address(a), ec);
}
/// A source from an asio::ip::address.
/// @throws std::system_error errc::not_unicast or errc::family_mismatch (an IPv4-mapped address).
inline source make_source(const ::asio::ip::address& a) { return make_source(to_address(a)); }

/// @def MCAST_ASIO_CHAIN_LIMIT
/// How many completions of async_receive / async_receive_batch one turn of an io_context may run
/// back to back on one thread when each handler starts the next receive and that receive finds a
/// datagram queued (8 unless defined before mcast/asio.hpp is included; 1 turns chaining off).
/// Define it the same in every translation unit of a program. See async_receive.
#ifndef MCAST_ASIO_CHAIN_LIMIT
#define MCAST_ASIO_CHAIN_LIMIT 8
#endif

namespace detail {
inline bool would_block(const std::error_code& ec) noexcept {
  if (!ec) // (a received datagram: no comparison through the categories)
    return false;
  return ec == std::errc::operation_would_block || ec == std::errc::resource_unavailable_try_again;
}

// Where a wait's one-byte peek goes when the caller's buffer has no byte (a zero-length receive
// buffer): nothing reads it.
inline unsigned char peek_sink[1];

// Waits until a datagram is queued on `socket` (see waits_by_peek), then calls `self` with
// (error_code[, size_t]). `first` is the caller's first buffer: the peek stores its first byte
// there (the receive that follows overwrites it).
template <class Socket, class Self>
void wait_for_datagram(Socket& socket, const ::asio::mutable_buffer& first, Self&& self) {
  if constexpr (waits_by_peek) {
    const ::asio::mutable_buffer into =
        first.size() != 0 ? ::asio::buffer(first.data(), 1) : ::asio::buffer(peek_sink, sizeof peek_sink);
    socket.async_receive(into, ::asio::socket_base::message_peek, std::forward<Self>(self));
  } else {
    socket.async_wait(::asio::socket_base::wait_read, std::forward<Self>(self));
  }
}

// One receive that does not wait. Windows: that needs a non-blocking socket; Asio records the
// mode (its own operations go on behaving as the user asked).
template <class Socket, class Receive> void attempt_now(Socket& socket, Receive& receive, std::error_code& ec) {
  if constexpr (receive_needs_non_blocking_socket)
    if (!socket.native_non_blocking())
      socket.native_non_blocking(true, ec);
  if (!ec)
    receive.attempt(socket, ec);
}

// The operation behind async_receive and async_receive_batch once the initiation (below) has
// received: `Receive` is its state -- attempt(socket, ec) receives without waiting and keeps what
// it got; first_buffer() is where a wait may peek; complete(self, ec) hands over what was kept.
// It waits (wait_for_datagram) and receives again; a wake-up with nothing queued (another reader
// took it) waits again. Or it delivers the initiation's result through the handler's executor.
template <class Socket, class Receive> struct receive_first_op {
  Socket& socket;
  Receive receive;
  std::error_code result{};
  // first_wait: the initiation received nothing, wait; waited: woken, receive; deliver: the
  // initiation's result is in `receive` and `result`, post it; posted: complete with it.
  enum class step : unsigned char { first_wait, waited, deliver, posted } at = step::first_wait;

  template <class Self> void operator()(Self& self, std::error_code ec = {}, std::size_t = 0) {
    if (at == step::posted) {
      receive.complete(self, result);
      return;
    }
    if (at == step::deliver) {
      at = step::posted;
      ::asio::post(socket.get_executor(), std::move(self));
      return;
    }
    if (at == step::first_wait) {
      at = step::waited;
      wait_for_datagram(socket, receive.first_buffer(), std::move(self));
      return;
    }
    if (!ec) {
      attempt_now(socket, receive, ec);
      if (!would_block(ec)) {
        receive.complete(self, ec);
        return;
      }
      ec.clear();
    }
    if (ec) { // the wait failed (closed, cancelled, or the socket's own error)
      // The socket's own error (the peek's, in Asio's category) as a receive reports it;
      // cancellation stays asio::error::operation_aborted.
      if (ec != ::asio::error::operation_aborted && ec.category() == ::asio::system_category())
        ec = system_error(ec.value());
      receive.complete(self, ec);
      return;
    }
    at = step::waited;
    wait_for_datagram(socket, receive.first_buffer(), std::move(self));
  }
};

// The associated executor of a handler that names none (a type nothing else has): such a handler
// runs on the socket's executor.
struct no_executor_of_its_own {};

// Whether `handler` runs on the socket's executor itself (it names no executor of its own, or that
// same one); a strand, a future's executor or another io_context's are not. Settled by the types
// when the handler names no executor (no run-time comparison of type-erased executors).
template <class Handler, class Socket> bool runs_on_socket_executor(const Handler& handler, Socket& socket) {
  using executor = decltype(socket.get_executor());
  if constexpr (std::is_same_v<::asio::associated_executor_t<Handler, no_executor_of_its_own>, no_executor_of_its_own>)
    return true;
  else if constexpr (std::is_same_v<::asio::associated_executor_t<Handler, executor>, executor>)
    return ::asio::get_associated_executor(handler, socket.get_executor()) == socket.get_executor();
  else
    return false;
}

// A completion chain. While a first-try completion runs on an io_context (a bound_result's call,
// below), a receive its handler starts of the same kind that succeeds at once is kept in that
// call's frame and run when the handler returns -- not inside the initiating call, on the same
// thread as a deferred one would be -- instead of going through the scheduler, whose turn between
// two handlers is an epoll_wait (the bench's section 9: the floor of an Asio completion a batch).
// MCAST_ASIO_CHAIN_LIMIT completions at most run so; the next goes through the scheduler, so that
// timers and other sockets of that io_context get their turn.
inline constexpr unsigned chain_limit = MCAST_ASIO_CHAIN_LIMIT;
static_assert(chain_limit >= 1, "mcast: MCAST_ASIO_CHAIN_LIMIT counts completions; define it to 1 or more");
template <class F> struct chain_frame {
  ::asio::io_context* context;
  unsigned ran = 1;      // completions this frame has run (its own first)
  std::optional<F> next; // the one to run when the running handler returns
};
// The frame of the bound_result of type F running on this thread, if one is.
template <class F> inline thread_local chain_frame<F>* chain_top = nullptr;

// Hands `f` to `io` as a continuation of the caller (asio::defer's relationship): from a handler
// running on that io_context, the operation goes to the thread's private queue without taking
// the scheduler's lock; from anywhere else it is an ordinary post.
template <class F> void defer_to(::asio::io_context& io, F&& f) {
  ::asio::defer(io.get_executor(), std::forward<F>(f));
}

// A completion handler with its arguments, for an executor to run; it allocates as the handler
// does (its associated allocator). `context`: the io_context that runs it, when it may chain.
template <class Handler, class Result> struct bound_result {
  using allocator_type = ::asio::associated_allocator_t<Handler>;
  Handler handler;
  std::error_code ec;
  Result result;
  ::asio::io_context* context = nullptr;
  allocator_type get_allocator() const noexcept { return ::asio::get_associated_allocator(handler); }
  void operator()() {
    if (context == nullptr) {
      std::move(handler)(ec, std::move(result));
      return;
    }
    chain_frame<bound_result> frame{context, 1, std::nullopt};
    chain_frame<bound_result>* const outer = chain_top<bound_result>;
    chain_top<bound_result> = &frame;
    try {
      std::move(handler)(ec, std::move(result));
      // io_context::stop() asked from a handler: run() returns; what is kept waits in the queue.
      while (frame.next && !context->stopped()) {
        bound_result b = std::move(*frame.next);
        frame.next.reset();
        ++frame.ran;
        std::move(b.handler)(b.ec, std::move(b.result));
      }
    } catch (...) {
      // A handler threw: the exception leaves run() (Asio's rule); a kept completion stays queued.
      chain_top<bound_result> = outer;
      if (frame.next)
        defer_to(*context, std::move(*frame.next));
      throw;
    }
    chain_top<bound_result> = outer;
    if (frame.next)
      defer_to(*context, std::move(*frame.next));
  }
};

// Runs `f` (a bound_result) later on the socket's executor, never inside this call. An
// io_context's own executor (the usual one, also inside an any_io_executor) is asked directly:
// from a completion chain on that io_context with room left (chain_frame), `f` is kept there;
// otherwise defer_to. Any other executor: asio::post.
template <class Socket, class F> void post_result(Socket& socket, F&& f) {
  using io_executor = ::asio::io_context::executor_type;
  const auto ex = socket.get_executor();
  const io_executor* io = nullptr;
  if constexpr (std::is_same_v<std::decay_t<decltype(ex)>, io_executor>)
    io = &ex;
  else if constexpr (std::is_same_v<std::decay_t<decltype(ex)>, ::asio::any_io_executor>)
    io = ex.template target<io_executor>();
  if (io == nullptr) {
    ::asio::post(ex, std::forward<F>(f));
    return;
  }
  ::asio::io_context& context = io->context();
  f.context = &context;
  using bound = std::decay_t<F>;
  if constexpr (chain_limit > 1) {
    chain_frame<bound>* const frame = chain_top<bound>;
    if (frame != nullptr && frame->context == &context && !frame->next && frame->ran < chain_limit) {
      frame->next.emplace(std::forward<F>(f));
      return;
    }
  }
  defer_to(context, std::forward<F>(f));
}

// The initiation of async_receive(_batch): one receive at once, then
// - a result (a datagram, or an error other than would-block) is handed to the socket's executor
//   as the handler bound to its arguments (post_result) -- one hop, the cheapest Asio has -- when
//   the handler runs on that executor anyway; a handler with an executor of its own (a strand)
//   gets it through receive_first_op, which posts itself and completes on the handler's executor;
// - nothing queued: receive_first_op waits.
template <class Signature, class Socket, class Receive> struct initiate_receive_first {
  template <class Handler> void operator()(Handler&& handler, Socket* socket, Receive receive) const {
    std::error_code ec;
    attempt_now(*socket, receive, ec);
    using op = receive_first_op<Socket, Receive>;
    if (would_block(ec)) {
      compose(op{*socket, std::move(receive), {}, op::step::first_wait}, std::forward<Handler>(handler), *socket);
      return;
    }
    if (runs_on_socket_executor(handler, *socket)) {
      auto result = receive.result(ec);
      post_result(*socket, bound_result<std::decay_t<Handler>, decltype(result)>{std::forward<Handler>(handler), ec,
                                                                                 std::move(result), nullptr});
      return;
    }
    compose(op{*socket, std::move(receive), ec, op::step::deliver}, std::forward<Handler>(handler), *socket);
  }
  // async_compose takes its handler as a non-const lvalue and may move from it: a handler the
  // caller passed as an lvalue (a variable, const or not, or `*this` from a const call operator)
  // is copied first, as Asio's own operations copy one; an rvalue is used as it is.
  template <class Op, class Handler> static void compose(Op&& o, Handler&& handler, Socket& socket) {
    if constexpr (std::is_lvalue_reference_v<Handler>) {
      std::decay_t<Handler> copy(handler);
      ::asio::async_compose<std::decay_t<Handler>, Signature>(std::forward<Op>(o), copy, socket);
    } else {
      ::asio::async_compose<std::decay_t<Handler>, Signature>(std::forward<Op>(o), handler, socket);
    }
  }
};

struct single_receive {
  ::asio::mutable_buffer buffer;
  datagram got{};
  template <class Socket> void attempt(Socket& socket, std::error_code& ec) noexcept {
    got = receive_native(native_of(socket), buffer.data(), buffer.size(), true, ec);
  }
  ::asio::mutable_buffer first_buffer() const noexcept { return buffer; }
  datagram result(const std::error_code& ec) { return ec ? datagram{} : std::move(got); }
  template <class Self> void complete(Self& self, const std::error_code& ec) { self.complete(ec, result(ec)); }
};

template <class Datagram> struct batch_receive {
  const receive_buffer* bufs;
  Datagram* datagrams;
  std::size_t n;
  std::size_t got = 0;
  template <class Socket> void attempt(Socket& socket, std::error_code& ec) noexcept {
    got = receive_batch_native(native_of(socket), bufs, datagrams, n, ec, false);
  }
  ::asio::mutable_buffer first_buffer() const noexcept {
    return n != 0 && bufs != nullptr ? ::asio::buffer(bufs[0].data, bufs[0].size) : ::asio::mutable_buffer();
  }
  std::size_t result(const std::error_code& ec) const noexcept { return ec ? 0 : got; }
  template <class Self> void complete(Self& self, const std::error_code& ec) { self.complete(ec, result(ec)); }
};
} // namespace detail

/// Receives one datagram into `buffer` asynchronously, like mcast::receive: the completion gets
/// (std::error_code, mcast::datagram) -- the source and, with packet info on, the group and the
/// interface. Any completion token: a callback, asio::use_future, asio::use_awaitable... No thread
/// of its own: the socket's executor runs it.
/// - It receives first (one non-blocking receive) and waits only when nothing is queued; a datagram
///   received at once completes it through the executor all the same: the completion never runs
///   inside the initiating call. On an io_context executor it is deferred (asio::defer): started
///   from a handler of that io_context, it runs after that handler returns, on the same thread,
///   even when other threads run the io_context -- do not block a handler waiting for it. Any other
///   executor: asio::post.
/// - A receive loop chains: when a completion's handler (a callback, or a coroutine resumed by it)
///   starts the next receive of the same kind and that receive finds a datagram queued, its
///   completion runs as soon as the handler returns, before the io_context's next turn, instead of
///   waiting for the turn (which on Linux costs an epoll_wait). At most MCAST_ASIO_CHAIN_LIMIT
///   (8) completions run so back to back; then the io_context takes its turn, so that its timers,
///   its other sockets and the handlers posted meanwhile wait for at most that many. A handler's
///   exception leaves run() and io_context::stop() makes run() return as always; a completion the
///   chain held then waits in the io_context's queue. Handlers with an executor of their own (a
///   strand, a future) and other executors do not chain. So io_context::run_one() and poll_one()
///   may run up to that many of these completions (as asio::dispatch may run a handler inline).
/// - It waits by a one-byte MSG_PEEK receive through Asio (POSIX; see detail::waits_by_peek), then
///   receives without waiting; a socket whose error queue holds an entry nobody reads (IP_RECVERR,
///   transmit timestamps) does not wake it again and again, and the entry is left where it is. A
///   pending socket error (an ICMP error reported with IP_RECVERR) completes it with that error,
///   once, as it does mcast::receive. Windows: async_wait(wait_read), then the receive.
/// - Closing or cancelling the socket completes it with asio::error::operation_aborted.
/// - On Windows, where a receive cannot be told not to wait, it puts the socket in non-blocking
///   mode through `native_non_blocking(true)` (as Asio's own reactor does on Linux): Asio's own
///   synchronous calls still wait, a later blocking mcast::receive on that socket gets would-block
///   instead.
template <class DatagramSocket, class CompletionToken>
auto async_receive(DatagramSocket& socket, const ::asio::mutable_buffer& buffer, CompletionToken&& token) {
  using signature = void(std::error_code, datagram);
  return ::asio::async_initiate<CompletionToken, signature>(
      detail::initiate_receive_first<signature, DatagramSocket, detail::single_receive>{}, token, &socket,
      detail::single_receive{buffer});
}

/// receive_batch asynchronously: waits for the first datagram, then takes what is already queued,
/// up to `n` -- bufs[i] receives the i-th, datagrams[i] describes it (as receive_batch). The
/// completion gets (std::error_code, std::size_t count); any completion token. Linux: one recvmmsg
/// per 64 datagrams (MSG_DONTWAIT), elsewhere receive_batch's loop. Receives first and waits as
/// async_receive does (same cancel, close and Windows behaviour). errc::invalid_value for a null
/// `bufs` or `datagrams` or a null buffer of non-zero size, and (no error, 0) for `n == 0`, both
/// before any system call and through the executor. Buffers and datagrams must stay valid until it
/// completes.
/// @par Measured
/// Callgrind, user-space instructions a datagram, g++ / clang -O2, IP_PKTINFO on, 64-byte datagrams
/// (tests/bench, 2026-12-06): async_receive, each completion starting the next with 64 queued, 487
/// / 582 against 852 / 914 for Asio's async_receive_from (0.57x / 0.64x, with the group and
/// interface on top; 820 / 876 before receive loops chained, 1324 / 1402 in the first version; IPv6
/// 501 / 606); async_receive_batch in a receive loop with 16 batches queued 94 / 100, one batch a
/// run() 107 / 113, against 67 / 70 for a hand-written recvmmsg (receive_batch itself: 90 / 96).
/// Time with the kernel (the bench's section 9, median of 31 A/B pairs; this machine's noise is
/// 5-15 %; the run of README's Performance table): async_receive_batch in a receive loop 1.05x the
/// hand-written recvmmsg (IPv6 1.04x), where the same recvmmsg in an Asio handler loop, one turn of
/// the event loop a batch, is 1.11x; one batch a run() (an idle receiver woken for one batch: one
/// turn, with its epoll_wait, a batch) 1.19x (IPv6 1.18x), where an epoll_wait that does not wait
/// is already 1.15x and that recvmmsg run as one Asio completion 1.16x. async_receive 0.62x Asio's
/// async_receive_from (IPv6 0.62x); the recvmsg with packet info that returns the group costs the
/// kernel 0.98x (IPv6 1.01x) the recvfrom Asio calls.
/// What the first-try path saves: the handler's executor is compared by type when it names none
/// (comparing two any_io_executors cost about 90 a datagram); the result goes to the io_context's
/// executor directly, as a continuation (a type-erased post cost about 160, and its scheduler lock
/// about 60 more); would-block is tested only on an error (the category comparisons cost about 90).
/// Posting the composed operation itself, as the first version did, cost 2248 (two type-erased
/// executions a datagram), and is kept for handlers with an executor of their own (a strand, a
/// future).
template <class DatagramSocket, class Address, class CompletionToken>
auto async_receive_batch(DatagramSocket& socket, const receive_buffer* bufs, basic_datagram<Address>* datagrams,
                         std::size_t n, CompletionToken&& token) {
  using signature = void(std::error_code, std::size_t);
  using receive = detail::batch_receive<basic_datagram<Address>>;
  return ::asio::async_initiate<CompletionToken, signature>(
      detail::initiate_receive_first<signature, DatagramSocket, receive>{}, token, &socket,
      receive{bufs, datagrams, n});
}

#if defined(ASIO_HAS_POSIX_STREAM_DESCRIPTOR) || defined(MCAST_GENERATING_DOCUMENTATION)
/// Runs a keeper on an Asio executor: waits for its change handle and its timers and calls
/// keeper::handle_events(), until stop() or destruction. Made by async_run(); the keeper must
/// outlive it. Where the keeper's handle is not a POSIX descriptor (Windows) this is absent, as is
/// the keeper's change source there.
class keeper_runner {
public:
  /// Starts waiting on `k` with `ex`.
  template <class Executor> keeper_runner(keeper& k, const Executor& ex) : state_(std::make_shared<state>(k, ex)) {
    arm(state_);
  }
  keeper_runner(const keeper_runner&) = delete;            // mcast: one runner per keeper
  keeper_runner& operator=(const keeper_runner&) = delete; // mcast: one runner per keeper
  /// Stops.
  ~keeper_runner() { stop(); }
  /// Cancels the waits; handle_events() is not called again.
  void stop() noexcept {
    if (!state_)
      return;
    state_->stopped = true;
    std::error_code ignored;
    state_->timer.cancel();
    state_->changes.cancel(ignored);
    state_.reset();
  }
  /// The last error handle_events() reported (clear while all is well).
  std::error_code error() const noexcept { return state_ ? state_->last : std::error_code(); }

private:
  struct state {
    template <class Executor>
    state(keeper& kk, const Executor& ex) : k(kk), changes(ex, kk.native_handle()), timer(ex) {}
    ~state() { (void)changes.release(); } // the descriptor is the keeper's: not closed here
    keeper& k;
    ::asio::posix::stream_descriptor changes;
    ::asio::steady_timer timer;
    bool stopped = false;
    std::error_code last;
  };
  // One wait on the change handle (re-armed after each wake) and one timer for the keeper's next
  // due work, when it has some: nothing runs while nothing changes.
  static void arm(const std::shared_ptr<state>& s) {
    s->changes.async_wait(::asio::posix::stream_descriptor::wait_read, [s](const std::error_code& ec) {
      if (s->stopped || ec)
        return;
      s->k.handle_events(s->last);
      arm(s);
    });
    arm_timer(s);
  }
  static void arm_timer(const std::shared_ptr<state>& s) {
    const auto t = s->k.next_timeout();
    if (!t)
      return;
    s->timer.expires_after(*t);
    s->timer.async_wait([s](const std::error_code& ec) {
      if (s->stopped || ec)
        return;
      s->k.handle_events(s->last);
      arm_timer(s);
    });
  }
  std::shared_ptr<state> state_;
};

/// Runs `k` on `ex` (an io_context's executor, a strand): `auto r = mcast::async_run(k, io.get_executor());`
/// then `io.run()`. The keeper's events are delivered on the executor's threads.
template <class Executor> std::unique_ptr<keeper_runner> async_run(keeper& k, const Executor& ex) {
  return std::make_unique<keeper_runner>(k, ex);
}
#endif

MCAST_END_NAMESPACE

#endif // MCAST_ASIO_HPP
