//===- AttributesTest.cpp - Uniquing, data and text of attributes ---------===//
#include "ir/Attributes.h"
#include "ir/Context.h"
#include "ir/Location.h"
#include "llvm/Support/raw_ostream.h"
#include "gtest/gtest.h"
#include <cmath>
#include <cstring>
#include <set>
#include <vector>

using namespace irc;

namespace {

llvm::ArrayRef<char> bytesOf(const std::vector<float> &v) {
  return {reinterpret_cast<const char *>(v.data()), v.size() * sizeof(float)};
}

TEST(Attributes, SameArgumentsGiveTheSameHandle) {
  Context ctx;
  EXPECT_EQ(getIntAttr(ctx, 42), getIntAttr(ctx, 42));
  EXPECT_EQ(getFloatAttr(ctx, 1.5), getFloatAttr(ctx, 1.5));
  EXPECT_EQ(getBoolAttr(ctx, true), getBoolAttr(ctx, true));
  EXPECT_EQ(getStringAttr(ctx, "same"),
            getStringAttr(ctx, std::string("same")));
  EXPECT_EQ(getNoneAttr(ctx), getNoneAttr(ctx));
  EXPECT_EQ(getTypeAttr(getIntType(ctx)), getTypeAttr(getIntType(ctx)));
  EXPECT_EQ(getListAttr(ctx, {getIntAttr(ctx, 1), getIntAttr(ctx, 2)}),
            getListAttr(ctx, {getIntAttr(ctx, 1), getIntAttr(ctx, 2)}));
  EXPECT_EQ(getSymbolRefAttr(ctx, "f"), getSymbolRefAttr(ctx, "f"));
  Type t = getTensorType(ctx, {2}, DType::F32);
  std::vector<float> data = {1.0f, 2.0f};
  EXPECT_EQ(getDenseAttr(t, bytesOf(data)), getDenseAttr(t, bytesOf(data)));
  EXPECT_EQ(getElidedDenseAttr(t), getElidedDenseAttr(t));
  EXPECT_EQ(getBlobAttr(t, "w", 8), getBlobAttr(t, "w", 8));
}

TEST(Attributes, DifferentArgumentsGiveDifferentHandles) {
  Context ctx;
  EXPECT_NE(getIntAttr(ctx, 1), getIntAttr(ctx, 2));
  // Same payload, different kinds.
  EXPECT_NE(getIntAttr(ctx, 1), getBoolAttr(ctx, true));
  EXPECT_NE(getIntAttr(ctx, 0), getFloatAttr(ctx, 0.0));
  EXPECT_NE(getStringAttr(ctx, "f"), getSymbolRefAttr(ctx, "f"));
  // Floats are compared bitwise: 0.0 and -0.0 fold differently.
  EXPECT_NE(getFloatAttr(ctx, 0.0), getFloatAttr(ctx, -0.0));
  EXPECT_NE(getListAttr(ctx, {getIntAttr(ctx, 1), getIntAttr(ctx, 2)}),
            getListAttr(ctx, {getIntAttr(ctx, 2), getIntAttr(ctx, 1)}));
  EXPECT_NE(getListAttr(ctx, {}), getListAttr(ctx, {getIntAttr(ctx, 0)}));

  Type t = getTensorType(ctx, {2}, DType::F32);
  Type u = getTensorType(ctx, {2}, DType::I32);
  std::vector<float> a = {1.0f, 2.0f}, b = {1.0f, 3.0f};
  EXPECT_NE(getDenseAttr(t, bytesOf(a)), getDenseAttr(t, bytesOf(b)));
  // Same bytes, different type.
  EXPECT_NE(getDenseAttr(t, bytesOf(a)), getDenseAttr(u, bytesOf(a)));
  EXPECT_NE(getDenseAttr(t, bytesOf(a)), getElidedDenseAttr(t));
  EXPECT_NE(getBlobAttr(t, "w", 0), getBlobAttr(t, "w", 8));
  EXPECT_NE(getBlobAttr(t, "w"), getBlobAttr(t, "v"));
  EXPECT_NE(getBlobAttr(t, "w"), getBlobAttr(u, "w"));
}

TEST(Attributes, IntsAreUniquedByValue) {
  // Runs of nearby values, values that share their low 32 bits (and so a
  // hash), the extremes and the two keys the int table keeps for itself.
  Context ctx;
  std::vector<int64_t> values;
  for (int64_t i = -3000; i < 3000; ++i)
    values.push_back(i);
  for (int64_t i = 1; i < 3000; ++i)
    values.push_back(i << 32);
  for (int64_t v : {INT64_MIN, INT64_MIN + 1, INT64_MAX, INT64_MAX - 1})
    values.push_back(v);
  std::vector<Attribute> first;
  for (int64_t v : values)
    first.push_back(getIntAttr(ctx, v));
  std::set<const void *> distinct;
  for (size_t i = 0; i < values.size(); ++i) {
    Attribute again = getIntAttr(ctx, values[i]);
    ASSERT_EQ(again, first[i]) << values[i];
    ASSERT_EQ(again.getInt(), values[i]);
    distinct.insert(again.getImpl());
  }
  EXPECT_EQ(distinct.size(), values.size());
}

TEST(Attributes, Accessors) {
  Context ctx;
  EXPECT_EQ(getIntAttr(ctx, -7).getInt(), -7);
  EXPECT_EQ(getFloatAttr(ctx, 2.25).getFloat(), 2.25);
  EXPECT_TRUE(getBoolAttr(ctx, true).getBool());
  EXPECT_FALSE(getBoolAttr(ctx, false).getBool());
  EXPECT_EQ(getStringAttr(ctx, "s").getString(), "s");
  EXPECT_EQ(getSymbolRefAttr(ctx, "g").getString(), "g");
  EXPECT_EQ(getTypeAttr(getBoolType(ctx)).getTypeValue(), getBoolType(ctx));
  Attribute list = getListAttr(ctx, {getIntAttr(ctx, 3), getNoneAttr(ctx)});
  ASSERT_EQ(list.getList().size(), 2u);
  EXPECT_EQ(list.getList()[0], getIntAttr(ctx, 3));
  EXPECT_TRUE(list.getList()[1].is(Attribute::Kind::None));
  EXPECT_TRUE(
      getBlobAttr(getTensorType(ctx, {1}, DType::U8), "b").isElements());
  EXPECT_FALSE(list.isElements());
  EXPECT_FALSE(Attribute().is(Attribute::Kind::Int));
}

TEST(Attributes, DenseDataIsCopiedAndAligned) {
  Context ctx;
  Type t = getTensorType(ctx, {3}, DType::F32);
  std::vector<float> data = {1.0f, -2.0f, 0.5f};
  Attribute a = getDenseAttr(t, bytesOf(data));
  data[0] = 100.0f; // The attribute owns its copy.
  auto raw = a.getRawData();
  ASSERT_TRUE(raw);
  ASSERT_EQ(raw->size(), 12u);
  float first;
  std::memcpy(&first, raw->data(), sizeof(float));
  EXPECT_EQ(first, 1.0f);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(raw->data()) % 64, 0u);
  EXPECT_EQ(a.getElementsType(), t);
}

