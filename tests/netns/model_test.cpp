// Model-based random testing against the kernel, in the test namespace.
//
// A reference model of the per-(socket, interface, group) state machine (detail/rule_table.hpp: none,
// any-source with a blocked set, source-specific with an included set) is driven alongside the
// real thing: random operations over several sockets, groups and sources, IPv4, IPv6 and IPv4 on
// dual-stack IPv6 sockets, each call on lo or on any() (which leads to lo here), through
// every handle type and through raw apply_sequence. After every step, for every (socket, group):
//   model state == libc getsourcefilter (an oracle independent of the library) == the library's view,
// and every error returned == the errc the model expects.
//
//   MCAST_MODEL_SEED=<n>        the seed (default fixed; printed either way)
//   MCAST_MODEL_SEQUENCES=<n>   how many sequences (default 10000)
// Reproduce any run: MCAST_MODEL_SEED=<seed> mcast_netns_tests "[model]"
#include "catch.hpp"
#include "support/net.hpp"

#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <sstream>

using namespace mcast_test;
using mcast::errc;
using mcast::filter_mode;
namespace o = mcast::option;

namespace {

enum class kind { none, any, src };

struct model_state {
  kind k = kind::none;
  std::set<std::string> sources; // blocked (any) or included (src)
  bool operator==(const model_state& b) const { return k == b.k && sources == b.sources; }
};

std::string describe(const model_state& m) {
  std::ostringstream os;
  os << (m.k == kind::none ? "none" : m.k == kind::any ? "EX{" : "IN{");
  for (const auto& s : m.sources)
    os << " " << s;
  if (m.k != kind::none)
    os << " }";
  return os.str();
}

// What one (socket, group) holds on the library side: at most one membership handle (of any
// kind and API) and its children.
template <class Api> struct holder {
  using api = Api;
  std::optional<mcast::any_source_membership<Api>> any;
  std::map<std::string, mcast::blocked_source<Api>> blocked;
  std::optional<mcast::source_membership<Api>> src;
  std::map<std::string, mcast::included_source<Api>> included;
  std::optional<mcast::filtered_membership<Api>> filtered;
  void clear() {
    blocked.clear();
    included.clear();
    any.reset();
    src.reset();
    filtered.reset();
  }
};

struct cell {
  model_state model;
  holder<mcast::api::protocol_independent> pi;
  holder<mcast::api::ipv4> v4;
  holder<mcast::api::ipv6> v6;
};

class world {
public:
  // `dual`: the sockets are dual-stack IPv6 sockets (IPV6_V6ONLY off) and the groups IPv4.
  world(mcast::family f, std::mt19937& rng, bool dual = false) : f_(f), rng_(rng) {
    for (int i = 0; i < 2; ++i) {
      std::uint16_t port = 0;
      sockets_.push_back(dual ? udp_dual_receiver(port) : udp_receiver(f, port));
    }
    groups_.push_back(fresh_group(f));
    groups_.push_back(fresh_group(f, true));
    for (int i = 2; i <= 5; ++i)
      sources_.push_back(mcast::make_source(f == mcast::family::v4 ? "127.0.0." + std::to_string(i)
                                                                   : "2001:db8::" + std::to_string(i)));
    cells_.resize(sockets_.size() * groups_.size());
  }

