// The pieces of the command line that need no process: the row parser, the
// shared filters and the option parser. End-to-end runs are in cli_test.cpp.
#include <bit>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "lab/cli/errors.hpp"
#include "lab/cli/filters.hpp"
#include "lab/cli/options.hpp"
#include "lab/cli/row_parser.hpp"
#include "lab/cli/text.hpp"

namespace {

using smx::cli::InputError;
using smx::cli::UsageError;

constexpr float pinf = std::numeric_limits<float>::infinity();
constexpr float qnan = std::numeric_limits<float>::quiet_NaN();

// Bit-for-bit, with NaN equal to NaN and -0 apart from +0.
template <class T>
bool same(T a, T b) {
  return (std::isnan(a) && std::isnan(b)) || (a == b && std::signbit(a) == std::signbit(b));
}

template <class T>
std::vector<std::vector<T>> parse(const std::string& text, const std::string& origin = "") {
  std::vector<std::vector<T>> rows;
  smx::cli::parse_rows<T>({text, origin}, rows);
  return rows;
}

}  // namespace

TEST_CASE("cli: row parser reads every accepted form", "[cli]") {
  struct Case {
    const char* text;
    std::vector<std::vector<float>> rows;
  };
  const float one_up = std::nextafter(1.0f, 2.0f);
  const std::vector<Case> cases = {
      {"4.8 1.21 2.385", {{4.8f, 1.21f, 2.385f}}},
      {"4.8,1.21,2.385", {{4.8f, 1.21f, 2.385f}}},
      {"  1 ,2,\t3  ", {{1, 2, 3}}},
      {"1 2\n3", {{1, 2}, {3}}},
      {"1 2; 3;4", {{1, 2}, {3}, {4}}},
      {"1\r\n2\r\n", {{1}, {2}}},
      {"# header\n\n1 2 # two values\n   \n# 3\n4", {{1, 2}, {4}}},
      {";;\n;1;;", {{1}}},
      {"0x1.8p3 -0x1p-149 0X10", {{12, -0x1p-149f, 16}}},
      {"inf -inf +inf INF Infinity -INFINITY", {{pinf, -pinf, pinf, pinf, pinf, -pinf}}},
      {"nan NaN -nan NAN", {{qnan, qnan, qnan, qnan}}},
      {"-0 +0 -0.0", {{-0.0f, 0.0f, -0.0f}}},
      {"1e-50 1e-45 -1e-46", {{0.0f, 0x1p-149f, -0.0f}}},  // underflow rounds, no error
      {"3.4028235e38", {{std::numeric_limits<float>::max()}}},
      // Halfway between 1 and its successor plus 1e-30: strtof rounds up;
      // strtod then (float) would land on the midpoint and round to even (1).
      {"1.000000059604644775390626", {{one_up}}},
      {"", {}},
      {"# only a comment", {}},
  };
  for (const Case& c : cases) {
    CAPTURE(c.text);
    const auto rows = parse<float>(c.text);
    REQUIRE(rows.size() == c.rows.size());
    for (std::size_t r = 0; r < rows.size(); ++r) {
      REQUIRE(rows[r].size() == c.rows[r].size());
      for (std::size_t i = 0; i < rows[r].size(); ++i) {
        CAPTURE(r, i, rows[r][i], c.rows[r][i]);
        CHECK(same(rows[r][i], c.rows[r][i]));
      }
    }
  }
}

TEST_CASE("cli: row parser reads doubles with strtod, no float range", "[cli]") {
  const auto rows = parse<double>("1e39 0x1p-1074 2.2250738585072014e-308 0.1");
  REQUIRE(rows.size() == 1);
  CHECK(rows[0] == std::vector<double>{1e39, 0x1p-1074, 2.2250738585072014e-308, 0.1});
}

