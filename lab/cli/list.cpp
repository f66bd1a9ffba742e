// `softmax-lab list`: every registered implementation with its declared contract.
#include <algorithm>
#include <array>
#include <ostream>
#include <nlohmann/json.hpp>

#include "lab/cli/command.hpp"
#include "lab/cli/filters.hpp"
#include "lab/cli/text.hpp"
#include "lab/csv.hpp"

namespace smx::cli::commands {
namespace {

constexpr OptionSpec list_options[] = {
    {"impl", "NAME[,NAME...]", "only these implementations ('all', 'prefix*' allowed)"},
    {"dtype", "f32|f64|both", "only implementations providing this type (default: both)"},
    {"format", "table|json|csv", "output format (default: table)"},
};

constexpr std::array<Format, 3> list_formats{Format::table, Format::json, Format::csv};

std::string budget_text(const Impl& impl, Dtype d) {
  if (!impl.provides(d)) return "-";
  const UlpBudget& b = d == Dtype::f32 ? impl.budget.f32 : impl.budget.f64;
  return b.declared() ? describe(b) + " ulp" : "none";
}

std::vector<std::string_view> dtypes_of(const Impl& impl) {
  std::vector<std::string_view> out;
  for (const Dtype d : {Dtype::f32, Dtype::f64})
    if (impl.provides(d)) out.push_back(to_string(d));
  return out;
}

std::string join(const std::vector<std::string_view>& items, std::string_view sep) {
  std::string out;
  for (const auto item : items) out.append(out.empty() ? "" : sep).append(item);
  return out;
}

// JSON/CSV budget: the number, or nothing when the type is not provided or no claim is made.
const UlpBudget* budget_of(const Impl& impl, Dtype d) {
  const UlpBudget& b = d == Dtype::f32 ? impl.budget.f32 : impl.budget.f64;
  return impl.provides(d) && b.declared() ? &b : nullptr;
}

void write_table(const std::vector<const Impl*>& impls, std::ostream& out) {
  using A = Table::Align;
  Table t({A::left, A::left, A::left, A::left, A::left, A::left, A::left, A::left, A::left, A::left, A::left});
  t.add({"name", "dtypes", "budget f32", "budget f64", "all -inf", "+inf", "NaN", "domain", "subnormals", "available",
         "summary"});
  for (const Impl* impl : impls)
    t.add({std::string(impl->name), join(dtypes_of(*impl), " "), budget_text(*impl, Dtype::f32),
           budget_text(*impl, Dtype::f64), std::string(to_string(impl->all_neg_inf)), std::string(to_string(impl->pos_inf)),
           std::string(to_string(impl->nan_input)), std::string(to_string(impl->domain)), std::string(to_string(impl->subnormals)),
           impl->available() ? "yes" : "no", std::string(impl->summary)});
  t.write(out);
  out << "\nbudget: max ulp error claimed for output i of a row of n values, x−max = x_i minus the row max\n"
         "(outputs ≥ F: no claim for outputs whose exact value is below F; none: no claim;\n"
         "-: type not provided).\n";
}

void write_json(const std::vector<const Impl*>& impls, std::ostream& out) {
  auto array = nlohmann::ordered_json::array();
  for (const Impl* impl : impls) {
    nlohmann::ordered_json base, per_element, per_distance, per_magnitude, floor;
    for (const Dtype d : {Dtype::f32, Dtype::f64}) {
      const UlpBudget* b = budget_of(*impl, d);
      const auto field = [&](double v) { return b ? nlohmann::ordered_json(v) : nlohmann::ordered_json(nullptr); };
      base[to_string(d)] = field(b ? b->base : 0);
      per_element[to_string(d)] = field(b ? b->per_element : 0);
      per_distance[to_string(d)] = field(b ? b->per_distance : 0);
      per_magnitude[to_string(d)] = field(b ? b->per_magnitude : 0);
      floor[to_string(d)] = field(b ? b->floor : 0);
    }
    array.push_back({
        {"name", impl->name},
        {"summary", impl->summary},
        {"available", impl->available()},
        {"dtypes", dtypes_of(*impl)},
        {"budget", base},
        {"budget_per_element", per_element},
        {"budget_per_distance", per_distance},
        {"budget_per_magnitude", per_magnitude},
        {"budget_floor", floor},
        {"all_neg_inf", to_string(impl->all_neg_inf)},
        {"pos_inf", to_string(impl->pos_inf)},
        {"nan_input", to_string(impl->nan_input)},
        {"domain", to_string(impl->domain)},
        {"subnormals", to_string(impl->subnormals)},
        {"zero_at_neg_inf", impl->zero_at_neg_inf},
        {"preserves_order", impl->preserves_order},
        {"consistent_ties", impl->consistent_ties},
        {"address_invariant", impl->address_invariant},
    });
  }
  // Replace, not throw, on invalid UTF-8: a summary typo must not abort `list`.
  out << array.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << '\n';
}

void write_csv(const std::vector<const Impl*>& impls, std::ostream& out) {
  out << "name,summary,dtypes,budget_f32,budget_per_element_f32,budget_f64,budget_per_element_f64,"
         "all_neg_inf,pos_inf,nan_input,domain,subnormals,available\n";
  for (const Impl* impl : impls) {
    std::string line = cat({csv_field(impl->name), ",", csv_field(impl->summary), ",", join(dtypes_of(*impl), " ")});
    for (const Dtype d : {Dtype::f32, Dtype::f64}) {
      const UlpBudget* b = budget_of(*impl, d);
      line += cat({",", b ? shortest(b->base) : "", ",", b ? shortest(b->per_element) : ""});
    }
    line += cat({",", csv_field(to_string(impl->all_neg_inf)), ",", csv_field(to_string(impl->pos_inf)), ",",
                 csv_field(to_string(impl->nan_input)), ",", csv_field(to_string(impl->domain)), ",", csv_field(to_string(impl->subnormals)), ",",
                 impl->available() ? "true" : "false"});
    out << line << '\n';
  }
}

int run_list(const Args& args, Io& io) {
  const Format format = parse_format(args.last("format").value_or("table"), list_formats);
  const auto dtypes = parse_dtypes(args.last("dtype").value_or("both"), true);

  std::vector<const Impl*> impls;
  if (args.has("impl")) {
    for (const ImplChoice& c : parse_impls(args.all("impl"))) impls.push_back(c.impl);
  } else {
    for (const Impl& impl : all_impls()) impls.push_back(&impl);
  }
  std::erase_if(impls, [&](const Impl* impl) {
    return std::none_of(dtypes.begin(), dtypes.end(), [&](Dtype d) { return impl->provides(d); });
  });

  switch (format) {
    case Format::table: write_table(impls, io.out); break;
    case Format::json: write_json(impls, io.out); break;
    case Format::csv: write_csv(impls, io.out); break;
    case Format::md: break;  // not offered by list (parse_format rejects it)
  }
  return 0;
}

}  // namespace

Command list() {
  return {
      .name = "list",
      .summary = "the implementations: types, declared budgets, special-value policies",
      .synopsis = "list [options]",
      .description =
          "Lists every registered implementation: the types it provides, the ulp\n"
          "error budget it declares per type (base + per_element·n for a row of n\n"
          "values; \"none\" when it makes no claim), what it gives for a row of all\n"
          "-inf (nan, zeros, uniform or -inf), for +inf entries (nan row, the limit,\n"
          "nan at +inf or -inf) and for a NaN entry (nan row, nan at nan or -inf),\n"
          "the inputs its budget is claimed for (all finite, or only rows whose\n"
          "exponentials stay in range), what it does with outputs below the normal\n"
          "range (kept, flushed to 0, or unclaimed), and whether this CPU can run\n"
          "it.\n"
          "\n"
          "json: an array of objects with name, summary, available, dtypes,\n"
          "budget, budget_per_element, budget_per_distance, budget_per_magnitude\n"
          "and budget_floor, each {f32, f64} (null: type not provided or no\n"
          "claim), all_neg_inf, pos_inf, nan_input, domain, subnormals,\n"
          "zero_at_neg_inf, preserves_order, consistent_ties, address_invariant.\n"
          "csv: the same fields, one implementation per line, empty for null.\n",
      .options = list_options,
      .max_positionals = 0,
      .run = run_list,
  };
}

}  // namespace smx::cli::commands