TEST(Attributes, ElidedDenseHasNoData) {
  Context ctx;
  Attribute a = getElidedDenseAttr(getTensorType(ctx, {4}, DType::I64));
  EXPECT_TRUE(a.isElements());
  EXPECT_EQ(a.getRawData(), std::nullopt);
}

TEST(Attributes, BlobDataComesFromTheWeightStore) {
  Context ctx;
  Type t = getTensorType(ctx, {2}, DType::I32);
  Attribute a = getBlobAttr(t, "weights", 4);
  // Not in the store: the data is unknown.
  EXPECT_EQ(a.getRawData(), std::nullopt);

  const char bytes[] = {0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0};
  ctx.getWeightStore().addCopy("weights", llvm::ArrayRef<char>(bytes, 12));
  auto raw = a.getRawData();
  ASSERT_TRUE(raw);
  ASSERT_EQ(raw->size(), 8u);
  int32_t v[2];
  std::memcpy(v, raw->data(), 8);
  EXPECT_EQ(v[0], 1);
  EXPECT_EQ(v[1], 2);
  // The bytes are a view into the store, not a copy.
  EXPECT_EQ(raw->data(), ctx.getWeightStore().lookup("weights")->data() + 4);

  // A blob too small for the type at that offset has no data either.
  Attribute tooFar = getBlobAttr(t, "weights", 8);
  EXPECT_EQ(tooFar.getRawData(), std::nullopt);
  Attribute pastEnd = getBlobAttr(t, "weights", 100);
  EXPECT_EQ(pastEnd.getRawData(), std::nullopt);
}

