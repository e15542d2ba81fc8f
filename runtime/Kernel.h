//===- Kernel.h - Kernels and the kernel registry ---------------*- C++ -*-===//
//
// A kernel runs one op: it reads its operands from a KernelContext and sets
// its results. Kernels are plain functions registered per backend under the
// op's IR name (`aten.add.Tensor`); lowering looks each op up once and stores
// the function pointer in the plan, so nothing is looked up by name while a
// model runs. A kernel reports a bad input by throwing Error; the executor
// adds the op's name and source location.
//
// A backend's kernels are tables, one per source file:
//
//   static const KernelEntry Kernels[] = {
//       {"aten.relu", relu},
//       {"aten.relu_", reluInPlace},
//   };
//   void ref::registerActivationKernels(KernelRegistry &r) {
//     r.add("ref", Kernels);
//   }
//
//===----------------------------------------------------------------------===//

#ifndef IRC_RUNTIME_KERNEL_H
#define IRC_RUNTIME_KERNEL_H

#include "runtime/Value.h"

#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace irc::rt {

struct Instr;

class KernelContext {
public:
  KernelContext(std::vector<Value> &registers, const Instr &instr)
      : registers(registers), instr(instr) {}

  size_t numOperands() const;
  const Value &operand(size_t i) const;
  /// Typed operand accessors; they throw Error naming the operand when it
  /// has another kind.
  const Tensor &tensor(size_t i) const;
  int64_t getInt(size_t i) const;
  double getDouble(size_t i) const; // int, float or bool operand
  bool getBool(size_t i) const;
  const std::string &getString(size_t i) const;
  std::vector<int64_t> getIntList(size_t i) const;
  bool isNone(size_t i) const { return operand(i).isNone(); }

  size_t numResults() const;
  void setResult(size_t i, Value v);

  /// The op's attribute `name` (e.g. prim.get_attr's `name`), or null.
  const Value *attr(const std::string &name) const;
  /// The op's IR name, e.g. "aten.conv2d".
  const std::string &opName() const;
  /// The instruction being run (its regions and prepared state).
  const Instr &instruction() const { return instr; }

private:
  std::vector<Value> &registers;
  const Instr &instr;
};

using KernelFn = void (*)(KernelContext &ctx);

struct KernelEntry {
  const char *op;
  KernelFn fn;
};

class KernelRegistry {
public:
  /// Registers `fn` for `op` on `backend`; a later registration replaces an
  /// earlier one.
  void add(const std::string &backend, const std::string &op, KernelFn fn);
  template <size_t N>
  void add(const std::string &backend, const KernelEntry (&table)[N]) {
    for (const KernelEntry &e : table)
      add(backend, e.op, e.fn);
  }
  /// The kernel for `op` on `backend`, or null.
  KernelFn lookup(const std::string &backend, const std::string &op) const;
  /// The ops with a kernel on `backend`, sorted.
  std::vector<std::string> ops(const std::string &backend) const;

private:
  std::unordered_map<std::string, KernelFn> kernels; // "backend:op"
};

} // namespace irc::rt

#endif // IRC_RUNTIME_KERNEL_H
