//===- ConstantTensors.h - Compile-time tensor math for passes --*- C++ -*-===//
//
// Passes that fold weights (fold-conv-bn, fold-linear-bn) read constant
// tensors as rt::Tensor views of the attribute's bytes (a blob is never
// copied until something is computed from it) and turn computed tensors back
// into weights: the bytes go to the context's WeightStore under a fresh name,
// a module-level `const @name = blob<"name">` (dense when small) holds them,
// and a `constant @name` op refers to it at the use. conv1d-to-conv2d gives a
// constant a new shape over the same bytes.
//
//===----------------------------------------------------------------------===//
#ifndef IRC_PASSES_CONSTANTTENSORS_H
#define IRC_PASSES_CONSTANTTENSORS_H

#include "ir/Rewriter.h"
#include "runtime/Tensor.h"
#include <optional>
#include <vector>

namespace irc {

/// A tensor constant `v` refers to: the dense or blob attribute and, for
/// `constant @sym`, the module `const` holding it.
struct ConstantTensor {
  Attribute elements;
  Operation *moduleConst = nullptr;
  Type getType() const { return elements.getElementsType(); }
};

/// Matches a `constant dense/blob` or a `constant @sym` of a module const
/// holding one, with a static shape and known dtype.
std::optional<ConstantTensor> matchConstantTensor(Value *v);

/// A read-only rt::Tensor over the bytes of `c` (no copy), or nullopt when
/// the data is missing (elided, or a blob the store lacks) or the dtype has
/// no runtime counterpart.
std::optional<rt::Tensor> readConstantTensor(const ConstantTensor &c);

/// `c` with the same bytes and the type `type` (same dtype and element
/// count): a blob attribute refers to the same blob, a dense one is remade.
/// Returns a value for it before the rewriter's insertion point: a new
/// module const named after `c`'s (`@<name><suffix>`, made unique) when `c`
/// is one, else an inline constant.
Value *createReshapedConstant(Rewriter &rw, Location loc,
                              const ConstantTensor &c, Type type,
                              llvm::StringRef suffix);

/// Materializes `t` (converted to `dtype`) as a new weight: its bytes copied
/// into the WeightStore, a module const `@<baseName>` (made unique; dense
/// when it has at most Builder::kInlineElements elements, else a blob of the
/// same name) placed after `after` (a module const) or before the function
/// holding the insertion point, and a `constant @name` op at the rewriter's
/// insertion point, which is returned.
Value *materializeTensor(Rewriter &rw, Location loc, const rt::Tensor &t,
                         DType dtype, llvm::StringRef baseName,
                         Operation *after = nullptr);

/// The per-channel affine map an eval-mode aten.batch_norm applies:
/// y = x * scale[c] + shift[c]. `scale` = gamma / sqrt(var + eps);
/// PyTorch's folded bias is (b - mean) * scale + beta, kept as (mean, beta).
struct BatchNormFold {
  std::vector<double> scale, mean, beta;
  /// The running_mean constant, whose name the folded weights take after.
  ConstantTensor meanConst;
};

/// Matches `bn`, an aten.batch_norm with `training` a constant false, a
/// constant eps, constant running_mean and running_var, and weight and bias
/// constant or none (1 and 0), all of one size C. Computes in double.
std::optional<BatchNormFold> matchEvalBatchNorm(Operation *bn);

/// Folds `bn` into a weight whose `outDim` (0 for conv and linear weights;
/// 1 for a transposed conv's (I, O/groups, ...) weight, with `groups`)
/// indexes output channels, and a bias (none: zeros). Returns the new
/// (weight, bias) values created at the rewriter's insertion point, named
/// after the module consts (`@self.conv1.weight.folded`,
/// `@self.conv1.bias.folded`, also for a conv that had no bias), or nullopt
/// when the shapes disagree or data is missing.
std::optional<std::pair<Value *, Value *>>
foldBatchNormIntoWeights(Rewriter &rw, Location loc, const BatchNormFold &bn,
                         const ConstantTensor &weight,
                         const std::optional<ConstantTensor> &bias,
                         unsigned outDim, int64_t groups);

/// Folds `bn`, an eval-mode aten.batch_norm of `op`'s result, into `op`'s
/// weight (operand 1, matched as `weight`) and bias (operand 2: a constant
/// or none), as foldBatchNormIntoWeights with `outDim` and `groups`: `op`
/// gets the folded operands, `bn`'s result becomes `op`'s and the old
/// constants go when unused. Fails without changing anything when the bias
/// or `bn` do not match.
LogicalResult foldBatchNormInto(Rewriter &rw, Operation *op, Operation *bn,
                                const ConstantTensor &weight, unsigned outDim,
                                int64_t groups);

/// `v` through any prim.unchecked_cast ops (freeze casts `Tensor?` fields).
Value *lookThroughCasts(Value *v);

/// True when `user` is the only op that reads `v`'s data: other users may
/// only ask for its rank, sizes, dtype or device (aten.dim, aten.size,
/// aten.size.int, aten.len.Tensor, prim.dtype, prim.device), as the shape
/// checks of BatchNorm modules do, which a fold keeps the same.
bool isOnlyDataUse(Value *v, Operation *user);

/// Erases the constant op defining `v` if nothing uses it any more (the
/// greedy driver does not revisit an operand's definition when an op is
/// modified in place).
void eraseIfUnused(Rewriter &rw, Value *v);

} // namespace irc

#endif // IRC_PASSES_CONSTANTTENSORS_H
