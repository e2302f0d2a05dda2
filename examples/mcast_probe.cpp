// mcast-probe: Microsoft's "Multicast Socket Option Behavior" table, and the rest of what mcast
// promises on Windows, run on this stack -- the one command a Windows user runs for a bug report.
//
// Every row of Microsoft's table (a first call, then a second one on the same socket, interface and
// group) is run three ways -- no datagram is sent for them:
//   raw       the options themselves (mcast::set_option): the stack's raw code, compared with the
//             code Microsoft documents for that CELL (detail::windows_cell_code, read from the rule
//             table), and the errc the rule table reads from it;
//   mcast     apply_sequence with the same options: refused at compile time (the types know),
//             before any system call (the values), or by the stack, read by the rule table;
//   handles   the same misuse through the RAII handles, where the types let it be written.
// The table runs for IP_* (as Microsoft wrote it), MCAST_* on IPv4 and on IPv6, IPV6_ADD_MEMBERSHIP
// and the default interface (any()). Then: the final-state IOCTLs, dual-stack sockets, what
// IP_MULTICAST_IF reads back, and packet info on a looped-back datagram.
// On Linux and the BSDs the raw code is compared with the rule table's column for that stack
// (measured there, not documented by Microsoft), which is printed beside Microsoft's code.
//
// Each row ends in one verdict: agrees; DISAGREES; could not run (with the reason: a call the
// stack lacks, or one never made because the interface has no address of that family);
// Wine differs (under Wine only: a known difference between Wine and Windows, with the reason;
// never counted as agreeing); recorded (what the stack answered where nothing is documented to
// compare it with -- a real host's answer settles it).
//
// Exit status: 0 every row ran and agreed (or was recorded); 1 a row disagrees; 2 bad arguments;
// 3 no socket or no interface; 4 no row disagrees, but some could not run (or differ in a known
// Wine way) -- the stack did not let the probe confirm everything.
#include <mcast/mcast.hpp>

#include "udp.hpp"

#include <cstdio>
#include <cstring>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#if defined(_WIN32)
#include <windows.h>
#else
#include <netinet/in.h>
#include <sys/utsname.h>
#endif

namespace {

namespace o = mcast::option;
using mcast::errc;
using mcast::detail::operation;
using mcast::detail::rule;

const char* const usage =
    "usage: mcast-probe [-i IF] [--json] [--version] [--help]\n"
    "\n"
    "Runs Microsoft's \"Multicast Socket Option Behavior\" table on this stack (IP_*, MCAST_* for\n"
    "IPv4 and IPv6, IPV6_ADD_MEMBERSHIP, the default interface), then the final-state IOCTLs,\n"
    "dual-stack sockets, the IP_MULTICAST_IF read-back and packet info, on loopback unless -i names\n"
    "another interface (name, index or address). Prints a header that describes this host, and per\n"
    "row the code Microsoft documents, the raw code the stack answered, the mcast::errc, and a\n"
    "verdict.\n"
    "\n"
    "  -i, --iface IF   the interface to probe (default: loopback)\n"
    "  --json           one JSON object: the header, every row, the summary\n"
    "  --version        mcast's version\n"
    "  --help           this text\n"
    "\n"
    "exit status: 0 every row ran and agreed; 1 a row disagrees; 2 bad arguments; 3 no socket or\n"
    "no interface; 4 none disagrees but some rows could not run (or differ in a known Wine way).\n"
    "Please attach the output of mcast-probe --json to bug reports.\n";

// ---- the host --------------------------------------------------------------------------------

#if defined(_WIN32)
// GetProcAddress's result as the function it is (through void(*)(), which converts to any
// function pointer without a -Wcast-function-type warning).
template <class F> F proc(HMODULE m, const char* name) {
  return m ? reinterpret_cast<F>(reinterpret_cast<void (*)()>(::GetProcAddress(m, name))) : nullptr;
}

// Wine's version, or null on Windows: ntdll exports wine_get_version only under Wine (Wine's
// own documented way for a program to tell).
const char* wine_version() {
  using fn = const char*(__cdecl*)();
  static const fn f = proc<fn>(::GetModuleHandleW(L"ntdll.dll"), "wine_get_version");
  return f ? f() : nullptr;
}

bool registry_text(HKEY root, const char* key, const char* value, std::string& out) {
  HKEY k{};
  if (::RegOpenKeyExA(root, key, 0, KEY_QUERY_VALUE | KEY_WOW64_64KEY, &k) != ERROR_SUCCESS)
    return false;
  char buf[256] = {};
  DWORD type = 0, size = sizeof buf - 1;
  const bool ok = ::RegQueryValueExA(k, value, nullptr, &type, reinterpret_cast<BYTE*>(buf), &size) == ERROR_SUCCESS;
  ::RegCloseKey(k);
  if (!ok)
    return false;
  if (type == REG_DWORD && size == sizeof(DWORD)) {
    DWORD d = 0;
    std::memcpy(&d, buf, sizeof d);
    out = std::to_string(d);
  } else if (type == REG_SZ || type == REG_EXPAND_SZ) {
    out = buf;
  } else {
    out = "(type " + std::to_string(type) + ")";
  }
  return true;
}

// RtlGetVersion (ntdll, loaded dynamically) gives the real version: GetVersionEx lies to a
// program without a compatibility manifest ("Operating system version", Microsoft).
std::string os_text() {
  using fn = LONG(WINAPI*)(OSVERSIONINFOW*);
  const fn rtl_get_version = proc<fn>(::GetModuleHandleW(L"ntdll.dll"), "RtlGetVersion");
  std::string text = "Windows";
  OSVERSIONINFOW v{};
  v.dwOSVersionInfoSize = sizeof v;
  if (rtl_get_version && rtl_get_version(&v) == 0) {
    text += " " + std::to_string(v.dwMajorVersion) + "." + std::to_string(v.dwMinorVersion) + " build " +
            std::to_string(v.dwBuildNumber);
    std::string ubr, display;
    const char* cv = "SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion";
    if (registry_text(HKEY_LOCAL_MACHINE, cv, "UBR", ubr))
      text += "." + ubr;
    if (registry_text(HKEY_LOCAL_MACHINE, cv, "DisplayVersion", display))
      text += " (" + display + ")";
  } else {
    text += " (RtlGetVersion unavailable)";
  }
  if (const char* w = wine_version()) {
    using host_fn = void(__cdecl*)(const char**, const char**);
    const host_fn host = proc<host_fn>(::GetModuleHandleW(L"ntdll.dll"), "wine_get_host_version");
    const char *sys = nullptr, *rel = nullptr;
    if (host)
      host(&sys, &rel);
    text += std::string(" -- Wine ") + w;
    if (sys)
      text += std::string(" on ") + sys + (rel ? std::string(" ") + rel : std::string());
  }
  return text;
}

// "IGMP and Windows Sockets" / Microsoft's TCP/IP registry parameters: IGMPVersion (2, 3 or 4 =
// IGMPv3) under Tcpip\Parameters; absent means the default (IGMPv3 since Vista). MLD's version has
// no documented registry value (netsh interface ipv6 show global prints it).
std::string igmp_text() {
  std::string v;
  if (registry_text(HKEY_LOCAL_MACHINE, "SYSTEM\\CurrentControlSet\\Services\\Tcpip\\Parameters", "IGMPVersion", v))
    return "IGMPVersion " + v + " (registry)";
  return "IGMPVersion not set (default)";
}
const char* mld_text() { return "no documented registry value (see netsh interface ipv6 show global)"; }
#else
const char* wine_version() { return nullptr; }
std::string os_text() {
  utsname u{};
  if (::uname(&u) != 0)
    return "unknown";
  return std::string(u.sysname) + " " + u.release + " " + u.machine;
}
std::string read_first_line(const char* path) {
  std::string s;
  if (std::FILE* f = std::fopen(path, "r")) {
    char buf[64] = {};
    if (std::fgets(buf, sizeof buf, f))
      s = buf;
    std::fclose(f);
  }
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r'))
    s.pop_back();
  return s;
}
std::string igmp_text() {
  const std::string v = read_first_line("/proc/sys/net/ipv4/conf/all/force_igmp_version");
  return v.empty() ? "not readable" : "force_igmp_version " + v + (v == "0" ? " (default: IGMPv3)" : "");
}
std::string mld_text() {
  const std::string v = read_first_line("/proc/sys/net/ipv6/conf/all/force_mld_version");
  return v.empty() ? "not readable" : "force_mld_version " + v + (v == "0" ? " (default: MLDv2)" : "");
}
#endif

std::string compiler_text() {
#if defined(__clang__)
  std::string c = std::string("clang ") + __clang_version__;
#elif defined(__GNUC__)
  std::string c = std::string("g++ ") + __VERSION__;
#elif defined(_MSC_VER)
  std::string c = "MSVC " + std::to_string(_MSC_FULL_VER);
#else
  std::string c = "unknown compiler";
#endif
#if defined(_MSVC_STL_VERSION)
  c += ", MSVC STL " + std::to_string(_MSVC_STL_VERSION);
#elif defined(_LIBCPP_VERSION)
  c += ", libc++ " + std::to_string(_LIBCPP_VERSION);
#elif defined(__GLIBCXX__)
  c += ", libstdc++ " + std::to_string(__GLIBCXX__);
#endif
#if defined(__MINGW64_VERSION_STR)
  c += ", MinGW-w64 " __MINGW64_VERSION_STR;
#endif
#if defined(_WIN64) || defined(__x86_64__)
  c += ", 64-bit";
#else
  c += ", 32-bit";
#endif
  return c;
}

std::string version_text() {
  return std::to_string(MCAST_VERSION_MAJOR) + "." + std::to_string(MCAST_VERSION_MINOR) + "." +
         std::to_string(MCAST_VERSION_PATCH);
}

// ---- output ----------------------------------------------------------------------------------

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += ch;
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += ch;
    }
  }
  return out + "\"";
}

