// Built with MCAST_SYSCALL_HOOK, linked with plain.cpp (built without it) into one program: each
// translation unit must keep its own version of the library's inline functions (config.hpp puts
// them in different inline namespaces). Before that, the linker kept one of the two for both: the
// hook then saw the plain unit's calls too, or not even its own.
#include <mcast/detail/platform/system.hpp>
#include <mcast/option.hpp>

#include <cstdio>

int plain_set_option(); // plain.cpp: one set_option on an invalid socket, without the hook

namespace {
int seen = 0;
int count(const mcast::detail::syscall_info&) noexcept {
  ++seen;
  return 0;
}
} // namespace

int main() {
  mcast::detail::syscall_hook = &count;
  const auto opt = mcast::option::join_group{mcast::make_group("239.1.2.3"), mcast::network_interface::any()};
  std::error_code ec;
  mcast::set_option(mcast::detail::invalid_native_handle, opt, ec);
  const int own = seen;
  (void)plain_set_option();
  const int after_plain = seen;
  std::printf("hooked unit: %d call(s) seen; after the plain unit's call: %d\n", own, after_plain);
  if (own != 1 || after_plain != 1) {
    std::printf("FAILED: the units share one version of the library's inline functions\n");
    return 1;
  }
  std::printf("odr OK\n");
  return 0;
}
