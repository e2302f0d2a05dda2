// mcast-probe: Microsoft's "Multicast Socket Option Behavior" table, run on this stack.
//
// Every row of the table (a first call, then a second one on the same socket, interface and
// group) is run three ways on the loopback interface -- no datagram is sent:
//   raw       the options themselves (mcast::set_option), reporting the stack's raw code and
//             what the rule table (detail/rule_table.hpp) makes of it;
//   mcast     apply_sequence with the same options: refused at compile time (the types know),
//             before any system call (the values), or by the stack, read by the rule table;
//   handles   the same misuse through the RAII handles, where the types let it be written.
// A row agrees when the raw code is the one the table's column for this platform lists (Windows:
// Microsoft's; Linux: the measured one, including the refusals Linux does not make) and every
// errc is the row's. Both families run: IP_* (as Microsoft wrote the table) and MCAST_*.
//
//   mcast-probe                  loopback ("lo", or 127.0.0.1's interface)
//   mcast-probe -i IF            another interface (name, index or address)
//
// Exit status: 0 every row that could run agrees, 1 a row disagrees, 2 bad arguments, 3 no
// socket or no interface. Rows the stack cannot run at all (Wine has no MCAST_*) are listed with
// the reason and do not count as disagreements. Please attach the output to bug reports.
#include <mcast/mcast.hpp>

#include "udp.hpp"

#include <cstdio>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

