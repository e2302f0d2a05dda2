// option.hpp on a real kernel (loopback, default namespace, no privileges): each IPv4-capable
// option applied with mcast::set_option, verified by delivery from two source addresses and by
// libc's getsourcefilter. (/proc/net/mcfilter rows are checked in the namespace tests only: the
// kernel lists an interface's source filters only when the group joined last on it has some, and
// here other test processes join groups on lo at any moment.)
#include "catch.hpp"
#include "support/hook.hpp"
#include "support/net.hpp"

using namespace mcast_test;
namespace o = mcast::option;

TEMPLATE_TEST_CASE_SIG("any-source options: join, block, unblock, leave", "[kernel][option]", ((bool Ip), Ip), (true),
                       (false)) {
  loopback_rig r(true);
  const auto g = fresh_group();
  using join = std::conditional_t<Ip, o::ip_add_membership, o::join_group>;
  using leave = std::conditional_t<Ip, o::ip_drop_membership, o::leave_group>;
  using block = std::conditional_t<Ip, o::ip_block_source, o::block_source>;
  using unblock = std::conditional_t<Ip, o::ip_unblock_source, o::unblock_source>;

  CHECK(r.got(g) == std::pair(0, 0));
  mcast::set_option(r.rx, join{g, r.lo});
  CHECK(r.got(g) == std::pair(3, 3));
  auto f = libc_filter(r.rx, g, r.lo.index());
  CHECK(f.error == 0);
  CHECK(!f.include);
  CHECK(f.sources.empty());
  CHECK(kernel_has_group(g));

  mcast::set_option(r.rx, block{g, r.s3, r.lo});
  CHECK(r.got(g) == std::pair(3, 0));
  f = libc_filter(r.rx, g, r.lo.index());
  CHECK(!f.include);
  CHECK(f.sources == texts({"127.0.0.3"}));

  mcast::set_option(r.rx, unblock{g, r.s3, r.lo});
  CHECK(r.got(g) == std::pair(3, 3));
  CHECK(r.filter(g).sources.empty());

  mcast::set_option(r.rx, leave{g, r.lo});
  CHECK(r.got(g) == std::pair(0, 0));
  CHECK(libc_filter(r.rx, g, r.lo.index()).error == EADDRNOTAVAIL);
  CHECK(!kernel_has_group(g));
}

TEMPLATE_TEST_CASE_SIG("source-specific options: join sources, drop them", "[kernel][option]", ((bool Ip), Ip), (true),
                       (false)) {
  loopback_rig r(true);
  const auto g = fresh_group(mcast::family::v4, true);
  using join = std::conditional_t<Ip, o::ip_add_source_membership, o::join_source_group>;
  using drop = std::conditional_t<Ip, o::ip_drop_source_membership, o::leave_source_group>;

  mcast::set_option(r.rx, join{g, r.s2, r.lo});
  CHECK(r.got(g) == std::pair(3, 0));
  auto f = libc_filter(r.rx, g, r.lo.index());
  CHECK(f.include);
  CHECK(f.sources == texts({"127.0.0.2"}));

  mcast::set_option(r.rx, join{g, r.s3, r.lo});
  CHECK(r.got(g) == std::pair(3, 3));
  CHECK(libc_filter(r.rx, g, r.lo.index()).sources == texts({"127.0.0.2", "127.0.0.3"}));

  mcast::set_option(r.rx, drop{g, r.s2, r.lo});
  CHECK(r.got(g) == std::pair(0, 3));
  CHECK(libc_filter(r.rx, g, r.lo.index()).sources == texts({"127.0.0.3"}));

  mcast::set_option(r.rx, drop{g, r.s3, r.lo}); // the last source: the membership is gone
  CHECK(r.got(g) == std::pair(0, 0));
  CHECK(libc_filter(r.rx, g, r.lo.index()).error == EADDRNOTAVAIL);
  CHECK(!kernel_has_group(g));
}

TEST_CASE("the raw layer is exact: it reports the kernel's own code", "[kernel][option]") {
  loopback_rig r(true);
  const auto g = fresh_group();
  mcast::set_option(r.rx, o::join_group{g, r.lo});
  std::error_code ec;
  mcast::set_option(r.rx, o::ip_add_membership{g, r.lo}, ec); // the same membership through IP_*
  CHECK(ec.category() == std::system_category());
  CHECK(ec.value() == EADDRINUSE);
  mcast::set_option(r.rx, o::leave_group{g, r.lo}, ec);
  CHECK(!ec);
  mcast::set_option(r.rx, o::leave_group{g, r.lo}, ec);
  CHECK(ec.value() == EADDRNOTAVAIL);
}

TEST_CASE("the raw layer issues exactly one setsockopt per option", "[kernel][option]") {
  loopback_rig r(true);
  const auto g = fresh_group();
  syscall_recorder rec;
  mcast::set_option(r.rx, o::join_group{g, r.lo});
  mcast::set_option(r.rx, o::block_source{g, r.s3, r.lo});
  mcast::set_option(r.rx, o::leave_group{g, r.lo});
  CHECK(rec.count() == 3);
  CHECK(rec.count_option(MCAST_JOIN_GROUP) == 1);
  CHECK(rec.count_option(MCAST_BLOCK_SOURCE) == 1);
  CHECK(rec.count_option(MCAST_LEAVE_GROUP) == 1);
}

TEST_CASE("an injected failure is reported as that error and nothing is applied", "[kernel][option]") {
  loopback_rig r(true);
  const auto g = fresh_group();
  syscall_recorder rec;
  rec.fail_call(0, ENOBUFS);
  std::error_code ec;
  mcast::set_option(r.rx, o::join_group{g, r.lo}, ec);
  CHECK(ec == mcast::errc::limit_exceeded);
  CHECK(ec.value() == ENOBUFS);
  CHECK(!kernel_has_group(g));
}
