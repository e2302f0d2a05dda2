// Test side of MCAST_SYSCALL_HOOK: counts the library's system calls and fails chosen ones.
#ifndef MCAST_TESTS_SUPPORT_HOOK_HPP
#define MCAST_TESTS_SUPPORT_HOOK_HPP

#include <mcast/detail/platform/system.hpp>

#if !defined(MCAST_SYSCALL_HOOK)
#error "tests that use the hook are built with MCAST_SYSCALL_HOOK"
#endif

#include <cstddef>
#include <vector>

namespace mcast_test {

// System calls a handle adds for its socket's identity: Linux reads SO_COOKIE at the join and
// compares it before every later change (block, unblock, include, drop, set, leave).
inline constexpr std::size_t cookie_reads = mcast::detail::has_socket_cookie ? 1 : 0;

// Records every call the library makes while it is alive; `fail_at` (0-based call number) and
// `error` inject one failure.
class syscall_recorder {
public:
  syscall_recorder() noexcept {
    previous_ = mcast::detail::syscall_hook;
    current() = this;
    mcast::detail::syscall_hook = &syscall_recorder::hook;
  }
  ~syscall_recorder() {
    mcast::detail::syscall_hook = previous_;
    current() = nullptr;
  }
  syscall_recorder(const syscall_recorder&) = delete;
  syscall_recorder& operator=(const syscall_recorder&) = delete;

  std::size_t count() const noexcept { return calls.size(); }
  std::size_t count(mcast::detail::syscall_kind k) const noexcept {
    std::size_t n = 0;
    for (const auto& c : calls)
      n += c.kind == k;
    return n;
  }
  std::size_t count_option(int name) const noexcept {
    std::size_t n = 0;
    for (const auto& c : calls)
      n += c.kind == mcast::detail::syscall_kind::setsockopt && c.name == name;
    return n;
  }
  void fail_call(std::size_t index, int error) noexcept {
    fail_at_ = index;
    error_ = error;
  }
  // Fails every setsockopt of these option numbers (e.g. every leave) with `error`.
  void fail_options(std::vector<int> names, int error) noexcept {
    fail_names_ = std::move(names);
    error_ = error;
  }
  // Fails the first `times` setsockopts of these option numbers, then lets them through: e.g. a
  // re-join refused twice.
  void fail_options(std::vector<int> names, int error, std::size_t times) noexcept {
    fail_options(std::move(names), error);
    option_budget_ = times;
  }
  // Fails call `index` and every call after it: a second fault in whatever undoes the first.
  void fail_from(std::size_t index, int error) noexcept {
    fail_from_ = index;
    error_ = error;
  }
  std::size_t failed = 0; // how many calls were failed
  void clear() noexcept {
    calls.clear();
    fail_at_ = fail_from_ = static_cast<std::size_t>(-1);
  }

  std::vector<mcast::detail::syscall_info> calls;

private:
  static syscall_recorder*& current() noexcept {
    static syscall_recorder* p = nullptr;
    return p;
  }
  static int hook(const mcast::detail::syscall_info& info) noexcept {
    syscall_recorder* self = current();
    if (self == nullptr)
      return 0;
    const std::size_t n = self->calls.size();
    try {
      self->calls.push_back(info);
    } catch (...) {
    }
    bool fail = n == self->fail_at_ || n >= self->fail_from_;
    if (info.kind == mcast::detail::syscall_kind::setsockopt && self->option_budget_ != 0)
      for (int name : self->fail_names_)
        if (info.name == name) {
          fail = true;
          if (self->option_budget_ != static_cast<std::size_t>(-1))
            --self->option_budget_;
          break;
        }
    self->failed += fail;
    return fail ? self->error_ : 0;
  }

  mcast::detail::syscall_hook_type previous_ = nullptr;
  std::size_t fail_at_ = static_cast<std::size_t>(-1);
  std::size_t fail_from_ = static_cast<std::size_t>(-1);
  std::vector<int> fail_names_;
  std::size_t option_budget_ = static_cast<std::size_t>(-1); // matching options still to fail
  int error_ = 0;
};

} // namespace mcast_test

#endif
