// libFuzzer target: the runtime mirror of the ordering table (what apply_sequence and the handles
// check before any system call), against an independent reference written with std::set, and
// against the compile-time abstraction (a sequence the runtime accepts, the table accepts).
#include <mcast/ordering.hpp>

#include <cstdint>
#include <cstdlib>
#include <set>

namespace {
using mcast::errc;
using mcast::detail::operation;

struct reference {
  int state = 0; // 0 none, 1 any, 2 src
  std::set<int> sources;
  errc apply(operation op, int s) {
    switch (op) {
    case operation::join_any:
      if (state != 0)
        return errc::already_joined;
      state = 1;
      sources.clear();
      return {};
    case operation::join_source:
      if (state == 1)
        return errc::already_joined;
      if (state == 2 && sources.count(s))
        return errc::source_already_present;
      if (state == 0)
        sources.clear();
      state = 2;
      sources.insert(s);
      return {};
    case operation::leave_group:
      if (state == 0)
        return errc::not_joined;
      state = 0;
      sources.clear();
      return {};
    case operation::leave_source:
      if (state == 0)
        return errc::not_joined;
      if (state == 1)
        return errc::wrong_mode;
      if (!sources.count(s))
        return errc::source_not_present;
      sources.erase(s);
      if (sources.empty())
        state = 0;
      return {};
    case operation::block:
      if (state == 0)
        return errc::not_joined;
      if (state == 2)
        return errc::wrong_mode;
      if (sources.count(s))
        return errc::source_already_present;
      sources.insert(s);
      return {};
    case operation::unblock:
      if (state == 0)
        return errc::not_joined;
      if (state == 2)
        return errc::wrong_mode;
      if (!sources.count(s))
        return errc::source_not_present;
      sources.erase(s);
      return {};
    default: return {};
    }
  }
};
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const mcast::source pool[4] = {mcast::make_source("192.0.2.1"), mcast::make_source("192.0.2.2"),
                                        mcast::make_source("192.0.2.3"), mcast::make_source("2001:db8::1")};
  mcast::detail::concrete_state st;
  mcast::detail::abstract_state abs;
  reference ref;
  for (std::size_t i = 0; i < size; ++i) {
    const auto op = static_cast<operation>(data[i] % 6);
    const int s = (data[i] >> 3) % 4;
    const bool with_source = op != operation::join_any && op != operation::leave_group;
    const errc got = mcast::detail::runtime_step(st, op, with_source ? &pool[s] : nullptr);
    const errc want = ref.apply(op, s);
    if (got != want)
      std::abort(); // the library's table and the reference disagree
    if (got == errc{}) {
      auto r = mcast::detail::step(abs, op);
      if (r.violation != mcast::detail::rule::ok)
        std::abort(); // unsound: the compile-time table rejects a sequence that is valid
      abs = r.next;
      if (static_cast<int>(abs.state) != ref.state || abs.count != static_cast<int>(ref.sources.size()))
        std::abort();
    } else {
      return 0; // a refused step ends the sequence (apply_sequence stops there)
    }
  }
  return 0;
}
