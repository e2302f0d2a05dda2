// The fault-injection matrix (support for tests/kernel/fault_injection_test.cpp and its
// namespace twin): every handle operation and set_source_filter, each system call it makes failed
// in turn -- and, for double faults, that call and every later one (what undoes the first failure
// fails too). The kernel (getsourcefilter) and the handles are compared before and after.
#ifndef MCAST_TESTS_SUPPORT_FAULT_MATRIX_HPP
#define MCAST_TESTS_SUPPORT_FAULT_MATRIX_HPP

#include "catch.hpp"
#include "support/hook.hpp"
#include "support/net.hpp"

#include <cstring>
#include <functional>
#include <optional>
#include <sstream>

namespace mcast_test {

using mcast::filter_mode;

// Where the operations run: an interface (lo, or any() where it leads to lo), and the receiving
// socket (IPv4, or a dual-stack IPv6 socket joining the IPv4 groups).
struct where {
  mcast::network_interface nic = mcast::network_interface::from_name("lo");
  bool dual_stack = false;
};

struct context {
  explicit context(const where& w) : nic(w.nic) {
    if (w.dual_stack)
      r.rx = udp_dual_receiver(r.port);
  }
  loopback_rig r;
  mcast::network_interface nic;
  mcast::group g = fresh_group();
  mcast::group gs = fresh_group(mcast::family::v4, true);
  std::optional<mcast::any_source_membership<>> any;
  std::optional<mcast::blocked_source<>> blocked;
  std::optional<mcast::source_membership<>> src;
  std::optional<mcast::included_source<>> included;
  std::optional<mcast::filtered_membership<>> filtered;
  std::optional<mcast::any_source_membership<mcast::api::ipv4>> any4;

