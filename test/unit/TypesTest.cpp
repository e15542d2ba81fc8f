//===- TypesTest.cpp - Uniquing, accessors and text of types --------------===//
#include "ir/Types.h"
#include "ir/AsmParser.h"
#include "ir/Context.h"
#include "gtest/gtest.h"

using namespace irc;

namespace {

TEST(Types, SameArgumentsGiveTheSameHandle) {
  Context ctx;
  Type a = getTensorType(ctx, {1, 3, 224, 224}, DType::F32);
  Type b = getTensorType(ctx, {1, 3, 224, 224}, DType::F32);
  EXPECT_EQ(a, b);
  EXPECT_EQ(a.getImpl(), b.getImpl());
  EXPECT_EQ(getIntType(ctx), getIntType(ctx));
  EXPECT_EQ(getListType(getIntType(ctx)), getListType(getIntType(ctx)));
  EXPECT_EQ(getOptionalType(a), getOptionalType(b));
  EXPECT_EQ(getTupleType(ctx, {a, getBoolType(ctx)}),
            getTupleType(ctx, {b, getBoolType(ctx)}));
  EXPECT_EQ(getObjectType(ctx, "__torch__.M"),
            getObjectType(ctx, "__torch__.M"));
  EXPECT_EQ(getOpaqueType(ctx, "xnn.params"), getOpaqueType(ctx, "xnn.params"));
  EXPECT_EQ(getFunctionType(ctx, {a}, {getIntType(ctx)}),
            getFunctionType(ctx, {b}, {getIntType(ctx)}));
  EXPECT_EQ(getUnrankedTensorType(ctx, DType::F32),
            getUnrankedTensorType(ctx, DType::F32));
}

TEST(Types, DifferentArgumentsGiveDifferentHandles) {
  Context ctx;
  Type f32 = getTensorType(ctx, {2, 3}, DType::F32);
  EXPECT_NE(f32, getTensorType(ctx, {3, 2}, DType::F32));
  EXPECT_NE(f32, getTensorType(ctx, {2, 3}, DType::F16));
  EXPECT_NE(f32, getTensorType(ctx, {2, 3, 1}, DType::F32));
  EXPECT_NE(f32, getTensorType(ctx, {2, kDynamic}, DType::F32));
  // A rank-0 tensor is not the unranked tensor.
  EXPECT_NE(getTensorType(ctx, {}, DType::F32),
            getUnrankedTensorType(ctx, DType::F32));
  EXPECT_NE(getUnrankedTensorType(ctx, DType::F32), getUnrankedTensorType(ctx));
  EXPECT_NE(getIntType(ctx), getFloatType(ctx));
  EXPECT_NE(getListType(getIntType(ctx)), getOptionalType(getIntType(ctx)));
  EXPECT_NE(getListType(getIntType(ctx)), getListType(getFloatType(ctx)));
  EXPECT_NE(getTupleType(ctx, {getIntType(ctx), getBoolType(ctx)}),
            getTupleType(ctx, {getBoolType(ctx), getIntType(ctx)}));
  EXPECT_NE(getObjectType(ctx, "A"), getObjectType(ctx, "B"));
  EXPECT_NE(getObjectType(ctx, "A"), getOpaqueType(ctx, "A"));
  // The split between inputs and results is part of a function type.
  Type i64 = getIntType(ctx);
  EXPECT_NE(getFunctionType(ctx, {i64, i64}, {}),
            getFunctionType(ctx, {i64}, {i64}));
}

TEST(Types, UniquedAcrossBorrowedStorage) {
  Context ctx;
  Type t;
  {
    // The shape array and name are copied into the context.
    std::vector<int64_t> shape = {4, 5};
    std::string name = "__torch__.Net";
    t = getTensorType(ctx, shape, DType::I8);
    Type o = getObjectType(ctx, name);
    shape[0] = 99;
    name[0] = 'X';
    EXPECT_EQ(o.getName(), "__torch__.Net");
  }
  EXPECT_EQ(t.getShape(), llvm::ArrayRef<int64_t>({4, 5}));
  EXPECT_EQ(t, getTensorType(ctx, {4, 5}, DType::I8));
}

TEST(Types, ContextsDoNotShareTypes) {
  Context a, b;
  EXPECT_NE(getIntType(a), getIntType(b));
  EXPECT_EQ(&getIntType(a).getContext(), &a);
  EXPECT_EQ(&getIntType(b).getContext(), &b);
}

TEST(Types, TensorAccessors) {
  Context ctx;
  Type t = getTensorType(ctx, {1, 64, 56, 56}, DType::F32);
  EXPECT_TRUE(t.isTensor());
  EXPECT_TRUE(t.hasRank());
  EXPECT_EQ(t.getRank(), 4u);
  EXPECT_EQ(t.getDType(), DType::F32);
  EXPECT_TRUE(t.hasStaticShape());
  EXPECT_EQ(t.getNumElements(), 1 * 64 * 56 * 56);

  Type dyn = getTensorType(ctx, {kDynamic, 3}, DType::F32);
  EXPECT_TRUE(dyn.hasRank());
  EXPECT_FALSE(dyn.hasStaticShape());

  Type unranked = getUnrankedTensorType(ctx);
  EXPECT_TRUE(unranked.isTensor());
  EXPECT_FALSE(unranked.hasRank());
  EXPECT_FALSE(unranked.hasStaticShape());
  EXPECT_EQ(unranked.getDType(), DType::Unknown);

  Type scalar = getTensorType(ctx, {}, DType::I64);
  EXPECT_TRUE(scalar.hasStaticShape());
  EXPECT_EQ(scalar.getNumElements(), 1);

  EXPECT_FALSE(getIntType(ctx).isTensor());
  EXPECT_FALSE(getIntType(ctx).hasRank());
  EXPECT_FALSE(Type().isTensor());
}

TEST(Types, CompositeAccessors) {
  Context ctx;
  Type i64 = getIntType(ctx), b = getBoolType(ctx);
  EXPECT_EQ(getListType(i64).getElementType(), i64);
  EXPECT_EQ(getOptionalType(b).getElementType(), b);
  Type tuple = getTupleType(ctx, {i64, b});
  ASSERT_EQ(tuple.getTupleTypes().size(), 2u);
  EXPECT_EQ(tuple.getTupleTypes()[0], i64);
  EXPECT_EQ(tuple.getTupleTypes()[1], b);
  Type fn = getFunctionType(ctx, {i64, b}, {b});
  EXPECT_EQ(fn.getInputs(), llvm::ArrayRef<Type>({i64, b}));
  EXPECT_EQ(fn.getResults(), llvm::ArrayRef<Type>({b}));
  EXPECT_EQ(getOpaqueType(ctx, "xnn.params").getName(), "xnn.params");
}

TEST(Types, Printing) {
  Context ctx;
  Type i64 = getIntType(ctx);
  EXPECT_EQ(getTensorType(ctx, {1, 3, kDynamic, 224}, DType::F32).str(),
            "tensor<1x3x?x224xf32>");
  EXPECT_EQ(getTensorType(ctx, {}, DType::BF16).str(), "tensor<bf16>");
  EXPECT_EQ(getTensorType(ctx, {2}, DType::Unknown).str(), "tensor<2x?>");
  EXPECT_EQ(getUnrankedTensorType(ctx).str(), "tensor");
  EXPECT_EQ(getUnrankedTensorType(ctx, DType::U8).str(), "tensor<*xu8>");
  EXPECT_EQ(i64.str(), "i64");
  EXPECT_EQ(getFloatType(ctx).str(), "f64");
  EXPECT_EQ(getBoolType(ctx).str(), "bool");
  EXPECT_EQ(getStrType(ctx).str(), "str");
  EXPECT_EQ(getNoneType(ctx).str(), "none");
  EXPECT_EQ(getDeviceType(ctx).str(), "device");
  EXPECT_EQ(getAnyType(ctx).str(), "any");
  EXPECT_EQ(getListType(getTensorType(ctx, {kDynamic}, DType::F32)).str(),
            "list<tensor<?xf32>>");
  EXPECT_EQ(getOptionalType(i64).str(), "optional<i64>");
  EXPECT_EQ(getTupleType(ctx, {i64, getBoolType(ctx)}).str(),
            "tuple<i64, bool>");
  EXPECT_EQ(getTupleType(ctx, {}).str(), "tuple<>");
  EXPECT_EQ(getObjectType(ctx, "__torch__.M").str(), "object<\"__torch__.M\">");
  EXPECT_EQ(getOpaqueType(ctx, "xnn.conv2d_params").str(),
            "!xnn.conv2d_params");
  EXPECT_EQ(getFunctionType(ctx, {i64}, {i64}).str(), "(i64) -> i64");
  EXPECT_EQ(getFunctionType(ctx, {}, {}).str(), "() -> ()");
  EXPECT_EQ(getFunctionType(ctx, {i64, i64}, {i64, getBoolType(ctx)}).str(),
            "(i64, i64) -> (i64, bool)");
  // A function result that is itself a function keeps its parentheses.
  EXPECT_EQ(
      getFunctionType(ctx, {}, {getFunctionType(ctx, {i64}, {i64})}).str(),
      "() -> ((i64) -> i64)");
  EXPECT_EQ(Type().str(), "<<null type>>");
}

TEST(Types, PrintedTextParsesToTheSameType) {
  Context ctx;
  Type i64 = getIntType(ctx);
  Type types[] = {
      getTensorType(ctx, {1, kDynamic, 7}, DType::F16),
      getTensorType(ctx, {}, DType::Bool),
      getUnrankedTensorType(ctx),
      getUnrankedTensorType(ctx, DType::I32),
      getListType(getOptionalType(i64)),
      getTupleType(ctx, {i64, getListType(getStrType(ctx))}),
      getObjectType(ctx, "__torch__.a \"quoted\" name"),
      getObjectType(ctx, "tab\tand\x01"
                         "control\\"),
      getOpaqueType(ctx, "vk.pipeline"),
      getFunctionType(ctx, {i64}, {getFunctionType(ctx, {}, {i64})}),
      getFunctionType(ctx, {}, {i64, i64}),
  };
  for (Type t : types) {
    SCOPED_TRACE(t.str());
    EXPECT_EQ(parseType(t.str(), ctx), t);
  }
}

TEST(Types, Compatibility) {
  Context ctx;
  Type a = getTensorType(ctx, {2, 3}, DType::F32);
  EXPECT_TRUE(areCompatible(a, a));
  EXPECT_TRUE(areCompatible(a, getTensorType(ctx, {kDynamic, 3}, DType::F32)));
  EXPECT_TRUE(areCompatible(a, getTensorType(ctx, {2, 3}, DType::Unknown)));
  EXPECT_TRUE(areCompatible(a, getUnrankedTensorType(ctx)));
  EXPECT_FALSE(areCompatible(a, getTensorType(ctx, {2, 4}, DType::F32)));
  EXPECT_FALSE(areCompatible(a, getTensorType(ctx, {2, 3}, DType::F16)));
  EXPECT_FALSE(areCompatible(a, getTensorType(ctx, {6}, DType::F32)));
  EXPECT_FALSE(areCompatible(a, getUnrankedTensorType(ctx, DType::I64)));
  EXPECT_FALSE(areCompatible(getIntType(ctx), getFloatType(ctx)));
  EXPECT_FALSE(areCompatible(a, getIntType(ctx)));
}

TEST(Types, DTypes) {
  EXPECT_EQ(dtypeSize(DType::F32), 4u);
  EXPECT_EQ(dtypeSize(DType::BF16), 2u);
  EXPECT_EQ(dtypeSize(DType::I64), 8u);
  EXPECT_EQ(dtypeSize(DType::Bool), 1u);
  EXPECT_EQ(dtypeSize(DType::Unknown), 0u);
  EXPECT_EQ(dtypeName(DType::U8), "u8");
  EXPECT_EQ(parseDType("f16"), DType::F16);
  EXPECT_EQ(parseDType("f128"), std::nullopt);
  EXPECT_TRUE(isFloatDType(DType::BF16));
  EXPECT_FALSE(isFloatDType(DType::I32));
  EXPECT_TRUE(isIntegerDType(DType::U8));
  EXPECT_FALSE(isIntegerDType(DType::Bool));
}

} // namespace
