//===- Kernel.cpp - Kernels and the kernel registry -----------------------===//

#include "runtime/Kernel.h"
#include "runtime/Plan.h"

#include <algorithm>

using namespace irc::rt;

size_t KernelContext::numOperands() const { return instr.operands.size(); }

const Value &KernelContext::operand(size_t i) const {
  if (i >= instr.operands.size())
    throw Error("operand " + std::to_string(i) + " is missing (the op has " +
                std::to_string(instr.operands.size()) + ")");
  return registers[instr.operands[i]];
}

namespace {
template <typename F>
auto readOperand(const KernelContext &ctx, size_t i, F &&f)
    -> decltype(f(ctx.operand(i))) {
  try {
    return f(ctx.operand(i));
  } catch (const Error &e) {
    throw Error("operand " + std::to_string(i) + ": " + e.what());
  }
}
} // namespace

const Tensor &KernelContext::tensor(size_t i) const {
  return readOperand(*this, i,
                     [](const Value &v) -> const Tensor & { return v.toTensor(); });
}
int64_t KernelContext::getInt(size_t i) const {
  return readOperand(*this, i, [](const Value &v) { return v.toInt(); });
}
double KernelContext::getDouble(size_t i) const {
  return readOperand(*this, i, [](const Value &v) { return v.toDouble(); });
}
bool KernelContext::getBool(size_t i) const {
  return readOperand(*this, i, [](const Value &v) { return v.toBool(); });
}
const std::string &KernelContext::getString(size_t i) const {
  return readOperand(*this, i, [](const Value &v) -> const std::string & {
    return v.toString();
  });
}
std::vector<int64_t> KernelContext::getIntList(size_t i) const {
  return readOperand(*this, i,
                     [](const Value &v) { return v.toIntVector(); });
}

size_t KernelContext::numResults() const { return instr.results.size(); }

void KernelContext::setResult(size_t i, Value v) {
  if (i >= instr.results.size())
    throw Error("result " + std::to_string(i) + " is out of range (the op has " +
                std::to_string(instr.results.size()) + ")");
  registers[instr.results[i]] = std::move(v);
}

const Value *KernelContext::attr(const std::string &name) const {
  for (const auto &[key, value] : instr.attrs)
    if (key == name)
      return &value;
  return nullptr;
}

const std::string &KernelContext::opName() const { return instr.opName; }

void KernelRegistry::add(const std::string &backend, const std::string &op,
                         KernelFn fn) {
  kernels[backend + ":" + op] = fn;
}

KernelFn KernelRegistry::lookup(const std::string &backend,
                                const std::string &op) const {
  auto it = kernels.find(backend + ":" + op);
  return it == kernels.end() ? nullptr : it->second;
}

std::vector<std::string> KernelRegistry::ops(const std::string &backend) const {
  std::vector<std::string> out;
  std::string prefix = backend + ":";
  for (const auto &[key, fn] : kernels)
    if (key.compare(0, prefix.size(), prefix) == 0)
      out.push_back(key.substr(prefix.size()));
  std::sort(out.begin(), out.end());
  return out;
}
