#include "lab/accuracy/accuracy_json.hpp"

#include <cmath>
#include <sstream>

#include "lab/io/csv.hpp"

namespace smx {
namespace {

nlohmann::ordered_json number(double v) { return std::isfinite(v) ? nlohmann::ordered_json(v) : nullptr; }

nlohmann::ordered_json worst_json(const WorstElement& w) {
  if (w.x.empty()) return nullptr;
  return {{"seed", w.seed}, {"index", w.index}, {"x", w.x}, {"y", w.y}, {"ref", w.ref}};
}

}  // namespace

nlohmann::ordered_json context_json(const RunContext& c) {
  nlohmann::ordered_json libs = nlohmann::ordered_json::object();
  for (const auto& [name, version] : c.libraries) libs[name] = version;
  return {{"cpu", c.cpu},       {"isa", c.isa},           {"cores", c.cores},
          {"compiler", c.compiler}, {"build", c.build},   {"libraries", libs},
          {"revision", c.revision}, {"date", c.date_utc}};
}

nlohmann::ordered_json to_json(const AccuracyRecord& r) {
  return {
      {"impl", r.impl},
      {"op", to_string(Op::softmax)},
      {"dtype", to_string(r.dtype)},
      {"family", r.family},
      {"n", r.n},
      {"rows", r.rows},
      {"max_ulp_normal", number(r.max_ulp_normal)},
      {"max_ulp_subnormal", number(r.max_ulp_subnormal)},
      {"p99_ulp", number(r.p99_ulp)},
      {"mean_ulp", number(r.mean_ulp)},
      {"outputs", r.outputs},
      {"not_cr", r.not_cr},
      {"flushed", r.flushed},
      {"max_rel", number(r.max_rel)},
      {"normwise", number(r.normwise)},
      {"bound_ratio", number(r.bound_ratio)},
      {"sum_error", number(r.sum_error)},
      {"kl", number(r.kl)},
      {"order_violations", r.order_violations},
      {"tie_mismatches", r.tie_mismatches},
      {"nonfinite", r.nonfinite},
      {"policy_ok", r.policy_ok},
      {"produces", r.produces},
      {"budget", number(r.budget)},
      {"budget_applies", r.budget_applies},
      {"verdict", r.verdict},
      {"failure", r.failure},
      {"worst_normal", worst_json(r.worst_normal)},
      {"worst_subnormal", worst_json(r.worst_subnormal)},
  };
}

nlohmann::ordered_json to_json(const OpAccuracyRecord& r) {
  nlohmann::ordered_json parts = nlohmann::ordered_json::object();
  for (const PartRecord& p : r.parts)
    parts[std::string(to_string(p.part))] = {{"count", p.count},          {"max_ulp", number(p.max_ulp)},
                                             {"max_abs", number(p.max_abs)}, {"not_cr", p.not_cr},
                                             {"nonfinite", p.nonfinite},   {"worst", worst_json(p.worst)}};
  return {
      {"impl", r.impl},
      {"op", to_string(r.op)},
      {"temperature", r.temperature},
      {"dtype", to_string(r.dtype)},
      {"family", r.family},
      {"target", r.target},
      {"n", r.n},
      {"rows", r.rows},
      {"parts", parts},
      {"order_violations", r.order_violations},
      {"special", r.special},
      {"policy_ok", r.policy_ok},
      {"budget", number(r.budget)},
      {"budget_applies", r.budget_applies},
      {"verdict", r.verdict},
      {"failure", r.failure},
  };
}

nlohmann::ordered_json accuracy_json(const AccuracyRun& run, const AccuracyMeta& meta) {
  nlohmann::ordered_json context = context_json(meta.context);
  context["wall_seconds"] = meta.wall_seconds;
  context["threads"] = meta.threads;
  context["reference_cpu_seconds"] = run.reference_seconds;
  context["seeds"] = meta.seeds;
  nlohmann::ordered_json records = nlohmann::ordered_json::array();
  for (const AccuracyRecord& r : run.records) records.push_back(to_json(r));
  nlohmann::ordered_json op_records = nlohmann::ordered_json::array();
  for (const OpAccuracyRecord& r : run.op_records) op_records.push_back(to_json(r));
  nlohmann::ordered_json out = {{"context", context}, {"records", records}, {"op_records", op_records}};
  if (!meta.exhaustive.empty()) {
    nlohmann::ordered_json sweep = nlohmann::ordered_json::array();
    for (const ExhaustiveResult& e : meta.exhaustive)
      sweep.push_back({{"impl", e.impl}, {"values", e.values}, {"order_violations", e.order_violations},
                       {"max_ulp", number(e.max_ulp)}, {"worst_x", e.worst_x}, {"seconds", e.seconds}});
    out["exhaustive"] = sweep;
  }
  return out;
}

namespace {

// "fields": the first record's keys; each record the array of its values,
// a worst element the array of its values, one record per line.
std::string record_lines(const nlohmann::ordered_json& records, std::string_view fields_key,
                         std::string_view records_key) {
  nlohmann::ordered_json fields = nlohmann::ordered_json::array();
  if (!records.empty())
    for (const auto& [key, value] : records.front().items()) fields.push_back(key);
  std::string out = ",\n\"" + std::string(fields_key) + "\":" + fields.dump() + ",\n\"" + std::string(records_key) + "\":[";
  const char* sep = "\n";
  for (const auto& rec : records) {
    nlohmann::ordered_json row = nlohmann::ordered_json::array();
    for (const auto& [key, value] : rec.items()) {
      if (!value.is_object() || key == "parts") {
        row.push_back(value);
        continue;
      }
      nlohmann::ordered_json worst = nlohmann::ordered_json::array();
      for (const auto& [k, v] : value.items()) worst.push_back(v);
      row.push_back(worst);
    }
    out += sep + row.dump();
    sep = ",\n";
  }
  return out + "]";
}

}  // namespace

std::string accuracy_json_text(const AccuracyRun& run, const AccuracyMeta& meta) {
  const nlohmann::ordered_json full = accuracy_json(run, meta);
  std::string out = "{\"context\":" + full["context"].dump() + ",\n\"worst_fields\":[\"seed\",\"index\",\"x\",\"y\",\"ref\"]" +
                    record_lines(full["records"], "fields", "records") +
                    record_lines(full["op_records"], "op_fields", "op_records");
  if (full.contains("exhaustive")) out += ",\n\"exhaustive\":" + full["exhaustive"].dump();
  return out + "}\n";
}

std::string accuracy_csv(const AccuracyRun& run) {
  std::ostringstream out;
  bool header = true;
  for (const AccuracyRecord& r : run.records) {
    const nlohmann::ordered_json j = to_json(r);
    if (header) {
      const char* sep = "";
      for (const auto& [key, value] : j.items())
        if (!value.is_object()) out << sep << key, sep = ",";
      out << '\n';
      header = false;
    }
    const char* sep = "";
    for (const auto& [key, value] : j.items()) {
      if (value.is_object()) continue;
      out << sep;
      sep = ",";
      if (value.is_string()) {
        out << csv_field(value.get<std::string>());
      } else if (!value.is_null()) {
        out << value.dump();
      }
    }
    out << '\n';
  }
  return out.str();
}

}  // namespace smx
