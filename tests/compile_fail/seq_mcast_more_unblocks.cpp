// Compile-fail case: more unblocks than blocks
// Built twice: as is it must fail with the rule's `mcast:` sentence; with MCAST_CF_TWIN it is the
// valid twin and must compile (see CMakeLists.txt). Never run.
#include <mcast/mcast.hpp>

#include <utility>

int main() {
  const int fd = -1;
  const auto g = mcast::make_group("232.1.2.3");
  const auto s = mcast::make_source("127.0.0.2");
  const auto nic = mcast::network_interface::any();
  (void)fd;
  (void)g;
  (void)s;
  (void)nic;
#if !defined(MCAST_CF_TWIN)
  mcast::apply_sequence(fd, mcast::option::join_group{g, nic}, mcast::option::block_source{g, s, nic},
                        mcast::option::unblock_source{g, s, nic}, mcast::option::unblock_source{g, s, nic});
#else
  mcast::apply_sequence(fd, mcast::option::join_group{g, nic}, mcast::option::block_source{g, s, nic},
                        mcast::option::block_source{g, s, nic}, mcast::option::unblock_source{g, s, nic},
                        mcast::option::unblock_source{g, s, nic});
#endif
}
