//===- OpHooks.h - Verify, shape and fold hooks named in op tables -*- C++ -*-//
#ifndef IRC_IR_OPS_OPHOOKS_H
#define IRC_IR_OPS_OPHOOKS_H

#include "ir/OpDefinition.h"

namespace irc {
// Builtin.cpp
LogicalResult verifyModule(Operation *op);
LogicalResult verifyFunc(Operation *op);
LogicalResult verifyReturn(Operation *op);
LogicalResult verifyCall(Operation *op);
LogicalResult verifyConstant(Operation *op);
LogicalResult verifyModuleConst(Operation *op);
LogicalResult foldConstant(Operation *op, llvm::ArrayRef<Attribute> operands,
                           llvm::SmallVectorImpl<OpFoldResult> &results);

// ControlFlow.cpp
LogicalResult verifyIf(Operation *op);
LogicalResult verifyLoop(Operation *op);
LogicalResult verifyYield(Operation *op);
LogicalResult verifyPartition(Operation *op);

// Containers.cpp (lists, tuples, dicts, objects)
LogicalResult verifyListUnpack(Operation *op);
LogicalResult verifyDictConstruct(Operation *op);
LogicalResult verifyTupleConstruct(Operation *op);
LogicalResult verifyTupleUnpack(Operation *op);
LogicalResult verifyTupleIndex(Operation *op);
LogicalResult foldTupleUnpack(Operation *op, llvm::ArrayRef<Attribute> operands,
                              llvm::SmallVectorImpl<OpFoldResult> &results);
LogicalResult foldTupleIndex(Operation *op, llvm::ArrayRef<Attribute> operands,
                             llvm::SmallVectorImpl<OpFoldResult> &results);
LogicalResult verifyGetAttr(Operation *op);
LogicalResult verifySetAttr(Operation *op);
LogicalResult verifyCallMethod(Operation *op);
LogicalResult verifyCreateObject(Operation *op);
LogicalResult verifyUncheckedCast(Operation *op);
LogicalResult verifyIsInstance(Operation *op);

// Scalar.cpp
LogicalResult foldScalarArith(Operation *op, llvm::ArrayRef<Attribute> operands,
                              llvm::SmallVectorImpl<OpFoldResult> &results);
LogicalResult foldPrimDType(Operation *op, llvm::ArrayRef<Attribute> operands,
                            llvm::SmallVectorImpl<OpFoldResult> &results);
LogicalResult foldScalarCompare(Operation *op,
                                llvm::ArrayRef<Attribute> operands,
                                llvm::SmallVectorImpl<OpFoldResult> &results);

// Elementwise.cpp
LogicalResult inferSameAsFirst(Operation *op,
                               llvm::SmallVectorImpl<Type> &results);
LogicalResult inferBroadcast(Operation *op,
                             llvm::SmallVectorImpl<Type> &results);
LogicalResult inferScalarBroadcast(Operation *op,
                                   llvm::SmallVectorImpl<Type> &results);
LogicalResult inferTrueDivide(Operation *op,
                              llvm::SmallVectorImpl<Type> &results);
LogicalResult inferCompareTensor(Operation *op,
                                 llvm::SmallVectorImpl<Type> &results);
LogicalResult inferCompareScalar(Operation *op,
                                 llvm::SmallVectorImpl<Type> &results);
LogicalResult inferUnaryFloat(Operation *op,
                              llvm::SmallVectorImpl<Type> &results);
LogicalResult inferClamp(Operation *op, llvm::SmallVectorImpl<Type> &results);
LogicalResult inferSoftmax(Operation *op, llvm::SmallVectorImpl<Type> &results);
LogicalResult inferSum(Operation *op, llvm::SmallVectorImpl<Type> &results);
LogicalResult inferMean(Operation *op, llvm::SmallVectorImpl<Type> &results);
LogicalResult inferReduceDims(Operation *op,
                              llvm::SmallVectorImpl<Type> &results);
LogicalResult inferReduceDimWithIndices(Operation *op,
                                        llvm::SmallVectorImpl<Type> &results);
LogicalResult inferArgmax(Operation *op, llvm::SmallVectorImpl<Type> &results);
LogicalResult inferNumToTensor(Operation *op,
                               llvm::SmallVectorImpl<Type> &results);

// Conv.cpp (convolution, linear algebra, pooling)
LogicalResult inferConv1d(Operation *op, llvm::SmallVectorImpl<Type> &results);
LogicalResult inferConv2d(Operation *op, llvm::SmallVectorImpl<Type> &results);
LogicalResult inferLinear(Operation *op, llvm::SmallVectorImpl<Type> &results);
LogicalResult inferMatmul(Operation *op, llvm::SmallVectorImpl<Type> &results);
LogicalResult inferMaxPool2d(Operation *op,
                             llvm::SmallVectorImpl<Type> &results);
LogicalResult inferAvgPool2d(Operation *op,
                             llvm::SmallVectorImpl<Type> &results);
LogicalResult inferAdaptiveAvgPool2d(Operation *op,
                                     llvm::SmallVectorImpl<Type> &results);
LogicalResult inferAddmm(Operation *op, llvm::SmallVectorImpl<Type> &results);
LogicalResult inferEmbedding(Operation *op,
                             llvm::SmallVectorImpl<Type> &results);
LogicalResult inferGru(Operation *op, llvm::SmallVectorImpl<Type> &results);
LogicalResult inferLstm(Operation *op, llvm::SmallVectorImpl<Type> &results);
LogicalResult inferPackedRun(Operation *op,
                             llvm::SmallVectorImpl<Type> &results);
LogicalResult verifyPrepack(Operation *op);

// Shape.cpp (views, indexing, conversions, factories)
LogicalResult inferReshape(Operation *op, llvm::SmallVectorImpl<Type> &results);
LogicalResult inferFlatten(Operation *op, llvm::SmallVectorImpl<Type> &results);
LogicalResult inferCat(Operation *op, llvm::SmallVectorImpl<Type> &results);
LogicalResult inferPermute(Operation *op,
                           llvm::SmallVectorImpl<Type> &results);
LogicalResult inferTranspose(Operation *op,
                             llvm::SmallVectorImpl<Type> &results);
LogicalResult inferT(Operation *op, llvm::SmallVectorImpl<Type> &results);
LogicalResult inferUnsqueeze(Operation *op,
                             llvm::SmallVectorImpl<Type> &results);
LogicalResult inferSqueeze(Operation *op, llvm::SmallVectorImpl<Type> &results);
LogicalResult inferSelect(Operation *op, llvm::SmallVectorImpl<Type> &results);
LogicalResult inferSlice(Operation *op, llvm::SmallVectorImpl<Type> &results);
LogicalResult inferIndexSelect(Operation *op,
                               llvm::SmallVectorImpl<Type> &results);
LogicalResult inferPad(Operation *op, llvm::SmallVectorImpl<Type> &results);
LogicalResult inferTo(Operation *op, llvm::SmallVectorImpl<Type> &results);
LogicalResult inferFactory(Operation *op, llvm::SmallVectorImpl<Type> &results);
LogicalResult inferLike(Operation *op, llvm::SmallVectorImpl<Type> &results);
LogicalResult inferScalarTensor(Operation *op,
                                llvm::SmallVectorImpl<Type> &results);
} // namespace irc

#endif // IRC_IR_OPS_OPHOOKS_H
