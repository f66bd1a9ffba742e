// CSV fields as every command writes them (RFC 4180).
#include <catch2/catch.hpp>

#include <string>
#include <string_view>

#include "lab/io/csv.hpp"

TEST_CASE("csv: a field is quoted exactly when it holds a comma, quote or line break", "[csv]") {
  struct Case {
    std::string_view text, field;
  };
  const Case cases[] = {
      {"", ""},
      {"vectorized.avx2", "vectorized.avx2"},
      {"1 + 1·n ulp", "1 + 1·n ulp"},
      {"a,b", "\"a,b\""},
      {"say \"hi\"", "\"say \"\"hi\"\"\""},
      {"\"", "\"\"\"\""},
      {"two\nlines", "\"two\nlines\""},
      {"cr\r", "\"cr\r\""},
      {"seed 1: 1 order violations (x_i < x_j, y_i > y_j)", "\"seed 1: 1 order violations (x_i < x_j, y_i > y_j)\""},
  };
  for (const Case& c : cases) {
    INFO(std::string(c.text));
    CHECK(smx::csv_field(c.text) == c.field);
  }
}
