// softmax-lab as a user runs it: the built binary (SMX_CLI_PATH), its exit
// status, stdout and stderr; plus the command table in process.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "impls/registry.hpp"
#include "lab/cli/command.hpp"
#include "lab/cli/text.hpp"
#include "lab/families.hpp"
#include "lab/io/float_text.hpp"
#include "reference/metrics.hpp"
#include "reference/reference.hpp"

extern char** environ;

namespace {

struct Run {
  int status = -1;  // exit status, or 128 + signal
  std::string out, err;
};

// A file in the temp directory, removed with the object.
struct TempFile {
  std::string path;
  explicit TempFile(const std::string& content = "") {
    std::string tmpl = (std::filesystem::temp_directory_path() / "smx_cli_XXXXXX").string();
    const int fd = mkstemp(tmpl.data());
    REQUIRE(fd >= 0);
    REQUIRE(write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size()));
    close(fd);
    path = tmpl;
  }
  ~TempFile() { std::remove(path.c_str()); }
  std::string read() const {
    std::ifstream f(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(f), {}};
  }
};

// The directory the binary takes for reports/ (SMX_REPORTS_DIR), so that no
// test can touch the source tree's snapshot; a test may name its own.
std::string scratch_reports() {
  return (std::filesystem::temp_directory_path() / ("smx_cli_reports_" + std::to_string(getpid()))).string();
}

// Runs the binary with args, stdin from `input`; no shell, so no quoting.
// stdout_fd >= 0 replaces stdout (the closed-pipe test).
Run run_cli(const std::vector<std::string>& args, const std::string& input = "", int stdout_fd = -1,
            const std::string& reports = scratch_reports()) {
  TempFile in(input), out, err;
  std::vector<char*> argv{const_cast<char*>(SMX_CLI_PATH)};
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::string reports_env = "SMX_REPORTS_DIR=" + reports;
  std::vector<char*> envp{reports_env.data()};
  for (char** e = environ; *e; ++e)
    if (!std::string_view(*e).starts_with("SMX_REPORTS_DIR=")) envp.push_back(*e);
  envp.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, in.path.c_str(), O_RDONLY, 0);
  if (stdout_fd >= 0) posix_spawn_file_actions_adddup2(&fa, stdout_fd, 1);
  else posix_spawn_file_actions_addopen(&fa, 1, out.path.c_str(), O_WRONLY | O_TRUNC, 0);
  posix_spawn_file_actions_addopen(&fa, 2, err.path.c_str(), O_WRONLY | O_TRUNC, 0);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, SMX_CLI_PATH, &fa, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  REQUIRE(rc == 0);
  int ws = 0;
  REQUIRE(waitpid(pid, &ws, 0) == pid);
  Run r;
  r.status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
  r.out = out.read();
  r.err = err.read();
  return r;
}

// Every file under dir with its bytes: a directory's state to compare before and after.
std::map<std::string, std::string> tree(const std::filesystem::path& dir) {
  std::map<std::string, std::string> files;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    std::ifstream f(e.path(), std::ios::binary);
    files[std::filesystem::relative(e.path(), dir).string()] = {std::istreambuf_iterator<char>(f), {}};
  }
  return files;
}

std::size_t lines(const std::string& s) { return static_cast<std::size_t>(std::count(s.begin(), s.end(), '\n')); }

std::vector<std::string> split(const std::string& line, char sep) {
  std::vector<std::string> out;
  std::stringstream ss(line);
  for (std::string field; std::getline(ss, field, sep);) out.push_back(field);
  if (!line.empty() && line.back() == sep) out.emplace_back();
  return out;
}

template <class T>
T read_back(const std::string& s) {
  char* end = nullptr;
  const T v = sizeof(T) == 4 ? static_cast<T>(std::strtof(s.c_str(), &end)) : static_cast<T>(std::strtod(s.c_str(), &end));
  REQUIRE(end == s.c_str() + s.size());
  return v;
}

template <class T>
bool same_bits(T a, T b) {
  return (std::isnan(a) && std::isnan(b)) || (a == b && std::signbit(a) == std::signbit(b));
}

}  // namespace

TEST_CASE("cli: --help of every command exits 0 and shows its usage", "[cli]") {
  const Run top = run_cli({"--help"});
  CHECK(top.status == 0);
  CHECK(top.err.empty());
  CHECK(run_cli({}).out == top.out);
  for (const smx::cli::Command& cmd : smx::cli::all_commands()) {
    const std::string name(cmd.name);
    CAPTURE(name);
    CHECK(top.out.find("\n  " + name + " ") != std::string::npos);  // listed in the usage
    for (const std::vector<std::string>& argv :
         {std::vector<std::string>{name, "--help"}, {name, "-h"}, {"help", name}, {name, "--bogus", "--help"}}) {
      const Run r = run_cli(argv);
      CHECK(r.status == 0);
      CHECK(r.err.empty());
      CHECK(r.out.starts_with("usage: softmax-lab " + name));
      CHECK(r.out.find("options:\n") != std::string::npos);
    }
  }
}