enum class verdict { agrees, disagrees, could_not_run, wine_differs, recorded };
const char* verdict_text(verdict v) {
  switch (v) {
  case verdict::agrees: return "agrees";
  case verdict::disagrees: return "DISAGREES";
  case verdict::could_not_run: return "could not run";
  case verdict::wine_differs: return "Wine differs";
  case verdict::recorded: return "recorded";
  }
  return "?";
}
const char* verdict_key(verdict v) {
  switch (v) {
  case verdict::agrees: return "agrees";
  case verdict::disagrees: return "disagrees";
  case verdict::could_not_run: return "could_not_run";
  case verdict::wine_differs: return "wine_differs";
  case verdict::recorded: return "recorded";
  }
  return "?";
}

struct result {
  std::string id;         // "IP_* 1", "GROUP_FILTER 2", ...
  std::string what;       // the sequence, as Microsoft's table writes it
  std::string documented; // Microsoft's code for the cell, "accepted", or "not documented"
  std::string expected;   // what this stack is compared with (Windows: the same as documented)
  std::string raw = "-";  // what the stack answered to the last call
  std::string raw_errc = "-";
  std::string sequence = "-"; // apply_sequence
  std::string handles = "-";
  verdict v = verdict::agrees;
  std::string note; // why it could not run, why Wine differs, what was recorded
};

// ---- the table's rows ------------------------------------------------------------------------

// A row the probe cannot run at all on this interface (`why`: no address of its family, ...).
bool skipped(result& x, const std::string& why) {
  if (why.empty())
    return false;
  x.v = verdict::could_not_run;
  x.note = why;
  return true;
}

struct env {
  mcast::network_interface nic;
  mcast::family fam;
  mcast::group g;
  mcast::group gs;
  mcast::source s1;
  mcast::source s2;
};

// One call's outcome: made (the raw code, 0 accepted) or never made (mcast refused it first).
struct call {
  bool made = false;
  int raw = 0;
  std::string refused; // why it was never made
};

call call_of(const std::error_code& ec) {
  call c;
  const std::error_code sys = mcast::system_error_of(ec);
  if (ec && !sys) { // mcast's own refusal, before any system call
    c.refused = ec.message();
    return c;
  }
  c.made = true;
  c.raw = sys.value();
  return c;
}

struct step {
  const char* name;
  operation op;
  bool mreq_source; // an ip_mreq_source call (Wine hands its fields to Linux in the wrong order)
  std::function<call(example::native)> run;
};

template <class Option> constexpr bool is_mreq_source() {
  return std::is_same_v<Option, o::ip_add_source_membership> || std::is_same_v<Option, o::ip_drop_source_membership> ||
         std::is_same_v<Option, o::ip_block_source> || std::is_same_v<Option, o::ip_unblock_source>;
}

template <class Option> step raw_step(const char* name, operation op, Option opt) {
  return {name, op, is_mreq_source<Option>(), [opt](example::native s) {
            std::error_code ec;
            mcast::set_option(s, opt, ec);
            return call_of(ec);
          }};
}

// A handle check: `setup` reports a failure of the calls before the misuse (the row cannot
// run), the result is the misuse's error.
using handle_fn = std::function<std::error_code(example::native, std::error_code& setup)>;

struct row {
  int number;
  const char* sequence; // as Microsoft's table writes it
  rule broken;          // the rule table's row
  mcast::detail::mstate before;
  std::vector<step> prefix; // must all be accepted
  step last;
  std::function<std::error_code(example::native)> sequence_check; // empty: a compile-time error
  handle_fn handle_check;                                         // empty: the types forbid it
};

const char* raw_name(int raw) {
  namespace se = mcast::detail::sys_errc;
  const bool w = mcast::detail::is_windows;
  if (raw == 0)
    return "accepted";
  if (raw == se::invalid)
    return w ? "WSAEINVAL" : "EINVAL";
  if (raw == se::addr_in_use)
    return w ? "WSAEADDRINUSE" : "EADDRINUSE";
  if (raw == se::addr_not_avail)
    return w ? "WSAEADDRNOTAVAIL" : "EADDRNOTAVAIL";
  if (raw == se::no_protocol_option)
    return w ? "WSAENOPROTOOPT" : "ENOPROTOOPT";
  if (raw == se::not_supported)
    return w ? "WSAEOPNOTSUPP" : "EOPNOTSUPP";
  if (raw == se::no_buffers)
    return w ? "WSAENOBUFS" : "ENOBUFS";
  if (raw == se::no_device)
    return "ENODEV";
  if (raw == se::net_unreachable)
    return w ? "WSAENETUNREACH" : "ENETUNREACH";
  static char buf[32];
  std::snprintf(buf, sizeof buf, "error %d", raw);
  return buf;
}

