#include "bench/bench_name.hpp"

#include <charconv>
#include <vector>

namespace smx {
namespace {

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  for (std::size_t start = 0;;) {
    const std::size_t end = s.find(sep, start);
    out.push_back(s.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) return out;
    start = end + 1;
  }
}

std::optional<std::size_t> whole_number(std::string_view text) {
  std::size_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return v;
}

// "n:123" with key "n" -> 123.
std::optional<std::size_t> keyed(std::string_view part, std::string_view key) {
  if (!part.starts_with(key) || part.size() <= key.size() || part[key.size()] != ':') return std::nullopt;
  return whole_number(part.substr(key.size() + 1));
}
}  // namespace

std::string bench_name(const BenchId& id) {
  switch (id.kind) {
    case BenchId::Kind::copy: return "probe/copy/" + std::to_string(id.n);
    case BenchId::Kind::exp: return "probe/exp/" + std::string(to_string(id.dtype)) + "/n:" + std::to_string(id.n);
    case BenchId::Kind::op: break;
  }
  std::string s = std::string(to_string(id.op)) + "/" + std::string(to_string(id.dtype)) + "/" + id.impl + "/" + id.family;
  if (id.rows) s += "/rows:" + std::to_string(id.rows);
  s += "/n:" + std::to_string(id.n);
  if (id.threads) s += "/threads:" + std::to_string(id.threads);
  if (id.ftz) s += "/ftz";
  return s;
}

std::optional<BenchId> parse_bench_name(std::string_view name) {
  const std::vector<std::string_view> p = split(name, '/');
  BenchId id;
  if (p.size() == 3 && p[0] == "probe" && p[1] == "copy") {
    const auto bytes = whole_number(p[2]);
    if (!bytes) return std::nullopt;
    id.kind = BenchId::Kind::copy;
    id.n = *bytes;
    return id;
  }
  if (p.size() == 4 && p[0] == "probe" && p[1] == "exp") {
    const auto d = dtype_named(p[2]);
    const auto n = keyed(p[3], "n");
    if (!d || !n) return std::nullopt;
    id.kind = BenchId::Kind::exp;
    id.dtype = *d;
    id.n = *n;
    return id;
  }
  if (p.size() < 5) return std::nullopt;
  const auto op = op_named(p[0]);
  const auto d = dtype_named(p[1]);
  if (!op || !d || p[2].empty() || p[3].empty()) return std::nullopt;
  id.op = *op;
  id.dtype = *d;
  id.impl = p[2];
  id.family = p[3];
  std::size_t i = 4;
  if (const auto rows = keyed(p[i], "rows")) id.rows = *rows, ++i;
  if (i == p.size()) return std::nullopt;
  const auto n = keyed(p[i++], "n");
  if (!n) return std::nullopt;
  id.n = *n;
  if (i < p.size()) {
    if (const auto t = keyed(p[i], "threads")) id.threads = static_cast<int>(*t), ++i;
  }
  if (i < p.size() && p[i] == "ftz") id.ftz = true, ++i;
  if (i != p.size()) return std::nullopt;
  return id;
}

}  // namespace smx
