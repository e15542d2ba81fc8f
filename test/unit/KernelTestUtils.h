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

#include <memory>
#include <string>
#include <vector>

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

/// Operand helpers: None, an int list, a tensor list, a dtype code.
inline rt::Value none() { return rt::Value(); }
inline rt::Value ints(std::vector<int64_t> v) {
  std::vector<rt::Value> items;
  for (int64_t x : v)
    items.emplace_back(x);
  return rt::Value::list(std::move(items));
}
inline rt::Value tensors(std::vector<rt::Tensor> v) {
  std::vector<rt::Value> items;
  for (rt::Tensor &t : v)
    items.emplace_back(t);
  return rt::Value::list(std::move(items));
}
inline rt::Value code(rt::DType d) { return rt::Value(rt::toScalarType(d)); }

/// The tensor result of a one-result kernel.
inline rt::Tensor run1(const std::string &op, std::vector<rt::Value> operands) {
  return runKernel(op, std::move(operands))[0].toTensor();
}

/// The message of the rt::Error `f` throws, or "" when it throws none.
template <typename Fn> std::string errorOf(Fn &&f) {
  try {
    f();
  } catch (const rt::Error &e) {
    return e.what();
  }
  return "";
}

/// 0, 1, ..., n-1 as `sizes`.
inline rt::Tensor iota(const rt::Shape &sizes,
                       rt::DType dtype = rt::DType::F32) {
  std::vector<double> v(size_t(rt::numelOf(sizes)));
  for (size_t i = 0; i < v.size(); ++i)
    v[i] = double(i);
  return tensorOf(sizes, v, dtype);
}
inline bool sameStorage(const rt::Tensor &a, const rt::Tensor &b) {
  return a.getStorage() == b.getStorage();
}
/// A read-only tensor, as weights from a model file are.
inline rt::Tensor weight(const rt::Shape &sizes, std::vector<float> data) {
  auto owner = std::make_shared<std::vector<float>>(std::move(data));
  return rt::Tensor::wrap(rt::DType::F32, sizes, owner->data(), owner);
}
/// The transpose of a 2-d tensor, as a strided view.
inline rt::Tensor transposed(const rt::Tensor &t) {
  return t.asStrided({t.sizes()[1], t.sizes()[0]},
                     {t.strides()[1], t.strides()[0]}, t.storageOffset());
}
/// Row `r` of a 2-d tensor, as a view.
inline rt::Tensor row(const rt::Tensor &t, int64_t r) {
  return t.asStrided({t.sizes()[1]}, {t.strides()[1]},
                     t.storageOffset() + r * t.strides()[0]);
}

} // namespace irc::test

#endif // IRC_TEST_UNIT_KERNELTESTUTILS_H
