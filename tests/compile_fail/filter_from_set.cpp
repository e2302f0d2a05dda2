// Compile-fail case: a filter's sources from a std::set (not contiguous): one `mcast:` sentence.
// Built twice: as is it must fail with the rule's `mcast:` sentence; with MCAST_CF_TWIN it is the
// valid twin and must compile (see CMakeLists.txt). Never run.
#include <mcast/mcast.hpp>

#include <set>
#include <vector>

int main() {
  const int fd = -1;
  const auto g = mcast::make_group("239.1.2.3");
  const auto nic = mcast::network_interface::any();
  std::set<mcast::source> picked{mcast::make_source("127.0.0.2")};
#if !defined(MCAST_CF_TWIN)
  auto f = mcast::join_with_filter(fd, g, nic, mcast::filter_mode::exclude, picked);
#else
  auto f = mcast::join_with_filter(fd, g, nic, mcast::filter_mode::exclude,
                                   std::vector<mcast::source>(picked.begin(), picked.end()));
#endif
  (void)f;
}
