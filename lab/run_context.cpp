#include "lab/run_context.hpp"

#include <gnu/libc-version.h>
#include <gmp.h>
#include <mpfr.h>

#include <Eigen/Core>
#include <boost/version.hpp>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <thread>
#include <xsimd/config/xsimd_config.hpp>
#include <xtensor/xtensor_config.hpp>

namespace smx {
namespace {

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  for (std::string line; std::getline(in, line);)
    if (line.rfind("model name", 0) == 0) {
      const auto colon = line.find(':');
      return colon == std::string::npos ? line : line.substr(colon + 2);
    }
  return "unknown";
}

std::string isa_list() {
  std::string out;
  const auto add = [&](const char* name, bool has) {
    if (!has) return;
    if (!out.empty()) out.push_back(' ');
    out.append(name);
  };
  __builtin_cpu_init();
  add("sse4.2", __builtin_cpu_supports("sse4.2"));
  add("avx", __builtin_cpu_supports("avx"));
  add("avx2", __builtin_cpu_supports("avx2"));
  add("fma", __builtin_cpu_supports("fma"));
  add("avx512f", __builtin_cpu_supports("avx512f"));
  add("avx512dq", __builtin_cpu_supports("avx512dq"));
  add("avx512bw", __builtin_cpu_supports("avx512bw"));
  add("avx512vl", __builtin_cpu_supports("avx512vl"));
  return out;
}

// One line of a command's output, or "" (no shell: the argument list is fixed).
std::string first_line(const std::string& command) {
  std::FILE* p = popen(command.c_str(), "r");
  if (!p) return "";
  char buf[256] = {};
  std::string line = std::fgets(buf, sizeof buf, p) ? buf : "";
  pclose(p);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
  return line;
}

std::string git_revision() {
  const std::string git = "git -C '" SMX_SOURCE_DIR "' ";
  std::string rev = first_line(git + "rev-parse --short=12 HEAD 2>/dev/null");
  if (rev.empty()) return "unknown";
  // reports/ is what the suite writes: the accuracy run must not make the benchmarks' source "dirty".
  if (!first_line(git + "status --porcelain --untracked-files=no -- . ':!reports' 2>/dev/null").empty()) rev += "+dirty";
  return rev;
}

std::string now_utc() {
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string dotted(int a, int b, int c) {
  return std::to_string(a) + "." + std::to_string(b) + "." + std::to_string(c);
}

}  // namespace

RunContext collect_run_context() {
  RunContext c;
  c.cpu = cpu_model();
  c.isa = isa_list();
  c.cores = std::thread::hardware_concurrency();
  c.compiler = "g++ " __VERSION__;
  c.build = SMX_BUILD_TYPE " (" SMX_CXX_FLAGS ")";
  std::string boost = BOOST_LIB_VERSION;
  for (char& ch : boost) ch = ch == '_' ? '.' : ch;
  c.libraries = {
      {"glibc (libm exp/log)", gnu_get_libc_version()},
      {"Boost", boost},
      {"MPFR", mpfr_get_version()},
      {"GMP", gmp_version},
      {"Eigen", dotted(EIGEN_WORLD_VERSION, EIGEN_MAJOR_VERSION, EIGEN_MINOR_VERSION)},
      {"xtensor", dotted(XTENSOR_VERSION_MAJOR, XTENSOR_VERSION_MINOR, XTENSOR_VERSION_PATCH)},
      {"xsimd", dotted(XSIMD_VERSION_MAJOR, XSIMD_VERSION_MINOR, XSIMD_VERSION_PATCH)},
  };
  c.revision = git_revision();
  c.date_utc = now_utc();
  return c;
}

}  // namespace smx
