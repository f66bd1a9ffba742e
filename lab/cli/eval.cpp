// `softmax-lab eval`: rows in, every implementation's output of one operation
// out, beside the correctly rounded reference and the ulp error of each output.
#include <algorithm>
#include <array>
#include <charconv>
#include <optional>
#include <cmath>
#include <cstdio>
#include <limits>
#include <ostream>
#include <span>
#include <sstream>

#include "lab/cli/command.hpp"
#include "lab/cli/errors.hpp"
#include "lab/cli/eval_input.hpp"
#include "lab/cli/filters.hpp"
#include "lab/cli/text.hpp"
#include "lab/io/csv.hpp"
#include "lab/contract_check.hpp"
#include "lab/ops/op_check.hpp"
#include "reference/metrics.hpp"

namespace smx::cli::commands {
namespace {

constexpr OptionSpec eval_options[] = {
    {"impl", "NAME[,NAME...]",
     "implementations to run ('all', 'prefix*' allowed; repeatable)\n"
     "(default: every one that provides the type and runs on this CPU)"},
    {"dtype", "f32|f64|both", "type the rows are parsed to and computed in (default: f32; both: f32, then f64)"},
    {"op", "OP", "softmax (default), log_softmax, cross_entropy, cross_entropy_grad or softmax_backward"},
    {"target", "J", "cross_entropy, cross_entropy_grad: the target class, counted from 1 (required)"},
    {"temperature", "T", "softmax, log_softmax: of x / T (T > 0, default 1; see below)"},
    {"format", "table|csv", "output format (default: table)"},
    {"file", "PATH", "read rows from PATH (repeatable)"},
};

constexpr std::array<Format, 2> eval_formats{Format::table, Format::csv};

// What eval shows of an operation: the kernel's operation, and which of its
// outputs (lab/ops/op_case.hpp's layout) are shown: cross_entropy the loss
// alone, cross_entropy_grad the gradient.
struct EvalOp {
  std::string_view name;
  Op op;
  bool needs_target;
};
constexpr EvalOp eval_ops[] = {
    {"softmax", Op::softmax, false},
    {"log_softmax", Op::log_softmax, false},
    {"cross_entropy", Op::cross_entropy, true},
    {"cross_entropy_grad", Op::cross_entropy, true},
    {"softmax_backward", Op::softmax_backward, false},
};

const EvalOp& parse_eval_op(std::string_view name) {
  for (const EvalOp& e : eval_ops)
    if (e.name == name) return e;
  std::string valid;
  for (const EvalOp& e : eval_ops) valid += cat({valid.empty() ? "" : ", ", e.name});
  throw UsageError(cat({"--op: unknown operation ", quote(name), " (expected ", valid, ")"}));
}

// One shown element: its output index, and its column (1-based input index).
struct Shown {
  std::size_t output, col;
};

template <class T>
std::vector<Shown> shown_elements(const EvalOp& e, const OpCase<T>& c) {
  std::vector<Shown> out;
  if (e.op == Op::cross_entropy && e.name == "cross_entropy") return {{0, c.target + 1}};
  const std::size_t first = e.op == Op::cross_entropy ? 1 : 0;
  for (std::size_t i = 0; i < c.x.size(); ++i) out.push_back({first + i, i + 1});
  return out;
}

// One implementation's answer for one row.
template <class T>
struct Output {
  const Impl* impl;
  std::vector<T> y;
  std::vector<double> ulp;  // NaN where the reference is NaN (no ulp number)
};

template <class T>
struct Evaluated {
  OpCase<T> input;
  OpExpected<T> ref;
  std::vector<Output<T>> outputs;
};

template <class T>
Evaluated<T> evaluate(OpCase<T> c, const std::vector<const Impl*>& impls) {
  Evaluated<T> e{std::move(c), {}, {}};
  e.ref = expected_op<T>(e.input);
  const std::size_t m = e.ref.rounded.size();
  for (const Impl* impl : impls) {
    // run_op reads its own copy of the input and writes out of place; y
    // starts NaN so an unwritten output shows.
    Output<T> o{impl, std::vector<T>(m, std::numeric_limits<T>::quiet_NaN()), std::vector<double>(m)};
    run_op<T>(*impl, e.input, o.y);
    for (std::size_t i = 0; i < m; ++i)
      o.ulp[i] = std::isnan(e.ref.exact[i]) ? std::numeric_limits<double>::quiet_NaN()
                                            : metrics::ulp_error<T>(o.y[i], e.ref.exact[i]);
    e.outputs.push_back(std::move(o));
  }
  return e;
}

// The verdict the conformance tests and the accuracy report give: "ok",
// "FAIL" (with what broke) or "no claim".
template <class T>
std::pair<std::string_view, std::string> verdict(const Impl& impl, const Evaluated<T>& e, const std::vector<T>& y) {
  const auto text = [](bool ok, bool applies) -> std::string_view { return !ok ? "FAIL" : applies ? "ok" : "no claim"; };
  if (e.input.op == Op::softmax && e.input.temperature == 1) {
    const Expected<T> expected{e.ref.rounded, e.ref.exact, metrics::x_order<T>(e.input.x)};
    const RowVerdict v = check_row<T>(impl, e.input.x, y, expected);
    return {text(v.ok, v.budget_applies), v.failure};
  }
  const OpVerdict v = check_op<T>(impl, e.input, y, e.ref);
  return {text(v.ok, v.budget_applies), v.failure};
}

std::string ulp_text(double u) {
  if (std::isnan(u)) return "-";
  if (std::isinf(u)) return "inf";
  char buf[32];
  std::snprintf(buf, sizeof buf, u < 100 ? "%.2f" : u < 1e7 ? "%.0f" : "%.2e", u);
  return buf;
}

// Wide enough for a few elements beside a dozen implementation names on a
// usual terminal; wider rows continue in blocks below.
constexpr std::size_t table_width = 100;

template <class T>
void write_table_row(std::size_t row, const EvalOp& op, const Evaluated<T>& e, std::ostream& out) {
  using A = Table::Align;
  const std::vector<T>& x = e.input.x;
  // Lines: header, x, reference, then one per implementation.
  Column labels{A::left, {"", "x", "reference"}};
  for (const Output<T>& o : e.outputs) labels.cells.emplace_back(o.impl->name);

  std::vector<ColumnGroup> groups;
  const std::vector<Shown> shown = shown_elements(op, e.input);
  for (const Shown& s : shown) {
    Column value{A::left, {cat({"[", std::to_string(s.col), "]"}), shortest(x[s.col - 1]), shortest(e.ref.rounded[s.output])}};
    Column ulp{A::right, {"ulp", "", ""}};
    for (const Output<T>& o : e.outputs) {
      value.cells.push_back(shortest(o.y[s.output]));
      ulp.cells.push_back(ulp_text(o.ulp[s.output]));
    }
    groups.push_back({std::move(value), std::move(ulp)});
  }

  // The row's worst error and the same verdict the conformance tests and the
  // accuracy report give, with what broke spelled out below the table.
  std::vector<std::string> broken;
  if (!e.outputs.empty()) {
    Column worst{A::right, {"max ulp", "", ""}};
    Column verdict_cells{A::left, {"contract", "", ""}};
    for (const Output<T>& o : e.outputs) {
      double w = std::numeric_limits<double>::quiet_NaN();
      for (const Shown& s : shown)
        if (const double u = o.ulp[s.output]; !std::isnan(u) && !(u <= w)) w = u;  // !(u <= NaN) takes the first
      worst.cells.push_back(ulp_text(w));
      const auto [word, failure] = verdict<T>(*o.impl, e, o.y);
      verdict_cells.cells.emplace_back(word);
      if (word == "FAIL") broken.push_back(cat({o.impl->name, ": ", failure}));
    }
    groups.push_back({std::move(worst), std::move(verdict_cells)});
  }

  out << "row " << row << " (" << op.name << " of " << x.size() << (x.size() == 1 ? " value, " : " values, ")
      << to_string(dtype_of<T>);
  if (op.needs_target) out << ", target " << e.input.target + 1;
  out << ")\n";
  write_wrapped(out, labels, groups, table_width, "  ");
  for (const std::string& b : broken) out << "  FAIL " << b << '\n';
}

// prefix: "f32," when the output holds several element types (a dtype column), else empty.
template <class T>
void write_csv_row(std::size_t row, const EvalOp& op, const Evaluated<T>& e, std::string_view prefix,
                   std::ostream& out) {
  const std::vector<Shown> shown = shown_elements(op, e.input);
  for (const Output<T>& o : e.outputs) {
    for (const Shown& s : shown) {
      out << cat({prefix, csv_field(o.impl->name), ",", std::to_string(row), ",", std::to_string(s.col), ",",
                  shortest(e.input.x[s.col - 1]), ",", shortest(o.y[s.output]), ",", shortest(e.ref.rounded[s.output]),
                  ",", shortest(o.ulp[s.output]), "\n"});
    }
  }
}

// Also collects the notes on skipped implementations, printed only once the
// input has parsed, so a bad run prints exactly its one error line.
template <class T>
std::vector<const Impl*> select_impls(const Args& args, Op op, Format format, bool several_types,
                                      std::vector<std::string>& notes) {
  const std::string_view dtype = to_string(dtype_of<T>);
  std::vector<ImplChoice> choices;
  if (args.has("impl")) {
    choices = parse_impls(args.all("impl"));
  } else {
    for (const Impl& impl : all_impls()) choices.push_back({&impl, false});
  }
  std::vector<const Impl*> out;
  for (const ImplChoice& c : choices) {
    if (!c.impl->provides(op, dtype_of<T>)) {
      // Asked for by name in its one type, an error; among several types, a note for this one.
      const std::string what = op == Op::softmax ? std::string(dtype) : cat({to_string(op), " in ", dtype});
      if (c.named && !several_types) throw UsageError(cat({quote(c.impl->name), " does not provide ", what}));
      if (c.named) notes.push_back(cat({"skipping ", quote(c.impl->name), " in ", dtype, ": not provided"}));
      continue;
    }
    if (!c.impl->available()) {
      if (c.named || format == Format::table)
        notes.push_back(cat({"skipping ", quote(c.impl->name), ": not available on this CPU"}));
      continue;
    }
    out.push_back(c.impl);
  }
  return out;
}

// One element type's pass over the rows. With several types (--dtype both)
// the CSV gains a leading dtype column and its header is written once.
// The cases of the rows read: softmax_backward takes them in pairs (y, then dy).
template <class T>
std::vector<OpCase<T>> make_cases(const EvalOp& op, std::optional<std::size_t> target, std::vector<std::vector<T>> rows) {
  std::vector<OpCase<T>> cases;
  if (op.op == Op::softmax_backward) {
    if (rows.size() % 2) throw InputError(cat({"softmax_backward reads rows in pairs (y, then dy); row ",
                                               std::to_string(rows.size()), " has no dy row after it"}));
    for (std::size_t r = 0; r < rows.size(); r += 2) {
      if (rows[r].size() != rows[r + 1].size())
        throw InputError(cat({"softmax_backward: row ", std::to_string(r + 2), " (dy) has ", std::to_string(rows[r + 1].size()),
                              " values, row ", std::to_string(r + 1), " (y) ", std::to_string(rows[r].size())}));
      cases.push_back({Op::softmax_backward, std::move(rows[r]), std::move(rows[r + 1]), 0});
    }
    return cases;
  }
  for (std::size_t r = 0; r < rows.size(); ++r) {
    if (target && *target >= rows[r].size())
      throw InputError(cat({"row ", std::to_string(r + 1), ": --target ", std::to_string(*target + 1), " but the row has ",
                            std::to_string(rows[r].size()), rows[r].size() == 1 ? " value" : " values"}));
    cases.push_back({op.op, std::move(rows[r]), {}, target.value_or(0)});
  }
  return cases;
}

std::optional<std::size_t> parse_target(const Args& args, const EvalOp& op) {
  const std::optional<std::string> text = args.last("target");
  if (!op.needs_target) {
    if (text) throw UsageError(cat({"--target applies to cross_entropy and cross_entropy_grad, not ", op.name}));
    return std::nullopt;
  }
  if (!text) throw UsageError(cat({"--op ", op.name, " needs --target J (the target class, counted from 1)"}));
  std::size_t j = 0;
  const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), j);
  if (ec != std::errc{} || end != text->data() + text->size() || j == 0)
    throw UsageError(cat({"--target: expected a class number counted from 1, got ", quote(*text)}));
  return j - 1;
}