TEST_CASE("cli: row parser rejects bad input with row, column and token", "[cli]") {
  struct Case {
    const char* text;
    bool f64;
    const char* message;  // the whole message
  };
  const std::vector<Case> cases = {
      {"1 2 abc", false, "row 1, column 3: cannot parse 'abc' as a number"},
      {"1 2\n# c\n\n3 4 5 x", false, "row 2, column 4: cannot parse 'x' as a number"},
      {"1;2;3 ;4 y", false, "row 4, column 2: cannot parse 'y' as a number"},
      {"1e39", false, "row 1, column 1: '1e39' is out of range for f32"},
      {"-1e39", false, "row 1, column 1: '-1e39' is out of range for f32"},
      {"1 1e309", true, "row 1, column 2: '1e309' is out of range for f64"},
      {"1,,2", false, "row 1, column 2: missing value before ','"},
      {",1", false, "row 1, column 1: missing value before ','"},
      {"1, 2,", false, "row 1, column 3: missing value after ','"},
      {"1,\n2", false, "row 1, column 2: missing value after ','"},
      {"1.5.3", false, "row 1, column 1: cannot parse '1.5.3' as a number"},
      {"0x", false, "row 1, column 1: cannot parse '0x' as a number"},
      {"1e", false, "row 1, column 1: cannot parse '1e' as a number"},
      {"--1", false, "row 1, column 1: cannot parse '--1' as a number"},
      {"nan(", false, "row 1, column 1: cannot parse 'nan(' as a number"},
      {"infinite", false, "row 1, column 1: cannot parse 'infinite' as a number"},
      {"1 2\x01", false, "row 1, column 2: cannot parse '2\\x01' as a number"},
      {"1 2,3x", false, "row 1, column 3: cannot parse '3x' as a number"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.text);
    if (c.f64) CHECK_THROWS_MATCHES(parse<double>(c.text), InputError, Catch::Message(c.message));
    else CHECK_THROWS_MATCHES(parse<float>(c.text), InputError, Catch::Message(c.message));
  }
}

TEST_CASE("cli: row parser names the file and line where they differ from the row", "[cli]") {
  CHECK_THROWS_MATCHES(parse<float>("# c\n1\n\n2 q\n", "data.txt"), InputError,
                       Catch::Message("row 2, column 2: cannot parse 'q' as a number (data.txt line 4)"));
  // A NUL byte ends strtof's scan early; it must not pass as the whole token.
  CHECK_THROWS_MATCHES(parse<float>(std::string("1\0002", 3), "stdin"), InputError,
                       Catch::Message("row 1, column 1: cannot parse '1\\x002' as a number (stdin line 1)"));
  // A garbage token is cut short in the message.
  const std::string junk(1000, 'z');
  CHECK_THROWS_WITH(parse<float>(junk), Catch::Contains(smx::cli::cat({"'", std::string(40, 'z'), "...'"})));
}

TEST_CASE("cli: rows from several sources are numbered on", "[cli]") {
  std::vector<std::vector<float>> rows;
  smx::cli::parse_rows<float>({"1 2\n3", ""}, rows);
  CHECK_THROWS_WITH(smx::cli::parse_rows<float>({"4\nbad", "f"}, rows),
                    "row 4, column 1: cannot parse 'bad' as a number (f line 2)");
}

TEST_CASE("cli: --impl lists, patterns and unknown names", "[cli]") {
  using smx::cli::parse_impls;
  const auto names = [](const std::vector<std::string>& values) {
    std::vector<std::string> out;
    for (const auto& c : parse_impls(values)) out.emplace_back(c.impl->name);
    return out;
  };
  CHECK(names({"stable"}) == std::vector<std::string>{"stable"});
  CHECK(names({"stable, naive", "stable"}) == std::vector<std::string>{"stable", "naive"});
  CHECK(names({"all"}).size() == smx::all_impls().size());
  const auto chosen = parse_impls(std::vector<std::string>{"naive,all"});
  CHECK(chosen.size() == smx::all_impls().size());
  CHECK(chosen[0].named);  // named once stays named, even if "all" also reaches it
  for (std::size_t i = 1; i < chosen.size(); ++i) CHECK_FALSE(chosen[i].named);
  // A prefix pattern reaches the registry entries that start with it.
  const std::string first(smx::all_impls()[0].name);
  for (const auto& c : parse_impls(std::vector<std::string>{first.substr(0, 2) + "*"}))
    CHECK(c.impl->name.starts_with(first.substr(0, 2)));

  std::string valid;
  for (const smx::Impl& impl : smx::all_impls()) valid += (valid.empty() ? "" : ", ") + std::string(impl.name);
  CHECK_THROWS_MATCHES(parse_impls(std::vector<std::string>{"stabel"}), UsageError,
                       Catch::Message("unknown implementation 'stabel'; valid: " + valid));
  CHECK_THROWS_WITH(parse_impls(std::vector<std::string>{"zzz*"}), Catch::StartsWith("no implementation matches 'zzz*'"));
  CHECK_THROWS_WITH(parse_impls(std::vector<std::string>{"stable,"}), "empty item in --impl list 'stable,'");
  CHECK_THROWS_WITH(parse_impls(std::vector<std::string>{""}), "empty item in --impl list ''");
}