  // One random step; returns a description, or throws on divergence (Catch reports it).
  void step(std::vector<std::string>& log) {
    const std::size_t si = pick(sockets_.size()), gi = pick(groups_.size());
    cell& c = cells_[si * groups_.size() + gi];
    const int api =
        f_ == mcast::family::v4 ? static_cast<int>(pick(2)) : (pick(4) == 0 ? 2 : 0); // 0 MCAST_*, 1 IP_*, 2 IPV6_*
    const auto& s = sources_[pick(sources_.size())];
    const std::string st = s.to_string();
    std::error_code ec;
    errc want{};
    std::ostringstream what;
    what << "socket " << si << " group " << groups_[gi].to_string() << ": ";
    const int op = static_cast<int>(pick(12));
    // Each call names lo or any() (which the stack resolves to lo here): the rules must not care.
    const mcast::network_interface& nic = pick(2) ? lo_ : any_;

    switch (op) {
    case 0: { // any-source join (a second handle on a held cell must be refused)
      what << "join_group api " << api;
      want = c.model.k == kind::none ? errc{} : errc::already_joined;
      if (api == 0)
        keep(c.pi.any, mcast::join_group(sock(si), groups_[gi], nic, ec), ec, want, what.str(), log);
      else if (api == 1)
        keep(c.v4.any, mcast::join_group<mcast::api::ipv4>(sock(si), groups_[gi], nic, ec), ec, want, what.str(), log);
      else
        keep(c.v6.any, mcast::join_group<mcast::api::ipv6>(sock(si), groups_[gi], nic, ec), ec, want, what.str(), log);
      if (!ec)
        c.model = {kind::any, {}};
      return;
    }
    case 1: { // source-specific join
      what << "join_source_group " << st << " api " << api;
      want = c.model.k == kind::none ? errc{} : errc::already_joined;
      if (api == 1)
        keep(c.v4.src, mcast::join_source_group<mcast::api::ipv4>(sock(si), groups_[gi], s, nic, ec), ec, want,
             what.str(), log);
      else
        keep(c.pi.src, mcast::join_source_group(sock(si), groups_[gi], s, nic, ec), ec, want, what.str(), log);
      if (!ec)
        c.model = {kind::src, {st}};
      return;
    }
    case 2: { // final-state join
      const auto mode = pick(2) ? filter_mode::include : filter_mode::exclude;
      std::vector<mcast::source> list = random_sources();
      what << "join_with_filter " << (mode == filter_mode::include ? "IN " : "EX ") << list.size() << " api " << api;
      const bool nothing = mode == filter_mode::include && list.empty(); // INCLUDE {}: no membership, no call
      want = c.model.k == kind::none || nothing ? errc{} : errc::already_joined;
      if (api == 1)
        keep(c.v4.filtered, mcast::join_with_filter<mcast::api::ipv4>(sock(si), groups_[gi], nic, mode, list, ec), ec,
             want, what.str(), log);
      else
        keep(c.pi.filtered, mcast::join_with_filter(sock(si), groups_[gi], nic, mode, list, ec), ec, want, what.str(),
             log);
      if (!ec && !nothing)
        c.model = {mode == filter_mode::include ? kind::src : kind::any, texts_of(list)};
      return;
    }
    case 3: // block through the any-source handle
      what << "block " << st;
      return with_any(c, [&](auto& h) {
        auto& m = *h.any;
        want = !m.joined() ? errc::not_joined : c.model.sources.count(st) ? errc::source_already_present : errc{};
        auto b = m.block(s, ec);
        expect(ec, want, what.str(), log);
        if (!ec) {
          h.blocked.emplace(st, std::move(b));
          c.model.sources.insert(st);
        }
      });
    case 4: // unblock one (explicitly, or by destroying its handle)
      what << "unblock";
      return with_any(c, [&](auto& h) {
        if (h.blocked.empty())
          return;
        auto it = h.blocked.begin();
        std::advance(it, static_cast<long>(pick(h.blocked.size())));
        what << " " << it->first;
        if (pick(2))
          it->second.unblock(ec);
        expect(ec, errc{}, what.str(), log);
        c.model.sources.erase(it->first);
        h.blocked.erase(it);
      });
    case 5: // include through the source handle
      what << "include " << st;
      return with_src(c, [&](auto& h) {
        want = c.model.sources.count(st) ? errc::source_already_present : errc{};
        auto i = h.src->include(s, ec);
        expect(ec, want, what.str(), log);
        if (!ec) {
          h.included.emplace(st, std::move(i));
          c.model.sources.insert(st);
        }
      });
    case 6: // drop one included source
      what << "drop";
      return with_src(c, [&](auto& h) {
        if (h.included.empty())
          return;
        auto it = h.included.begin();
        std::advance(it, static_cast<long>(pick(h.included.size())));
        what << " " << it->first;
        if (pick(2))
          it->second.drop(ec);
        expect(ec, errc{}, what.str(), log);
        c.model.sources.erase(it->first);
        h.included.erase(it);
      });
    case 7: { // replace a filtered membership's list
      const auto mode = pick(2) ? filter_mode::include : filter_mode::exclude;
      std::vector<mcast::source> list = random_sources();
      what << "set " << (mode == filter_mode::include ? "IN " : "EX ") << list.size();
      return with_filtered(c, [&](auto& h) {
        h.filtered->set(mode, list, ec);
        expect(ec, errc{}, what.str(), log);
        if (mode == filter_mode::include && list.empty())
          c.model = {};
        else
          c.model = {mode == filter_mode::include ? kind::src : kind::any, texts_of(list)};
      });
    }
    case 8: // leave (explicitly or by destruction)
      what << "leave";
      if (!has_handle(c))
        return;
      for_each_holder(c, [&](auto& h) {
        if (pick(2)) {
          if (h.any)
            h.any->leave(ec);
          if (h.src)
            h.src->leave(ec);
          if (h.filtered)
            h.filtered->leave(ec);
          expect(ec, errc{}, what.str(), log);
        }
        h.clear();
      });
      c.model = {};
      return;
    case 9: { // raw joins against whatever is there (the Linux divergences must be refused)
      what << "apply_sequence(join_source_group " << st << ", leave_source_group)";
      want = c.model.k == kind::none ? errc{} : errc::already_joined;
      mcast::apply_sequence(sock(si), ec, o::join_source_group{groups_[gi], s, nic},
                            o::leave_source_group{groups_[gi], s, nic});
      expect(ec, want, what.str(), log);
      return; // on success the sequence ends with no membership
    }
    case 10: { // a raw any-source sequence
      what << "apply_sequence(join_group, block " << st << ", unblock, leave_group)";
      want = c.model.k == kind::none ? errc{} : errc::already_joined;
      if (api == 1)
        mcast::apply_sequence(sock(si), ec, o::ip_add_membership{groups_[gi], nic},
                              o::ip_block_source{groups_[gi], s, nic}, o::ip_unblock_source{groups_[gi], s, nic},
                              o::ip_drop_membership{groups_[gi], nic});
      else
        mcast::apply_sequence(sock(si), ec, o::join_group{groups_[gi], nic}, o::block_source{groups_[gi], s, nic},
                              o::unblock_source{groups_[gi], s, nic}, o::leave_group{groups_[gi], nic});
      expect(ec, want, what.str(), log);
      return;
    }
    default: { // a sequence that depends on the source values: refused before any call
      what << "apply_sequence(join_group, block " << st << ", block " << st << ")";
      mcast::apply_sequence(sock(si), ec, o::join_group{groups_[gi], nic}, o::block_source{groups_[gi], s, nic},
                            o::block_source{groups_[gi], s, nic});
      expect(ec, errc::source_already_present, what.str(), log);
      return;
    }
    }
  }

