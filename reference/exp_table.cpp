// The exp kernel's table and reduction constants, computed once with MPFR
// (rather than pasted as literals, so they are right by construction).
#include <mpfr.h>

#include "reference/ld_arith.hpp"

namespace smx::ref::detail {
namespace {

// Rounds v to `bits` significant bits (nearest) and returns it as a double
// (exact: bits <= 53), leaving v - result in v.
double take(mpfr_t v, mpfr_prec_t bits) {
  mpfr_t r;
  mpfr_init2(r, bits);
  mpfr_set(r, v, MPFR_RNDN);
  const double out = mpfr_get_d(r, MPFR_RNDN);
  mpfr_sub(v, v, r, MPFR_RNDN);  // exact at the working precision used below
  mpfr_clear(r);
  return out;
}

ExpTable build() {
  ExpTable t{};
  constexpr mpfr_prec_t work = 320;
  mpfr_t v;
  mpfr_init2(v, work);
  for (int j = 0; j < 256; ++j) {
    mpfr_set_si(v, j, MPFR_RNDN);
    mpfr_div_ui(v, v, 256, MPFR_RNDN);
    mpfr_exp2(v, v, MPFR_RNDN);
    t.th[j] = take(v, 32);
    t.tl[j] = take(v, 53);
  }
  mpfr_const_log2(v, MPFR_RNDN);
  mpfr_div_ui(v, v, 256, MPFR_RNDN);
  t.l1 = take(v, 40);
  t.l2 = take(v, 40);
  t.l3 = take(v, 53);
  mpfr_const_log2(v, MPFR_RNDN);
  mpfr_ui_div(v, 256, v, MPFR_RNDN);
  t.inv_l = mpfr_get_d(v, MPFR_RNDN);
  mpfr_clear(v);
  mpfr_free_cache2(MPFR_FREE_LOCAL_CACHE);  // this thread's log 2 cache: not needed again
  return t;
}

}  // namespace

const ExpTable& exp_table() {
  static const ExpTable table = build();  // thread-safe initialisation
  return table;
}

}  // namespace smx::ref::detail
