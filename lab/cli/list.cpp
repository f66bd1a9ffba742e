// `softmax-lab list`: every registered implementation with its declared contract.
#include <algorithm>
#include <array>
#include <ostream>
#include <nlohmann/json.hpp>

#include "lab/cli/command.hpp"
#include "lab/cli/filters.hpp"
#include "lab/cli/text.hpp"
#include "lab/io/csv.hpp"

namespace smx::cli::commands {
namespace {

constexpr OptionSpec list_options[] = {
    {"impl", "NAME[,NAME...]", "only these implementations ('all', 'prefix*' allowed)"},
    {"dtype", "f32|f64|both", "only implementations providing this type (default: both)"},
    {"format", "table|json|csv", "output format (default: table)"},
};

constexpr std::array<Format, 3> list_formats{Format::table, Format::json, Format::csv};

std::string budget_text(const Impl& impl, Op op, Dtype d) {
  if (!impl.provides(op, d)) return "-";
  const UlpBudget& b = impl.declared(op, d).budget;
  return b.declared() ? describe(b) + " ulp" : "none";
}

std::vector<std::string_view> dtypes_of(const Impl& impl, Op op = Op::softmax) {
  std::vector<std::string_view> out;
  for (const DtypeInfo& d : dtype_table)
    if (impl.provides(op, d.dtype)) out.push_back(d.name);
  return out;
}

std::string join(const std::vector<std::string_view>& items, std::string_view sep) {
  std::string out;
  for (const auto item : items) out.append(out.empty() ? "" : sep).append(item);
  return out;
}

// JSON/CSV budget: the number, or nothing when the type is not provided or no claim is made.
const UlpBudget* budget_of(const Impl& impl, Dtype d, Op op = Op::softmax) {
  const UlpBudget& b = impl.declared(op, d).budget;
  return impl.provides(op, d) && b.declared() ? &b : nullptr;
}

// What the top-level fields show: softmax's declaration (f32's where the cells differ).
const Behaviour& softmax_behaviour(const Impl& impl) {
  const Dtype d = impl.provides(Op::softmax, Dtype::f32) ? Dtype::f32 : Dtype::f64;
  return impl.declared(Op::softmax, d).behaviour;
}

nlohmann::ordered_json budget_json(const UlpBudget& b) {
  if (!b.declared()) return nullptr;
  return {{"base", b.base}, {"per_element", b.per_element}, {"per_distance", b.per_distance},
          {"per_magnitude", b.per_magnitude}, {"floor", b.floor}};
}

nlohmann::ordered_json behaviour_json(const Behaviour& b) {
  return {{"all_neg_inf", to_string(b.special.all_neg_inf)},
          {"pos_inf", to_string(b.special.pos_inf)},
          {"nan_input", to_string(b.special.nan_input)},
          {"domain", to_string(b.domain)},
          {"subnormals", to_string(b.subnormals)},
          {"zero_at_neg_inf", b.consistency.zero_at_neg_inf},
          {"preserves_order", b.consistency.preserves_order},
          {"consistent_ties", b.consistency.consistent_ties},
          {"address_invariant", b.consistency.address_invariant}};
}

// Every (operation, element type) cell: provided or not, and what a provided one declares.
nlohmann::ordered_json kernels_json(const Impl& impl) {
  auto ops = nlohmann::ordered_json::object();
  for (const OpInfo& op : op_table) {
    auto types = nlohmann::ordered_json::object();
    for (const DtypeInfo& d : dtype_table) {
      if (!impl.provides(op.op, d.dtype)) {
        types[d.name] = nullptr;
        continue;
      }
      const auto [budget, behaviour] = impl.declared(op.op, d.dtype);
      types[d.name] = {{"budget", budget_json(budget)}, {"behaviour", behaviour_json(behaviour)}};
    }
    ops[op.name] = types;
  }
  return ops;
}

// "f32 f64", or "-" where the implementation has no kernel for the operation.
std::string cells_text(const Impl& impl, Op op) {
  const std::string types = join(dtypes_of(impl, op), " ");
  return types.empty() ? "-" : types;
}

void write_table(const std::vector<const Impl*>& impls, std::ostream& out) {
  using A = Table::Align;
  Table t({A::left, A::left, A::left, A::left, A::left, A::left, A::left, A::left, A::left, A::left, A::left, A::left});
  t.add({"name", "role", "dtypes", "budget f32", "budget f64", "all -inf", "+inf", "NaN", "domain", "subnormals",
         "available", "summary"});
  for (const Impl* impl : impls) {
    const Behaviour& b = softmax_behaviour(*impl);
    t.add({std::string(impl->name), std::string(to_string(impl->role)), join(dtypes_of(*impl), " "),
           budget_text(*impl, Op::softmax, Dtype::f32), budget_text(*impl, Op::softmax, Dtype::f64),
           std::string(to_string(b.special.all_neg_inf)), std::string(to_string(b.special.pos_inf)),
           std::string(to_string(b.special.nan_input)), std::string(to_string(b.domain)),
           std::string(to_string(b.subnormals)), impl->available() ? "yes" : "no", std::string(impl->summary)});
  }
  t.write(out);
  out << "\nbudget: softmax's max ulp error claimed for output i of a row of n values, x−max = x_i minus the\n"
         "row max (outputs ≥ F: no claim for outputs whose exact value is below F; none: no claim;\n"
         "-: type not provided).\n\n";

  // The kernel table: which (operation, element type) cells each one provides.
  std::vector<Table::Align> align(1 + op_table.size(), A::left);
  Table cells(align);
  std::vector<std::string> header{"kernels"};
  for (const OpInfo& op : op_table) header.emplace_back(op.name);
  cells.add(header);
  for (const Impl* impl : impls) {
    std::vector<std::string> row{std::string(impl->name)};
    for (const OpInfo& op : op_table) row.push_back(cells_text(*impl, op.op));
    cells.add(row);
  }
  cells.write(out);
  out << "\nkernels: the element types each operation is provided in (-: none yet).\n";
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
    });
    // Softmax's declaration at the top level, as before the kernel table existed.
    nlohmann::ordered_json& entry = array.back();
    entry.update(behaviour_json(softmax_behaviour(*impl)));
    entry["role"] = to_string(impl->role);
    entry["parent"] = impl->parent.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(impl->parent);
    entry["kernels"] = kernels_json(*impl);
  }
  // Replace, not throw, on invalid UTF-8: a summary typo must not abort `list`.
  out << array.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << '\n';
}

