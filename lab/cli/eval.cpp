// `softmax-lab eval`: rows in, every implementation's softmax out, beside the
// correctly rounded reference and the ulp error of each output.
#include <algorithm>
#include <array>
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
#include "reference/metrics.hpp"
#include "reference/reference.hpp"

namespace smx::cli::commands {
namespace {

constexpr OptionSpec eval_options[] = {
    {"impl", "NAME[,NAME...]",
     "implementations to run ('all', 'prefix*' allowed; repeatable)\n"
     "(default: every one that provides the type and runs on this CPU)"},
    {"dtype", "f32|f64|both", "type the rows are parsed to and computed in (default: f32; both: f32, then f64)"},
    {"format", "table|csv", "output format (default: table)"},
    {"file", "PATH", "read rows from PATH (repeatable)"},
};

constexpr std::array<Format, 2> eval_formats{Format::table, Format::csv};

// One implementation's answer for one row.
template <class T>
struct Output {
  const Impl* impl;
  std::vector<T> y;
  std::vector<double> ulp;  // NaN where the reference is NaN (no ulp number)
};

template <class T>
struct Evaluated {
  std::vector<T> rn;           // RN(r)
  std::vector<long double> r;  // the exact value, for the ulp errors
  std::vector<Output<T>> outputs;
};

template <class T>
Evaluated<T> evaluate(const std::vector<T>& x, const std::vector<const Impl*>& impls) {
  const std::size_t n = x.size();
  Evaluated<T> e{std::vector<T>(n), std::vector<long double>(n), {}};
  ref::softmax<T>(std::span<const T>(x), std::span<T>(e.rn), std::span<long double>(e.r));
  for (const Impl* impl : impls) {
    // A fresh copy of the input per kernel: one that writes into x must not
    // change what the next one sees. y starts NaN so an unwritten output shows.
    std::vector<T> xc = x;
    Output<T> o{impl, std::vector<T>(n, std::numeric_limits<T>::quiet_NaN()), std::vector<double>(n)};
    impl->template kernel<Op::softmax, T>()(xc.data(), o.y.data(), n);
    for (std::size_t i = 0; i < n; ++i)
      o.ulp[i] = std::isnan(e.r[i]) ? std::numeric_limits<double>::quiet_NaN() : metrics::ulp_error<T>(o.y[i], e.r[i]);
    e.outputs.push_back(std::move(o));
  }
  return e;
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
void write_table_row(std::size_t row, const std::vector<T>& x, const Evaluated<T>& e, std::ostream& out) {
  using A = Table::Align;
  // Lines: header, x, reference, then one per implementation.
  Column labels{A::left, {"", "x", "reference"}};
  for (const Output<T>& o : e.outputs) labels.cells.emplace_back(o.impl->name);

  std::vector<ColumnGroup> groups;
  for (std::size_t i = 0; i < x.size(); ++i) {
    Column value{A::left, {cat({"[", std::to_string(i + 1), "]"}), shortest(x[i]), shortest(e.rn[i])}};
    Column ulp{A::right, {"ulp", "", ""}};
    for (const Output<T>& o : e.outputs) {
      value.cells.push_back(shortest(o.y[i]));
      ulp.cells.push_back(ulp_text(o.ulp[i]));
    }
    groups.push_back({std::move(value), std::move(ulp)});
  }

  // The row's worst error and the same verdict the conformance tests and the
  // accuracy report give, with what broke spelled out below the table.
  std::vector<std::string> broken;
  if (!e.outputs.empty()) {
    Column worst{A::right, {"max ulp", "", ""}};
    Column verdict{A::left, {"contract", "", ""}};
    const Expected<T> expected{e.rn, e.r, metrics::x_order<T>(x)};
    for (const Output<T>& o : e.outputs) {
      double w = std::numeric_limits<double>::quiet_NaN();
      for (const double u : o.ulp)
        if (!std::isnan(u) && !(u <= w)) w = u;  // !(u <= NaN) takes the first
      worst.cells.push_back(ulp_text(w));
      const RowVerdict v = check_row<T>(*o.impl, x, o.y, expected);
      verdict.cells.push_back(v.ok ? "ok" : "FAIL");
      if (!v.ok) broken.push_back(cat({o.impl->name, ": ", v.failure}));
    }
    groups.push_back({std::move(worst), std::move(verdict)});
  }

  out << "row " << row << " (" << x.size() << (x.size() == 1 ? " value, " : " values, ")
      << to_string(dtype_of<T>) << ")\n";
  write_wrapped(out, labels, groups, table_width, "  ");
  for (const std::string& b : broken) out << "  FAIL " << b << '\n';
}

// prefix: "f32," when the output holds several element types (a dtype column), else empty.
template <class T>
void write_csv_row(std::size_t row, const std::vector<T>& x, const Evaluated<T>& e, std::string_view prefix,
                   std::ostream& out) {
  for (const Output<T>& o : e.outputs) {
    for (std::size_t i = 0; i < x.size(); ++i) {
      out << cat({prefix, csv_field(o.impl->name), ",", std::to_string(row), ",", std::to_string(i + 1), ",", shortest(x[i]),
                  ",", shortest(o.y[i]), ",", shortest(e.rn[i]), ",", shortest(o.ulp[i]), "\n"});
    }
  }
}

// Also collects the notes on skipped implementations, printed only once the
// input has parsed, so a bad run prints exactly its one error line.
template <class T>
std::vector<const Impl*> select_impls(const Args& args, Format format, bool several_types, std::vector<std::string>& notes) {
  const std::string_view dtype = to_string(dtype_of<T>);
  std::vector<ImplChoice> choices;
  if (args.has("impl")) {
    choices = parse_impls(args.all("impl"));
  } else {
    for (const Impl& impl : all_impls()) choices.push_back({&impl, false});
  }
  std::vector<const Impl*> out;
  for (const ImplChoice& c : choices) {
    if (!c.impl->provides(Op::softmax, dtype_of<T>)) {
      // Asked for by name in its one type, an error; among several types, a note for this one.
      if (c.named && !several_types) throw UsageError(cat({quote(c.impl->name), " does not provide ", dtype}));
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
template <class T>
int run_typed(const Args& args, Format format, Io& io, bool several_types, bool first) {
  // Options first, so a bad --impl is reported before stdin is read.
  std::vector<std::string> notes;
  const std::vector<const Impl*> impls = select_impls<T>(args, format, several_types, notes);
  const std::vector<std::vector<T>> rows = read_rows<T>(args, io.in);
  if (rows.empty()) notes.push_back("the input has no rows");
  for (const std::string& note : notes) io.err << "softmax-lab: eval: note: " << note << '\n';

  if (format == Format::csv && first) io.out << (several_types ? "dtype," : "") << "impl,row,col,x,y,ref,ulp_error\n";
  const std::string prefix = several_types ? cat({to_string(dtype_of<T>), ","}) : std::string();
  for (std::size_t r = 0; r < rows.size() && io.out.good(); ++r) {
    const Evaluated<T> e = evaluate(rows[r], impls);
    if (format == Format::csv) {
      write_csv_row(r + 1, rows[r], e, prefix, io.out);
    } else {
      if (r > 0 || !first) io.out << '\n';
      write_table_row(r + 1, rows[r], e, io.out);
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
      .summary = "softmax of given rows by every implementation, beside the reference",
      .synopsis = "eval [options] [VALUES... | FILE | -]",
      .description =
          "Computes the softmax of each input row with every selected implementation\n"
          "and shows the outputs beside the correctly rounded reference, with the\n"
          "error of each output in ulps of the exact value.\n"
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
          "  accuracy report, with a FAIL line below saying what broke.\n"
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
          "example:\n"
          "  echo 4.8,1.21,2.385 | softmax-lab eval --impl stable --format csv -\n",
      .options = eval_options,
      .max_positionals = std::numeric_limits<std::size_t>::max(),
      .run = run_eval,
  };
}

}  // namespace smx::cli::commands