// A raw_code (the rule table's meaning) as this platform names it.
std::string code_name(unsigned code, bool windows) {
  std::string out;
  const auto column = windows ? mcast::detail::stack_column::windows_column : mcast::detail::stack_column::linux_column;
  for (unsigned bit : {mcast::detail::rc_addrnotavail, mcast::detail::rc_inval, mcast::detail::rc_addrinuse})
    if (code & bit)
      out += (out.empty() ? "" : " or ") + std::string(mcast::detail::code_name(bit, column));
  return out.empty() ? "not documented" : out;
}

std::string errc_of(const std::error_code& ec) {
  if (!ec)
    return "ok";
  for (int e = 1; e <= mcast::detail::errc_count; ++e)
    if (ec == static_cast<errc>(e))
      return mcast::detail::errc_name(static_cast<errc>(e));
  return "system: " + ec.message();
}

bool lacks(int raw) {
  return raw == mcast::detail::sys_errc::no_protocol_option || raw == mcast::detail::sys_errc::not_supported;
}

// The rows of Microsoft's table, for one option family (IP_* when `Ip`, else MCAST_*).
template <bool Ip> std::vector<row> rows(const env& e) {
  using join_any = std::conditional_t<Ip, o::ip_add_membership, o::join_group>;
  using leave = std::conditional_t<Ip, o::ip_drop_membership, o::leave_group>;
  using join_src = std::conditional_t<Ip, o::ip_add_source_membership, o::join_source_group>;
  using leave_src = std::conditional_t<Ip, o::ip_drop_source_membership, o::leave_source_group>;
  using block = std::conditional_t<Ip, o::ip_block_source, o::block_source>;
  using unblock = std::conditional_t<Ip, o::ip_unblock_source, o::unblock_source>;
  using api = std::conditional_t<Ip, mcast::api::ipv4, mcast::api::protocol_independent>;
  using mcast::detail::mstate;
  using op = operation;
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
  const auto add = [](const char* n, auto opt) { return raw_step(n, op::join_any, opt); };
  const auto add_src = [](const char* n, auto opt) { return raw_step(n, op::join_source, opt); };
  const auto drop = [](const char* n, auto opt) { return raw_step(n, op::leave_group, opt); };
  const auto drop_src = [](const char* n, auto opt) { return raw_step(n, op::leave_source, opt); };
  const auto blk = [](const char* n, auto opt) { return raw_step(n, op::block, opt); };
  const auto unblk = [](const char* n, auto opt) { return raw_step(n, op::unblock, opt); };
  std::vector<row> out;
  out.push_back({1,
                 "ADD_MEMBERSHIP, ADD_MEMBERSHIP",
                 rule::join_twice,
                 mstate::any,
                 {add("ADD_MEMBERSHIP", ja)},
                 add("ADD_MEMBERSHIP", ja),
                 compile_time(ja, ja),
                 [=](example::native s, std::error_code& setup) {
                   auto a = jg(s, setup);
                   std::error_code ec;
                   if (!setup)
                     auto b = jg(s, ec);
                   return ec;
                 }});
  out.push_back({2,
                 "ADD_MEMBERSHIP, ADD_SOURCE_MEMBERSHIP",
                 rule::source_join_on_any,
                 mstate::any,
                 {add("ADD_MEMBERSHIP", ja)},
                 add_src("ADD_SOURCE_MEMBERSHIP", jg1),
                 compile_time(ja, jg1),
                 [=](example::native s, std::error_code& setup) {
                   auto a = jg(s, setup);
                   std::error_code ec;
                   if (!setup)
                     auto b = mcast::join_source_group<api>(s, g, s1, nic, ec);
                   return ec;
                 }});
  out.push_back({3,
                 "ADD_MEMBERSHIP, DROP_SOURCE_MEMBERSHIP",
                 rule::source_leave_on_any,
                 mstate::any,
                 {add("ADD_MEMBERSHIP", ja)},
                 drop_src("DROP_SOURCE_MEMBERSHIP", ls1),
                 compile_time(ja, ls1),
                 {}});
  out.push_back({4,
                 "ADD_MEMBERSHIP, UNBLOCK_SOURCE",
                 rule::unblock_without_block,
                 mstate::any,
                 {add("ADD_MEMBERSHIP", ja)},
                 unblk("UNBLOCK_SOURCE", u1),
                 compile_time(ja, u1),
                 {}});
  out.push_back({5,
                 "DROP_MEMBERSHIP, then BLOCK_SOURCE",
                 rule::not_joined,
                 mstate::none,
                 {add("ADD_MEMBERSHIP", ja), drop("DROP_MEMBERSHIP", lv)},
                 blk("BLOCK_SOURCE", b1),
                 compile_time(ja, lv, b1),
                 [=](example::native s, std::error_code& setup) {
                   auto a = jg(s, setup);
                   std::error_code ec;
                   if (!setup)
                     a.leave(setup);
                   if (!setup)
                     auto b = a.block(s1, ec);
                   return ec;
                 }});
  out.push_back({6,
                 "ADD_SOURCE_MEMBERSHIP, ADD_MEMBERSHIP",
                 rule::any_join_on_source,
                 mstate::src,
                 {add_src("ADD_SOURCE_MEMBERSHIP", js1)},
                 add("ADD_MEMBERSHIP", jas),
                 compile_time(js1, jas),
                 [=](example::native s, std::error_code& setup) {
                   auto a = mcast::join_source_group<api>(s, gs, s1, nic, setup);
                   std::error_code ec;
                   if (!setup)
                     auto b = mcast::join_group<api>(s, gs, nic, ec);
                   return ec;
                 }});
  out.push_back({7,
                 "ADD_SOURCE_MEMBERSHIP, ADD_SOURCE_MEMBERSHIP (same pair)",
                 rule::source_twice,
                 mstate::src,
                 {add_src("ADD_SOURCE_MEMBERSHIP", js1)},
                 add_src("ADD_SOURCE_MEMBERSHIP", js1),
                 compile_time(js1, js1),
                 [=](example::native s, std::error_code& setup) {
                   auto a = mcast::join_source_group<api>(s, gs, s1, nic, setup);
                   std::error_code ec;
                   if (!setup)
                     auto b = a.include(s1, ec);
                   return ec;
                 }});
  out.push_back({8,
                 "ADD_SOURCE_MEMBERSHIP, UNBLOCK_SOURCE",
                 rule::block_on_source,
                 mstate::src,
                 {add_src("ADD_SOURCE_MEMBERSHIP", js1)},
                 unblk("UNBLOCK_SOURCE", us1),
                 compile_time(js1, us1),
                 {}});
  out.push_back({9,
                 "DROP_SOURCE_MEMBERSHIP, UNBLOCK_SOURCE",
                 rule::block_on_source,
                 mstate::src,
                 {add_src("ADD_SOURCE_MEMBERSHIP", js1), add_src("ADD_SOURCE_MEMBERSHIP", js2),
                  drop_src("DROP_SOURCE_MEMBERSHIP", lss2)},
                 unblk("UNBLOCK_SOURCE", us2),
                 compile_time(js1, js2, lss2, us2),
                 {}});
  out.push_back({10,
                 "DROP_SOURCE_MEMBERSHIP, DROP_SOURCE_MEMBERSHIP (same pair)",
                 rule::source_absent,
                 mstate::src,
                 {add_src("ADD_SOURCE_MEMBERSHIP", js1), add_src("ADD_SOURCE_MEMBERSHIP", js2),
                  drop_src("DROP_SOURCE_MEMBERSHIP", lss2)},
                 drop_src("DROP_SOURCE_MEMBERSHIP", lss2),
                 compile_time(js1, js2, lss2, lss2),
                 {}});
  out.push_back({11,
                 "BLOCK_SOURCE, BLOCK_SOURCE (same pair)",
                 rule::source_twice,
                 mstate::any,
                 {add("ADD_MEMBERSHIP", ja), blk("BLOCK_SOURCE", b1)},
                 blk("BLOCK_SOURCE", b1),
                 compile_time(ja, b1, b1),
                 [=](example::native s, std::error_code& setup) {
                   auto a = jg(s, setup);
                   std::error_code ec;
                   if (!setup) {
                     auto b = a.block(s1, setup);
                     if (!setup)
                       auto c = a.block(s1, ec);
                   }
                   return ec;
                 }});
  out.push_back({12,
                 "BLOCK_SOURCE, ADD_SOURCE_MEMBERSHIP",
                 rule::source_join_on_any,
                 mstate::any,
                 {add("ADD_MEMBERSHIP", ja), blk("BLOCK_SOURCE", b1)},
                 add_src("ADD_SOURCE_MEMBERSHIP", jg1),
                 compile_time(ja, b1, jg1),
                 [=](example::native s, std::error_code& setup) {
                   auto a = jg(s, setup);
                   std::error_code ec;
                   if (!setup) {
                     auto b = a.block(s1, setup);
                     if (!setup)
                       auto c = mcast::join_source_group<api>(s, g, s2, nic, ec);
                   }
                   return ec;
                 }});
  out.push_back({13,
                 "BLOCK_SOURCE, ADD_MEMBERSHIP",
                 rule::join_twice,
                 mstate::any,
                 {add("ADD_MEMBERSHIP", ja), blk("BLOCK_SOURCE", b1)},
                 add("ADD_MEMBERSHIP", ja),
                 compile_time(ja, b1, ja),
                 [=](example::native s, std::error_code& setup) {
                   auto a = jg(s, setup);
                   std::error_code ec;
                   if (!setup) {
                     auto b = a.block(s1, setup);
                     if (!setup)
                       auto c = jg(s, ec);
                   }
                   return ec;
                 }});
  out.push_back({14,
                 "UNBLOCK_SOURCE, UNBLOCK_SOURCE (same pair)",
                 rule::unblock_without_block,
                 mstate::any,
                 {add("ADD_MEMBERSHIP", ja), blk("BLOCK_SOURCE", b1), unblk("UNBLOCK_SOURCE", u1)},
                 unblk("UNBLOCK_SOURCE", u1),
                 compile_time(ja, b1, u1, u1),
                 {}});
  return out;
}

