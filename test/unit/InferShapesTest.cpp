//===- InferShapesTest.cpp - specializeArguments, refinement, promotion ---===//
#include "passes/InferShapes.h"
#include "ir/AsmParser.h"
#include "ir/Verifier.h"
#include "ir/ops/ShapeUtils.h"
#include "gtest/gtest.h"

using namespace irc;

namespace {

const char *kModule = R"(
func @forward(%x: tensor, %n: i64) -> tensor {
  %r = aten.relu(%x) : (tensor) -> tensor
  return %r : tensor
}
func @caller(%y: tensor<2xf32>) -> tensor {
  %n = constant 1 : i64
  %r = call @forward(%y, %n) : (tensor<2xf32>, i64) -> tensor
  return %r : tensor
}
)";

Type parse(Context &ctx, llvm::StringRef text) {
  Type t = parseType(text, ctx);
  EXPECT_TRUE(t) << text.str();
  return t;
}

TEST(SpecializeArguments, SetsBlockArgumentsAndSignature) {
  Context ctx;
  std::optional<Module> m = parseSourceString(kModule, ctx);
  ASSERT_TRUE(m);
  FuncOp f(m->lookupSymbol("forward"));
  std::string error;
  Type t = parse(ctx, "tensor<2xf32>");
  // A null type keeps the argument as declared.
  ASSERT_TRUE(
      succeeded(specializeArguments(f.getOperation(), {t, Type()}, error)))
      << error;
  EXPECT_EQ(f.getEntryBlock().getArgument(0)->getType(), t);
  EXPECT_EQ(f.getFunctionType(), parse(ctx, "(tensor<2xf32>, i64) -> tensor"));
  EXPECT_TRUE(succeeded(verify(m->getOperation())));
}

TEST(SpecializeArguments, RejectsTypesThatDoNotRefine) {
  Context ctx;
  std::optional<Module> m = parseSourceString(kModule, ctx);
  ASSERT_TRUE(m);
  Operation *f = m->lookupSymbol("forward");
  Type before = FuncOp(f).getFunctionType();
  std::string error;
  Type t = parse(ctx, "tensor<2x3xf32>");
  EXPECT_TRUE(failed(specializeArguments(f, {t, t}, error)));
  EXPECT_EQ(error, "argument #1 of @forward is i64, which tensor<2x3xf32> "
                   "does not refine");
  EXPECT_EQ(FuncOp(f).getFunctionType(), before);

  error.clear();
  EXPECT_TRUE(failed(specializeArguments(f, {t}, error)));
  EXPECT_EQ(error, "@forward takes 2 arguments, got 1 types");

  // @caller passes a tensor<2xf32>, which is not a tensor<2x3xf32>.
  error.clear();
  EXPECT_TRUE(failed(specializeArguments(f, {t, Type()}, error)));
  EXPECT_EQ(error, "a call of @forward passes tensor<2xf32> as argument #0, "
                   "not tensor<2x3xf32>");
  EXPECT_EQ(FuncOp(f).getEntryBlock().getArgument(0)->getType(),
            parse(ctx, "tensor"));
}

TEST(Types, RefinementOrder) {
  Context ctx;
  auto refines = [&](const char *a, const char *b) {
    return isRefinementOf(parse(ctx, a), parse(ctx, b));
  };
  EXPECT_TRUE(refines("tensor<2x3xf32>", "tensor"));
  EXPECT_TRUE(refines("tensor<2x3xf32>", "tensor<*xf32>"));
  EXPECT_TRUE(refines("tensor<2x3xf32>", "tensor<?x3xf32>"));
  EXPECT_TRUE(refines("tensor<2x3xf32>", "tensor<2x3x?>"));
  EXPECT_TRUE(refines("tensor<f32>", "tensor"));
  EXPECT_TRUE(refines("optional<tensor<2xf32>>", "optional<tensor>"));
  EXPECT_TRUE(refines("tuple<tensor<2xf32>, i64>", "tuple<tensor, i64>"));
  EXPECT_TRUE(refines("i64", "i64"));
  EXPECT_FALSE(refines("tensor", "tensor<2xf32>"));
  EXPECT_FALSE(refines("tensor<2x3xf32>", "tensor<2x4xf32>"));
  EXPECT_FALSE(refines("tensor<2x3xf32>", "tensor<2x3xf64>"));
  EXPECT_FALSE(refines("tensor<2x3xf32>", "tensor<?xf32>"));
  EXPECT_FALSE(refines("tensor<2xf32>", "i64"));
  EXPECT_FALSE(refines("tensor<2xf32>", "optional<tensor>"));
  // Lists are mutable: their element types must be equal.
  EXPECT_FALSE(refines("list<tensor<2xf32>>", "list<tensor>"));
}

TEST(TypePromotion, FollowsPyTorch) {
  EXPECT_EQ(promoteTypes(DType::I64, DType::F32), DType::F32);
  EXPECT_EQ(promoteTypes(DType::U8, DType::I8), DType::I16);
  EXPECT_EQ(promoteTypes(DType::U8, DType::I32), DType::I32);
  EXPECT_EQ(promoteTypes(DType::F16, DType::BF16), DType::F32);
  EXPECT_EQ(promoteTypes(DType::Bool, DType::I8), DType::I8);
  EXPECT_EQ(promoteTypes(DType::F64, DType::F16), DType::F64);
  EXPECT_EQ(promoteTypes(DType::QI8, DType::F32), DType::Unknown);

  Context ctx;
  Type i32 = parse(ctx, "tensor<4xi32>"), f64z = parse(ctx, "tensor<f64>");
  Type f32 = parse(ctx, "tensor<4xf32>"), u = parse(ctx, "tensor<*xf64>");
  Type num = getIntType(ctx), real = getFloatType(ctx);
  // Numbers count only when they are of a higher kind.
  EXPECT_EQ(resultDType({i32}, {num}), DType::I32);
  EXPECT_EQ(resultDType({i32}, {real}), DType::F32);
  EXPECT_EQ(resultDType({parse(ctx, "tensor<4xbool>")}, {num}), DType::I64);
  // So do zero-dim tensors.
  EXPECT_EQ(resultDType({f32, f64z}, {}), DType::F32);
  EXPECT_EQ(resultDType({i32, f64z}, {}), DType::F64);
  EXPECT_EQ(resultDType({f64z, parse(ctx, "tensor<i32>")}, {}), DType::F64);
  // Whether an unranked f64 tensor is zero-dim decides against f32.
  EXPECT_EQ(resultDType({f32, u}, {}), DType::Unknown);
  EXPECT_EQ(resultDType({i32, u}, {}), DType::F64);
}

} // namespace