TEST_CASE("cli: bad arguments exit 2 with exactly one line on stderr", "[cli]") {
  struct Case {
    std::vector<std::string> argv;
    std::string message;  // the whole stderr line, without the newline
  };
  const std::vector<Case> cases = {
      {{"eval", "--fomat", "csv", "1"}, "softmax-lab: eval: unknown option '--fomat' (see softmax-lab eval --help)"},
      {{"lst"}, "softmax-lab: unknown command 'lst' (see softmax-lab --help)"},
      {{"--fomat"}, "softmax-lab: unknown option '--fomat' (see softmax-lab --help)"},
      {{"help", "nope"}, "softmax-lab: help: unknown command 'nope' (see softmax-lab --help)"},
      {{"list", "extra"}, "softmax-lab: list: unexpected argument 'extra' (see softmax-lab list --help)"},
      {{"list", "--format", "xml"},
       "softmax-lab: list: bad value 'xml' for --format: expected table, json or csv (see softmax-lab list --help)"},
      {{"list", "--format"}, "softmax-lab: list: option '--format' needs a value (table|json|csv) (see softmax-lab list --help)"},
      {{"list", "--dtype", "f16"},
       "softmax-lab: list: bad value 'f16' for --dtype: expected f32, f64 or both (see softmax-lab list --help)"},
      {{"eval", "--format", "json", "1"},
       "softmax-lab: eval: bad value 'json' for --format: expected table or csv (see softmax-lab eval --help)"},
      {{"eval", "1", "2", "abc"}, "softmax-lab: eval: row 1, column 3: cannot parse 'abc' as a number"},
      {{"eval", "1;2 x"}, "softmax-lab: eval: row 2, column 2: cannot parse 'x' as a number"},
      {{"eval", "1e39"}, "softmax-lab: eval: row 1, column 1: '1e39' is out of range for f32"},
      {{"eval", "-x"}, "softmax-lab: eval: unknown option '-x' (see softmax-lab eval --help)"},
      {{"eval"}, "softmax-lab: eval: no input: give values, --file PATH, a FILE or - for stdin (see softmax-lab eval --help)"},
      // A file that cannot be read: the same line wherever a file is read.
      {{"eval", "--file", "/nonexistent/rows.txt"}, "softmax-lab: eval: cannot read '/nonexistent/rows.txt': No such file or directory"},
      {{"eval", "--file", "/"}, "softmax-lab: eval: cannot read '/': Is a directory"},
      {{"eval", "/"}, "softmax-lab: eval: cannot read '/': Is a directory"},
      {{"eval", "--impl", "stable,", "1"}, "softmax-lab: eval: empty item in --impl list 'stable,' (see softmax-lab eval --help)"},
      // --op and what each operation needs.
      {{"eval", "--op", "softmx", "1"},
       "softmax-lab: eval: --op: unknown operation 'softmx' (expected softmax, log_softmax, cross_entropy, "
       "cross_entropy_grad, softmax_backward) (see softmax-lab eval --help)"},
      {{"eval", "--op", "cross_entropy", "1 2"},
       "softmax-lab: eval: --op cross_entropy needs --target J (the target class, counted from 1) (see softmax-lab eval --help)"},
      {{"eval", "--op", "cross_entropy", "--target", "0", "1 2"},
       "softmax-lab: eval: --target: expected a class number counted from 1, got '0' (see softmax-lab eval --help)"},
      {{"eval", "--op", "cross_entropy_grad", "--target", "3", "1 2; 1 2 3"},
       "softmax-lab: eval: row 1: --target 3 but the row has 2 values"},
      {{"eval", "--target", "1", "1 2"},
       "softmax-lab: eval: --target applies to cross_entropy and cross_entropy_grad, not softmax (see softmax-lab eval --help)"},
      {{"eval", "--op", "softmax_backward", "0.5 0.5; 1 2; 0.25 0.75"},
       "softmax-lab: eval: softmax_backward reads rows in pairs (y, then dy); row 3 has no dy row after it"},
      {{"eval", "--op", "softmax_backward", "0.5 0.5; 1 2 3"},
       "softmax-lab: eval: softmax_backward: row 2 (dy) has 3 values, row 1 (y) 2"},
      {{"eval", "1", "\n\x01"}, "softmax-lab: eval: row 2, column 1: cannot parse '\\x01' as a number"},
      // Google Benchmark's flags pass through for bench only.
      {{"eval", "--benchmark_filter=x", "1"}, "softmax-lab: eval: unknown option '--benchmark_filter' (see softmax-lab eval --help)"},
      {{"bench", "--benchmark_bogus=1"}, "softmax-lab: bench: unknown option '--benchmark_bogus' (see softmax-lab bench --help)"},
      {{"bench", "--quick", "--benchmark_filter=nomatch"},
       "softmax-lab: bench: no benchmark matches --benchmark_filter='nomatch' (see softmax-lab bench --help)"},
      {{"bench", "--bogus"}, "softmax-lab: bench: unknown option '--bogus' (see softmax-lab bench --help)"},
      // A filter Google Benchmark cannot compile is refused before anything runs.
      {{"bench", "--quick", "--benchmark_filter=["},
       "softmax-lab: bench: --benchmark_filter='[' is not an extended regular expression: "
       "Unexpected character within '[...]' in regular expression (see softmax-lab bench --help)"},
      {{"bench", "--benchmark_filter=-(stable"},
       "softmax-lab: bench: --benchmark_filter='-(stable' is not an extended regular expression: "
       "Mismatched '(' and ')' in regular expression (see softmax-lab bench --help)"},
      {{"report", "--in", "/nonexistent/b.json"}, "softmax-lab: report: cannot read '/nonexistent/b.json': No such file or directory"},
      {{"report", "--in", "/"}, "softmax-lab: report: cannot read '/': Is a directory"},
      // --out is a directory in every command, checked before the run.
      {{"accuracy", "--impl", "stable", "--out", "/dev/null"}, "softmax-lab: accuracy: cannot write to '/dev/null' (--out): Not a directory"},
      {{"accuracy", "--out", "/dev/null/figures"},
       "softmax-lab: accuracy: cannot write to '/dev/null/figures' (--out): Not a directory"},
      {{"bench", "--quick", "--out", "/dev/null"}, "softmax-lab: bench: cannot write to '/dev/null' (--out): Not a directory"},
      {{"bench", "--benchmark_out=/"}, "softmax-lab: bench: cannot write to '/' (--benchmark_out): Is a directory"},
      {{"bench", "--benchmark_out=/nonexistent/b.json"},
       "softmax-lab: bench: cannot write to '/nonexistent/b.json' (--benchmark_out): No such file or directory"},
      {{"bench", "--benchmark_out=/dev/null/b.json"},
       "softmax-lab: bench: cannot write to '/dev/null/b.json' (--benchmark_out): Not a directory"},
      {{"report", "--out", "/dev/null"}, "softmax-lab: report: cannot write to '/dev/null' (--out): Not a directory"},
      {{"accuracy", "--out", ""}, "softmax-lab: accuracy: cannot write to '' (--out): no directory named"},
      {{"accuracy", "--format", "json", "--out", "/tmp"},
       "softmax-lab: accuracy: --format prints to stdout and --out writes files: give one of them (see softmax-lab accuracy --help)"},
      {{"bench", "--no-json", "--out", "/tmp"},
       "softmax-lab: bench: --no-json and --out contradict each other: give one of them (see softmax-lab bench --help)"},
      // --dtype: every command takes f32, f64 or both.
      {{"accuracy", "--dtype", "f16"},
       "softmax-lab: accuracy: bad value 'f16' for --dtype: expected f32, f64 or both (see softmax-lab accuracy --help)"},
      {{"bench", "--dtype", "f16"}, "softmax-lab: bench: bad value 'f16' for --dtype: expected f32, f64 or both (see softmax-lab bench --help)"},
      {{"bench", "--n", "4q"}, "softmax-lab: bench: bad value '4q' for --n: expected a size like 1000 or 4k (see softmax-lab bench --help)"},
      {{"bench", "--quick", "--impl", "stable", "--family", "uniform-1"},
       "softmax-lab: bench: no benchmark of the preset matches the --impl, --dtype, --family, --n and --op given (see softmax-lab bench --help)"},
      {{"bench", "--quick", "--op", "softmax_backward", "--impl", "stable"},
       "softmax-lab: bench: no benchmark of the preset matches the --impl, --dtype, --family, --n and --op given (see softmax-lab bench --help)"},
      {{"bench", "--op", "softmx"},
       "softmax-lab: bench: bad value 'softmx' for --op: expected softmax, log_softmax, cross_entropy, softmax_backward (see softmax-lab bench --help)"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.argv);
    const Run r = run_cli(c.argv);
    CHECK(r.status == 2);
    CHECK(r.out.empty());
    CHECK(r.err == c.message + "\n");
  }
  // Unknown implementation: the message lists every valid name.
  const Run r = run_cli({"eval", "--impl", "stabel", "1"});
  CHECK(r.status == 2);
  CHECK(lines(r.err) == 1);
  CHECK(r.err.starts_with("softmax-lab: eval: unknown implementation 'stabel'; valid: "));
  for (const smx::Impl& impl : smx::all_impls()) CHECK(r.err.find(std::string(impl.name)) != std::string::npos);
}

