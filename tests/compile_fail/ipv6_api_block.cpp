// Compile-fail case: source blocking through api::ipv6 (IPV6_ADD_MEMBERSHIP has no source options)
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
  auto conf = mcast::join_group<mcast::api::ipv6>(fd, g, nic);
  auto mute = conf.block(s);
  (void)mute;
#else
  auto conf = mcast::join_group<mcast::api::protocol_independent>(fd, g, nic);
  auto mute = conf.block(s);
  (void)mute;
#endif
}
