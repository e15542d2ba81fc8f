//===- Plan.h - The lowered program and its executor ------------*- C++ -*-===//
//
// A Plan is a program ready to run: functions whose ops are bound to kernels,
// values in numbered registers, constants built once (weights referencing the
// mapped model file), and nested blocks for `prim.if` and `prim.loop`. It is
// built by lowering IR (a compile-side step, backends/Lowering.h) and needs
// nothing from the compiler to run.
//
//===----------------------------------------------------------------------===//

#ifndef IRC_RUNTIME_PLAN_H
#define IRC_RUNTIME_PLAN_H

#include "runtime/Kernel.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace irc::rt {

/// The declared type of an argument or result, as far as run-time checks
/// need it.
struct TypeSpec {
  enum class Kind : uint8_t { Tensor, Int, Double, Bool, String, Other };
  Kind kind = Kind::Other;
  /// Tensors: whether the rank is known, the sizes (-1 where unknown) and
  /// the dtype if known.
  bool ranked = false;
  Shape sizes;
  std::optional<DType> dtype;
  /// The IR spelling, for messages ("tensor<1x3x?x?xf32>").
  std::string text;

  /// Whether `v` fits this type; if not, sets `why` to a phrase such as
  /// "expected tensor<1x3xf32>, got tensor<2x3xf32>".
  bool accepts(const Value &v, std::string &why) const;
};

struct Instr;

/// A straight-line sequence of instructions: the body of a function, a
/// branch of an `if` or the body of a loop. `args` receive the block's
/// arguments (a loop's iteration number and carried values); `results` are
/// the registers it returns or yields.
struct Block {
  std::vector<uint32_t> args;
  /// The declared types of `args`.
  std::vector<TypeSpec> argTypes;
  std::vector<Instr> instrs;
  std::vector<uint32_t> results;
};

struct Instr {
  enum class Kind : uint8_t {
    /// Calls `kernel`.
    Kernel,
    /// Loads plan constant `index`; `copy` when the program may mutate it
    /// (a list or dict literal), so that every run starts from the literal.
    Constant,
    /// operands [cond]; regions [then, else], each yielding the results.
    If,
    /// operands [maxTrips, cond, init...]; region [body] with args
    /// [iteration, carried...] yielding [cond, carried...]; results are the
    /// final carried values.
    Loop,
    /// Calls plan function `index`.
    Call,
    /// Runs region [body] in place: operands bind to its args, its results
    /// are the instruction's (an `xnn.partition` on a backend without a
    /// kernel for it).
    Region,
  };

  Kind kind = Kind::Kernel;
  bool copy = false;
  uint32_t index = 0;
  KernelFn kernel = nullptr;
  std::vector<uint32_t> operands;
  std::vector<uint32_t> results;
  std::vector<Block> regions;
  std::vector<std::pair<std::string, Value>> attrs;
  /// The IR op name, for messages ("aten.conv2d").
  std::string opName;
  /// Where the op came from ("code/__torch__/model.py:12:9"), or empty.
  std::string location;
  /// The declared types of `results`.
  std::vector<TypeSpec> resultTypes;
  /// What a backend prepared for this instruction when the plan was loaded
  /// (an `xnn.partition`'s compiled operators), or null.
  std::shared_ptr<void> state;
};

struct Function {
  std::string name;
  /// The arguments' names in the source ("x"), or empty.
  std::vector<std::string> argNames;
  std::vector<TypeSpec> argTypes;
  std::vector<TypeSpec> resultTypes;
  uint32_t numRegisters = 0;
  /// args are the function arguments, results what it returns.
  Block body;
};

struct Plan {
  std::string backend;
  std::vector<Function> functions;
  std::vector<Value> constants;
  /// What the backend keeps for the loaded model (XNNPACK's thread pool and
  /// activation arena), or null.
  std::shared_ptr<void> backendState;

  /// The index of function `name`, or -1.
  int findFunction(const std::string &name) const;
};

/// Runs `fn` of `plan` on `args`, which must match the function's argument
/// count and types (Error otherwise). Returns the results. A kernel's Error
/// is rethrown once, prefixed with the op's location and name:
/// "code/__torch__/m.py:4:11: aten.mm: shapes 2x3 and 4x5 cannot be
/// multiplied".
std::vector<Value> run(const Plan &plan, const Function &fn,
                       std::vector<Value> args);

} // namespace irc::rt

#endif // IRC_RUNTIME_PLAN_H
