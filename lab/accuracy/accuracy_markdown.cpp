#include "lab/accuracy/accuracy_markdown.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <sstream>

#include "lab/accuracy/op_markdown.hpp"
#include "lab/families.hpp"
#include "lab/io/markdown.hpp"

namespace smx {
namespace {

using Records = std::vector<const AccuracyRecord*>;

using md::fixed;
using md::table_header;
using md::table_row;

std::string where(const AccuracyRecord& r) {
  return std::string(to_string(r.dtype)) + " " + r.family + " n=" + std::to_string(r.n);
}

std::string budget_text(const Impl& impl, Dtype d) {
  if (!impl.provides(Op::softmax, d)) return "-";
  return describe(impl.declared(Op::softmax, d).budget);
}

// "n = 1 to 1048576: uniform-1, ...; n = 1 to 128256: llm, ...", families in report order.
std::string sizes_by_family(const AccuracyRun& run) {
  std::map<std::string, std::pair<std::size_t, std::size_t>> range;  // family -> smallest, largest n
  for (const AccuracyRecord& r : run.records) {
    auto [it, fresh] = range.try_emplace(r.family, r.n, r.n);
    it->second = {std::min(it->second.first, r.n), std::max(it->second.second, r.n)};
  }
  std::vector<std::pair<std::pair<std::size_t, std::size_t>, std::string>> groups;  // first-seen order of ranges
  for (const FamilyInfo& f : all_families()) {
    const auto it = range.find(std::string(f.name));
    if (it == range.end()) continue;
    auto g = std::find_if(groups.begin(), groups.end(), [&](const auto& e) { return e.first == it->second; });
    if (g == groups.end()) groups.push_back({it->second, std::string(f.name)});
    else g->second += ", " + std::string(f.name);
  }
  std::string out;
  for (const auto& [n, families] : groups)
    out += (out.empty() ? "" : "; ") + ("n = " + std::to_string(n.first) + " to " + std::to_string(n.second) + ": " + families);
  return out;
}

void context_section(std::ostream& out, const AccuracyRun& run, const AccuracyMeta& meta) {
  const RunContext& c = meta.context;
  out << "| | |\n|:--|:--|\n";
  out << "| CPU | " << c.cpu << " (" << c.cores << " cores) |\n";
  out << "| ISA | " << c.isa << " |\n";
  out << "| compiler | " << c.compiler << " |\n";
  out << "| build | " << c.build << " |\n";
  out << "| libraries |";
  for (const auto& [name, version] : c.libraries) out << ' ' << name << ' ' << version << ';';
  out << " |\n";
  out << "| revision | " << c.revision << " |\n";
  out << "| date | " << c.date_utc << " |\n";
  out << "| wall time | " << fixed(meta.wall_seconds, "%.1f") << " s on " << meta.threads << " threads (reference: "
      << fixed(run.reference_seconds, "%.1f") << " CPU s) |\n";
  std::uint64_t outputs = 0;
  for (const AccuracyRecord& r : run.records) outputs += r.outputs;
  out << "| grid | " << run.records.size() << " records, " << outputs << " outputs checked, seeds";
  for (auto s : meta.seeds) out << ' ' << s;
  out << " |\n";
  out << "| sizes | " << sizes_by_family(run) << " |\n\n";
}

void summary_section(std::ostream& out, const AccuracyRun& run) {
  out << "## Summary\n\n"
         "Worst error over every finite input where the implementation claims its budget; normal and subnormal "
         "outputs apart (an output is subnormal when its exact value is below the type's normal range; its ulp is "
         "then the smallest subnormal). *Flushed*: outputs returned as 0 whose correct rounding is not 0.\n\n";
  table_header(out, {"implementation", "worst ulp, normal", "where", "worst ulp, subnormal", "where", "flushed",
                     "budget f32", "budget f64", "holds"});
  for (const std::string& name : impl_names(run)) {
    const AccuracyRecord *wn = nullptr, *ws = nullptr;
    std::uint64_t flushed = 0, failing = 0, unclaimed = 0;
    for (const AccuracyRecord& r : run.records) {
      if (r.impl != name) continue;
      flushed += r.flushed;
      failing += r.verdict == "fail";
      unclaimed += r.verdict == "no claim";
      if (!r.budget_applies || r.outputs == 0) continue;
      if (!wn || r.max_ulp_normal > wn->max_ulp_normal) wn = &r;
      if (!ws || r.max_ulp_subnormal > ws->max_ulp_subnormal) ws = &r;
    }
    const Impl* impl = find(name);
    std::string holds = failing ? "**no**: " + std::to_string(failing) + " records fail" : "yes";
    if (unclaimed) holds += " (" + std::to_string(unclaimed) + " records outside its domain)";
    table_row(out, {"`" + name + "`", wn ? ulp_text(wn->max_ulp_normal) : "-", wn ? where(*wn) : "",
                    ws ? ulp_text(ws->max_ulp_subnormal) : "-", ws && ws->max_ulp_subnormal > 0 ? where(*ws) : "",
                    std::to_string(flushed), impl ? budget_text(*impl, Dtype::f32) : "?",
                    impl ? budget_text(*impl, Dtype::f64) : "?", holds});
  }
  out << '\n';
}

// What each implementation gives on each kind of special input (f32 and f64).
void special_matrix(std::ostream& out, const AccuracyRun& run) {
  out << "## Special values\n\n"
         "What each implementation produces, over every size in the grid (both dtypes unless marked). "
         "*partial -inf*: -inf among finite logits (must give exactly 0 there); *all -inf*: a fully masked row "
         "(undefined: each declares its policy); *+inf*: some +inf logits; *NaN*: one NaN logit; *huge offset*: "
         "1e4 + small spread; *beyond exp's range*: logits spread over twice exp's range, so most outputs "
         "underflow. A ✗ marks a result that breaks the implementation's own declaration.\n\n";
  const std::pair<const char*, const char*> columns[] = {{"masked", "partial -inf"}, {"masked-all", "all -inf"},
                                                         {"posinf", "+inf"},         {"nan", "NaN"},
                                                         {"offset", "huge offset"},  {"wide", "beyond exp's range"}};
  std::vector<std::string> head = {"implementation"};
  for (const auto& c : columns) head.push_back(c.second);
  table_header(out, head);
  for (const std::string& name : impl_names(run)) {
    std::vector<std::string> row = {"`" + name + "`"};
    for (const auto& [family, label] : columns) {
      std::map<Dtype, std::set<std::string>> seen;
      bool broken = false;
      for (const AccuracyRecord& r : run.records) {
        if (r.impl != name || r.family != family) continue;
        broken |= !r.policy_ok || r.verdict == "fail";
        std::string what = r.produces;
        if (what.empty() && r.family == std::string("masked")) continue;  // a row too short to hold a -inf
        if (what.empty()) {  // finite families: how accurate, or how it broke
          if (r.nonfinite) what = "NaN/Inf";
          else if (r.flushed) what = "flushes";
          else what = "ok";
        }
        seen[r.dtype].insert(what);
      }
      std::string cell;
      for (const auto& [d, whats] : seen) {
        std::string part;
        for (const auto& w : whats) part += (part.empty() ? "" : ", ") + w;
        if (seen.size() > 1 && seen.begin()->second != seen.rbegin()->second)
          part = std::string(to_string(d)) + ": " + part;
        else if (!cell.empty())
          continue;
        cell += (cell.empty() ? "" : "; ") + part;
      }
      if (family == std::string("offset") || family == std::string("wide")) {
        double worst = 0;
        for (const AccuracyRecord& r : run.records)
          if (r.impl == name && r.family == family) worst = std::max(worst, r.max_ulp_normal);
        if (cell.find("ok") != std::string::npos || cell.find("flushes") != std::string::npos)
          cell += " (normal outputs ≤ " + ulp_text(worst) + " ulp)";
      }
      row.push_back((broken ? "✗ " : "") + cell);
    }
    table_row(out, row);
  }
  out << '\n';
}

void findings_section(std::ostream& out, const AccuracyRun& run) {
  out << "## Findings\n\n";
  for (const std::string& name : impl_names(run)) {
    std::uint64_t nonfinite = 0, flushed = 0, unclaimed = 0;
    double at_small = 0, at_large = 0;
    std::size_t large_n = 0;
    for (const AccuracyRecord& r : run.records) {
      if (r.impl != name) continue;
      nonfinite += r.nonfinite;
      flushed += r.flushed;
      unclaimed += r.verdict == "no claim";
      if (r.dtype != Dtype::f32 || !r.budget_applies) continue;
      if (r.n <= 1024) at_small = std::max(at_small, r.max_ulp_normal);
      if (r.n >= large_n) {
        if (r.n > large_n) at_large = 0;
        large_n = r.n;
        at_large = std::max(at_large, r.max_ulp_normal);
      }
    }
    out << "- `" << name << "`: f32 worst " << ulp_text(at_small) << " ulp up to n = 1024, " << ulp_text(at_large)
        << " ulp at n = " << large_n << '.';
    if (nonfinite) out << " " << nonfinite << " NaN/Inf outputs from finite logits" << (unclaimed ? " (outside the domain it claims: overflow of the unshifted exp)" : "") << '.';
    if (flushed) out << " Flushes " << flushed << " subnormal probabilities to 0.";
    out << '\n';
  }
  out << '\n';
}

void detail_tables(std::ostream& out, const AccuracyRun& run) {
  out << "## Details\n\nPer family, the worst over every size and seed (the size where the worst normal error "
         "occurs in parentheses). *not CR*: share of outputs that differ from the correctly rounded value; "
         "*sum err*: |Σy − 1| / u, summed exactly; *BHH*: normwise error over the Blanchard–Higham–Higham bound "
         "for the algorithm (below 1 means inside the bound).\n\n";
  for (Dtype d : {Dtype::f32, Dtype::f64}) {
    for (const FamilyInfo& fam : all_families()) {
      Records recs;
      for (const AccuracyRecord& r : run.records)
        if (r.dtype == d && r.family == fam.name) recs.push_back(&r);
      if (recs.empty()) continue;
      out << "### " << to_string(d) << " · " << fam.name << "\n\n" << fam.description << "\n\n";
      table_header(out, {"implementation", "max ulp normal", "max ulp subnormal", "p99 ulp", "mean ulp", "not CR",
                         "flushed", "sum err", "BHH", "order", "ties", "NaN/Inf", "verdict"});
      for (const std::string& name : impl_names(run)) {
        AccuracyRecord agg;
        std::size_t worst_n = 0;
        bool any = false;
        std::set<std::string> verdicts;
        for (const AccuracyRecord* r : recs) {
          if (r->impl != name) continue;
          if (!any || r->max_ulp_normal > agg.max_ulp_normal) worst_n = r->n;
          any = true;
          agg.max_ulp_normal = std::max(agg.max_ulp_normal, r->max_ulp_normal);
          agg.max_ulp_subnormal = std::max(agg.max_ulp_subnormal, r->max_ulp_subnormal);
          agg.p99_ulp = std::max(agg.p99_ulp, r->p99_ulp);
          agg.mean_ulp += r->mean_ulp * static_cast<double>(r->outputs);
          agg.outputs += r->outputs;
          agg.not_cr += r->not_cr;
          agg.flushed += r->flushed;
          agg.sum_error = std::max(agg.sum_error, r->sum_error);
          agg.bound_ratio = std::max(agg.bound_ratio, r->bound_ratio);
          agg.order_violations += r->order_violations;
          agg.tie_mismatches += r->tie_mismatches;
          agg.nonfinite += r->nonfinite;
          verdicts.insert(r->verdict);
        }
        if (!any) continue;
        const double outputs = std::max<double>(1, static_cast<double>(agg.outputs));
        std::string verdict = verdicts.count("fail") ? "**fail**" : verdicts.count("no claim") ? "no claim" : "pass";
        const bool special = fam.kind == FamilyKind::special;
        table_row(out, {"`" + name + "`",
                        special ? "-" : ulp_text(agg.max_ulp_normal) + " (" + std::to_string(worst_n) + ")",
                        special ? "-" : ulp_text(agg.max_ulp_subnormal), special ? "-" : ulp_text(agg.p99_ulp),
                        special ? "-" : fixed(agg.mean_ulp / outputs, "%.3f"),
                        special ? "-" : fixed(100.0 * static_cast<double>(agg.not_cr) / outputs, "%.1f%%"),
                        std::to_string(agg.flushed), special ? "-" : ulp_text(agg.sum_error),
                        special ? "-" : fixed(agg.bound_ratio, "%.2g"), std::to_string(agg.order_violations),
                        std::to_string(agg.tie_mismatches), std::to_string(agg.nonfinite), verdict});
      }
      out << '\n';
    }
  }
}

}  // namespace

std::string ulp_text(double ulp) {
  if (std::isnan(ulp)) return "nan";
  if (std::isinf(ulp)) return "inf";
  if (ulp == 0) return "0";
  return fixed(ulp, ulp < 1000 ? "%.3g" : "%.2g");
}

std::string accuracy_markdown(const AccuracyRun& run, const AccuracyMeta& meta, const std::vector<Figure>& figures) {
  std::ostringstream out;
  out << "# softmax-lab accuracy report\n\n"
         "Every implementation against the correctly rounded reference (Boost.Multiprecision with MPFR; "
         "see README). Regenerate with `softmax-lab accuracy`; the raw numbers are in `accuracy.json`.\n\n";
  context_section(out, run, meta);
  summary_section(out, run);
  special_matrix(out, run);
  findings_section(out, run);
  op_sections(out, run);
  if (!meta.exhaustive.empty()) {
    out << "## Exhaustive sweep: softmax([0, x]) for every float x in [-104, 0]\n\n"
           "The second output is exp(x) / (1 + exp(x)), so this exposes each kernel's exp over its whole useful "
           "range (about 1.1e9 inputs). *order violations*: adjacent floats x < x' with y(x) > y(x') (a "
           "non-monotone exp); *max ulp*: against the correctly rounded value, subnormal outputs included.\n\n";
    table_header(out, {"implementation", "inputs", "order violations", "max ulp", "at x", "seconds"});
    for (const ExhaustiveResult& e : meta.exhaustive)
      table_row(out, {"`" + e.impl + "`", std::to_string(e.values), std::to_string(e.order_violations),
                      ulp_text(e.max_ulp), fixed(e.worst_x, "%.9g"), fixed(e.seconds, "%.0f")});
    out << '\n';
  }
  if (!figures.empty()) {
    out << "## Figures\n\n";
    for (const Figure& f : figures)
      out << "### " << f.title << "\n\n![" << f.title << "](" << f.file << ")\n\n" << f.caption << "\n\n";
  }
  detail_tables(out, run);
  return out.str();
}

}  // namespace smx
