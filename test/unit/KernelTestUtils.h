//===- KernelTestUtils.h - Running one reference kernel in a test -*- C++ -*-=//
//
// runKernel("aten.add.Tensor", {a, b, Value(int64_t(1))}) looks the op up in
// the reference backend, runs it on the operands and returns its results;
// kernel errors propagate as rt::Error. tensorOf/valuesOf build and read small
// tensors.
//
//===----------------------------------------------------------------------===//

#ifndef IRC_TEST_UNIT_KERNELTESTUTILS_H
#define IRC_TEST_UNIT_KERNELTESTUTILS_H

#include "backends/reference/ReferenceKernels.h"
#include "runtime/Plan.h"

#include <gtest/gtest.h>

namespace irc::test {

inline const rt::KernelRegistry &referenceRegistry() {
  static rt::KernelRegistry registry = [] {
    rt::KernelRegistry r;
    rt::ref::registerKernels(r);
    return r;
  }();
  return registry;
}

inline std::vector<rt::Value>
runKernel(const std::string &op, std::vector<rt::Value> operands,
          size_t numResults = 1,
          std::vector<std::pair<std::string, rt::Value>> attrs = {}) {
  rt::KernelFn fn = referenceRegistry().lookup(rt::ref::Backend, op);
  if (!fn)
    throw rt::Error("no reference kernel for " + op);
  rt::Instr instr;
  instr.opName = op;
  instr.kernel = fn;
  instr.attrs = std::move(attrs);
  std::vector<rt::Value> registers = std::move(operands);
  for (uint32_t i = 0; i < registers.size(); ++i)
    instr.operands.push_back(i);
  for (size_t i = 0; i < numResults; ++i) {
    instr.results.push_back(uint32_t(registers.size()));
    registers.emplace_back();
  }
  rt::KernelContext ctx(registers, instr);
  fn(ctx);
  return std::vector<rt::Value>(registers.end() - numResults, registers.end());
}

/// A contiguous tensor of `dtype` with `sizes` holding `values` (converted).
inline rt::Tensor tensorOf(const rt::Shape &sizes, std::vector<double> values,
                           rt::DType dtype = rt::DType::F32) {
  rt::Tensor t = rt::Tensor::zeros(dtype, sizes);
  EXPECT_EQ(int64_t(values.size()), t.numel());
  rt::dispatch(dtype, "tensorOf", [&](auto tag) {
    using T = decltype(tag);
    T *p = t.mutableData<T>();
    for (size_t i = 0; i < values.size(); ++i)
      p[i] = rt::convert<T>(values[i]);
  });
  return t;
}

/// The elements of `t` in C order, as doubles.
inline std::vector<double> valuesOf(const rt::Tensor &t) {
  rt::Tensor c = t.contiguous();
  std::vector<double> out;
  rt::dispatch(c.dtype(), "valuesOf", [&](auto tag) {
    using T = decltype(tag);
    const T *p = c.data<T>();
    for (int64_t i = 0; i < c.numel(); ++i)
      out.push_back(rt::convert<double>(p[i]));
  });
  return out;
}

} // namespace irc::test

#endif // IRC_TEST_UNIT_KERNELTESTUTILS_H
