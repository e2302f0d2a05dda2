// Built without MCAST_SYSCALL_HOOK (see hooked.cpp).
#include <mcast/option.hpp>

#if defined(MCAST_SYSCALL_HOOK)
#error "plain.cpp must be built without MCAST_SYSCALL_HOOK"
#endif

int plain_set_option() {
  const auto opt = mcast::option::join_group{mcast::make_group("239.1.2.3"), mcast::network_interface::any()};
  std::error_code ec;
  mcast::set_option(mcast::detail::invalid_native_handle, opt, ec);
  return ec ? 1 : 0;
}