double parse_eval_temperature(const Args& args, const EvalOp& op) {
  const std::optional<std::string> text = args.last("temperature");
  if (!text) return 1;
  if (op.op != Op::softmax && op.op != Op::log_softmax)
    throw UsageError(cat({"--temperature applies to softmax and log_softmax, not ", op.name}));
  return parse_temperature(*text);
}

template <class T>
int run_typed(const Args& args, Format format, Io& io, bool several_types, bool first) {
  // Options first, so a bad --impl is reported before stdin is read.
  const EvalOp& op = parse_eval_op(args.last("op").value_or("softmax"));
  const std::optional<std::size_t> target = parse_target(args, op);
  const double temperature = parse_eval_temperature(args, op);
  std::vector<std::string> notes;
  const std::vector<const Impl*> impls = select_impls<T>(args, op.op, format, several_types, notes);
  std::vector<OpCase<T>> cases = make_cases<T>(op, target, read_rows<T>(args, io.in));
  for (OpCase<T>& c : cases) c.temperature = temperature;
  if (cases.empty()) notes.push_back("the input has no rows");
  for (const std::string& note : notes) io.err << "softmax-lab: eval: note: " << note << '\n';

  if (format == Format::csv && first) io.out << (several_types ? "dtype," : "") << "impl,row,col,x,y,ref,ulp_error\n";
  const std::string prefix = several_types ? cat({to_string(dtype_of<T>), ","}) : std::string();
  for (std::size_t r = 0; r < cases.size() && io.out.good(); ++r) {
    const Evaluated<T> e = evaluate(cases[r], impls);
    if (format == Format::csv) {
      write_csv_row(r + 1, op, e, prefix, io.out);
    } else {
      if (r > 0 || !first) io.out << '\n';
      write_table_row(r + 1, op, e, io.out);
    }
  }
  return 0;
}