TEST_CASE("cli: --dtype, --format and --n values", "[cli]") {
  using smx::Dtype;
  using smx::cli::Format;
  using smx::cli::parse_dtypes;
  CHECK(parse_dtypes("f32", false) == std::vector{Dtype::f32});
  CHECK(parse_dtypes("f64", true) == std::vector{Dtype::f64});
  CHECK(parse_dtypes("both", true) == std::vector{Dtype::f32, Dtype::f64});
  CHECK(parse_dtypes("all", true) == std::vector{Dtype::f32, Dtype::f64});
  CHECK(parse_dtypes("f64,f32", true) == std::vector{Dtype::f32, Dtype::f64});
  CHECK_THROWS_WITH(parse_dtypes("both", false), "bad value 'both' for --dtype: expected f32 or f64");
  CHECK_THROWS_WITH(parse_dtypes("f16", true), "bad value 'f16' for --dtype: expected f32, f64 or both");

  const std::vector formats{Format::table, Format::json, Format::csv};
  CHECK(smx::cli::parse_format("json", formats) == Format::json);
  CHECK_THROWS_WITH(smx::cli::parse_format("xml", formats), "bad value 'xml' for --format: expected table, json or csv");
  CHECK_THROWS_WITH(smx::cli::parse_format("JSON", formats), Catch::StartsWith("bad value 'JSON'"));

  using smx::cli::parse_sizes;
  CHECK(parse_sizes(std::vector<std::string>{"16, 4k,1M", "16", "0"}) == std::vector<std::size_t>{16, 4096, 1 << 20, 0});
  for (const char* bad : {"x", "-1", "4q", "4kk", "1.5", "k", "99999999999999999999", "17179869184G"}) {
    CAPTURE(bad);
    CHECK_THROWS_AS(parse_sizes(std::vector<std::string>{bad}), UsageError);
  }
}

TEST_CASE("cli: option parser", "[cli]") {
  using smx::cli::OptionSpec;
  const OptionSpec specs[] = {{"impl", "NAME", ""}, {"format", "F", ""}, {"quiet", "", ""}};
  const auto parse_args = [&](std::vector<std::string_view> argv, std::size_t max_pos = 10) {
    return smx::cli::parse_args(argv, specs, max_pos);
  };

  const auto a = parse_args({"--impl", "a", "-4.8", "--format=csv", "-", "--quiet", "-inf", "--impl=b", "--", "--x", "-h"});
  CHECK(a.all("impl") == std::vector<std::string>{"a", "b"});
  CHECK(a.last("format") == "csv");
  CHECK(a.has("quiet"));
  CHECK_FALSE(a.last("nothing").has_value());
  CHECK(a.positionals() == std::vector<std::string>{"-4.8", "-", "-inf", "--x", "-h"});

  struct Bad {
    std::vector<std::string_view> argv;
    const char* message;
  };
  const std::vector<Bad> bad = {
      {{"--fomat", "csv"}, "unknown option '--fomat'"},
      {{"--fomat=csv"}, "unknown option '--fomat'"},
      {{"-x"}, "unknown option '-x'"},
      {{"--impl"}, "option '--impl' needs a value (NAME)"},
      {{"--impl", "--format", "csv"}, "option '--impl' needs a value (NAME)"},
      {{"--quiet=yes"}, "option '--quiet' takes no value"},
  };
  for (const Bad& b : bad) {
    CAPTURE(b.message);
    CHECK_THROWS_MATCHES(parse_args(b.argv), UsageError, Catch::Message(b.message));
  }
  CHECK_THROWS_WITH(parse_args({"x"}, 0), "unexpected argument 'x'");
  CHECK_THROWS_WITH(parse_args({"x", "y"}, 1), "too many arguments (at 'y')");

  CHECK(smx::cli::wants_help(std::vector<std::string_view>{"--bad", "--help"}));
  CHECK(smx::cli::wants_help(std::vector<std::string_view>{"-h"}));
  CHECK_FALSE(smx::cli::wants_help(std::vector<std::string_view>{"--", "--help"}));
  for (const char* num : {"-1", "-.5", "-inf", "-Infinity", "-NaN", "-0x1p3"}) CHECK(smx::cli::looks_like_negative_number(num));
  for (const char* opt : {"-", "-h", "-x", "--1", "-in"}) CHECK_FALSE(smx::cli::looks_like_negative_number(opt));
}