TEST_CASE("cli: the shared filters mean the same in every command that takes them", "[cli]") {
  struct Case {
    std::vector<std::string> argv;
    std::vector<std::string> shows;  // in stdout
  };
  const std::vector<Case> cases = {
      {{"list", "--impl", "stable", "--dtype", "both", "--format", "csv"}, {"stable,"}},
      {{"accuracy", "--impl", "stable", "--dtype", "both", "--family", "equal", "--n", "3", "--seeds", "1", "--format", "csv"},
       {"stable,softmax,f32,equal,3,", "stable,softmax,f64,equal,3,"}},
      {{"bench", "--quick", "--impl", "stable", "--dtype", "both", "--family", "normal-1", "--n", "1k", "--benchmark_list_tests"},
       {"softmax/f32/stable/normal/n:1024\n", "softmax/f64/stable/normal/n:1024\n"}},
      {{"bench", "--quick", "--op", "log_softmax", "--impl", "vectorized", "--n", "32000", "--benchmark_list_tests"},
       {"log_softmax/f32/vectorized/normal/n:32000\n"}},
      // eval: each row parsed to f32, then to f64; the csv says which.
      {{"eval", "--impl", "stable", "--dtype", "both", "--format", "csv", "0.5", "0.5"},
       {"dtype,impl,row,col,x,y,ref,ulp_error\n", "f32,stable,1,1,0.5,0.5,0.5,0\n", "f64,stable,1,2,0.5,0.5,0.5,0\n"}},
  };
  for (const Case& c : cases) {
    CAPTURE(c.argv);
    const Run r = run_cli(c.argv);
    CHECK(r.status == 0);
    for (const std::string& s : c.shows) CHECK(r.out.find(s) != std::string::npos);
  }
  const Run bench = run_cli(cases[2].argv);
  CHECK(lines(bench.out) == 4);  // f32 and f64 rows, f32 batched 512 x 1024 at 1 and 2 threads; no probes
}

