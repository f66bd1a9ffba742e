// accuracy.md: context, summary per implementation, special-value matrix,
// findings, detailed tables, figures with what each shows.
#pragma once

#include <string>
#include <vector>

#include "lab/accuracy/accuracy_json.hpp"
#include "lab/io/markdown.hpp"  // Figure

namespace smx {

std::string accuracy_markdown(const AccuracyRun& run, const AccuracyMeta& meta, const std::vector<Figure>& figures);

// "3.2", "1.1e+06", "inf": ulp numbers as the tables print them.
std::string ulp_text(double ulp);

}  // namespace smx