namespace {

namespace o = mcast::option;
using mcast::errc;
using mcast::detail::rule;

struct env {
  mcast::network_interface nic;
  mcast::group g;
  mcast::group gs;
  mcast::source s1;
  mcast::source s2;
};

// One call: its name, and a function that issues it raw and returns the raw code (0: accepted).
struct step {
  const char* name;
  std::function<int(example::native)> raw;
};

template <class Option> step raw_step(const char* name, Option opt) {
  return {name, [opt](example::native s) {
            std::error_code ec;
            mcast::set_option(s, opt, ec);
            return ec ? mcast::system_error_of(ec).value() : 0;
          }};
}

struct row {
  int number;
  const char* sequence;         // as Microsoft's table writes it
  rule broken;                  // the rule table's row
  mcast::detail::operation op;  // the last call's operation
  mcast::detail::mstate before; // the state the last call meets
  std::vector<step> prefix;     // must all be accepted
  step last;
  std::function<std::error_code(example::native)> sequence_check; // apply_sequence
  std::function<std::error_code(example::native)> handle_check;   // empty: the types forbid it
};

const char* raw_name(int raw) {
  namespace se = mcast::detail::sys_errc;
  if (raw == 0)
    return "accepted";
  if (raw == se::invalid)
    return mcast::detail::is_windows ? "WSAEINVAL" : "EINVAL";
  if (raw == se::addr_in_use)
    return mcast::detail::is_windows ? "WSAEADDRINUSE" : "EADDRINUSE";
  if (raw == se::addr_not_avail)
    return mcast::detail::is_windows ? "WSAEADDRNOTAVAIL" : "EADDRNOTAVAIL";
  if (raw == se::no_protocol_option)
    return mcast::detail::is_windows ? "WSAENOPROTOOPT" : "ENOPROTOOPT";
  static char buf[32];
  std::snprintf(buf, sizeof buf, "error %d", raw);
  return buf;
}

std::string errc_of(const std::error_code& ec) {
  if (!ec)
    return "ok";
  for (int e = 1; e <= mcast::detail::errc_count; ++e)
    if (ec == static_cast<errc>(e))
      return mcast::detail::errc_name(static_cast<errc>(e));
  return "system: " + ec.message();
}

// The rows, for one option family (IP_* when `ip`, else MCAST_*).
template <bool Ip> std::vector<row> rows(const env& e) {
  using join_any = std::conditional_t<Ip, o::ip_add_membership, o::join_group>;
  using leave = std::conditional_t<Ip, o::ip_drop_membership, o::leave_group>;
  using join_src = std::conditional_t<Ip, o::ip_add_source_membership, o::join_source_group>;
  using leave_src = std::conditional_t<Ip, o::ip_drop_source_membership, o::leave_source_group>;
  using block = std::conditional_t<Ip, o::ip_block_source, o::block_source>;
  using unblock = std::conditional_t<Ip, o::ip_unblock_source, o::unblock_source>;
  using api = std::conditional_t<Ip, mcast::api::ipv4, mcast::api::protocol_independent>;
  using mcast::detail::mstate;
  using op = mcast::detail::operation;
  const auto g = e.g, gs = e.gs;
  const auto s1 = e.s1, s2 = e.s2;
  const auto nic = e.nic;
  const join_any ja{g, nic};
  const join_any jas{gs, nic};
  const leave lv{g, nic};
  const join_src js1{gs, s1, nic}, js2{gs, s2, nic};
  const join_src jg1{g, s1, nic};
  const leave_src ls1{g, s1, nic}, lss2{gs, s2, nic};
  const block b1{g, s1, nic};
  const unblock u1{g, s1, nic};
  const unblock us1{gs, s1, nic}, us2{gs, s2, nic};
  const join_any jas_again{gs, nic};
  // apply_sequence of a sequence the types refuse does not compile; the probe says so instead.
  auto compile_time = [](auto... opts) -> std::function<std::error_code(example::native)> {
    if constexpr (mcast::is_valid_sequence<decltype(opts)...>)
      return [=](example::native s) {
        std::error_code ec;
        mcast::apply_sequence(s, ec, opts...);
        return ec;
      };
    else
      return {};
  };
  auto jg = [=](example::native s, std::error_code& ec) { return mcast::join_group<api>(s, g, nic, ec); };
  std::vector<row> out;
  out.push_back({1,
                 "ADD_MEMBERSHIP, ADD_MEMBERSHIP",
                 rule::join_twice,
                 op::join_any,
                 mstate::any,
                 {raw_step("ADD_MEMBERSHIP", ja)},
                 raw_step("ADD_MEMBERSHIP", ja),
                 compile_time(ja, ja),
                 [=](example::native s) {
                   std::error_code ec;
                   auto a = jg(s, ec);
                   auto b = jg(s, ec);
                   return ec;
                 }});
  out.push_back({2,
                 "ADD_MEMBERSHIP, ADD_SOURCE_MEMBERSHIP",
                 rule::source_join_on_any,
                 op::join_source,
                 mstate::any,
                 {raw_step("ADD_MEMBERSHIP", ja)},
                 raw_step("ADD_SOURCE_MEMBERSHIP", jg1),
                 compile_time(ja, jg1),
                 [=](example::native s) {
                   std::error_code ec;
                   auto a = jg(s, ec);
                   auto b = mcast::join_source_group<api>(s, g, s1, nic, ec);
                   return ec;
                 }});
  out.push_back({3,
                 "ADD_MEMBERSHIP, DROP_SOURCE_MEMBERSHIP",
                 rule::source_leave_on_any,
                 op::leave_source,
                 mstate::any,
                 {raw_step("ADD_MEMBERSHIP", ja)},
                 raw_step("DROP_SOURCE_MEMBERSHIP", ls1),
                 compile_time(ja, ls1),
                 {}});
  out.push_back({4,
                 "ADD_MEMBERSHIP, UNBLOCK_SOURCE",
                 rule::unblock_without_block,
                 op::unblock,
                 mstate::any,
                 {raw_step("ADD_MEMBERSHIP", ja)},
                 raw_step("UNBLOCK_SOURCE", u1),
                 compile_time(ja, u1),
                 {}});
  out.push_back({5,
                 "DROP_MEMBERSHIP, then BLOCK_SOURCE",
                 rule::not_joined,
                 op::block,
                 mstate::none,
                 {raw_step("ADD_MEMBERSHIP", ja), raw_step("DROP_MEMBERSHIP", lv)},
                 raw_step("BLOCK_SOURCE", b1),
                 compile_time(ja, lv, b1),
                 [=](example::native s) {
                   std::error_code ec;
                   auto a = jg(s, ec);
                   a.leave(ec);
                   auto b = a.block(s1, ec);
                   return ec;
                 }});
  out.push_back({6,
                 "ADD_SOURCE_MEMBERSHIP, ADD_MEMBERSHIP",
                 rule::any_join_on_source,
                 op::join_any,
                 mstate::src,
                 {raw_step("ADD_SOURCE_MEMBERSHIP", js1)},
                 raw_step("ADD_MEMBERSHIP", jas),
                 compile_time(js1, jas),
                 [=](example::native s) {
                   std::error_code ec;
                   auto a = mcast::join_source_group<api>(s, gs, s1, nic, ec);
                   auto b = mcast::join_group<api>(s, gs, nic, ec);
                   return ec;
                 }});
  out.push_back({7,
                 "ADD_SOURCE_MEMBERSHIP, ADD_SOURCE_MEMBERSHIP (same pair)",
                 rule::source_twice,
                 op::join_source,
                 mstate::src,
                 {raw_step("ADD_SOURCE_MEMBERSHIP", js1)},
                 raw_step("ADD_SOURCE_MEMBERSHIP", js1),
                 compile_time(js1, js1),
                 [=](example::native s) {
                   std::error_code ec;
                   auto a = mcast::join_source_group<api>(s, gs, s1, nic, ec);
                   auto b = a.include(s1, ec);
                   return ec;
                 }});
  out.push_back({8,
                 "ADD_SOURCE_MEMBERSHIP, UNBLOCK_SOURCE",
                 rule::block_on_source,
                 op::unblock,
                 mstate::src,
                 {raw_step("ADD_SOURCE_MEMBERSHIP", js1)},
                 raw_step("UNBLOCK_SOURCE", us1),
                 compile_time(js1, us1),
                 {}});
  out.push_back({9,
                 "DROP_SOURCE_MEMBERSHIP, UNBLOCK_SOURCE",
                 rule::block_on_source,
                 op::unblock,
                 mstate::src,
                 {raw_step("ADD_SOURCE_MEMBERSHIP", js1), raw_step("ADD_SOURCE_MEMBERSHIP", js2),
                  raw_step("DROP_SOURCE_MEMBERSHIP", lss2)},
                 raw_step("UNBLOCK_SOURCE", us2),
                 compile_time(js1, js2, lss2, us2),
                 {}});
  out.push_back({10,
                 "DROP_SOURCE_MEMBERSHIP, DROP_SOURCE_MEMBERSHIP (same pair)",
                 rule::source_absent,
                 op::leave_source,
                 mstate::src,
                 {raw_step("ADD_SOURCE_MEMBERSHIP", js1), raw_step("ADD_SOURCE_MEMBERSHIP", js2),
                  raw_step("DROP_SOURCE_MEMBERSHIP", lss2)},
                 raw_step("DROP_SOURCE_MEMBERSHIP", lss2),
                 compile_time(js1, js2, lss2, lss2),
                 {}});
  out.push_back({11,
                 "BLOCK_SOURCE, BLOCK_SOURCE (same pair)",
                 rule::source_twice,
                 op::block,
                 mstate::any,
                 {raw_step("ADD_MEMBERSHIP", ja), raw_step("BLOCK_SOURCE", b1)},
                 raw_step("BLOCK_SOURCE", b1),
                 compile_time(ja, b1, b1),
                 [=](example::native s) {
                   std::error_code ec;
                   auto a = jg(s, ec);
                   auto b = a.block(s1, ec);
                   auto c = a.block(s1, ec);
                   return ec;
                 }});
  out.push_back({12,
                 "BLOCK_SOURCE, ADD_SOURCE_MEMBERSHIP",
                 rule::source_join_on_any,
                 op::join_source,
                 mstate::any,
                 {raw_step("ADD_MEMBERSHIP", ja), raw_step("BLOCK_SOURCE", b1)},
                 raw_step("ADD_SOURCE_MEMBERSHIP", jg1),
                 compile_time(ja, b1, jg1),
                 [=](example::native s) {
                   std::error_code ec;
                   auto a = jg(s, ec);
                   auto b = a.block(s1, ec);
                   auto c = mcast::join_source_group<api>(s, g, s2, nic, ec);
                   return ec;
                 }});
  out.push_back({13,
                 "BLOCK_SOURCE, ADD_MEMBERSHIP",
                 rule::join_twice,
                 op::join_any,
                 mstate::any,
                 {raw_step("ADD_MEMBERSHIP", ja), raw_step("BLOCK_SOURCE", b1)},
                 raw_step("ADD_MEMBERSHIP", ja),
                 compile_time(ja, b1, ja),
                 [=](example::native s) {
                   std::error_code ec;
                   auto a = jg(s, ec);
                   auto b = a.block(s1, ec);
                   auto c = jg(s, ec);
                   return ec;
                 }});
  out.push_back({14,
                 "UNBLOCK_SOURCE, UNBLOCK_SOURCE (same pair)",
                 rule::unblock_without_block,
                 op::unblock,
                 mstate::any,
                 {raw_step("ADD_MEMBERSHIP", ja), raw_step("BLOCK_SOURCE", b1), raw_step("UNBLOCK_SOURCE", u1)},
                 raw_step("UNBLOCK_SOURCE", u1),
                 compile_time(ja, b1, u1, u1),
                 {}});
  (void)jas_again;
  return out;
}

struct verdict {
  int agree = 0, disagree = 0, cannot = 0;
};

// The row's expectation for a raw code on this platform: the table's column.
bool raw_agrees(const mcast::detail::rule_row& r, int raw) {
  if (raw == 0) // only where the column records that the stack accepts it (Linux's divergences)
    return std::strncmp(mcast::detail::platform_text(r), "accepted", 8) == 0;
  return (mcast::detail::platform_codes(r) & mcast::detail::raw_code_of(raw)) != 0;
}

void run(const char* family, const std::vector<row>& all, verdict& v) {
  for (const auto& r : all) {
    const auto& table = mcast::detail::row_of(r.broken);
    const std::string want = mcast::detail::errc_name(table.code);
    example::udp_socket sock(mcast::family::v4);
    const example::native s = sock.native_handle();
    // raw
    std::string cannot;
    for (const auto& p : r.prefix)
      if (int raw = p.raw(s); raw != 0 && cannot.empty())
        cannot = std::string(p.name) + " " + raw_name(raw);
    int raw = -1;
    std::string raw_text, raw_errc = "-";
    bool ok = true;
    if (cannot.empty()) {
      raw = r.last.raw(s);
      raw_text = raw_name(raw);
      if (raw != 0)
        raw_errc = errc_of(mcast::detail::translate(r.op, raw, r.before));
      ok = raw_agrees(table, raw) && (raw == 0 || raw_errc == want);
    }
    // mcast: apply_sequence on a fresh socket, and the handles on another
    std::string seq = "compile-time error";
    if (r.sequence_check) {
      example::udp_socket fresh(mcast::family::v4);
      seq = errc_of(r.sequence_check(fresh.native_handle()));
      ok = ok && seq == want;
    }
    std::string handles = "not expressible";
    if (r.handle_check) {
      example::udp_socket fresh(mcast::family::v4);
      handles = errc_of(r.handle_check(fresh.native_handle()));
      ok = ok && handles == want;
    }
    const bool ran = cannot.empty();
    if (!ran && (seq.rfind("system", 0) == 0 || seq == "unsupported"))
      ok = true; // the stack lacks the family altogether: reported, not judged
    std::printf("%2d %-6s %-58s raw %-17s -> %-22s mcast %-22s handles %-22s %s\n", r.number, family, r.sequence,
                ran ? raw_text.c_str() : ("cannot run: " + cannot).c_str(), raw_errc.c_str(), seq.c_str(),
                handles.c_str(),
                !ran ? "(not run)"
                : ok ? "agrees"
                     : "DISAGREES");
    if (!ran)
      ++v.cannot;
    else if (ok)
      ++v.agree;
    else
      ++v.disagree;
  }
}

} // namespace