  // The kernel's state of both groups and the handles' view, as one string.
  std::string snapshot() {
    std::ostringstream os;
    for (const auto& grp : {g, gs}) {
      auto f = r.filter(grp);
      os << grp.to_string() << ":" << (f.error ? "none" : f.include ? "IN" : "EX");
      for (const auto& s : f.sources)
        os << "," << s;
      os << " ";
    }
    os << "any=" << (any && any->joined()) << " blocked=" << (blocked && blocked->active())
       << " src=" << (src && src->joined()) << "/" << (src ? src->source_count() : 0)
       << " included=" << (included && included->active()) << " filtered=" << (filtered && filtered->joined())
       << " any4=" << (any4 && any4->joined());
    return os.str();
  }
  bool any_handle_joined() const {
    return (any && any->joined()) || (src && src->joined()) || (filtered && filtered->joined()) ||
           (any4 && any4->joined());
  }
  void teardown() {
    blocked.reset();
    included.reset();
    any.reset();
    src.reset();
    filtered.reset();
    any4.reset();
  }
};

struct scenario {
  const char* name;
  std::function<void(context&)> setup;
  std::function<void(context&, std::error_code&)> op;
};

std::vector<scenario> scenarios() {
  return {
      {"join_group", [](context&) {},
       [](context& c, std::error_code& ec) { c.any.emplace(mcast::join_group(c.r.rx, c.g, c.nic, ec)); }},
      {"join_group<ipv4>", [](context&) {},
       [](context& c, std::error_code& ec) {
         c.any4.emplace(mcast::join_group<mcast::api::ipv4>(c.r.rx, c.g, c.nic, ec));
       }},
      {"join_source_group", [](context&) {},
       [](context& c, std::error_code& ec) {
         c.src.emplace(mcast::join_source_group(c.r.rx, c.gs, c.r.s2, c.nic, ec));
       }},
      {"join_with_filter", [](context&) {},
       [](context& c, std::error_code& ec) {
         c.filtered.emplace(mcast::join_with_filter(c.r.rx, c.g, c.nic, filter_mode::exclude, {c.r.s3}, ec));
       }},
      {"block", [](context& c) { c.any.emplace(mcast::join_group(c.r.rx, c.g, c.nic)); },
       [](context& c, std::error_code& ec) {
         auto b = c.any->block(c.r.s3, ec);
         if (!ec)
           c.blocked.emplace(std::move(b));
       }},
      {"unblock",
       [](context& c) {
         c.any.emplace(mcast::join_group(c.r.rx, c.g, c.nic));
         c.blocked.emplace(c.any->block(c.r.s3));
       },
       [](context& c, std::error_code& ec) { c.blocked->unblock(ec); }},
      {"any leave",
       [](context& c) {
         c.any.emplace(mcast::join_group(c.r.rx, c.g, c.nic));
         c.blocked.emplace(c.any->block(c.r.s3));
       },
       [](context& c, std::error_code& ec) { c.any->leave(ec); }},
      {"include", [](context& c) { c.src.emplace(mcast::join_source_group(c.r.rx, c.gs, c.r.s2, c.nic)); },
       [](context& c, std::error_code& ec) {
         auto i = c.src->include(c.r.s3, ec);
         if (!ec)
           c.included.emplace(std::move(i));
       }},
      {"drop",
       [](context& c) {
         c.src.emplace(mcast::join_source_group(c.r.rx, c.gs, c.r.s2, c.nic));
         c.included.emplace(c.src->include(c.r.s3));
       },
       [](context& c, std::error_code& ec) { c.included->drop(ec); }},
      {"source leave",
       [](context& c) {
         c.src.emplace(mcast::join_source_group(c.r.rx, c.gs, c.r.s2, c.nic));
         c.included.emplace(c.src->include(c.r.s3));
       },
       [](context& c, std::error_code& ec) { c.src->leave(ec); }},
      {"filtered set",
       [](context& c) {
         c.filtered.emplace(mcast::join_with_filter(c.r.rx, c.g, c.nic, filter_mode::exclude, {c.r.s3}));
       },
       [](context& c, std::error_code& ec) { c.filtered->set(filter_mode::include, {c.r.s2}, ec); }},
      {"filtered leave",
       [](context& c) {
         c.filtered.emplace(mcast::join_with_filter(c.r.rx, c.g, c.nic, filter_mode::exclude, {c.r.s3}));
       },
       [](context& c, std::error_code& ec) { c.filtered->leave(ec); }},
      {"set_source_filter", [](context& c) { c.any.emplace(mcast::join_group(c.r.rx, c.g, c.nic)); },
       [](context& c, std::error_code& ec) {
         mcast::set_source_filter(c.r.rx, c.g, c.nic, filter_mode::include, {c.r.s2}, ec);
       }},
  };
}

// How many system calls the operation makes when nothing fails (and that it then leaves nothing).
inline std::size_t calls_without_faults(const where& w, const scenario& sc) {
  context c(w);
  sc.setup(c);
  syscall_recorder rec;
  std::error_code ec;
  sc.op(c, ec);
  REQUIRE(!ec);
  const std::size_t calls = rec.count();
  c.teardown();
  CHECK(!kernel_has_group(c.g));
  CHECK(!kernel_has_group(c.gs));
  return calls;
}

// Single faults: the strong guarantee -- the error is reported, the handle's state and the
// kernel's are as before, and destroying everything leaves nothing joined.
inline void run_single_faults(const where& w) {
  const int errors[] = {ENOBUFS, ENOMEM, EINTR, EBADF};
  int cases = 0;
  std::size_t total_calls = 0;
  for (const auto& sc : scenarios()) {
    const std::size_t calls = calls_without_faults(w, sc);
    REQUIRE(calls > 0);
    total_calls += calls;
    std::printf("fault injection (%s%s): %-18s %zu call(s) x 4 errors\n", w.nic.to_string().c_str(),
                w.dual_stack ? ", dual-stack" : "", sc.name, calls);
    for (std::size_t k = 0; k < calls; ++k)
      for (int e : errors) {
        context c(w);
        sc.setup(c);
        const std::string before = c.snapshot();
        std::error_code ec;
        {
          syscall_recorder rec;
          rec.fail_call(k, e);
          sc.op(c, ec);
        }
        INFO(sc.name << ": call " << k << " of " << calls << " failed with " << std::strerror(e));
        CHECK(ec); // reported
        CHECK(mcast::system_error_of(ec).value() == e);
        CHECK(c.snapshot() == before); // handle and kernel as before
        c.teardown();                  // destructors still clean up
        CHECK(!kernel_has_group(c.g));
        CHECK(!kernel_has_group(c.gs));
        ++cases;
      }
  }
  std::printf("fault injection: %d single-fault cases checked (failures, if any, are reported above by Catch)\n",
              cases);
  CHECK(cases == static_cast<int>(total_calls * 4)); // every call of every operation, four errors each
}

// Double faults: call k fails and so does every call after it (the undo of a half-done join,
// the leave of a destructor's retry is outside the window). The error is reported; whatever the
// kernel still holds, a handle still holds it too, so destroying the handles leaves nothing behind.
inline void run_double_faults(const where& w) {
  int cases = 0;
  for (const auto& sc : scenarios()) {
    const std::size_t calls = calls_without_faults(w, sc);
    for (std::size_t k = 0; k < calls; ++k) {
      context c(w);
      sc.setup(c);
      std::error_code ec;
      std::size_t failed = 0;
      {
        syscall_recorder rec;
        rec.fail_from(k, ENOBUFS);
        sc.op(c, ec);
        failed = rec.failed;
      }
      INFO(sc.name << ": calls " << k << ".. of " << calls << " failed (" << failed << " failures)");
      CHECK(ec);
      const auto held = [&](const mcast::group& grp) { return c.r.filter(grp).error == 0; };
      if (held(c.g) || held(c.gs))
        CHECK(c.any_handle_joined()); // nothing the caller cannot remove
      c.teardown();
      CHECK(!kernel_has_group(c.g));
      CHECK(!kernel_has_group(c.gs));
      ++cases;
    }
  }
  std::printf("fault injection (%s%s): %d double-fault cases checked\n", w.nic.to_string().c_str(),
              w.dual_stack ? ", dual-stack" : "", cases);
  CHECK(cases > 0);
}

} // namespace mcast_test

#endif