  // model == getsourcefilter == the library's view, for every cell.
  void verify(const std::vector<std::string>& log) {
    for (std::size_t si = 0; si < sockets_.size(); ++si)
      for (std::size_t gi = 0; gi < groups_.size(); ++gi) {
        cell& c = cells_[si * groups_.size() + gi];
        const auto k = libc_filter(sockets_[si].get(), groups_[gi], lo_.index());
        model_state kernel;
        if (k.error == 0)
          kernel = {k.include ? kind::src : kind::any, {k.sources.begin(), k.sources.end()}};
        model_state lib = library_view(c);
        if (!(kernel == c.model) || !(lib == c.model)) {
          std::ostringstream os;
          os << "divergence on socket " << si << " group " << groups_[gi].to_string() << ": model " << describe(c.model)
             << ", kernel " << describe(kernel) << " (errno " << k.error << "), library " << describe(lib)
             << "\nsteps:\n";
          for (const auto& l : log)
            os << "  " << l << "\n";
          FAIL(os.str());
        }
      }
  }

  void reset() {
    for (auto& c : cells_) {
      for_each_holder(c, [](auto& h) { h.clear(); });
      c.model = {};
    }
  }

  std::size_t steps = 0;

private:
  std::size_t pick(std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_); }
  int sock(std::size_t i) const { return sockets_[i].get(); }

  std::vector<mcast::source> random_sources() {
    std::vector<mcast::source> out;
    for (const auto& s : sources_)
      if (pick(3) == 0)
        out.push_back(s);
    return out;
  }
  static std::set<std::string> texts_of(const std::vector<mcast::source>& l) {
    std::set<std::string> out;
    for (const auto& s : l)
      out.insert(s.to_string());
    return out;
  }

  void expect(const std::error_code& ec, errc want, const std::string& what, std::vector<std::string>& log) {
    log.push_back(what + " -> " + (ec ? ec.message() : "ok"));
    ++steps;
    const bool ok = want == errc{} ? !ec : ec == want;
    if (!ok) {
      std::ostringstream os;
      os << "error divergence: " << what << ": got '" << (ec ? ec.message() : "ok") << "', model expects '"
         << (want == errc{} ? "ok" : mcast::make_error_code(want).message()) << "'\nsteps:\n";
      for (const auto& l : log)
        os << "  " << l << "\n";
      FAIL(os.str());
    }
  }

