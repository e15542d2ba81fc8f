//===- Executor.cpp - Running a plan --------------------------------------===//
//
// A straightforward interpreter over the plan: one register file per function
// call, instructions in order, regions for `if` and loops. Kernels were bound
// when the plan was built, so running an op is one indirect call.
//
//===----------------------------------------------------------------------===//

#include "runtime/Plan.h"

using namespace irc::rt;

namespace {

/// An Error that already carries the failing op's location and name, so that
/// enclosing ifs, loops and calls pass it on unchanged.
class LocatedError : public Error {
public:
  using Error::Error;
};

struct Executor {
  const Plan &plan;

  void runBlock(const Block &block, std::vector<Value> &regs);
  void runInstr(const Instr &instr, std::vector<Value> &regs);
  std::vector<Value> call(const Function &fn, std::vector<Value> args);
};

std::string prefix(const Instr &instr) {
  std::string p = instr.location.empty() ? "" : instr.location + ": ";
  return p + instr.opName + ": ";
}

void Executor::runBlock(const Block &block, std::vector<Value> &regs) {
  for (const Instr &instr : block.instrs)
    runInstr(instr, regs);
}

void Executor::runInstr(const Instr &instr, std::vector<Value> &regs) {
  try {
    switch (instr.kind) {
    case Instr::Kind::Kernel: {
      KernelContext ctx(regs, instr);
      instr.kernel(ctx);
      return;
    }
    case Instr::Kind::Constant: {
      const Value &c = plan.constants[instr.index];
      regs[instr.results[0]] = instr.copy ? c.deepCopy() : c;
      return;
    }
    case Instr::Kind::If: {
      const Block &branch =
          instr.regions[regs[instr.operands[0]].toBool() ? 0 : 1];
      runBlock(branch, regs);
      for (size_t i = 0; i < instr.results.size(); ++i)
        regs[instr.results[i]] = regs[branch.results[i]];
      return;
    }
    case Instr::Kind::Loop: {
      const Block &body = instr.regions[0];
      int64_t maxTrips = regs[instr.operands[0]].toInt();
      bool cond = regs[instr.operands[1]].toBool();
      size_t numCarried = instr.results.size();
      // Carried values move through the body's argument registers.
      for (size_t i = 0; i < numCarried; ++i)
        regs[body.args[i + 1]] = regs[instr.operands[i + 2]];
      for (int64_t trip = 0; cond && trip < maxTrips; ++trip) {
        regs[body.args[0]] = Value(trip);
        runBlock(body, regs);
        cond = regs[body.results[0]].toBool();
        // Through a copy: the body may yield its own arguments swapped.
        std::vector<Value> next;
        for (size_t i = 0; i < numCarried; ++i)
          next.push_back(regs[body.results[i + 1]]);
        for (size_t i = 0; i < numCarried; ++i)
          regs[body.args[i + 1]] = std::move(next[i]);
      }
      for (size_t i = 0; i < numCarried; ++i)
        regs[instr.results[i]] = regs[body.args[i + 1]];
      return;
    }
    case Instr::Kind::Region: {
      const Block &body = instr.regions[0];
      for (size_t i = 0; i < instr.operands.size(); ++i)
        regs[body.args[i]] = regs[instr.operands[i]];
      runBlock(body, regs);
      for (size_t i = 0; i < instr.results.size(); ++i)
        regs[instr.results[i]] = regs[body.results[i]];
      return;
    }
    case Instr::Kind::Call: {
      std::vector<Value> args;
      for (uint32_t r : instr.operands)
        args.push_back(regs[r]);
      std::vector<Value> results =
          call(plan.functions[instr.index], std::move(args));
      for (size_t i = 0; i < instr.results.size(); ++i)
        regs[instr.results[i]] = std::move(results[i]);
      return;
    }
    }
  } catch (const LocatedError &) {
    throw;
  } catch (const Error &e) {
    throw LocatedError(prefix(instr) + e.what());
  } catch (const std::bad_alloc &) {
    throw LocatedError(prefix(instr) + "out of memory");
  }
}

std::vector<Value> Executor::call(const Function &fn, std::vector<Value> args) {
  std::vector<Value> regs(fn.numRegisters);
  for (size_t i = 0; i < args.size(); ++i)
    regs[fn.body.args[i]] = std::move(args[i]);
  runBlock(fn.body, regs);
  std::vector<Value> results;
  for (uint32_t r : fn.body.results)
    results.push_back(std::move(regs[r]));
  return results;
}

} // namespace

std::vector<Value> irc::rt::run(const Plan &plan, const Function &fn,
                                std::vector<Value> args) {
  if (args.size() != fn.argTypes.size())
    throw Error("function '" + fn.name + "' takes " +
                std::to_string(fn.argTypes.size()) + " argument" +
                (fn.argTypes.size() == 1 ? "" : "s") + ", got " +
                std::to_string(args.size()));
  for (size_t i = 0; i < args.size(); ++i) {
    std::string why;
    if (!fn.argTypes[i].accepts(args[i], why))
      throw Error("argument " + std::to_string(i) + " of '" + fn.name +
                  "': " + why);
  }
  Executor exec{plan};
  return exec.call(fn, std::move(args));
}

int Plan::findFunction(const std::string &name) const {
  for (size_t i = 0; i < functions.size(); ++i)
    if (functions[i].name == name)
      return int(i);
  return -1;
}

bool TypeSpec::accepts(const Value &v, std::string &why) const {
  auto mismatch = [&](const std::string &got) {
    why = "expected " + text + ", got " + got;
    return false;
  };
  switch (kind) {
  case Kind::Other:
    return true;
  case Kind::Int:
    return v.isInt() ? true : mismatch(v.describe());
  case Kind::Double:
    return v.isDouble() ? true : mismatch(v.describe());
  case Kind::Bool:
    return v.isBool() ? true : mismatch(v.describe());
  case Kind::String:
    return v.isString() ? true : mismatch(v.describe());
  case Kind::Tensor: {
    if (!v.isTensor())
      return mismatch(v.describe());
    const Tensor &t = v.toTensor();
    if (dtype && *dtype != t.dtype())
      return mismatch(t.describe());
    if (!ranked)
      return true;
    if (t.dim() != int64_t(sizes.size()))
      return mismatch(t.describe());
    for (size_t i = 0; i < sizes.size(); ++i)
      if (sizes[i] >= 0 && sizes[i] != t.sizes()[i])
        return mismatch(t.describe());
    return true;
  }
  }
  return true;
}