// IPV6_ADD_MEMBERSHIP (api::ipv6) has no source options: of Microsoft's table only the double join.
std::vector<row> ipv6_api_rows(const env& e) {
  const o::ipv6_add_membership ja{e.g, e.nic};
  const auto g = e.g;
  const auto nic = e.nic;
  return {{1,
           "ADD_MEMBERSHIP, ADD_MEMBERSHIP",
           rule::join_twice,
           mcast::detail::mstate::any,
           {raw_step("IPV6_ADD_MEMBERSHIP", operation::join_any, ja)},
           raw_step("IPV6_ADD_MEMBERSHIP", operation::join_any, ja),
           {},
           [=](example::native s, std::error_code& setup) {
             auto a = mcast::join_group<mcast::api::ipv6>(s, g, nic, setup);
             std::error_code ec;
             if (!setup)
               auto b = mcast::join_group<mcast::api::ipv6>(s, g, nic, ec);
             return ec;
           }}};
}

// Where this stack's answer is judged: on Windows exactly the cell's documented code; elsewhere the
// rule table's column for this stack (measured there), including the calls Linux accepts.
bool raw_agrees(const row& r, int raw, unsigned cell) {
  const auto& table = mcast::detail::row_of(r.broken);
  if (mcast::detail::is_windows)
    return raw != 0 && mcast::detail::raw_code_of(raw) == cell;
  if (raw == 0)
    return mcast::detail::column_in(table, mcast::detail::this_stack).accepted != nullptr;
  return (mcast::detail::platform_codes(table) & mcast::detail::raw_code_of(raw)) != 0;
}

const char* const wine_mreq_source_note =
    "Wine 8 hands ip_mreq_source to Linux unchanged, in Windows' field order {group, source, interface}: "
    "Linux reads the source as the interface, so the stack acts on other fields than the call names";

void run_table(const char* family, const std::vector<row>& all, const env& e, const std::string& skip,
               std::vector<result>& out) {
  const bool wine = wine_version() != nullptr;
  for (const auto& r : all) {
    result x;
    x.id = std::string(family) + " " + std::to_string(r.number);
    x.what = r.sequence;
    const auto& table = mcast::detail::row_of(r.broken);
    const std::string want = mcast::detail::errc_name(table.code);
    const operation previous = r.prefix.empty() ? operation::other : r.prefix.back().op;
    const unsigned cell = mcast::detail::windows_cell_code(r.broken, previous);
    x.documented = code_name(cell, true);
    x.expected = mcast::detail::is_windows ? x.documented : mcast::detail::platform_text(table);
    bool mreq_source = r.last.mreq_source;
    for (const auto& p : r.prefix)
      mreq_source = mreq_source || p.mreq_source;
    if (skipped(x, skip)) {
      out.push_back(x);
      continue;
    }
    // raw
    example::udp_socket sock(e.fam);
    const example::native s = sock.native_handle();
    std::string cannot;
    bool failed_mreq_source = false; // the call that failed was an ip_mreq_source one
    for (const auto& p : r.prefix) {
      const call c = p.run(s);
      failed_mreq_source = p.mreq_source;
      if (!c.made)
        cannot = std::string(p.name) + " never made: " + c.refused;
      else if (c.raw != 0)
        cannot = std::string(p.name) + " answered " + raw_name(c.raw) +
                 (lacks(c.raw) ? " (this stack lacks it)" : " (a call the row needs accepted)");
      if (!cannot.empty())
        break;
    }
    call last;
    if (cannot.empty()) {
      last = r.last.run(s);
      failed_mreq_source = r.last.mreq_source;
      if (!last.made)
        cannot = std::string(r.last.name) + " never made: " + last.refused;
      else if (lacks(last.raw))
        cannot = std::string(r.last.name) + " answered " + raw_name(last.raw) + " (this stack lacks it)";
    }
    if (!cannot.empty()) {
      x.v = verdict::could_not_run;
      x.note = cannot;
      if (wine && failed_mreq_source)
        x.note += std::string("; ") + wine_mreq_source_note;
      out.push_back(x);
      continue;
    }
    x.raw = raw_name(last.raw);
    if (last.raw != 0)
      x.raw_errc = errc_of(mcast::detail::translate(r.last.op, last.raw, r.before));
    bool lib_ok = last.raw == 0 || x.raw_errc == want;
    // mcast: apply_sequence on a fresh socket, and the handles on another
    x.sequence = "compile-time error";
    if (r.sequence_check) {
      example::udp_socket fresh(e.fam);
      x.sequence = errc_of(r.sequence_check(fresh.native_handle()));
      lib_ok = lib_ok && x.sequence == want;
    }
    x.handles = "not expressible";
    std::string handle_setup;
    if (r.handle_check) {
      example::udp_socket fresh(e.fam);
      std::error_code setup;
      const std::error_code ec = r.handle_check(fresh.native_handle(), setup);
      if (setup) {
        x.handles = "not run";
        handle_setup = "the handles' setup failed: " + errc_of(setup);
      } else {
        x.handles = errc_of(ec);
        lib_ok = lib_ok && x.handles == want;
      }
    }
    const bool raw_ok = raw_agrees(r, last.raw, cell);
    // The rule table's Windows column lists Wine's answer for a row where Wine differs (an
    // answer's `wine`), so the translation reads it; the cell is still not what Windows documents.
    const bool wine_known = wine && !raw_ok && (table.on_windows.codes() & mcast::detail::raw_code_of(last.raw)) != 0;
    if (wine && mreq_source) {
      x.v = verdict::wine_differs;
      x.note = wine_mreq_source_note;
    } else if (!lib_ok || (!raw_ok && !wine_known)) {
      x.v = verdict::disagrees;
      if (!raw_ok && !wine_known)
        x.note = "the stack answered " + x.raw + ", expected " + x.expected;
      if (!lib_ok)
        x.note += (x.note.empty() ? "" : "; ") + std::string("mcast must report ") + want;
    } else if (!handle_setup.empty()) {
      x.v = verdict::could_not_run;
      x.note = handle_setup;
    } else if (wine_known) {
      x.v = verdict::wine_differs;
      x.note = std::string("Wine passes Linux's answer through (") + x.raw + "); Windows documents " + x.documented +
               " (rule table: " + mcast::detail::column_text(table, mcast::detail::stack_column::windows_column) + ")";
    } else {
      x.v = verdict::agrees;
    }
    out.push_back(x);
  }
}

