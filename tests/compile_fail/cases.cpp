// The compile-fail cases as one table. Case N (MCAST_CF_CASE=N) is one rule's misuse, which must
// fail to build with the rule's `mcast:` sentence; with MCAST_CF_TWIN it is the valid twin, which
// must build. cases.cmake lists each case's number, name and sentence. Never run.
#include <mcast/mcast.hpp>

#include <set>
#include <utility>
#include <vector>

#if !defined(MCAST_CF_CASE)
#error "build with -DMCAST_CF_CASE=N (see cases.cmake)"
#endif

int main() {
  const int fd = -1;
  const auto g = mcast::make_group("232.1.2.3");
  const auto s = mcast::make_source("127.0.0.2");
  const auto nic = mcast::network_interface::any();
  (void)fd;
  (void)g;
  (void)s;
  (void)nic;
#if MCAST_CF_CASE == 1
  // block_on_source_membership: block() on a source-specific membership
  {
#if !defined(MCAST_CF_TWIN)
    auto radio = mcast::join_source_group(fd, g, s, nic);
    radio.block(s);
#else
    auto conf = mcast::join_group(fd, g, nic);
    auto mute = conf.block(s);
    (void)mute;
#endif
  }
#elif MCAST_CF_CASE == 2
  // include_on_any_source: include() on an any-source membership
  {
#if !defined(MCAST_CF_TWIN)
    auto conf = mcast::join_group(fd, g, nic);
    conf.include(s);
#else
    auto radio = mcast::join_source_group(fd, g, s, nic);
    auto extra = radio.include(s);
    (void)extra;
#endif
  }
#elif MCAST_CF_CASE == 3
  // block_on_filtered: block() on a filtered (final-state) membership
  {
#if !defined(MCAST_CF_TWIN)
    auto f = mcast::join_with_filter(fd, g, nic, mcast::filter_mode::exclude, {s});
    f.block(s);
#else
    auto f = mcast::join_with_filter(fd, g, nic, mcast::filter_mode::exclude, {s});
    f.set(mcast::filter_mode::exclude, {s});
#endif
  }
#elif MCAST_CF_CASE == 4
  // ipv6_api_block: source blocking through api::ipv6 (IPV6_ADD_MEMBERSHIP has no source options)
  {
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
#elif MCAST_CF_CASE == 5
  // ipv6_api_source_join: a source-specific join through api::ipv6
  {
#if !defined(MCAST_CF_TWIN)
    auto radio = mcast::join_source_group<mcast::api::ipv6>(fd, g, s, nic);
    (void)radio;
#else
    auto radio = mcast::join_source_group(fd, g, s, nic);
    (void)radio;
#endif
  }
#elif MCAST_CF_CASE == 6
  // ipv6_api_filter: a final-state filter through api::ipv6
  {
#if !defined(MCAST_CF_TWIN)
    mcast::set_source_filter<mcast::api::ipv6>(fd, g, nic, mcast::filter_mode::include, {s});
#else
    mcast::set_source_filter(fd, g, nic, mcast::filter_mode::include, {s});
#endif
  }
#elif MCAST_CF_CASE == 7
  // copy_membership: copying a membership handle
  {
#if !defined(MCAST_CF_TWIN)
    auto conf = mcast::join_group(fd, g, nic);
    auto copy = conf;
    (void)copy;
#else
    auto conf = mcast::join_group(fd, g, nic);
    auto moved = std::move(conf);
    (void)moved;
#endif
  }
#elif MCAST_CF_CASE == 8
  // copy_blocked_source: copying a blocked_source handle
  {
#if !defined(MCAST_CF_TWIN)
    auto conf = mcast::join_group(fd, g, nic);
    auto mute = conf.block(s);
    auto copy = mute;
    (void)copy;
#else
    auto conf = mcast::join_group(fd, g, nic);
    auto mute = conf.block(s);
    auto moved = std::move(mute);
    (void)moved;
#endif
  }
#elif MCAST_CF_CASE == 9
  // seq_ip_add_then_add_source: ip_add_membership then ip_add_source_membership
  {
#if !defined(MCAST_CF_TWIN)
    mcast::apply_sequence(fd, mcast::option::ip_add_membership{g, nic},
                          mcast::option::ip_add_source_membership{g, s, nic});
#else
    mcast::apply_sequence(fd, mcast::option::ip_add_membership{g, nic}, mcast::option::ip_block_source{g, s, nic});
#endif
  }
#elif MCAST_CF_CASE == 10
  // seq_ip_add_then_drop_source: ip_add_membership then ip_drop_source_membership
  {
#if !defined(MCAST_CF_TWIN)
    mcast::apply_sequence(fd, mcast::option::ip_add_membership{g, nic},
                          mcast::option::ip_drop_source_membership{g, s, nic});
#else
    mcast::apply_sequence(fd, mcast::option::ip_add_source_membership{g, s, nic},
                          mcast::option::ip_drop_source_membership{g, s, nic});
#endif
  }
#elif MCAST_CF_CASE == 11
  // seq_ip_block_then_add: ip_block_source then ip_add_membership
  {
#if !defined(MCAST_CF_TWIN)
    mcast::apply_sequence(fd, mcast::option::ip_add_membership{g, nic}, mcast::option::ip_block_source{g, s, nic},
                          mcast::option::ip_add_membership{g, nic});
#else
    mcast::apply_sequence(fd, mcast::option::ip_add_membership{g, nic}, mcast::option::ip_block_source{g, s, nic},
                          mcast::option::ip_drop_membership{g, nic}, mcast::option::ip_add_membership{g, nic});
#endif
  }
#elif MCAST_CF_CASE == 12
  // seq_ip_block_then_add_source: ip_block_source then ip_add_source_membership
  {
#if !defined(MCAST_CF_TWIN)
    mcast::apply_sequence(fd, mcast::option::ip_add_membership{g, nic}, mcast::option::ip_block_source{g, s, nic},
                          mcast::option::ip_add_source_membership{g, s, nic});
#else
    mcast::apply_sequence(fd, mcast::option::ip_add_membership{g, nic}, mcast::option::ip_block_source{g, s, nic},
                          mcast::option::ip_unblock_source{g, s, nic});
#endif
  }
#elif MCAST_CF_CASE == 13
  // seq_ip_add_source_then_add: ip_add_source_membership then ip_add_membership
  {
#if !defined(MCAST_CF_TWIN)
    mcast::apply_sequence(fd, mcast::option::ip_add_source_membership{g, s, nic},
                          mcast::option::ip_add_membership{g, nic});
#else
    mcast::apply_sequence(fd, mcast::option::ip_add_source_membership{g, s, nic},
                          mcast::option::ip_add_source_membership{g, s, nic});
#endif
  }
#elif MCAST_CF_CASE == 14
  // seq_ip_more_unblocks: more unblocks than blocks
  {
#if !defined(MCAST_CF_TWIN)
    mcast::apply_sequence(fd, mcast::option::ip_add_membership{g, nic}, mcast::option::ip_block_source{g, s, nic},
                          mcast::option::ip_unblock_source{g, s, nic}, mcast::option::ip_unblock_source{g, s, nic});
#else
    mcast::apply_sequence(fd, mcast::option::ip_add_membership{g, nic}, mcast::option::ip_block_source{g, s, nic},
                          mcast::option::ip_block_source{g, s, nic}, mcast::option::ip_unblock_source{g, s, nic},
                          mcast::option::ip_unblock_source{g, s, nic});
#endif
  }
#elif MCAST_CF_CASE == 15
  // seq_ip_after_drop: any option but a join after ip_drop_membership
  {
#if !defined(MCAST_CF_TWIN)
    mcast::apply_sequence(fd, mcast::option::ip_add_membership{g, nic}, mcast::option::ip_drop_membership{g, nic},
                          mcast::option::ip_block_source{g, s, nic});
#else
    mcast::apply_sequence(fd, mcast::option::ip_add_membership{g, nic}, mcast::option::ip_drop_membership{g, nic},
                          mcast::option::ip_add_membership{g, nic});
#endif
  }
#elif MCAST_CF_CASE == 16
  // seq_ip_more_source_leaves: more source leaves than source joins
  {
#if !defined(MCAST_CF_TWIN)
    mcast::apply_sequence(fd, mcast::option::ip_add_source_membership{g, s, nic},
                          mcast::option::ip_drop_source_membership{g, s, nic},
                          mcast::option::ip_drop_source_membership{g, s, nic});
#else
    mcast::apply_sequence(
        fd, mcast::option::ip_add_source_membership{g, s, nic}, mcast::option::ip_add_source_membership{g, s, nic},
        mcast::option::ip_drop_source_membership{g, s, nic}, mcast::option::ip_drop_source_membership{g, s, nic});
#endif
  }
#elif MCAST_CF_CASE == 17
  // seq_ip_block_on_source: ip_block_source on a source-specific membership
  {
#if !defined(MCAST_CF_TWIN)
    mcast::apply_sequence(fd, mcast::option::ip_add_source_membership{g, s, nic},
                          mcast::option::ip_block_source{g, s, nic});
#else
    mcast::apply_sequence(fd, mcast::option::ip_add_source_membership{g, s, nic},
                          mcast::option::ip_drop_source_membership{g, s, nic}, mcast::option::ip_add_membership{g, nic},
                          mcast::option::ip_block_source{g, s, nic});
#endif
  }
#elif MCAST_CF_CASE == 18
  // seq_ip_before_join: a block before any join
  {
#if !defined(MCAST_CF_TWIN)
    mcast::apply_sequence(fd, mcast::option::ip_block_source{g, s, nic});
#else
    mcast::apply_sequence(fd, mcast::option::ip_add_membership{g, nic}, mcast::option::ip_block_source{g, s, nic});
#endif
  }
#elif MCAST_CF_CASE == 19
  // seq_mcast_add_then_add_source: join_group then join_source_group
  {
#if !defined(MCAST_CF_TWIN)
    mcast::apply_sequence(fd, mcast::option::join_group{g, nic}, mcast::option::join_source_group{g, s, nic});
#else
    mcast::apply_sequence(fd, mcast::option::join_group{g, nic}, mcast::option::block_source{g, s, nic});
#endif
  }
#elif MCAST_CF_CASE == 20
  // seq_mcast_add_then_drop_source: join_group then leave_source_group
  {
#if !defined(MCAST_CF_TWIN)
    mcast::apply_sequence(fd, mcast::option::join_group{g, nic}, mcast::option::leave_source_group{g, s, nic});
#else
    mcast::apply_sequence(fd, mcast::option::join_source_group{g, s, nic},
                          mcast::option::leave_source_group{g, s, nic});
#endif
  }
#elif MCAST_CF_CASE == 21
  // seq_mcast_block_then_add: block_source then join_group
  {
#if !defined(MCAST_CF_TWIN)
    mcast::apply_sequence(fd, mcast::option::join_group{g, nic}, mcast::option::block_source{g, s, nic},
                          mcast::option::join_group{g, nic});
#else
    mcast::apply_sequence(fd, mcast::option::join_group{g, nic}, mcast::option::block_source{g, s, nic},
                          mcast::option::leave_group{g, nic}, mcast::option::join_group{g, nic});
#endif
  }
#elif MCAST_CF_CASE == 22
  // seq_mcast_block_then_add_source: block_source then join_source_group
  {
#if !defined(MCAST_CF_TWIN)
    mcast::apply_sequence(fd, mcast::option::join_group{g, nic}, mcast::option::block_source{g, s, nic},
                          mcast::option::join_source_group{g, s, nic});
#else
    mcast::apply_sequence(fd, mcast::option::join_group{g, nic}, mcast::option::block_source{g, s, nic},
                          mcast::option::unblock_source{g, s, nic});
#endif
  }
#elif MCAST_CF_CASE == 23
  // seq_mcast_add_source_then_add: join_source_group then join_group
  {
#if !defined(MCAST_CF_TWIN)
    mcast::apply_sequence(fd, mcast::option::join_source_group{g, s, nic}, mcast::option::join_group{g, nic});
#else
    mcast::apply_sequence(fd, mcast::option::join_source_group{g, s, nic}, mcast::option::join_source_group{g, s, nic});
#endif
  }
#elif MCAST_CF_CASE == 24
  // seq_mcast_more_unblocks: more unblocks than blocks
  {
#if !defined(MCAST_CF_TWIN)
    mcast::apply_sequence(fd, mcast::option::join_group{g, nic}, mcast::option::block_source{g, s, nic},
                          mcast::option::unblock_source{g, s, nic}, mcast::option::unblock_source{g, s, nic});
#else
    mcast::apply_sequence(fd, mcast::option::join_group{g, nic}, mcast::option::block_source{g, s, nic},
                          mcast::option::block_source{g, s, nic}, mcast::option::unblock_source{g, s, nic},
                          mcast::option::unblock_source{g, s, nic});
#endif
  }
#elif MCAST_CF_CASE == 25
  // seq_mcast_after_drop: any option but a join after leave_group
  {
#if !defined(MCAST_CF_TWIN)
    mcast::apply_sequence(fd, mcast::option::join_group{g, nic}, mcast::option::leave_group{g, nic},
                          mcast::option::block_source{g, s, nic});
#else
    mcast::apply_sequence(fd, mcast::option::join_group{g, nic}, mcast::option::leave_group{g, nic},
                          mcast::option::join_group{g, nic});
#endif
  }
#elif MCAST_CF_CASE == 26
  // seq_mcast_more_source_leaves: more source leaves than source joins
  {
#if !defined(MCAST_CF_TWIN)
    mcast::apply_sequence(fd, mcast::option::join_source_group{g, s, nic}, mcast::option::leave_source_group{g, s, nic},
                          mcast::option::leave_source_group{g, s, nic});
#else
    mcast::apply_sequence(fd, mcast::option::join_source_group{g, s, nic}, mcast::option::join_source_group{g, s, nic},
                          mcast::option::leave_source_group{g, s, nic}, mcast::option::leave_source_group{g, s, nic});
#endif
  }
#elif MCAST_CF_CASE == 27
  // seq_mcast_block_on_source: block_source on a source-specific membership
  {
#if !defined(MCAST_CF_TWIN)
    mcast::apply_sequence(fd, mcast::option::join_source_group{g, s, nic}, mcast::option::block_source{g, s, nic});
#else
    mcast::apply_sequence(fd, mcast::option::join_source_group{g, s, nic}, mcast::option::leave_source_group{g, s, nic},
                          mcast::option::join_group{g, nic}, mcast::option::block_source{g, s, nic});
#endif
  }
#elif MCAST_CF_CASE == 28
  // seq_mcast_before_join: a block before any join
  {
#if !defined(MCAST_CF_TWIN)
    mcast::apply_sequence(fd, mcast::option::block_source{g, s, nic});
#else
    mcast::apply_sequence(fd, mcast::option::join_group{g, nic}, mcast::option::block_source{g, s, nic});
#endif
  }
#elif MCAST_CF_CASE == 29
  // seq_mixed_families: IP_* and IPV6_* options in one sequence
  {
#if !defined(MCAST_CF_TWIN)
    mcast::apply_sequence(fd, mcast::option::ip_add_membership{g, nic}, mcast::option::ipv6_drop_membership{g, nic});
#else
    mcast::apply_sequence(fd, mcast::option::ip_add_membership{g, nic}, mcast::option::leave_group{g, nic});
#endif
  }
#elif MCAST_CF_CASE == 30
  // filter_from_set: a filter's sources from a std::set (not contiguous): one `mcast:` sentence.
  {
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
#endif
}
