#include "lab/accuracy/op_markdown.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "lab/accuracy/accuracy_markdown.hpp"
#include "lab/families.hpp"
#include "lab/io/markdown.hpp"

namespace smx {
namespace {

using md::table_header;
using md::table_row;

bool finite_family(const std::string& name) {
  const FamilyInfo* f = find_family(name);
  return f && f->kind != FamilyKind::special;
}

std::string where(const OpAccuracyRecord& r) {
  std::string s = std::string(to_string(r.dtype)) + " " + r.family + " n=" + std::to_string(r.n);
  return r.target.empty() ? s : s + " target " + r.target;
}

std::string budget_text(const Impl* impl, Op op, Dtype d) {
  if (!impl || !impl->provides(op, d)) return "-";
  return describe(impl->declared(op, d).budget);
}

// What each part's errors mean, for the section's preamble.
std::string_view part_meaning(OpPart p) {
  switch (p) {
    case OpPart::value: return "the outputs";
    case OpPart::loss: return "the loss";
    case OpPart::grad_target: return "the gradient's target element p_t - 1";
    case OpPart::grad_rest: return "the rest of the gradient";
  }
  return "";
}

std::string_view scale_meaning(Op op, OpPart p) {
  if (op == Op::log_softmax || p == OpPart::loss) return "u·max(1, |lse|)";
  return "u·max|r| over the row's gradient (at least the smallest subnormal)";
}

// The worst record of impl (over finite families, every dtype) by one part's metric.
template <class F>
const OpAccuracyRecord* worst_of(const std::vector<const OpAccuracyRecord*>& records, OpPart part, F metric) {
  const OpAccuracyRecord* w = nullptr;
  for (const OpAccuracyRecord* r : records) {
    const PartRecord* p = r->part(part);
    if (!p || !p->count || !finite_family(r->family)) continue;
    if (!w || metric(*p) > metric(*w->part(part))) w = r;
  }
  return w;
}

// The confident row: the dominant family (one logit 40 above a normal body)
// with the target on it, where log-probabilities and the loss are ~ -e^-40 n.
bool confident(const OpAccuracyRecord& r) {
  return r.family == "dominant" && (r.target.empty() || r.target == "argmax");
}

void summary(std::ostream& out, Op op, const std::vector<std::string>& impls,
             const std::vector<const OpAccuracyRecord*>& records) {
  const std::span<const OpPart> parts = parts_of(op);
  std::vector<std::string> cols{"implementation", "budget f32", "budget f64"};
  for (const OpPart p : parts) {
    cols.push_back("worst ulp, " + std::string(to_string(p)));
    cols.push_back("where");
    cols.push_back("worst error, " + std::string(to_string(p)));
  }
  cols.push_back("confident row, ulp of " + std::string(to_string(parts.front())));
  cols.push_back("holds");
  table_header(out, cols);
  for (const std::string& name : impls) {
    std::vector<const OpAccuracyRecord*> mine;
    for (const OpAccuracyRecord* r : records)
      if (r->impl == name) mine.push_back(r);
    const Impl* impl = find(name);
    std::vector<std::string> row{"`" + name + "`", budget_text(impl, op, Dtype::f32), budget_text(impl, op, Dtype::f64)};
    for (const OpPart p : parts) {
      const OpAccuracyRecord* wu = worst_of(mine, p, [](const PartRecord& x) { return x.max_ulp; });
      const OpAccuracyRecord* wa = worst_of(mine, p, [](const PartRecord& x) { return x.max_abs; });
      row.push_back(wu ? ulp_text(wu->part(p)->max_ulp) : "-");
      row.push_back(wu ? where(*wu) : "");
      row.push_back(wa ? ulp_text(wa->part(p)->max_abs) : "-");
    }
    double conf = -1;
    for (const OpAccuracyRecord* r : mine)
      if (confident(*r))
        if (const PartRecord* p = r->part(parts.front()); p && p->count) conf = std::max(conf, p->max_ulp);
    row.push_back(conf < 0 ? "-" : ulp_text(conf));
    std::size_t failing = 0, unclaimed = 0;
    for (const OpAccuracyRecord* r : mine) failing += r->verdict == "fail", unclaimed += r->verdict == "no claim";
    std::string holds = failing ? "**no**: " + std::to_string(failing) + " records fail" : "yes";
    if (unclaimed) holds += " (" + std::to_string(unclaimed) + " records without a claim)";
    row.push_back(holds);
    table_row(out, row);
  }
  out << '\n';
}

// One cell of the special-value matrix: the verdicts over every size, dtype and target.
std::string special_cell(const std::vector<const OpAccuracyRecord*>& records, const std::string& impl,
                         std::string_view family) {
  std::size_t pass = 0, fail = 0, none = 0;
  std::string first;
  for (const OpAccuracyRecord* r : records) {
    if (r->impl != impl || r->family != family) continue;
    if (r->verdict == "fail") {
      ++fail;
      if (first.empty()) first = r->failure;
    } else if (r->verdict == "pass") {
      ++pass;
    } else {
      ++none;
    }
  }
  if (!pass && !fail && !none) return "-";
  if (fail) return "**fails** (" + std::to_string(fail) + "): " + first.substr(0, 90);
  return pass ? (none ? "as declared (some: no claim)" : "as declared") : "no claim";
}

void special_matrix(std::ostream& out, const std::vector<std::string>& impls,
                    const std::vector<const OpAccuracyRecord*>& records) {
  constexpr std::string_view families[] = {"masked", "masked-one", "masked-all", "posinf", "nan"};
  out << "Special values: the declared policy held on every size, dtype and target (*as declared*), broken "
         "(**fails**, with the first case), or not claimed (a policy these operations do not define, or outside "
         "the kernel's domain). *masked*: -inf among finite logits (-inf log-probabilities, 0 gradient, and a "
         "loss of +inf when the target is masked); *masked-one*: every entry -inf but one (the target on it with "
         "argmax, on a -inf one with argmin).\n\n";
  std::vector<std::string> cols{"implementation"};
  for (std::string_view f : families) cols.emplace_back(f);
  table_header(out, cols);
  for (const std::string& name : impls) {
    std::vector<std::string> row{"`" + name + "`"};
    for (std::string_view f : families) row.push_back(special_cell(records, name, f));
    table_row(out, row);
  }
  out << '\n';
}

}  // namespace

// Worst ulp of impl's op over finite families up to max_n: at temperature t
// from the operation records; at 1 for softmax from the softmax records.
double worst_at(const AccuracyRun& run, const std::string& impl, Op op, double t, std::size_t max_n) {
  double w = -1;
  if (op == Op::softmax && t == 1) {
    for (const AccuracyRecord& r : run.records)
      if (r.impl == impl && r.n <= max_n && r.budget_applies && finite_family(r.family) && r.outputs)
        w = std::max({w, r.max_ulp_normal, r.max_ulp_subnormal});
    return w;
  }
  for (const OpAccuracyRecord& r : run.op_records)
    if (r.impl == impl && r.op == op && r.temperature == t && r.n <= max_n && finite_family(r.family))
      if (const PartRecord* p = r.part(OpPart::value); p && p->count) w = std::max(w, p->max_ulp);
  return w;
}

void temperature_section(std::ostream& out, const AccuracyRun& run) {
  std::vector<double> temperatures;
  std::size_t max_n = 0;
  for (const OpAccuracyRecord& r : run.op_records)
    if (r.temperature != 1) {
      if (std::find(temperatures.begin(), temperatures.end(), r.temperature) == temperatures.end())
        temperatures.push_back(r.temperature);
      max_n = std::max(max_n, r.n);
    }
  if (temperatures.empty()) return;
  out << "## Temperature\n\nsoftmax and log_softmax of x / T, against the reference of the exact quotient, over the "
         "finite families at n up to "
      << max_n << ". A kernel either folds 1/T into its exponent (*folded*: it gets beta = RN(1/T)) or is given "
      << "RN(x_i / T) (*divided first*, what the seeds do with x / 2): the rounding of each quotient is a relative "
         "error of u in x_i / T, which exp turns into an error of |x_i / T| u. T = 2 divides exactly; any other T "
         "shows what dividing first costs against the same kernel at T = 1.\n\n";
  std::vector<std::string> cols{"implementation", "operation", "takes T"};
  cols.push_back("worst ulp, T = 1");
  for (const double t : temperatures) cols.push_back("worst ulp, T = " + md::fixed(t, "%g"));
  table_header(out, cols);
  std::vector<std::pair<std::string, Op>> rows;
  for (const OpAccuracyRecord& r : run.op_records)
    if (r.temperature != 1 && std::find(rows.begin(), rows.end(), std::pair{r.impl, r.op}) == rows.end())
      rows.emplace_back(r.impl, r.op);
  for (const auto& [impl, op] : rows) {
    const Impl* i = find(impl);
    std::vector<std::string> row{"`" + impl + "`", std::string(to_string(op)),
                                 i ? std::string(temperature_mode(*i, op, Dtype::f32)) : "?"};
    const double base = worst_at(run, impl, op, 1, max_n);
    row.push_back(base < 0 ? "-" : ulp_text(base));
    for (const double t : temperatures) {
      const double w = worst_at(run, impl, op, t, max_n);
      row.push_back(w < 0 ? "-" : ulp_text(w));
    }
    table_row(out, row);
  }
  out << '\n';
}

void op_sections(std::ostream& out, const AccuracyRun& run) {
  for (const OpInfo& info : op_table) {
    std::vector<const OpAccuracyRecord*> records;
    std::vector<std::string> impls;
    for (const OpAccuracyRecord& r : run.op_records) {
      if (r.op != info.op || r.temperature != 1) continue;
      records.push_back(&r);
      if (std::find(impls.begin(), impls.end(), r.impl) == impls.end()) impls.push_back(r.impl);
    }
    if (records.empty()) continue;
    out << "## " << info.name << "\n\n`" << info.formula << "`. Worst error over every finite input (claimed or "
        << "not), each part of the output apart: ";
    const char* sep = "";
    for (const OpPart p : parts_of(info.op)) {
      out << sep << "*" << to_string(p) << "*: " << part_meaning(p) << ", with the absolute error in units of "
          << scale_meaning(info.op, p);
      sep = "; ";
    }
    out << ". The ulp error is the strict one (DESIGN.md): near 0 — the max element of a confident row, the loss "
           "of a correct confident prediction — it shows every digit a kernel loses, where the absolute error does "
           "not. *Confident row*: the dominant family (one logit 40 above a normal(0, 1) body)"
        << (info.op == Op::cross_entropy ? " with the target on that logit" : "") << ".\n\n";
    summary(out, info.op, impls, records);
    special_matrix(out, impls, records);
  }
  temperature_section(out, run);
}

}  // namespace smx
