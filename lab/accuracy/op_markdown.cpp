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
  return "u·max|r| over the part";
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

void op_sections(std::ostream& out, const AccuracyRun& run) {
  for (const OpInfo& info : op_table) {
    std::vector<const OpAccuracyRecord*> records;
    std::vector<std::string> impls;
    for (const OpAccuracyRecord& r : run.op_records) {
      if (r.op != info.op) continue;
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
}

}  // namespace smx