// ---- the rows beyond the table ---------------------------------------------------------------

result make(const std::string& id, const std::string& what, const std::string& documented) {
  result x;
  x.id = id;
  x.what = what;
  x.documented = documented;
  x.expected = documented;
  return x;
}

// A call's outcome as a row's raw column, and whether the row could run at all.
bool ran(result& x, const char* name, const std::error_code& ec) {
  const call c = call_of(ec);
  if (!c.made) {
    x.v = verdict::could_not_run;
    x.note = std::string(name) + " never made: " + c.refused;
    return false;
  }
  if (lacks(c.raw)) {
    x.v = verdict::could_not_run;
    x.note = std::string(name) + " answered " + raw_name(c.raw) + " (this stack lacks it)";
    return false;
  }
  return true;
}

std::string filter_text(const mcast::source_filter& f) {
  std::string t = f.mode == mcast::filter_mode::include ? "INCLUDE {" : "EXCLUDE {";
  for (std::size_t i = 0; i < f.sources.size(); ++i)
    t += (i ? ", " : "") + f.sources[i].to_string();
  return t + "}";
}

// The final-state IOCTLs ("Final-State-Based Multicast Programming", Microsoft), rows named by
// their structure: GROUP_FILTER is SIOCSMSFILTER / SIOCGMSFILTER (Vista and later) through the
// default API, ip_msfilter is SIO_SET/GET_MULTICAST_FILTER through api::ipv4. On Linux the same
// structures go through MCAST_MSFILTER and IP_MSFILTER.
// A setup call: anything but success means the row cannot run.
bool setup_ok(result& x, const char* name, const std::error_code& ec) {
  if (!ran(x, name, ec))
    return false;
  if (ec) {
    x.v = verdict::could_not_run;
    x.note = std::string(name) + " answered " + raw_name(mcast::system_error_of(ec).value()) + " (" + errc_of(ec) + ")";
    return false;
  }
  return true;
}

std::string raw_text(const std::error_code& ec) {
  const call c = call_of(ec);
  return !c.made ? "-" : raw_name(c.raw);
}

// Joins the group on a fresh socket, sets its filter (the call the row is about), then hands the
// socket to `after`, which reads what the stack holds and gives the verdict.
template <class Api, class After>
void after_filter_set(result& x, const std::string& skip, const env& e, mcast::filter_mode mode,
                      const std::vector<mcast::source>& list, After after) {
  if (skipped(x, skip))
    return;
  example::udp_socket sock(e.fam);
  std::error_code ec;
  auto m = mcast::join_group<Api>(sock.native_handle(), e.g, e.nic, ec);
  if (!setup_ok(x, "the join", ec))
    return;
  mcast::set_source_filter<Api>(sock.native_handle(), e.g, e.nic, mode, list, ec);
  x.raw = raw_text(ec);
  x.raw_errc = errc_of(ec);
  if (!ran(x, "the set", ec))
    return;
  if (ec) {
    x.v = verdict::disagrees;
    x.note = "the set failed";
    return;
  }
  after(sock.native_handle());
}

template <class Api>
void filter_rows(const char* family, const env& e, const std::string& skip, std::vector<result>& out) {
  const std::string f = family;
  const auto g = e.g;
  const auto nic = e.nic;
  const auto exclude = mcast::filter_mode::exclude;
  // 1: set EXCLUDE {s1} on a joined group, read it back
  result one = make(f + " 1", "join, set EXCLUDE {S1}, get", "accepted, EXCLUDE {S1}");
  after_filter_set<Api>(one, skip, e, exclude, {e.s1}, [&](example::native s) {
    std::error_code ec;
    const auto got = mcast::get_source_filter<Api>(s, g, nic, ec);
    one.handles = "get: " + (ec ? errc_of(ec) : filter_text(got));
    if (ran(one, "the get", ec)) {
      const mcast::source_filter want{exclude, {e.s1}};
      one.v = !ec && got == want ? verdict::agrees : verdict::disagrees;
    }
  });
  out.push_back(one);
  // 2: INCLUDE {} -- RFC 3678 (whose API Microsoft's IOCTLs carry): an empty INCLUDE list is no
  // membership. What a read and a new join then answer is not documented by Microsoft: recorded.
  result two = make(f + " 2", "join, set INCLUDE {}, get, join again", "not documented");
  after_filter_set<Api>(two, skip, e, mcast::filter_mode::include, {}, [&](example::native s) {
    std::error_code ec;
    const auto got = mcast::get_source_filter<Api>(s, g, nic, ec);
    const std::string read = ec ? errc_of(ec) + " (" + raw_text(ec) + ")" : filter_text(got);
    using join = std::conditional_t<std::is_same_v<Api, mcast::api::ipv4>, o::ip_add_membership, o::join_group>;
    std::error_code again;
    mcast::set_option(s, join{g, nic}, again);
    const std::string rejoin = again ? raw_text(again) : "accepted";
    two.handles = "get: " + read + "; join: " + rejoin;
    two.v = verdict::recorded;
    two.note = "after INCLUDE {} the read answered " + read + " and a new join " + rejoin;
  });
  out.push_back(two);
  // 3 and 4: a filter on a group not joined (the rule table's filter_not_joined: Windows
  // documents no code; the raw code is kept).
  const auto& nj = mcast::detail::row_of(rule::filter_not_joined);
  const std::string nj_doc =
      code_name(mcast::detail::windows_cell_code(rule::filter_not_joined, operation::other), true);
  for (int which = 0; which < 2; ++which) {
    result x = make(f + (which ? " 4" : " 3"),
                    which ? "set EXCLUDE {S1} on a group not joined" : "get on a group not joined", nj_doc);
    x.expected = mcast::detail::is_windows ? nj_doc : mcast::detail::platform_text(nj);
    if (skipped(x, skip)) {
      out.push_back(x);
      continue;
    }
    example::udp_socket sock(e.fam);
    std::error_code ec;
    if (which)
      mcast::set_source_filter<Api>(sock.native_handle(), g, nic, exclude, {e.s1}, ec);
    else
      (void)mcast::get_source_filter<Api>(sock.native_handle(), g, nic, ec);
    const call c = call_of(ec);
    x.raw = c.made ? raw_name(c.raw) : "-";
    x.raw_errc = errc_of(ec);
    if (c.made && lacks(c.raw)) {
      x.v = verdict::could_not_run;
      x.note = std::string(which ? "the set" : "the get") + " answered " + x.raw + " (this stack lacks it)";
    } else if (mcast::detail::is_windows && nj.on_windows.codes() == mcast::detail::rc_none) {
      x.v = verdict::recorded;
      x.note = "Windows documents no code here: mcast keeps the raw code";
    } else if (ec == errc::not_joined) {
      x.v = verdict::agrees;
    } else {
      x.v = verdict::disagrees;
      x.note = "mcast must report not_joined";
    }
    out.push_back(x);
  }
}