TEST_CASE("cli: list --format json names every implementation and parses", "[cli]") {
  const Run r = run_cli({"list", "--format", "json"});
  REQUIRE(r.status == 0);
  CHECK(r.err.empty());
  const auto doc = nlohmann::json::parse(r.out);  // throws (fails the test) on invalid JSON
  REQUIRE(doc.is_array());
  REQUIRE(doc.size() == smx::all_impls().size());
  for (std::size_t i = 0; i < doc.size(); ++i) {
    const smx::Impl& impl = smx::all_impls()[i];
    const auto& o = doc[i];
    CAPTURE(impl.name);
    CHECK(o.at("name") == std::string(impl.name));
    CHECK(o.at("summary") == std::string(impl.summary));
    CHECK(o.at("available") == impl.available());
    const smx::Behaviour& b = impl.declared(smx::Op::softmax, smx::Dtype::f32).behaviour;
    CHECK(o.at("subnormals") == std::string(smx::to_string(b.subnormals)));
    CHECK(o.at("all_neg_inf") == std::string(smx::to_string(b.special.all_neg_inf)));
    CHECK(o.at("pos_inf") == std::string(smx::to_string(b.special.pos_inf)));
    CHECK(o.at("nan_input") == std::string(smx::to_string(b.special.nan_input)));
    CHECK(o.at("domain") == std::string(smx::to_string(b.domain)));
    CHECK(o.at("role") == std::string(smx::to_string(impl.role)));
    std::vector<std::string> dtypes;
    if (impl.provides(smx::Op::softmax, smx::Dtype::f32)) dtypes.push_back("f32");
    if (impl.provides(smx::Op::softmax, smx::Dtype::f64)) dtypes.push_back("f64");
    CHECK(o.at("dtypes").get<std::vector<std::string>>() == dtypes);
    const auto check_budget = [&](const char* key, bool provided, const smx::UlpBudget& b) {
      if (provided && b.declared()) {
        CHECK(o.at("budget").at(key) == b.base);
        CHECK(o.at("budget_per_element").at(key) == b.per_element);
        CHECK(o.at("budget_floor").at(key) == b.floor);
      } else {
        CHECK(o.at("budget").at(key).is_null());
        CHECK(o.at("budget_per_element").at(key).is_null());
        CHECK(o.at("budget_floor").at(key).is_null());
      }
    };
    check_budget("f32", impl.provides(smx::Op::softmax, smx::Dtype::f32), impl.declared(smx::Op::softmax, smx::Dtype::f32).budget);
    check_budget("f64", impl.provides(smx::Op::softmax, smx::Dtype::f64), impl.declared(smx::Op::softmax, smx::Dtype::f64).budget);
    // The kernel table: every operation x element type, null where not provided.
    for (const smx::OpInfo& op : smx::op_table)
      for (const smx::DtypeInfo& d : smx::dtype_table)
        CHECK(o.at("kernels").at(std::string(op.name)).at(std::string(d.name)).is_null() != impl.provides(op.op, d.dtype));
  }
}

TEST_CASE("cli: list as a table and as csv has a line per implementation", "[cli]") {
  const Run csv = run_cli({"list", "--format", "csv"});
  REQUIRE(csv.status == 0);
  CHECK(lines(csv.out) == smx::all_impls().size() + 1);
  CHECK(csv.out.starts_with("name,summary,dtypes,budget_f32,"));
  const Run table = run_cli({"list"});
  REQUIRE(table.status == 0);
  for (const smx::Impl& impl : smx::all_impls())
    CHECK(table.out.find(smx::cli::cat({"\n", impl.name, " "})) != std::string::npos);
  // Filters narrow the list.
  const Run one = run_cli({"list", "--format=csv", "--impl", std::string(smx::all_impls()[0].name)});
  CHECK(lines(one.out) == 2);
}

