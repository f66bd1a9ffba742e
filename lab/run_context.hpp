// The context every report starts with: machine, build, libraries, revision, date.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace smx {

struct RunContext {
  std::string cpu;        // /proc/cpuinfo model name
  std::string isa;        // the x86 extensions the kernels dispatch on, as this CPU reports them
  unsigned cores = 0;
  std::string compiler;   // compiler and version
  std::string build;      // build type and C++ flags
  std::vector<std::pair<std::string, std::string>> libraries;  // name, version
  std::string revision;   // git revision of the source, "+dirty" when modified
  std::string date_utc;   // ISO 8601
};

RunContext collect_run_context();

}  // namespace smx