void set_v6only(example::native s, bool on) {
#if defined(_WIN32)
  DWORD v = on ? 1 : 0;
#else
  int v = on ? 1 : 0;
#endif
  ::setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, reinterpret_cast<const char*>(&v), sizeof v);
}

// Dual-stack sockets ("Dual-Stack Sockets for IPv6 Winsock Applications", Microsoft: IPV6_V6ONLY
// is on by default on Windows, so the probe sets it explicitly both ways).
void dual_stack_rows(const env& e4, bool has_v6, const std::string& no_v4, std::vector<result>& out) {
  const auto g = e4.g;
  const auto nic = e4.nic;
  {
    result x = make("dual 1", "IPv4 group on an IPV6_V6ONLY socket (handles)", "family_mismatch, before any call");
    if (!has_v6) {
      x.v = verdict::could_not_run;
      x.note = "no IPv6 socket";
    } else {
      example::udp_socket sock(mcast::family::v6);
      set_v6only(sock.native_handle(), true);
      std::error_code ec;
      auto m = mcast::join_group(sock.native_handle(), g, nic, ec);
      x.handles = errc_of(ec);
      const call c = call_of(ec);
      x.raw = c.made ? raw_name(c.raw) : "-";
      x.v = ec == errc::family_mismatch && !c.made ? verdict::agrees : verdict::disagrees;
      if (x.v == verdict::disagrees)
        x.note = c.made ? "mcast made the join (the stack answered " + x.raw + "): a membership that can never deliver"
                        : "mcast must report family_mismatch";
    }
    out.push_back(x);
  }
  for (int ip = 0; ip < 2; ++ip) {
    result x = make(ip ? "dual 3" : "dual 2",
                    ip ? "IPv4 group on a dual-stack socket, api::ipv4 (IP_ADD_MEMBERSHIP)"
                       : "IPv4 group on a dual-stack socket, MCAST_JOIN_GROUP",
                    "accepted");
    if (skipped(x, !has_v6 ? std::string("no IPv6 socket") : ip ? no_v4 : std::string())) {
      out.push_back(x);
      continue;
    }
    example::udp_socket sock(mcast::family::v6);
    set_v6only(sock.native_handle(), false);
    std::error_code ec;
    if (ip) {
      auto m = mcast::join_group<mcast::api::ipv4>(sock.native_handle(), g, nic, ec);
    } else {
      auto m = mcast::join_group(sock.native_handle(), g, nic, ec);
    }
    x.handles = errc_of(ec);
    const call c = call_of(ec);
    x.raw = c.made ? raw_name(c.raw) : "-";
    if (ran(x, "the join", ec))
      x.v = ec ? verdict::disagrees : verdict::agrees;
    out.push_back(x);
  }
}

// IP_MULTICAST_IF read back. Microsoft's IPPROTO_IP page: the value set is an IPv4 address, or an
// interface index in the 0.x.x.x form; the value read is documented as the interface index in host
// byte order. OpenJDK's Windows code reads an address. Nothing to judge until a real host answers:
// the probe prints the four bytes, the DWORD, and what mcast makes of them.
void multicast_if_rows(const env& e4, std::vector<result>& out) {
  const auto& nic = e4.nic;
  // The 0.0.0.x index form is Windows' (Linux takes an address or an ip_mreqn there).
  for (int by_index = 0; by_index < (mcast::detail::is_windows ? 2 : 1); ++by_index) {
    result x = make(
        by_index ? "if 2" : "if 1",
        by_index ? "IP_MULTICAST_IF set to 0.0.0." + std::to_string(nic.index()) + " (index form), read back"
                 : "IP_MULTICAST_IF set to " +
                       (nic.has_ipv4_address() ? nic.ipv4_address().to_string() : std::string("its IPv4 address")) +
                       " (address), read back",
        "Windows: the index in host byte order (DWORD " + std::to_string(nic.index()) + ")");
    if (!by_index && !nic.has_ipv4_address()) {
      x.v = verdict::could_not_run;
      x.note = "the interface has no IPv4 address";
      out.push_back(x);
      continue;
    }
    if (by_index && nic.index() > 0xffffff) {
      x.v = verdict::could_not_run;
      x.note = "the index needs more than 24 bits";
      out.push_back(x);
      continue;
    }
    example::udp_socket sock(mcast::family::v4);
    unsigned char in[4] = {};
    if (by_index) {
      const unsigned i = nic.index(); // network byte order: 0, then the 24-bit index
      in[1] = static_cast<unsigned char>(i >> 16);
      in[2] = static_cast<unsigned char>(i >> 8);
      in[3] = static_cast<unsigned char>(i);
    } else {
      const auto a = nic.ipv4_address().to_in_addr();
      std::memcpy(in, &a, 4);
    }
    if (::setsockopt(sock.native_handle(), IPPROTO_IP, IP_MULTICAST_IF, reinterpret_cast<const char*>(in), 4) != 0) {
      x.raw = raw_name(example::last_socket_error().value());
      if (by_index && wine_version()) {
        // Wine hands the value to Linux, whose IP_MULTICAST_IF takes an address (or ip_mreqn):
        // 0.0.0.x is no address of the host there.
        x.v = verdict::wine_differs;
        x.note = "Wine passes the value to Linux, which reads 0.0.0.x as an address, not Windows' index form";
      } else {
        x.v = verdict::disagrees;
        x.note = "the set failed: Microsoft documents the address and the 0.0.0.x index form";
      }
      out.push_back(x);
      continue;
    }
    unsigned char buf[16] = {};
#if defined(_WIN32)
    int len = sizeof buf;
#else
    socklen_t len = sizeof buf;
#endif
    if (::getsockopt(sock.native_handle(), IPPROTO_IP, IP_MULTICAST_IF, reinterpret_cast<char*>(buf), &len) != 0) {
      x.raw = raw_name(example::last_socket_error().value());
      x.v = verdict::disagrees;
      x.note = "the read failed";
      out.push_back(x);
      continue;
    }
    std::string bytes;
    for (int i = 0; i < static_cast<int>(len) && i < 16; ++i) {
      char b[4];
      std::snprintf(b, sizeof b, "%s%02x", i ? " " : "", buf[i]);
      bytes += b;
    }
    std::uint32_t dword = 0;
    std::memcpy(&dword, buf, 4);
    char addr[20];
    std::snprintf(addr, sizeof addr, "%u.%u.%u.%u", buf[0], buf[1], buf[2], buf[3]);
    o::ip_multicast_if opt;
    std::error_code ec;
    mcast::get_option(sock.native_handle(), opt, ec);
    x.raw = std::to_string(len) + " bytes " + bytes;
    x.raw_errc = "DWORD " + std::to_string(dword) + " = " + addr;
    x.handles = ec ? "mcast: " + errc_of(ec) : "mcast reads " + opt.value().to_string();
    x.v = verdict::recorded;
    x.note = "read back: " + std::to_string(len) + " bytes " + bytes + " (host-order DWORD " + std::to_string(dword) +
             ", as an address " + addr + "); mcast's ip_multicast_if::value() reads " +
             (ec ? errc_of(ec) : opt.value().to_string());
    out.push_back(x);
  }
}