int run_eval(const Args& args, Io& io) {
  const Format format = parse_format(args.last("format").value_or("table"), eval_formats);
  const std::vector<Dtype> dtypes = parse_dtypes(args.last("dtype").value_or("f32"), true);
  const bool several = dtypes.size() > 1;
  // Each type parses the rows anew from the same text, so stdin is read once, up front.
  std::istringstream stdin_text;
  if (several) {
    std::ostringstream all;
    all << io.in.rdbuf();
    stdin_text.str(all.str());
  }
  Io each{io.out, io.err, several ? static_cast<std::istream&>(stdin_text) : io.in};
  for (std::size_t k = 0; k < dtypes.size(); ++k) {
    if (k > 0) stdin_text.clear(), stdin_text.seekg(0);
    const int status = dtypes[k] == Dtype::f32 ? run_typed<float>(args, format, each, several, k == 0)
                                               : run_typed<double>(args, format, each, several, k == 0);
    if (status != 0) return status;
  }
  return 0;
}

}  // namespace

Command eval() {
  return {
      .name = "eval",
      .summary = "softmax (or another --op) of given rows by every implementation, beside the reference",
      .synopsis = "eval [options] [VALUES... | FILE | -]",
      .description =
          "Computes the softmax (or the --op) of each input row with every selected\n"
          "implementation and shows the outputs beside the correctly rounded\n"
          "reference, with the error of each output in ulps of the exact value.\n"
          "\n"
          "operations (--op):\n"
          "  softmax, log_softmax: one output per value.\n"
          "  cross_entropy: the loss -log softmax(x)_J of the row for --target J,\n"
          "  shown (and in csv, one line per row) at col = J; cross_entropy_grad: the\n"
          "  gradient softmax(x) - e_J from the same kernel, one output per value.\n"
          "  softmax_backward: rows in pairs, y then dy (same length): dx = y * (dy -\n"
          "  <dy, y>) for the y and dy given, one output per value (x shows y).\n"
          "  --temperature T (softmax, log_softmax): of the exact x / T. A kernel that\n"
          "  folds the temperature in gets RN(1/T); any other is given RN(x_i / T),\n"
          "  divided first, and the error it costs shows against the reference.\n"
          "\n"
          "input:\n"
          "  Values on the command line form ONE row: `eval 4.8 1.21 2.385` and\n"
          "  `eval 4.8,1.21,2.385` are the same row of 3 values. ';' or a newline\n"
          "  ends a row: `eval '1 2 3; 4 5'` is two rows (quote ';' from the shell).\n"
          "  '-' reads rows from stdin, --file PATH from PATH, and an argument that\n"
          "  is not a list of numbers but names an existing file reads that file.\n"
          "  In files and on stdin each line is a row. Sources are read in the order\n"
          "  given and their rows numbered on.\n"
          "  Values are separated by commas and/or whitespace: decimal (-2.5, 1e-3),\n"
          "  hex floats (0x1.8p3), inf, +inf, -inf, nan, in any case. '#' starts a\n"
          "  comment to the end of the line; blank lines are skipped; rows may have\n"
          "  different lengths. Each value is parsed straight to the chosen type\n"
          "  (strtof or strtod, round to nearest), so no double rounding; a value\n"
          "  that overflows the type is an error, one that underflows rounds to a\n"
          "  subnormal or zero. The reference is the softmax of the parsed values:\n"
          "  with f32, 4.8 means the float nearest 4.8. An error names its row and\n"
          "  column (1-based, column = value index) and exits with status 2.\n"
          "\n"
          "output:\n"
          "  table: for each row, the input x, the reference RN(softmax) and each\n"
          "  implementation's output with its ulp error against the exact value,\n"
          "  element by element ([1], [2], ...; long rows continue in blocks below).\n"
          "  '-' means no ulp number (the reference is NaN: a special row). 'max ulp'\n"
          "  is the row's worst; 'contract' is the implementation's verdict on the row\n"
          "  (declared budget, special-value policy, order), as in the tests and the\n"
          "  accuracy report: ok, FAIL (with a line below saying what broke) or no\n"
          "  claim (outside its domain, or given x / T divided first).\n"
          "  Implementations this CPU cannot run are skipped with a note on stderr.\n"
          "  For long rows csv is the better fit.\n"
          "  csv: header impl,row,col,x,y,ref,ulp_error, then one line per row,\n"
          "  implementation and element, in that nesting; row and col are 1-based as\n"
          "  in error messages; every float is the shortest string that reads back\n"
          "  to exactly the same value (nan, inf, -inf for the specials); ulp_error\n"
          "  is inf where the output is NaN or Inf but the exact value is finite,\n"
          "  nan where the reference is NaN. With --dtype both the rows are\n"
          "  evaluated in f32, then in f64, and the csv has a leading dtype column.\n"
          "\n"
          "examples:\n"
          "  echo 4.8,1.21,2.385 | softmax-lab eval --impl stable --format csv -\n"
          "  softmax-lab eval --op cross_entropy --target 1 4.8 1.21 2.385\n",
      .options = eval_options,
      .max_positionals = std::numeric_limits<std::size_t>::max(),
      .run = run_eval,
  };
}

}  // namespace smx::cli::commands
