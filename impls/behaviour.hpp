// What an implementation declares about each (operation, element type) it
// provides: its ulp budget, its special-value policies, the consistency it
// keeps. The tests hold every kernel to its declaration, the accuracy report
// shows it, and the benchmarks verify it before timing.
#pragma once

#include <cstddef>
#include <limits>
#include <string>
#include <string_view>

namespace smx {

// What a row of all -inf gives (mathematically undefined, so a declared choice;
// neg_inf: every output -inf, which no probability is, but a shipped kernel does it).
enum class AllNegInf { nan, zeros, uniform, neg_inf };
// What a row with +inf entries gives: a NaN row, or the limit (1/k on the k
// +inf positions, 0 elsewhere). Outside the contract of DESIGN.md, declared
// by shipped kernels as measured: nan_at_inf (NaN at the +inf positions, 0
// elsewhere), neg_inf (every output -inf).
enum class PosInf { nan_row, limit, nan_at_inf, neg_inf };
// What a row holding a NaN gives. DESIGN.md asks for a NaN row; shipped
// kernels declare what they do instead: nan_at_nan (NaN at each NaN input,
// every other output NaN or 0, which depending on where the NaN sits),
// neg_inf (every output -inf).
enum class NanInput { nan_row, nan_at_nan, neg_inf };
// What happens to outputs whose exact value is below the normal range:
// computed like the others (kept), possibly returned as 0 (flushed), or no
// claim at all (unclaimed: e.g. an exp that clamps its argument).
enum class Subnormals { kept, flushed, unclaimed };
// Finite inputs the budget is claimed for. exp_range: only rows whose
// unshifted exponentials and their sum stay normal and finite (naive).
// moderate_magnitude: only rows with |max x| u <= 1/4, where rounding a
// quantity of max x's size costs about |max x| u relative (per_magnitude);
// beyond, exp turns it into a factor e^(|max x| u) that no linear term bounds.
enum class Domain { all_finite, exp_range, moderate_magnitude };
// The Blanchard-Higham-Higham forward error bound that models the algorithm
// (accuracy report: bound_ratio): unshifted exp-and-divide, max-shifted, or none.
enum class ErrorModel { basic, shifted, none };

// Claimed max ulp error of output i (DESIGN.md ulp, subnormal rule included):
//   ulp_error_i <= base + per_element * n + per_distance * |x_i - max x| + per_magnitude * |max x|
// per_element: the growth of a recursive sum (Higham: relative error <= (n-1)u);
// per_distance: rounding x_i - max in the working type, which exp turns into
// a relative error of |x_i - max| u (with a temperature, |x_i - max| / T; for
// softmax_backward the distance is instead the condition number
// |<dy, y>| / |dy_i - <dy, y>| of the subtraction, which scales the dot
// product's relative error into dx_i's); per_magnitude: rounding a quantity of
// the size of max x (the log-sum-exp form's lse). Zero for kernels that
// avoid the error. base = +inf means "no claim". floor: outputs whose exact
// value is below it get no claim at all (0: every output is claimed, with
// Subnormals deciding below the normal range); for shipped kernels whose exp
// breaks down in the lowest binades of the normal range.
struct UlpBudget {
  double base = std::numeric_limits<double>::infinity();
  double per_element = 0.0;
  double per_distance = 0.0;
  double per_magnitude = 0.0;
  double floor = 0.0;
  constexpr bool declared() const { return base != std::numeric_limits<double>::infinity(); }
  constexpr double at(std::size_t n, double distance = 0, double magnitude = 0) const {
    return base + per_element * static_cast<double>(n) + per_distance * distance + per_magnitude * magnitude;
  }
};

struct SpecialValues {
  AllNegInf all_neg_inf = AllNegInf::nan;
  PosInf pos_inf = PosInf::nan_row;
  NanInput nan_input = NanInput::nan_row;
};

// The consistency DESIGN.md asks for; an implementation measured to break it
// declares so, the tests hold it to the declaration and the reports show it.
struct Consistency {
  bool zero_at_neg_inf = true;    // -inf among finite entries gives exactly 0
  bool preserves_order = true;    // x_i < x_j never gives y_i > y_j
  bool consistent_ties = true;    // x_i == x_j gives y_i == y_j wherever they sit
  bool address_invariant = true;  // same bits in place and at any element alignment
};

// Everything but the budget: declared once per implementation, and by a
// kernel cell of its own where that cell differs.
struct Behaviour {
  SpecialValues special{};
  Consistency consistency{};
  Domain domain = Domain::all_finite;
  Subnormals subnormals = Subnormals::kept;
  ErrorModel error_model = ErrorModel::shifted;
};

std::string_view to_string(AllNegInf);
std::string_view to_string(PosInf);
std::string_view to_string(NanInput);
std::string_view to_string(Domain);
std::string_view to_string(Subnormals);
// "1 + 1·n + 1·|x−max|": a budget as `list` and the reports print it ("outputs ≥ 2^-111: ..."
// with a floor); "none" when not declared.
std::string describe(const UlpBudget& b);

}  // namespace smx