// Packet info on a datagram looped back to the receiving socket ("IP_PKTINFO", "WSARecvMsg",
// Microsoft: the group the datagram was sent to and the interface it arrived on).
void packet_info_row(const std::string& id, const std::string& what, mcast::family sock_family, const env& e,
                     bool dual_stack, const std::string& skip, std::vector<result>& out) {
  result x = make(id, what, "destination " + e.g.to_string() + ", interface " + std::to_string(e.nic.index()));
  if (skipped(x, skip)) {
    out.push_back(x);
    return;
  }
  try {
    example::udp_socket rx(sock_family);
    if (dual_stack)
      set_v6only(rx.native_handle(), false);
    const std::uint16_t port = rx.bind_any(0);
    std::error_code ec;
    // IPv4 groups through IP_ADD_MEMBERSHIP and IPv6 ones through IPV6_ADD_MEMBERSHIP: the calls
    // every stack (Wine too) has; the row is about what the datagram carries.
    std::optional<mcast::any_source_membership<mcast::api::ipv4>> m4;
    std::optional<mcast::any_source_membership<mcast::api::ipv6>> m6;
    if (e.g.is_v4())
      m4.emplace(mcast::join_group<mcast::api::ipv4>(rx.native_handle(), e.g, e.nic, ec));
    else
      m6.emplace(mcast::join_group<mcast::api::ipv6>(rx.native_handle(), e.g, e.nic, ec));
    if (!setup_ok(x, "the join", ec)) {
      out.push_back(x);
      return;
    }
    if (sock_family == mcast::family::v4)
      mcast::set_option(rx.native_handle(), o::ip_pktinfo{true}, ec);
    else
      mcast::set_option(rx.native_handle(), o::ipv6_recvpktinfo{true}, ec);
    if (!ran(x, "packet info", ec) || ec) {
      if (ec && x.note.empty()) { // documented on both pages: a failure is the stack's
        x.v = verdict::disagrees;
        x.note = "turning packet info on failed: " + errc_of(ec);
      }
      out.push_back(x);
      return;
    }
    example::udp_socket tx(e.g.is_v4() ? mcast::family::v4 : mcast::family::v6);
    tx.multicast_out(e.nic, 1, true);
    tx.send_to(e.g, port, "mcast-probe");
    char buf[64];
    const auto d = rx.receive(buf, sizeof buf, std::chrono::milliseconds(2000));
    if (!d) {
      x.v = verdict::could_not_run;
      x.note = "no datagram looped back within 2 s (is multicast loopback off, or no route for the group?)";
      out.push_back(x);
      return;
    }
    x.raw = "destination " + (d->destination ? d->destination->to_string() : std::string("none")) + ", interface " +
            std::to_string(d->interface_index);
    const bool ok = d->destination && *d->destination == e.g.address() && d->interface_index == e.nic.index();
    x.v = ok ? verdict::agrees : verdict::disagrees;
    if (!ok)
      x.note = "the datagram arrived without its group or interface";
  } catch (const std::exception& ex) {
    x.v = verdict::could_not_run;
    x.note = ex.what();
  }
  out.push_back(x);
}

// ---- main ------------------------------------------------------------------------------------

struct header {
  std::string os, wine, igmp, mld, compiler, version, iface, iface_index, iface_v4, iface_v6, ip_form;
};

void print_text(const header& h, const std::vector<result>& all) {
  std::printf("mcast-probe %s: Microsoft's \"Multicast Socket Option Behavior\" table and mcast's Windows promises\n",
              h.version.c_str());
  std::printf("  os:        %s\n", h.os.c_str());
  std::printf("  wine:      %s\n", h.wine.c_str());
  std::printf("  igmp:      %s\n", h.igmp.c_str());
  std::printf("  mld:       %s\n", h.mld.c_str());
  std::printf("  compiler:  %s\n", h.compiler.c_str());
  std::printf("  interface: %s (index %s), IPv4 %s, IPv6 %s; IP_* name it %s\n", h.iface.c_str(), h.iface_index.c_str(),
              h.iface_v4.c_str(), h.iface_v6.c_str(), h.ip_form.c_str());
  std::printf("each row: its verdict; the code Microsoft documents for the cell%s; the raw code of the last call "
              "-> the errc mcast reads from it; apply_sequence; the handles\n",
              mcast::detail::is_windows ? "" : " and what this stack is compared with (the rule table's column)");
  for (const auto& x : all) {
    std::printf("%-16s %-66s %s\n", x.id.c_str(), x.what.c_str(), verdict_text(x.v));
    std::string d = "documented " + x.documented;
    if (x.expected != x.documented)
      d += "; this stack: " + x.expected;
    if (x.raw != "-")
      d += "; raw " + x.raw + (x.raw_errc != "-" ? " -> " + x.raw_errc : std::string());
    if (x.sequence != "-")
      d += "; apply_sequence " + x.sequence;
    if (x.handles != "-")
      d += "; handles " + x.handles;
    std::printf("                 %s\n", d.c_str());
    if (!x.note.empty())
      std::printf("                 %s: %s\n", verdict_text(x.v), x.note.c_str());
  }
}

void print_json(const header& h, const std::vector<result>& all, int agree, int disagree, int cannot, int wine,
                int recorded, int status) {
  std::printf("{\"probe\":\"mcast-probe\",\"version\":%s,\n \"header\":{\"os\":%s,\"wine\":%s,\"igmp\":%s,\"mld\":%s,"
              "\"compiler\":%s,\"interface\":{\"name\":%s,\"index\":%s,\"ipv4\":%s,\"ipv6\":%s,\"ip_form\":%s}},\n "
              "\"rows\":[\n",
              json_string(h.version).c_str(), json_string(h.os).c_str(),
              h.wine == "no" ? "null" : json_string(h.wine).c_str(), json_string(h.igmp).c_str(),
              json_string(h.mld).c_str(), json_string(h.compiler).c_str(), json_string(h.iface).c_str(),
              h.iface_index.c_str(), json_string(h.iface_v4).c_str(), json_string(h.iface_v6).c_str(),
              json_string(h.ip_form).c_str());
  for (std::size_t i = 0; i < all.size(); ++i) {
    const auto& x = all[i];
    std::printf("  {\"id\":%s,\"what\":%s,\"documented\":%s,\"expected\":%s,\"raw\":%s,\"raw_errc\":%s,"
                "\"apply_sequence\":%s,\"handles\":%s,\"verdict\":\"%s\",\"note\":%s}%s\n",
                json_string(x.id).c_str(), json_string(x.what).c_str(), json_string(x.documented).c_str(),
                json_string(x.expected).c_str(), json_string(x.raw).c_str(), json_string(x.raw_errc).c_str(),
                json_string(x.sequence).c_str(), json_string(x.handles).c_str(), verdict_key(x.v),
                json_string(x.note).c_str(), i + 1 < all.size() ? "," : "");
  }
  std::printf(
      " ],\n \"summary\":{\"agree\":%d,\"disagree\":%d,\"could_not_run\":%d,\"wine_differs\":%d,\"recorded\":%d,"
      "\"exit_status\":%d}}\n",
      agree, disagree, cannot, wine, recorded, status);
}