TEMPLATE_TEST_CASE("cli: eval --format csv reads back bit for bit", "[cli]", float, double) {
  using T = TestType;
  const std::string dtype = sizeof(T) == 4 ? "f32" : "f64";
  // Fixed rows with subnormal and special outputs, and a row of every family.
  std::vector<std::vector<T>> rows = {
      {T(4.8), T(1.21), T(2.385)},
      {0, -100, -120, T(1e-3), T(0x1.8p3)},
      {1, -std::numeric_limits<T>::infinity(), 2},
      {1, std::numeric_limits<T>::infinity(), 2},
      {std::numeric_limits<T>::quiet_NaN(), 1},
      {-std::numeric_limits<T>::infinity(), -std::numeric_limits<T>::infinity()},
      {-800, 0, 800},
      {42},
  };
  for (const smx::FamilyInfo& f : smx::all_families()) rows.push_back(smx::family<T>(f.name, 11, 7));
  std::erase_if(rows, [](const auto& row) { return row.empty(); });
  std::string text = "# every value written exactly\n";
  for (const auto& row : rows) {
    for (const T v : row) text += smx::shortest(v) + " ";
    text += "\n";
  }
  const TempFile file(text);

  for (const smx::Impl& impl : smx::all_impls()) {
    if (!impl.provides(smx::Op::softmax, smx::dtype_of<T>) || !impl.available()) continue;
    CAPTURE(impl.name);
    const Run r = run_cli({"eval", "--impl", std::string(impl.name), "--dtype", dtype, "--format", "csv", "--file", file.path});
    REQUIRE(r.status == 0);
    CHECK(r.err.empty());
    std::istringstream out(r.out);
    std::string line;
    REQUIRE(std::getline(out, line));
    CHECK(line == "impl,row,col,x,y,ref,ulp_error");
    for (std::size_t ri = 0; ri < rows.size(); ++ri) {
      const auto& x = rows[ri];
      std::vector<T> y(x.size()), rn(x.size());
      std::vector<long double> exact(x.size());
      std::vector<T> xc = x;
      impl.template kernel<smx::Op::softmax, T>()(xc.data(), y.data(), x.size());
      smx::ref::softmax<T>(std::span<const T>(x), std::span<T>(rn), std::span<long double>(exact));
      for (std::size_t i = 0; i < x.size(); ++i) {
        REQUIRE(std::getline(out, line));
        CAPTURE(line);
        const auto f = split(line, ',');
        REQUIRE(f.size() == 7);
        CHECK(f[0] == impl.name);
        CHECK(f[1] == std::to_string(ri + 1));
        CHECK(f[2] == std::to_string(i + 1));
        CHECK(same_bits(read_back<T>(f[3]), x[i]));
        CHECK(same_bits(read_back<T>(f[4]), y[i]));
        CHECK(same_bits(read_back<T>(f[5]), rn[i]));
        const double ulp = std::isnan(exact[i]) ? std::numeric_limits<double>::quiet_NaN()
                                                : smx::metrics::ulp_error<T>(y[i], exact[i]);
        CHECK(same_bits(read_back<double>(f[6]), ulp));
      }
    }
    CHECK_FALSE(std::getline(out, line));
  }
}

TEST_CASE("cli: eval reads the example from stdin, files and arguments alike", "[cli]") {
  // 4.8, 1.21 and 2.385 are not floats: the f32 reference is the softmax of
  // the float inputs (exact values from 200-bit arithmetic), which differs
  // from the softmax of the decimals (0.89528266, 0.02470831, 0.08000903,
  // what f64 shows) by a few float ulps.
  const Run r = run_cli({"eval", "--impl", "stable", "--format", "csv", "-"}, "4.8,1.21,2.385\n");
  REQUIRE(r.status == 0);
  const long double exact_f32[] = {0.895282681678L, 0.024708303501L, 0.0800090148208L};
  std::istringstream out(r.out);
  std::string line;
  std::getline(out, line);
  for (const long double e : exact_f32) {
    REQUIRE(std::getline(out, line));
    const float ref = read_back<float>(split(line, ',')[5]);
    CHECK(std::fabs(ref - e) <= smx::metrics::ulp<float>(e) / 2);
  }
  const Run d = run_cli({"eval", "--impl", "stable", "--format", "csv", "--dtype", "f64", "4.8", "1.21", "2.385"});
  REQUIRE(d.status == 0);
  const double exact_f64[] = {0.895282663957, 0.0247083067821, 0.0800090292606};
  std::istringstream dout(d.out);
  std::getline(dout, line);
  for (const double e : exact_f64) {
    REQUIRE(std::getline(dout, line));
    CHECK(std::fabs(read_back<double>(split(line, ',')[5]) - e) < 1e-12);
  }

  // The same rows from arguments (one row per ';'), a file and stdin give the same csv.
  const TempFile file("4.8 1.21 2.385\n# comment\n-1 -inf 0x1p-3\n");
  const std::vector<std::string> head{"eval", "--impl", "stable", "--format", "csv"};
  auto with = [&](std::vector<std::string> tail) {
    std::vector<std::string> argv = head;
    argv.insert(argv.end(), tail.begin(), tail.end());
    return argv;
  };
  const Run from_args = run_cli(with({"4.8", "1.21,", "2.385;", "-1", "-inf", "0x1p-3"}));
  const Run from_file = run_cli(with({"--file", file.path}));
  const Run from_positional = run_cli(with({file.path}));
  const Run from_stdin = run_cli(with({"-"}), file.read());
  REQUIRE(from_args.status == 0);
  CHECK(lines(from_args.out) == 7);
  CHECK(from_file.out == from_args.out);
  CHECK(from_positional.out == from_args.out);
  CHECK(from_stdin.out == from_args.out);
  // Sources are read in order and numbered on.
  const Run both = run_cli(with({"7", "8", file.path, "9"}));
  REQUIRE(both.status == 0);
  CHECK(lines(both.out) == 1 + 2 + 6 + 1);
  CHECK(both.out.find("\nstable,4,1,9,") != std::string::npos);
}