int main(int argc, char** argv) {
  std::string iface;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if ((a == "-i" || a == "--iface") && i + 1 < argc) {
      iface = argv[++i];
    } else if (a == "-h" || a == "--help") {
      std::printf("usage: mcast-probe [-i IF]\n\nRuns every row of Microsoft's \"Multicast Socket Option Behavior\" "
                  "table on this stack\n(IP_* and MCAST_*, on loopback unless -i names another interface) and "
                  "prints, per row,\nthe raw code, the mcast::errc, and whether both agree with mcast's rule "
                  "table.\n\nexit status: 0 all rows that ran agree, 1 a row disagrees, 2 bad arguments, 3 no "
                  "socket or interface\n");
      return 0;
    } else {
      std::fprintf(stderr, "mcast-probe: unknown argument '%s' (try --help)\n", a.c_str());
      return 2;
    }
  }
  try {
    example::winsock_session winsock;
    std::error_code ec;
    mcast::network_interface nic = mcast::network_interface::any();
    if (!iface.empty()) {
      nic = mcast::network_interface::from_name(iface, ec);
      if (ec)
        nic = mcast::network_interface::from_address(mcast::make_address(iface), ec);
    } else {
      nic = mcast::network_interface::from_address(mcast::make_address("127.0.0.1"), ec);
    }
    if (ec) {
      std::fprintf(stderr, "mcast-probe: no interface %s: %s\n", iface.empty() ? "with 127.0.0.1" : iface.c_str(),
                   ec.message().c_str());
      return 3;
    }
    const env e{nic, mcast::make_group("239.255.90.1"), mcast::make_group("232.255.90.1"),
                mcast::make_source("192.0.2.1"), mcast::make_source("192.0.2.2")};
    std::printf("mcast-probe %d.%d.%d: Microsoft's \"Multicast Socket Option Behavior\" table on %s, interface %s "
                "(index %u)\n",
                MCAST_VERSION_MAJOR, MCAST_VERSION_MINOR, MCAST_VERSION_PATCH,
                mcast::detail::is_windows ? "Windows"
                : mcast::detail::is_linux ? "Linux"
                : mcast::detail::is_bsd   ? "macOS or FreeBSD"
                                          : "this stack",
                nic.to_string().c_str(), nic.index());
    std::printf(
        "each row: the raw code of the last call and the errc mcast reads from it; apply_sequence; the handles\n");
    verdict v;
    run("IP_*", rows<true>(e), v);
    run("MCAST_*", rows<false>(e), v);
    std::printf("mcast-probe: %d rows agree, %d disagree, %d could not run on this stack\n", v.agree, v.disagree,
                v.cannot);
    return v.disagree == 0 ? 0 : 1;
  } catch (const std::exception& ex) {
    std::fprintf(stderr, "mcast-probe: %s\n", ex.what());
    return 3;
  }
}