TEST(Attributes, Printing) {
  Context ctx;
  EXPECT_EQ(getIntAttr(ctx, -3).str(), "-3");
  EXPECT_EQ(getFloatAttr(ctx, 1.0).str(), "1.0");
  EXPECT_EQ(getFloatAttr(ctx, 0.1).str(), "0.1");
  EXPECT_EQ(getFloatAttr(ctx, 1e-5).str(), "1e-05");
  EXPECT_EQ(getFloatAttr(ctx, -INFINITY).str(), "-inf");
  EXPECT_EQ(getFloatAttr(ctx, NAN).str(), "nan");
  EXPECT_EQ(getBoolAttr(ctx, false).str(), "false");
  EXPECT_EQ(getStringAttr(ctx, "a\"b").str(), "\"a\\22b\"");
  EXPECT_EQ(getNoneAttr(ctx).str(), "none");
  EXPECT_EQ(getTypeAttr(getListType(getIntType(ctx))).str(), "type<list<i64>>");
  EXPECT_EQ(getListAttr(ctx, {getIntAttr(ctx, 1), getIntAttr(ctx, 2)}).str(),
            "[1, 2]");
  EXPECT_EQ(getSymbolRefAttr(ctx, "forward").str(), "@forward");
  EXPECT_EQ(getSymbolRefAttr(ctx, "has space").str(), "@\"has space\"");
  Type t = getTensorType(ctx, {2}, DType::F32);
  std::vector<float> two = {1.5f, -2.0f}, splat = {3.0f, 3.0f};
  EXPECT_EQ(getDenseAttr(t, bytesOf(two)).str(),
            "dense<[1.5, -2.0]> : tensor<2xf32>");
  EXPECT_EQ(getDenseAttr(t, bytesOf(splat)).str(),
            "dense<3.0> : tensor<2xf32>");
  EXPECT_EQ(getElidedDenseAttr(t).str(), "dense<elided> : tensor<2xf32>");
  EXPECT_EQ(getBlobAttr(t, "data/0").str(), "blob<\"data/0\"> : tensor<2xf32>");
  EXPECT_EQ(getBlobAttr(t, "w", 16).str(), "blob<\"w\", 16> : tensor<2xf32>");
}

TEST(Locations, UniquedAndPrinted) {
  Context ctx;
  Location a = getFileLineColLoc(ctx, "model.py", 14, 8);
  EXPECT_EQ(a, getFileLineColLoc(ctx, "model.py", 14, 8));
  EXPECT_NE(a, getFileLineColLoc(ctx, "model.py", 14, 9));
  EXPECT_NE(a, getFileLineColLoc(ctx, "other.py", 14, 8));
  EXPECT_EQ(getUnknownLoc(ctx), getUnknownLoc(ctx));
  Location b = getFileLineColLoc(ctx, "callee.py", 2, 1);
  Location fused = getFusedLoc(ctx, {b, a});
  EXPECT_EQ(fused, getFusedLoc(ctx, {b, a}));
  EXPECT_NE(fused, getFusedLoc(ctx, {a, b}));
  // One location fuses to itself.
  EXPECT_EQ(getFusedLoc(ctx, {a}), a);
  EXPECT_EQ(fused.getFirstFileLoc(), b);
  EXPECT_EQ(getFusedLoc(ctx, {getUnknownLoc(ctx), a}).getFirstFileLoc(), a);

  std::string text, prefix;
  llvm::raw_string_ostream os(text), ps(prefix);
  fused.print(os);
  fused.printPrefix(ps);
  EXPECT_EQ(os.str(), "loc(fused[\"callee.py\":2:1, \"model.py\":14:8])");
  EXPECT_EQ(ps.str(), "callee.py:2:1");
  text.clear();
  getUnknownLoc(ctx).print(os);
  EXPECT_EQ(os.str(), "loc(unknown)");
}

} // namespace