void write_csv(const std::vector<const Impl*>& impls, std::ostream& out) {
  out << "name,summary,dtypes,budget_f32,budget_per_element_f32,budget_f64,budget_per_element_f64,"
         "all_neg_inf,pos_inf,nan_input,domain,subnormals,available,role\n";
  for (const Impl* impl : impls) {
    std::string line = cat({csv_field(impl->name), ",", csv_field(impl->summary), ",", join(dtypes_of(*impl), " ")});
    for (const Dtype d : {Dtype::f32, Dtype::f64}) {
      const UlpBudget* b = budget_of(*impl, d);
      line += cat({",", b ? shortest(b->base) : "", ",", b ? shortest(b->per_element) : ""});
    }
    const Behaviour& b = softmax_behaviour(*impl);
    line += cat({",", csv_field(to_string(b.special.all_neg_inf)), ",", csv_field(to_string(b.special.pos_inf)), ",",
                 csv_field(to_string(b.special.nan_input)), ",", csv_field(to_string(b.domain)), ",",
                 csv_field(to_string(b.subnormals)), ",", impl->available() ? "true" : "false", ",",
                 csv_field(to_string(impl->role))});
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
    return std::none_of(dtypes.begin(), dtypes.end(), [&](Dtype d) { return impl->provides(Op::softmax, d); });
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
          "zero_at_neg_inf, preserves_order, consistent_ties, address_invariant\n"
          "(softmax's declaration), then role, parent (the kernel an ISA path\n"
          "belongs to, else null) and kernels: {operation: {dtype: null (not\n"
          "provided) or {budget, behaviour}}} for every operation and element type.\n"
          "csv: the softmax fields and the role, one implementation per line,\n"
          "empty for null.\n",
      .options = list_options,
      .max_positionals = 0,
      .run = run_list,
  };
}

}  // namespace smx::cli::commands
