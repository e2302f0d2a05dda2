// api::ipv4 on an IPv4 address held by two interfaces (#29 point 2): the IP_* options name an
// interface by address, and the kernel resolves an address two interfaces hold to one of them.
// On Linux the join and the leave go by index (ip_mreqn): they land on the interface nic() names.
// The source calls have no by-index form: they are refused (errc::ambiguous_interface) before any
// system call, so a source join on v2 cannot switch v1's any-source membership to INCLUDE {S}.
#include "catch.hpp"
#include "support/net.hpp"
#include "support/netns.hpp"

using namespace mcast_test;
using mcast::errc;

TEST_CASE("api::ipv4 on an address two interfaces hold: joins by index, source calls refused",
          "[netns][ipv4][shared-address]") {
  const int status = run_in_child_namespace([] {
    int failures = 0;
    const auto fail = [&](bool bad, const char* what) {
      if (bad) {
        std::printf("FAILED: %s\n", what);
        std::fflush(stdout);
        ++failures;
      }
    };
    netlink nl;
    nl.add_local_veth("sa1", "sb1", "192.0.2.1");
    nl.add_local_veth("sa2", "sb2", "192.0.2.1"); // the same address on a second interface
    const auto v1 = mcast::network_interface::from_name("sa1");
    const auto v2 = mcast::network_interface::from_name("sa2");
    fail(!v1.ipv4_address_shared() || !v2.ipv4_address_shared(), "the shared address is seen");
    fail(mcast::network_interface::from_name("lo").ipv4_address_shared(), "lo's address is its own");
    socket_fd s(::socket(AF_INET, SOCK_DGRAM, 0));

    // Joins land on the interface named, either way round.
    for (const auto* nic : {&v1, &v2}) {
      const auto g = fresh_group();
      std::error_code ec;
      auto m = mcast::join_group<mcast::api::ipv4>(s, g, *nic, ec);
      fail(static_cast<bool>(ec), "join_group<api::ipv4> on a shared address");
      std::printf("join_group<api::ipv4> on %s (index %u): /proc/net/igmp lists it on index %u\n",
                  nic->to_string().c_str(), nic->index(), kernel_group_interface(g));
      std::fflush(stdout);
      fail(kernel_group_interface(g) != nic->index(), "the join lands on the interface nic() names");
      fail(!(m.nic() == *nic), "nic() is the interface named");
      fail(libc_filter(s, g, nic->index()).error != 0, "getsourcefilter finds it there");
      // block() names the interface by address: refused, nothing issued.
      auto b = m.block(mcast::make_source("192.0.2.7"), ec);
      fail(!(ec == errc::ambiguous_interface) || b.active(), "block() refused");
      fail(!libc_filter(s, g, nic->index()).sources.empty(), "no source blocked anywhere");
      m.leave(ec); // by index too
      fail(static_cast<bool>(ec) || kernel_group_interface(g) != 0, "leave() by index");
    }

    // An any-source membership on v1; a source join for the same group on v2 must not touch it.
    for (const bool v1_first : {true, false}) {
      const auto& a = v1_first ? v1 : v2;
      const auto& b = v1_first ? v2 : v1;
      const auto g = fresh_group();
      auto conf = mcast::join_group<mcast::api::ipv4>(s, g, a);
      std::error_code ec;
      auto radio = mcast::join_source_group<mcast::api::ipv4>(s, g, mcast::make_source("192.0.2.7"), b, ec);
      fail(!(ec == errc::ambiguous_interface) || radio.joined(), "join_source_group<api::ipv4> refused");
      const auto f = libc_filter(s, g, a.index());
      fail(f.error != 0 || f.include || !f.sources.empty(), "the any-source membership stays EXCLUDE {}");
      auto filt = mcast::join_with_filter<mcast::api::ipv4>(s, g, b, mcast::filter_mode::include,
                                                            {mcast::make_source("192.0.2.7")}, ec);
      fail(!(ec == errc::ambiguous_interface) || filt.joined(), "join_with_filter<api::ipv4> refused");
      // The raw options say so on construction: nothing reaches the kernel.
      fail(!(mcast::option::ip_add_source_membership{g, mcast::make_source("192.0.2.7"), b}.check() ==
             errc::ambiguous_interface),
           "option::ip_add_source_membership refused");
      fail(!(mcast::option::ip_add_membership{g, b}.check() == errc::ambiguous_interface),
           "option::ip_add_membership (by address) refused");
      const auto f2 = libc_filter(s, g, a.index());
      fail(f2.error != 0 || f2.include || !f2.sources.empty(), "still EXCLUDE {}");
    }
    return failures;
  });
  CHECK(status == 0);
}
