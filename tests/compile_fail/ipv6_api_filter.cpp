// Compile-fail case: a final-state filter through api::ipv6
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
  mcast::set_source_filter<mcast::api::ipv6>(fd, g, nic, mcast::filter_mode::include, {s});
#else
  mcast::set_source_filter(fd, g, nic, mcast::filter_mode::include, {s});
#endif
}