  // Keeps a newly made handle if it joined (and the cell held none); checks the error either way.
  template <class H>
  void keep(std::optional<H>& slot, H&& made, const std::error_code& ec, errc want, const std::string& what,
            std::vector<std::string>& log) {
    expect(ec, want, what, log);
    if (!ec && made.joined())
      slot.emplace(std::move(made));
  }

  template <class F> static void for_each_holder(cell& c, F&& f) {
    f(c.pi);
    f(c.v4);
    f(c.v6);
  }
  static bool has_handle(cell& c) {
    bool any = false;
    for_each_holder(c, [&](auto& h) {
      any = any || (h.any && h.any->joined()) || (h.src && h.src->joined()) || (h.filtered && h.filtered->joined());
    });
    return any;
  }
  template <class F> void with_any(cell& c, F&& f) {
    if (c.pi.any && c.pi.any->joined())
      f(c.pi);
    else if (c.v4.any && c.v4.any->joined())
      f(c.v4);
  }
  template <class F> void with_src(cell& c, F&& f) {
    if (c.pi.src && c.pi.src->joined())
      f(c.pi);
    else if (c.v4.src && c.v4.src->joined())
      f(c.v4);
  }
  template <class F> void with_filtered(cell& c, F&& f) {
    if (c.pi.filtered && c.pi.filtered->joined())
      f(c.pi);
    else if (c.v4.filtered && c.v4.filtered->joined())
      f(c.v4);
  }

  model_state library_view(cell& c) {
    model_state v;
    for_each_holder(c, [&](auto& h) {
      if (h.any && h.any->joined()) {
        v.k = kind::any;
        for (auto& [s, b] : h.blocked)
          if (b.active())
            v.sources.insert(s);
      }
      if (h.src && h.src->joined()) {
        v.k = kind::src;
        v.sources.insert(h.src->source().to_string());
        for (auto& [s, i] : h.included)
          if (i.active())
            v.sources.insert(s);
      }
      using H = std::decay_t<decltype(h)>;
      if constexpr (mcast::detail::api_has_sources<typename H::api>) {
        if (h.filtered && h.filtered->joined()) {
          std::error_code ec;
          const auto f = h.filtered->filter(ec);
          if (!ec) {
            v.k = f.mode == filter_mode::include ? kind::src : kind::any;
            for (const auto& s : f.sources)
              v.sources.insert(s.to_string());
          }
        }
      }
    });
    return v;
  }

  mcast::family f_;
  std::mt19937& rng_;
  std::vector<socket_fd> sockets_;
  std::vector<mcast::group> groups_;
  std::vector<mcast::source> sources_;
  mcast::network_interface lo_ = mcast::network_interface::from_name("lo");
  mcast::network_interface any_ = mcast::network_interface::any();
  std::vector<cell> cells_;
};

unsigned long env_number(const char* name, unsigned long fallback) {
  const char* v = std::getenv(name);
  return v ? std::strtoul(v, nullptr, 10) : fallback;
}

} // namespace

TEST_CASE("random operation sequences agree with the model, the kernel and the library", "[netns][model]") {
  const unsigned long seed = env_number("MCAST_MODEL_SEED", 20261127);
  const unsigned long sequences = env_number("MCAST_MODEL_SEQUENCES", 10000);
  std::mt19937 rng(static_cast<std::mt19937::result_type>(seed));
  world v4(mcast::family::v4, rng);
  world v6(mcast::family::v6, rng);
  world dual(mcast::family::v4, rng, true); // IPv4 groups on dual-stack IPv6 sockets
  for (unsigned long n = 0; n < sequences; ++n) {
    world& w = (n % 3 == 0) ? v4 : (n % 3 == 1) ? v6 : dual;
    std::vector<std::string> log;
    const int length = 4 + static_cast<int>(n % 9);
    for (int i = 0; i < length; ++i) {
      w.step(log);
      w.verify(log);
    }
    w.reset(); // every handle goes: nothing may stay joined
    w.verify(log);
  }
  std::printf("model: seed %lu, %lu sequences, %zu operations, 0 divergences "
              "(reproduce: MCAST_MODEL_SEED=%lu mcast_netns_tests \"[model]\")\n",
              seed, sequences, v4.steps + v6.steps + dual.steps, seed);
  CHECK(v4.steps + v6.steps + dual.steps > sequences * 4);
}
