// The registry: names, lookup, the vectorized family of entries, declarations.
#include <catch2/catch.hpp>

#include <set>
#include <string>

#include "impls/convert.hpp"
#include "impls/registry.hpp"

using namespace smx;

TEST_CASE("registry: names are unique and find() returns each entry", "[registry]") {
  std::set<std::string_view> names;
  for (const Impl& impl : all_impls()) {
    INFO(impl.name);
    CHECK(names.insert(impl.name).second);
    CHECK(find(impl.name) == &impl);
    CHECK(!impl.summary.empty());
    CHECK((impl.provides(Op::softmax, Dtype::f32) || impl.provides(Op::softmax, Dtype::f64)));
  }
  CHECK(find("no-such-softmax") == nullptr);
}

TEST_CASE("registry: the textbook implementations and every vectorized path are listed", "[registry]") {
  for (std::string_view name : {"naive", "stable", "logsumexp", "xtensor", "eigen", "vectorized", "vectorized.avx512",
                                "vectorized.avx2", "vectorized.portable"}) {
    INFO(name);
    const Impl* impl = find(name);
    REQUIRE(impl != nullptr);
    CHECK(impl->kernel<Op::softmax, float>() != nullptr);
    CHECK(impl->kernel<Op::softmax, double>() != nullptr);
  }
  // The portable path and the dispatcher run everywhere.
  CHECK(find("vectorized")->available());
  CHECK(find("vectorized.portable")->available());
  CHECK(find("vectorized.avx512")->available() == static_cast<bool>(__builtin_cpu_supports("avx512f") &&
                                                                     __builtin_cpu_supports("avx512dq") &&
                                                                     __builtin_cpu_supports("avx512bw") &&
                                                                     __builtin_cpu_supports("avx512vl")));
}

// softmax only: a log output near 0, p_t - 1 and dy - <dy, y> cancel, so a
// cell of another operation may have no ulp budget that holds, and then
// declares none (impls/shifted.hpp).
TEST_CASE("registry: every implementation states a softmax budget for each dtype it provides", "[registry]") {
  for (const Impl& impl : all_impls()) {
    INFO(impl.name);
    for (const Kernel& k : impl.kernels) {
      if (k.op != Op::softmax) continue;
      INFO(to_string(k.dtype));
      CHECK(k.budget.declared());
    }
  }
}

TEST_CASE("registry: a budget reads as its formula, floor first", "[registry]") {
  const struct {
    UlpBudget budget;
    const char* text;
  } cases[] = {
      {{}, "none"},
      {{2.5}, "2.5"},
      {{1, 1, 1}, "1 + 1·n + 1·|x−max|"},
      {{1, 0, 0, 2}, "1 + 2·|max|"},
      {{4, 0.036, 1, 0, 0x1p-111}, "outputs ≥ 2^-111: 4 + 0.036·n + 1·|x−max|"},
      {{1, 0, 0, 0, 1e-30}, "outputs ≥ 1e-30: 1"},
  };
  for (const auto& c : cases) CHECK(describe(c.budget) == c.text);
}

namespace {
// A test-only entry with a kernel in every operation's signature and in the
// 16-bit types: what the next operations and element types will fill in.
template <class T> void fill_half(const T*, T* y, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) y[i] = narrow<T>(0.5);
}
float loss_of_first(const float* x, std::size_t, std::size_t target, float* grad) {
  if (grad) grad[0] = x[0];
  return static_cast<float>(target);
}
void backward_copy(const double*, const double* dy, double* dx, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) dx[i] = dy[i];
}
Impl table_entry() {
  return {.name = "test.table",
          .summary = "kernels in every signature",
          .role = Role::test,
          .kernels = {cell<Op::softmax>(fill_half<bf16>, {.base = 1}),
                      cell<Op::log_softmax>(fill_half<f16>, {.base = 2},
                                            {.behaviour = Behaviour{.special = {.all_neg_inf = AllNegInf::neg_inf}}}),
                      cell<Op::cross_entropy>(loss_of_first, {.base = 3}),
                      cell<Op::softmax_backward>(backward_copy, {.base = 4})},
          .behaviour = {.subnormals = Subnormals::flushed}};
}
}  // namespace

TEST_CASE("registry: kernels are looked up by (operation, element type), with their declarations", "[registry]") {
  const Impl impl = table_entry();
  // Which cells exist: exactly the four declared, out of every operation x element type.
  int cells = 0;
  for (const OpInfo& op : op_table)
    for (const DtypeInfo& d : dtype_table) cells += impl.provides(op.op, d.dtype);
  CHECK(cells == 4);
  CHECK(impl.provides(Op::softmax, Dtype::bf16));
  CHECK_FALSE(impl.provides(Op::softmax, Dtype::f32));
  CHECK(impl.kernel<Op::softmax, float>() == nullptr);

  // Each kernel comes back with its own signature and runs.
  bf16 y16[3];
  impl.kernel<Op::softmax, bf16>()(nullptr, y16, 3);
  CHECK(to_float(y16[2]) == 0.5f);
  f16 h[2];
  impl.kernel<Op::log_softmax, f16>()(nullptr, h, 2);
  CHECK(to_float(h[1]) == 0.5f);
  float x[2] = {7, 8}, grad[2] = {};
  CHECK(impl.kernel<Op::cross_entropy, float>()(x, 2, 1, grad) == 1.0f);
  CHECK(grad[0] == 7);
  double dy[2] = {3, 4}, dx[2] = {};
  impl.kernel<Op::softmax_backward, double>()(nullptr, dy, dx, 2);
  CHECK(dx[1] == 4);

  // Declarations: the cell's budget; the cell's behaviour where it has one, else the entry's.
  CHECK(impl.declared(Op::softmax_backward, Dtype::f64).budget.base == 4);
  CHECK(impl.declared(Op::softmax, Dtype::bf16).behaviour.subnormals == Subnormals::flushed);
  CHECK(impl.declared(Op::softmax, Dtype::bf16).behaviour.special.all_neg_inf == AllNegInf::nan);
  CHECK(impl.declared(Op::log_softmax, Dtype::f16).behaviour.special.all_neg_inf == AllNegInf::neg_inf);
  CHECK(impl.declared(Op::log_softmax, Dtype::f16).behaviour.subnormals == Subnormals::kept);
  CHECK_FALSE(impl.declared(Op::softmax, Dtype::f32).budget.declared());  // no kernel, no claim
}

TEST_CASE("registry: roles are declared, and an ISA path names the kernel entry it belongs to", "[registry]") {
  for (const Impl& impl : all_impls()) {
    INFO(impl.name);
    CHECK(impl.role != Role::test);
    CHECK(impl.parent.empty() == (impl.role != Role::isa_path));
    if (impl.role == Role::isa_path) {
      const Impl* parent = find(impl.parent);
      REQUIRE(parent);
      CHECK(parent->role == Role::kernel);
    }
  }
  CHECK(find("stable")->role == Role::textbook);
  CHECK(find("vectorized")->role == Role::kernel);
  CHECK(find("vectorized.avx2")->role == Role::isa_path);
  // The vocabulary tables are in enum order, and every name reads back.
  for (const RoleInfo& r : role_table) CHECK((&info(r.role) == &r && role_named(r.name) == r.role));
  for (const OpInfo& o : op_table) CHECK((&info(o.op) == &o && op_named(o.name) == o.op));
  for (const DtypeInfo& d : dtype_table) CHECK((&info(d.dtype) == &d && dtype_named(d.name) == d.dtype));
}
