#include "bench/report/op_sections.hpp"

#include <algorithm>
#include <tuple>

#include "bench/report/report_text.hpp"
#include "bench/traffic.hpp"
#include "lab/io/markdown.hpp"

namespace smx {
namespace {

// "128256", "64 × 128256, 1 thread"
std::string shape_text(const BenchId& id) {
  if (!id.rows) return size_text(id.n);
  return std::to_string(id.rows) + " × " + size_text(id.n) + ", " + std::to_string(id.threads) +
         (id.threads == 1 ? " thread" : " threads");
}

}  // namespace

std::vector<std::string> compared_against(const BenchResults& results, Op op, const std::string& baseline) {
  std::vector<std::string> refs;
  for (const std::string& impl : impl_names(results)) {
    const bool reference = impl == baseline || results.role_of(impl) == Role::peer;
    const bool has = std::any_of(results.results.begin(), results.results.end(),
                                 [&](const BenchResult& r) { return r.id.of(op) && r.id.impl == impl && r.ok(); });
    if (reference && has) refs.push_back(impl);
  }
  // The baseline first, where it has results.
  std::stable_partition(refs.begin(), refs.end(), [&](const std::string& impl) { return impl == baseline; });
  return refs;
}

void op_sections(std::ostream& out, const BenchResults& results, const std::string& baseline) {
  const auto names = impl_names(results);
  const auto rank = [&](const std::string& impl) { return std::find(names.begin(), names.end(), impl) - names.begin(); };
  bool headed = false;
  for (const OpInfo& op : op_table) {
    if (op.op == Op::softmax) continue;  // the sections above
    std::vector<const BenchResult*> rows;
    for (const BenchResult& r : results.results)
      if (r.id.of(op.op)) rows.push_back(&r);
    if (rows.empty()) continue;
    if (!headed) {
      out << "## The other operations\n\n"
             "Every result of each operation beyond softmax, verified before timing as softmax is (the operation's own "
             "check, lab/ops/op_check.hpp). *G el/s*: elements (rows × n for a batch) per second at the median time; "
             "*vs X*: X's median over this one's on the same input, or *no difference resolved* when the two ranges "
             "(min..max) overlap, against the baseline and each peer side by side. Batches: the implementation's own "
             "batch kernel, else its row kernel over the rows.\n\n";
      headed = true;
    }
    std::sort(rows.begin(), rows.end(), [&](const BenchResult* a, const BenchResult* b) {
      const auto key = [&](const BenchId& id) { return std::tuple(id.dtype, id.family, id.ftz, id.rows, id.n, id.threads, rank(id.impl)); };
      return key(a->id) < key(b->id);
    });
    const std::vector<std::string> refs = compared_against(results, op.op, baseline);
    out << "### " << op.name << "\n\n" << op.formula << "; traffic counted as " << traffic(op.op).reads << " reads + "
        << traffic(op.op).writes << " write per element (" << traffic(op.op).why << ").\n\n";
    std::vector<std::string> head = {"dtype", "family", "shape", "implementation", "median", "CV", "G el/s"};
    for (const std::string& ref : refs) head.push_back("vs " + ref);
    md::table_header(out, head);
    for (const BenchResult* r : rows) {
      std::vector<std::string> row = {std::string(to_string(r->id.dtype)), r->id.family + (r->id.ftz ? " (FTZ/DAZ)" : ""),
                                      shape_text(r->id), "`" + r->id.impl + "`" + (r->label.empty() ? "" : " †")};
      if (!r->ok()) {
        row.insert(row.end(), {"skipped", "", ""});
        row.resize(head.size());
        md::table_row(out, row);
        continue;
      }
      row.insert(row.end(), {duration_text(r->median), percent(r->cv), gels(r->throughput())});
      for (const std::string& ref : refs) {
        BenchId other = r->id;
        other.impl = ref;
        row.push_back(ref == r->id.impl ? "·" : speedup_text(*r, results.find(other)));
      }
      md::table_row(out, row);
    }
    out << '\n';
  }
}

}  // namespace smx