// Exit 3: no socket or no interface. Said on stderr, and with --json also as an object on stdout,
// so that a bug report made with --json carries it.
int fatal(bool json, const std::string& why) {
  std::fprintf(stderr, "mcast-probe: %s\n", why.c_str());
  if (json)
    std::printf("{\"probe\":\"mcast-probe\",\"version\":%s,\"error\":%s,\"summary\":{\"exit_status\":3}}\n",
                json_string(version_text()).c_str(), json_string(why).c_str());
  return 3;
}

} // namespace

int main(int argc, char** argv) {
  std::string iface;
  bool json = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if ((a == "-i" || a == "--iface") && i + 1 < argc) {
      iface = argv[++i];
    } else if (a == "--json") {
      json = true;
    } else if (a == "--version") {
      std::printf("mcast-probe %s (%s)\n", version_text().c_str(), compiler_text().c_str());
      return 0;
    } else if (a == "-h" || a == "--help") {
      std::fputs(usage, stdout);
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
      if (ec) {
        std::error_code ec2;
        const auto a = mcast::make_address(iface, ec2);
        if (!ec2)
          nic = mcast::network_interface::from_address(a, ec);
        if (ec) {
          char* end = nullptr;
          const unsigned long n = std::strtoul(iface.c_str(), &end, 10);
          if (end && *end == '\0' && !iface.empty())
            nic = mcast::network_interface::from_index(static_cast<unsigned>(n), ec);
        }
      }
    } else {
      nic = mcast::network_interface::from_address(mcast::make_address("127.0.0.1"), ec);
    }
    if (ec)
      return fatal(json,
                   "no interface " + (iface.empty() ? std::string("with 127.0.0.1") : iface) + ": " + ec.message());
    // What the interface has: IPv4 (IP_* name it by address, or on Windows by 0.0.0.index), IPv6.
    std::string v6_text = "none";
    bool has_v6 = false;
    std::error_code lec;
    for (const auto& info : mcast::list_interfaces(lec))
      if (info.index == nic.index())
        for (const auto& a : info.addresses)
          if (a.is_v6() && (!has_v6 || v6_text.rfind("fe80:", 0) == 0)) { // a global one if it has one
            has_v6 = true;
            v6_text = a.to_string();
          }
    bool v6_socket = true;
    try {
      example::udp_socket probe6(mcast::family::v6);
    } catch (const std::exception&) {
      v6_socket = false;
    }
    header h;
    h.version = version_text();
    h.os = os_text();
    h.wine = wine_version() ? wine_version() : "no";
    h.igmp = igmp_text();
    h.mld = mld_text();
    h.compiler = compiler_text();
    h.iface = nic.to_string();
    h.iface_index = std::to_string(nic.index());
    h.iface_v4 = nic.has_ipv4_address() ? nic.ipv4_address().to_string() : "none";
    h.iface_v6 = v6_text;
    const bool ip_runs = nic.has_ipv4_address() || (mcast::detail::is_windows && nic.index() <= 0xffffff);
    h.ip_form = nic.has_ipv4_address() ? "by address " + nic.ipv4_address().to_string()
                : ip_runs              ? "by the index form 0.0.0." + std::to_string(nic.index())
                                       : "by address: none, so the IP_* rows cannot run";

    const env e4{nic,
                 mcast::family::v4,
                 mcast::make_group("239.255.90.1"),
                 mcast::make_group("232.255.90.1"),
                 mcast::make_source("192.0.2.1"),
                 mcast::make_source("192.0.2.2")};
    const env e6{nic,
                 mcast::family::v6,
                 mcast::make_group("ff15::90:1"),
                 mcast::make_group("ff35::90:1"),
                 mcast::make_source("2001:db8::1"),
                 mcast::make_source("2001:db8::2")};
    const env any4{mcast::network_interface::any(), e4.fam, e4.g, e4.gs, e4.s1, e4.s2};
    // Wine hands ip_mreq (and IP_MULTICAST_IF's value) to Linux, which reads 0.0.0.x as an address.
    const std::string no_v4 =
        !ip_runs ? "the interface has no IPv4 address (IP_* name it by address here)"
        : wine_version() && !nic.has_ipv4_address()
            ? "Wine differs: the interface has no IPv4 address and Wine cannot name it by the 0.0.0.x index form "
              "(Wine hands ip_mreq to Linux, which reads an address)"
            : "";
    const std::string no_v6 = !v6_socket ? "no IPv6 socket on this host"
                              : !has_v6  ? "the interface has no IPv6 address"
                                         : "";
    std::vector<result> all;
    run_table("IP_*", rows<true>(e4), e4, no_v4, all);
    run_table("MCAST_*", rows<false>(e4), e4, "", all);
    run_table("MCAST_*v6", rows<false>(e6), e6, no_v6, all);
    run_table("IPV6_*", ipv6_api_rows(e6), e6, no_v6, all);
    // any(): the same rules hold on the interface the stack picks (the double join, and a block
    // after the leave).
    auto pick = [](std::vector<row> r) {
      std::vector<row> out;
      for (auto& x : r)
        if (x.number == 1 || x.number == 5)
          out.push_back(std::move(x));
      return out;
    };
    run_table("any IP_*", pick(rows<true>(any4)), any4, "", all);
    run_table("any MCAST_*", pick(rows<false>(any4)), any4, "", all);
    filter_rows<mcast::api::protocol_independent>("GROUP_FILTER", e4, "", all);
    filter_rows<mcast::api::ipv4>("ip_msfilter", e4, no_v4, all);
    filter_rows<mcast::api::protocol_independent>("GROUP_FILTERv6", e6, no_v6, all);
    dual_stack_rows(e4, v6_socket, no_v4, all);
    multicast_if_rows(e4, all);
    packet_info_row("pktinfo 1", "IP_PKTINFO on a looped-back IPv4 datagram", mcast::family::v4, e4, false, no_v4, all);
    packet_info_row("pktinfo 2", "IPV6_PKTINFO on a looped-back IPv6 datagram", mcast::family::v6, e6, false, no_v6,
                    all);
    packet_info_row("pktinfo 3", "ipv6_recvpktinfo, IPv4 datagram on a dual-stack socket", mcast::family::v6, e4, true,
                    v6_socket ? no_v4 : "no IPv6 socket on this host", all);

    int agree = 0, disagree = 0, cannot = 0, wine = 0, recorded = 0;
    for (const auto& x : all)
      switch (x.v) {
      case verdict::agrees: ++agree; break;
      case verdict::disagrees: ++disagree; break;
      case verdict::could_not_run: ++cannot; break;
      case verdict::wine_differs: ++wine; break;
      case verdict::recorded: ++recorded; break;
      }
    const int status = disagree ? 1 : cannot + wine ? 4 : 0;
    if (json) {
      print_json(h, all, agree, disagree, cannot, wine, recorded, status);
    } else {
      print_text(h, all);
      std::printf("mcast-probe: %d rows agree, %d disagree, %d could not run, %d Wine differs, %d recorded (exit %d)\n",
                  agree, disagree, cannot, wine, recorded, status);
    }
    return status;
  } catch (const std::exception& ex) {
    return fatal(json, ex.what());
  }
}
