//===- TensorConstantTest.cpp - Small tensors inline, large by reference --===//
#include "ir/AsmPrinter.h"
#include "ir/Builder.h"
#include "gtest/gtest.h"
#include <cstring>
#include <vector>

using namespace irc;

namespace {
std::vector<char> floats(int n) {
  std::vector<char> bytes(n * sizeof(float));
  for (int i = 0; i < n; ++i) {
    float v = float(i) * 0.5f;
    std::memcpy(bytes.data() + i * sizeof(float), &v, sizeof(float));
  }
  return bytes;
}

TEST(TensorConstant, SmallIsInlineDense) {
  Context ctx;
  Builder b(ctx);
  Type t = getTensorType(ctx, {2, 2}, DType::F32);
  std::vector<char> data = floats(4);
  Attribute a = b.getTensorAttr(t, data);
  ASSERT_TRUE(a.is(Attribute::Kind::Dense));
  EXPECT_EQ(a.str(), "dense<[0.0, 0.5, 1.0, 1.5]> : tensor<2x2xf32>");
  EXPECT_EQ(ctx.getWeightStore().size(), 0u);
}

TEST(TensorConstant, LargeIsBlobReferenceWithItsBytes) {
  Context ctx;
  Builder b(ctx);
  Type t = getTensorType(ctx, {4, 8}, DType::F32);
  std::vector<char> data = floats(32);
  Attribute a = b.getTensorAttr(t, data);
  ASSERT_TRUE(a.is(Attribute::Kind::Blob));
  EXPECT_EQ(a.getElementsType(), t);
  auto raw = a.getRawData();
  ASSERT_TRUE(raw.has_value());
  ASSERT_EQ(raw->size(), data.size());
  EXPECT_EQ(std::memcmp(raw->data(), data.data(), data.size()), 0);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(raw->data()) % WeightStore::kAlignment,
            0u);
  // A second large constant gets its own blob.
  Attribute other = b.getTensorAttr(t, floats(32));
  EXPECT_NE(other.getString(), a.getString());
  EXPECT_EQ(ctx.getWeightStore().size(), 2u);
}
} // namespace
