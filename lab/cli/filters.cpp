#include <cmath>
#include "lab/cli/filters.hpp"

#include <algorithm>
#include <charconv>
#include <limits>

#include "lab/cli/errors.hpp"
#include "lab/cli/text.hpp"

namespace smx::cli {
namespace {

std::string_view trim(std::string_view s) {
  const auto blank = [](char c) { return c == ' ' || c == '\t'; };
  while (!s.empty() && blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && blank(s.back())) s.remove_suffix(1);
  return s;
}

std::string bad_value(std::string_view value, std::string_view option, std::string_view expected) {
  return cat({"bad value ", quote(value), " for --", option, ": expected ", expected});
}

std::string valid_impl_names() {
  std::string names;
  for (const Impl& impl : all_impls()) names.append(names.empty() ? "" : ", ").append(impl.name);
  return names;
}

}  // namespace

std::vector<std::string> split_list(std::string_view value, std::string_view option) {
  std::vector<std::string> items;
  std::string_view rest = value;
  while (true) {
    const std::size_t comma = rest.find(',');
    const std::string_view item = trim(rest.substr(0, comma));
    if (item.empty()) throw UsageError(cat({"empty item in --", option, " list ", quote(value)}));
    items.emplace_back(item);
    if (comma == std::string_view::npos) return items;
    rest.remove_prefix(comma + 1);
  }
}

std::vector<Dtype> parse_dtypes(std::string_view value, bool allow_both) {
  const std::string_view expected = allow_both ? "f32, f64 or both" : "f32 or f64";
  bool f32 = false, f64 = false;
  for (const std::string& item : split_list(value, "dtype")) {
    if (item == "f32" || item == "float") f32 = true;
    else if (item == "f64" || item == "double") f64 = true;
    else if (allow_both && (item == "both" || item == "all")) f32 = f64 = true;
    else throw UsageError(bad_value(item, "dtype", expected));
  }
  if (f32 && f64 && !allow_both) throw UsageError(bad_value(value, "dtype", expected));
  std::vector<Dtype> out;
  if (f32) out.push_back(Dtype::f32);
  if (f64) out.push_back(Dtype::f64);
  return out;
}

double parse_temperature(std::string_view value) {
  const std::string text(value);
  char* end = nullptr;
  const double t = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != 0 || !(t > 0) || !std::isfinite(t))
    throw UsageError(bad_value(value, "temperature", "a finite number > 0"));
  return t;
}

std::vector<Op> parse_ops(const std::vector<std::string>& values) {
  std::string expected;
  for (const OpInfo& op : op_table) expected += cat({expected.empty() ? "" : ", ", op.name});
  std::vector<Op> out;
  for (const std::string& value : values)
    for (const std::string& item : split_list(value, "op")) {
      const std::optional<Op> op = op_named(item);
      if (!op) throw UsageError(bad_value(item, "op", expected));
      if (std::find(out.begin(), out.end(), *op) == out.end()) out.push_back(*op);
    }
  return out;
}

std::string_view to_string(Format f) {
  switch (f) {
    case Format::table: return "table";
    case Format::csv: return "csv";
    case Format::json: return "json";
    case Format::md: return "md";
  }
  return "?";
}

Format parse_format(std::string_view value, std::span<const Format> allowed) {
  for (const Format f : allowed)
    if (value == to_string(f)) return f;
  std::string expected;
  for (std::size_t i = 0; i < allowed.size(); ++i) {
    if (i > 0) expected += i + 1 == allowed.size() ? " or " : ", ";
    expected += to_string(allowed[i]);
  }
  throw UsageError(bad_value(value, "format", expected));
}

std::vector<ImplChoice> parse_impls(std::span<const std::string> values) {
  std::vector<ImplChoice> out;
  auto add = [&](const Impl& impl, bool named) {
    const auto seen = std::find_if(out.begin(), out.end(), [&](const ImplChoice& c) { return c.impl == &impl; });
    if (seen == out.end()) out.push_back({&impl, named});
    else seen->named = seen->named || named;
  };
  for (const std::string& value : values) {
    for (const std::string& item : split_list(value, "impl")) {
      if (item == "all" || item.ends_with('*')) {
        const std::string_view prefix = item == "all" ? std::string_view() : std::string_view(item).substr(0, item.size() - 1);
        bool any = false;
        for (const Impl& impl : all_impls()) {
          if (!impl.name.starts_with(prefix)) continue;
          add(impl, false);
          any = true;
        }
        if (!any) throw UsageError(cat({"no implementation matches ", quote(item), "; valid: ", valid_impl_names()}));
      } else if (const Impl* impl = find(item)) {
        add(*impl, true);
      } else {
        throw UsageError(cat({"unknown implementation ", quote(item), "; valid: ", valid_impl_names()}));
      }
    }
  }
  return out;
}

std::vector<const FamilyInfo*> parse_families(std::span<const std::string> values) {
  std::vector<const FamilyInfo*> out;
  const auto add = [&](const FamilyInfo* f) {
    if (std::find(out.begin(), out.end(), f) == out.end()) out.push_back(f);
  };
  for (const std::string& value : values)
    for (const std::string& name : split_list(value, "family")) {
      if (name == "all") {
        for (const FamilyInfo& f : all_families()) add(&f);
      } else if (const FamilyInfo* f = find_family(name)) {
        add(f);
      } else {
        std::string names;
        for (const FamilyInfo& f : all_families()) names += cat({names.empty() ? "" : ", ", f.name});
        throw UsageError(cat({"unknown family ", quote(name), " for --family (valid: ", names, ")"}));
      }
    }
  return out;
}

std::vector<std::size_t> parse_sizes(std::span<const std::string> values) {
  std::vector<std::size_t> out;
  for (const std::string& value : values) {
    for (const std::string& item : split_list(value, "n")) {
      std::size_t n = 0;
      const char* end = item.data() + item.size();
      const auto [ptr, ec] = std::from_chars(item.data(), end, n);
      unsigned shift = 0;
      if (ptr + 1 == end) shift = *ptr == 'k' || *ptr == 'K' ? 10 : *ptr == 'M' ? 20 : *ptr == 'G' ? 30 : 99;
      else if (ptr != end) shift = 99;
      if (ec != std::errc() || shift == 99 || n > (std::numeric_limits<std::size_t>::max() >> shift))
        throw UsageError(bad_value(item, "n", "a size like 1000 or 4k"));
      n <<= shift;
      if (std::find(out.begin(), out.end(), n) == out.end()) out.push_back(n);
    }
  }
  return out;
}

}  // namespace smx::cli