TEST_CASE("cli: eval table shows the reference and every implementation", "[cli]") {
  const Run r = run_cli({"eval", "4.8", "1.21", "2.385"});
  REQUIRE(r.status == 0);
  CHECK(r.out.starts_with("row 1 (softmax of 3 values, f32)\n"));
  CHECK(r.out.find("\n  reference ") != std::string::npos);
  for (const smx::Impl& impl : smx::all_impls()) {
    CAPTURE(impl.name);
    const bool shown = r.out.find(smx::cli::cat({"\n  ", impl.name, " "})) != std::string::npos;
    CHECK(shown == (impl.provides(smx::Op::softmax, smx::Dtype::f32) && impl.available()));
    if (impl.provides(smx::Op::softmax, smx::Dtype::f32) && !impl.available())
      CHECK(r.err.find(smx::cli::cat({"skipping '", impl.name, "'"})) != std::string::npos);
  }
}

TEST_CASE("cli: a closed pipe ends the run quietly, not with SIGPIPE", "[cli]") {
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  close(fds[0]);  // no reader
  const Run r = run_cli({"eval", "--format", "csv", "1 2 3 4 5 6 7 8"}, "", fds[1]);
  close(fds[1]);
  CHECK(r.status == 1);
  CHECK(r.err.empty());
}

TEST_CASE("cli: the command table in process", "[cli]") {
  std::ostringstream out, err;
  std::istringstream in;
  smx::cli::Io io{out, err, in};
  const std::vector<std::string_view> argv{"eval", "--impl", "stable", "--format", "csv", "1", "1"};
  CHECK(smx::cli::run(argv, io) == 0);
  CHECK(out.str() == "impl,row,col,x,y,ref,ulp_error\nstable,1,1,1,0.5,0.5,0\nstable,1,2,1,0.5,0.5,0\n");
  CHECK(err.str().empty());
  for (const smx::cli::Command& cmd : smx::cli::all_commands()) {
    CHECK(smx::cli::find_command(cmd.name) == &cmd);
    CHECK(cmd.run != nullptr);
    CHECK_FALSE(cmd.summary.empty());
    CHECK(smx::cli::command_help(cmd).starts_with(smx::cli::cat({"usage: softmax-lab ", cmd.name})));
  }
  CHECK(smx::cli::find_command("nope") == nullptr);
}

TEST_CASE("cli: accuracy writes the report, its JSON and figures for a small grid", "[cli][accuracy]") {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / ("smx_acc_" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  const Run r = run_cli({"accuracy", "--impl", "stable,vectorized", "--family", "normal-1,uniform-1,masked-all", "--n", "8,100",
                         "--seeds", "1", "--out", dir.string(), "--exhaustive-range", "-104,-100"});
  INFO(r.err);
  REQUIRE(r.status == 0);
  CHECK(std::filesystem::exists(dir / "accuracy.md"));
  std::size_t pngs = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir / "figures")) pngs += e.path().extension() == ".png";
  // Softmax's six, log_softmax's and the backward pass's error vs n; the
  // confident-row figures need the dominant family, not in this grid.
  CHECK(pngs == 8);
  std::ifstream in(dir / "accuracy.json");
  const nlohmann::json j = nlohmann::json::parse(in);
  CHECK(j["records"].size() == 2 * 3 * 2 * 2);  // impls x families x n x dtypes
  REQUIRE(j["exhaustive"].size() == 2);
  CHECK(j["exhaustive"][0]["values"] == 524289);  // floats in [-104, -100]
  std::ifstream md(dir / "accuracy.md");
  const std::string text{std::istreambuf_iterator<char>(md), {}};
  for (const char* section : {"## Summary", "## Special values", "## Exhaustive sweep", "## Figures", "## Details"})
    CHECK(text.find(section) != std::string::npos);
  for (const auto& e : std::filesystem::directory_iterator(dir)) CHECK(e.path().string().find(".tmp") == std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_CASE("cli: accuracy --format prints to stdout and rejects a bad family", "[cli][accuracy]") {
  const Run r = run_cli({"accuracy", "--impl", "stable", "--family", "equal", "--n", "3", "--format", "json"});
  REQUIRE(r.status == 0);
  CHECK(nlohmann::json::parse(r.out)["records"].size() == 2);
  const Run bad = run_cli({"accuracy", "--family", "nope"});
  CHECK(bad.status == 2);
  CHECK(bad.err.find("unknown family 'nope'") != std::string::npos);
}

TEST_CASE("cli: bench writes Google Benchmark JSON with context and counters; report renders it", "[cli][bench]") {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / ("smx_bench_" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  const std::string json = (dir / "benchmarks.json").string();
  // A small slice of the quick preset: two implementations, both families of the figures, threads, both probes
  // (the L1 copy, whose size follows the machine's L1).
  const Run b = run_cli({"bench", "--quick", "--out", dir.string(), "--benchmark_repetitions=2", "--benchmark_min_time=0.001",
                         "--benchmark_filter=/(stable|vectorized)/(normal|wide)/(n:4096(/ftz)?|rows:512/n:1024/threads:[12])$|"
                         "probe/(copy/[0-9]{4,5}|exp/f32/n:4096)$"});
  INFO(b.err);
  REQUIRE(b.status == 0);
  CHECK(b.out.find("softmax/f32/vectorized/wide/n:4096/ftz_median") != std::string::npos);  // console on stdout
  CHECK(b.err.find("bench: 18 benchmarks (0 skipped: verification failed)") != std::string::npos);

  std::ifstream in(json);
  const nlohmann::json j = nlohmann::json::parse(in);
  for (const char* key : {"preset", "revision", "memory_levels", "compiler", "library: Google Benchmark", "wall_seconds",
                          "cpu_scaling_enabled", "library_build_type", "caches"})
    CHECK(j["context"].contains(key));
  CHECK(j["context"]["preset"] == "quick");
  std::size_t softmax_runs = 0;
  for (const auto& r : j["benchmarks"]) {
    if (r["run_type"] != "iteration" || !r["name"].get<std::string>().starts_with("softmax/")) continue;
    ++softmax_runs;
    const std::string name = r["name"];
    CAPTURE(name);
    const double n = name.find("rows:512") != std::string::npos ? 512 * 1024 : 4096;
    const double bytes = name.starts_with("softmax/f32") ? 4 : 8;
    const bool batched = name.find("/rows:") != std::string::npos;  // wall clock; one thread: its CPU time
    const double seconds = r[batched ? "real_time" : "cpu_time"].get<double>() * 1e-6;  // microseconds
    CHECK(r["items_per_second"].get<double>() == Approx(n / seconds).epsilon(0.05));
    CHECK(r["bytes_per_second"].get<double>() == Approx(3 * bytes * n / seconds).epsilon(0.05));
  }
  CHECK(softmax_runs == 2 * 16);  // (2 impls x 2 dtypes x 3 one-row + 2 x 2 batched) x 2 repetitions

  const Run rep = run_cli({"report", "--out", dir.string()});  // reads the JSON bench wrote there
  INFO(rep.err);
  REQUIRE(rep.status == 0);
  std::ifstream md_in(dir / "benchmarks.md");
  const std::string md{std::istreambuf_iterator<char>(md_in), {}};
  for (const char* section : {"## Context", "## Headline", "## Roofline probes", "## Figures", "## Batched rows and threads",
                              "## Subnormal outputs", "## Skipped: verification failed", "## Every single-row result",
                              "### f32 · L1", "| `vectorized` |", "speedup", "figures/bench-throughput-f32.png",
                              "figures/bench-threads-f32.png", "figures/bench-families-f32.png"})
    CHECK(md.find(section) != std::string::npos);
  for (std::size_t at = md.find("](figures/"); at != std::string::npos; at = md.find("](figures/", at + 1)) {
    const std::string file = md.substr(at + 2, md.find(')', at) - at - 2);
    CAPTURE(file);
    CHECK(std::filesystem::file_size(dir / file) > 1000);
  }
  for (const auto& e : std::filesystem::directory_iterator(dir)) CHECK(e.path().string().find(".tmp") == std::string::npos);

  const Run bad_baseline = run_cli({"report", "--in", json, "--out", dir.string(), "--baseline", "nope"});
  CHECK(bad_baseline.status == 2);
  CHECK(bad_baseline.err.starts_with("softmax-lab: report: baseline 'nope' has no results in"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("cli: report rejects a file that is not benchmark JSON, exit 2, one line", "[cli][bench]") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"{", "is not valid JSON: "},
      {"{\"benchmarks\": 3}", "is not Google Benchmark output (no \"benchmarks\" array)"},
      {"[1, 2]", "is not Google Benchmark output"},
  };
  for (const auto& [content, message] : cases) {
    CAPTURE(content);
    const TempFile f(content);
    const Run r = run_cli({"report", "--in", f.path, "--out", std::filesystem::temp_directory_path().string()});
    CHECK(r.status == 2);
    CHECK(lines(r.err) == 1);
    CHECK(r.err.starts_with("softmax-lab: report: '" + f.path + "' "));
    CHECK(r.err.find(message) != std::string::npos);
  }
}

TEST_CASE("cli: bench --benchmark_list_tests lists the preset and writes nothing", "[cli][bench]") {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / ("smx_list_" + std::to_string(getpid()));
  const std::filesystem::path out = dir / "benchmarks.json";
  const Run r = run_cli({"bench", "--quick", "--out", dir.string(), "--benchmark_list_tests"});
  REQUIRE(r.status == 0);
  CHECK(r.out.starts_with("softmax/"));
  CHECK(r.out.find("\nprobe/copy/") != std::string::npos);
  CHECK(r.out.find("/ftz\n") != std::string::npos);
  CHECK(lines(r.out) > 100);
  CHECK_FALSE(std::filesystem::exists(out));
  std::filesystem::remove_all(dir);
}

TEST_CASE("cli: only the full default run replaces reports/; a filtered one goes to --out DIR or stdout", "[cli][bench][accuracy]") {
  const std::filesystem::path tmp = std::filesystem::temp_directory_path() / ("smx_snapshot_" + std::to_string(getpid()));
  const std::filesystem::path reports = tmp / "reports", out = tmp / "out", other = tmp / "other";
  std::filesystem::remove_all(tmp);
  // The snapshot stand-in: one file of each kind a run could replace.
  for (const char* file : {"accuracy.md", "accuracy.json", "benchmarks.json", "benchmarks.md", "figures/accuracy-ulp-vs-n-f32.png",
                           "figures/bench-throughput-f32.png"}) {
    std::filesystem::create_directories((reports / file).parent_path());
    std::ofstream(reports / file) << "the last full snapshot: " << file << "\n";
  }
  const auto snapshot = tree(reports);
  const std::vector<std::string> one_bench{"--benchmark_filter=^softmax/f32/stable/normal/n:1024$",
                                           "--benchmark_min_time=0.001", "--benchmark_repetitions=1"};
  const auto with = [](std::vector<std::string> head, const std::vector<std::string>& tail) {
    head.insert(head.end(), tail.begin(), tail.end());
    return head;
  };
  const Run made = run_cli(with({"bench", "--out", other.string()}, one_bench), "", -1, reports.string());
  REQUIRE(made.status == 0);
  const std::string other_json = (other / "benchmarks.json").string();

  struct Case {
    std::vector<std::string> argv;
    std::string stdout_starts;  // what the run printed instead
    std::string note;           // its last stderr line, from here on
  };
  const std::vector<Case> filtered = {
      {{"accuracy", "--impl", "stable", "--n", "16", "--family", "normal-1"},
       "# softmax-lab accuracy report",
       "--impl, --family, --n change the default grid, so the markdown went to stdout and " + reports.string() + " is left as it is"},
      {{"accuracy", "--seeds", "1", "--dtype", "f64", "--impl", "stable", "--n", "3", "--family", "equal"},
       "# softmax-lab accuracy report", "--impl, --family, --n, --dtype, --seeds change the default grid"},
      {{"accuracy", "--impl", "stable", "--n", "3", "--family", "equal", "--format", "json"}, "{", ""},
      {with({"bench"}, one_bench), "", "no JSON written: --benchmark_filter, --benchmark_min_time, --benchmark_repetitions change the run, so " + reports.string() + " is left as it is"},
      {with({"bench", "--quick"}, one_bench), "", "no JSON written: --benchmark_filter"},
      {{"bench", "--quick", "--impl", "stable", "--dtype", "f32", "--family", "normal-1", "--n", "1024", "--benchmark_min_time=0.001",
        "--benchmark_repetitions=1"},
       "", "no JSON written: --impl, --family, --n, --dtype, --benchmark_min_time, --benchmark_repetitions change the run"},
      {with({"bench", "--benchmark_format=json"}, one_bench), "{", "no JSON written"},
      {{"report", "--in", other_json}, "# softmax-lab benchmark report",
       "1 benchmarks from " + other_json + " rendered to stdout: not the snapshot's JSON, so " + reports.string() + " is left as it is"},
  };
  for (const Case& c : filtered) {
    CAPTURE(c.argv);
    const Run r = run_cli(c.argv, "", -1, reports.string());
    INFO(r.err);
    REQUIRE(r.status == 0);
    CHECK(tree(reports) == snapshot);
    if (!c.stdout_starts.empty()) CHECK(r.out.starts_with(c.stdout_starts));
    const std::string last = r.err.substr(r.err.rfind('\n', r.err.size() - 2) + 1);
    CHECK(last.find(c.note) != std::string::npos);
  }

  // --out DIR receives the files, whatever the filters; report reads the JSON bench wrote there.
  const Run acc = run_cli({"accuracy", "--impl", "stable", "--n", "16", "--family", "normal-1", "--out", out.string()}, "", -1, reports.string());
  REQUIRE(acc.status == 0);
  CHECK(acc.out.empty());
  CHECK(acc.err.ends_with(" figures in " + (out / "figures").string() + "\n"));
  const Run bench = run_cli(with({"bench", "--out", out.string()}, one_bench), "", -1, reports.string());
  REQUIRE(bench.status == 0);
  CHECK(bench.err.ends_with("; wrote " + (out / "benchmarks.json").string() + "\n"));
  const Run rep = run_cli({"report", "--out", out.string()}, "", -1, reports.string());
  REQUIRE(rep.status == 0);
  CHECK(rep.out.empty());
  for (const char* file : {"accuracy.md", "accuracy.json", "benchmarks.json", "benchmarks.md", "figures/bench-throughput-f32.png"})
    CHECK(std::filesystem::is_regular_file(out / file));
  CHECK(tree(reports) == snapshot);

  // The default report run renders the snapshot's JSON into the snapshot: the one case cheap enough to run here.
  std::filesystem::copy_file(other_json, reports / "benchmarks.json", std::filesystem::copy_options::overwrite_existing);
  const Run full = run_cli({"report"}, "", -1, reports.string());
  REQUIRE(full.status == 0);
  CHECK(full.err.find("; wrote " + (reports / "benchmarks.md").string()) != std::string::npos);
  CHECK(tree(reports).at("benchmarks.md") != snapshot.at("benchmarks.md"));
  std::filesystem::remove_all(tmp);
}
