//===- ObjectAttrTest.cpp - Tuple, dict and object attributes -------------===//
#include "TestUtils.h"
#include "ir/AsmParser.h"
#include "ir/Attributes.h"
#include "ir/Context.h"
#include "ir/Module.h"
#include "gtest/gtest.h"

using namespace irc;

namespace {

Attribute i(Context &ctx, int64_t v) { return getIntAttr(ctx, v); }
Attribute s(Context &ctx, llvm::StringRef v) { return getStringAttr(ctx, v); }

TEST(ObjectAttr, TuplesAreUniquedByElements) {
  Context ctx;
  Attribute t = getTupleAttr(ctx, {i(ctx, 5), getFloatAttr(ctx, 0.25)});
  EXPECT_EQ(t, getTupleAttr(ctx, {i(ctx, 5), getFloatAttr(ctx, 0.25)}));
  EXPECT_TRUE(t.is(Attribute::Kind::Tuple));
  ASSERT_EQ(t.getTuple().size(), 2u);
  EXPECT_EQ(t.getTuple()[0], i(ctx, 5));
  EXPECT_NE(t, getTupleAttr(ctx, {getFloatAttr(ctx, 0.25), i(ctx, 5)}));
  // A tuple is not the list with the same elements.
  EXPECT_NE(getTupleAttr(ctx, {i(ctx, 1)}), getListAttr(ctx, {i(ctx, 1)}));
  EXPECT_NE(getTupleAttr(ctx, {}), getListAttr(ctx, {}));
  EXPECT_TRUE(getTupleAttr(ctx, {}).getTuple().empty());
}

TEST(ObjectAttr, DictsKeepTheirOrder) {
  Context ctx;
  Attribute d =
      getDictAttr(ctx, {{s(ctx, "a"), i(ctx, 1)}, {s(ctx, "b"), i(ctx, 20)}});
  EXPECT_TRUE(d.is(Attribute::Kind::Dict));
  EXPECT_EQ(d, getDictAttr(
                   ctx, {{s(ctx, "a"), i(ctx, 1)}, {s(ctx, "b"), i(ctx, 20)}}));
  // The same entries in another order are another dict.
  EXPECT_NE(d, getDictAttr(
                   ctx, {{s(ctx, "b"), i(ctx, 20)}, {s(ctx, "a"), i(ctx, 1)}}));
  ASSERT_EQ(d.getDictEntries().size(), 2u);
  EXPECT_EQ(d.getDictEntries()[1].first, s(ctx, "b"));
  EXPECT_EQ(d.getDictEntries()[1].second, i(ctx, 20));
  EXPECT_EQ(d.lookupDict(s(ctx, "a")), i(ctx, 1));
  EXPECT_FALSE(d.lookupDict(s(ctx, "c")));
  // Keys are attributes: the int 1 is not the string "1".
  Attribute byInt = getDictAttr(ctx, {{i(ctx, 1), s(ctx, "one")}});
  EXPECT_EQ(byInt.lookupDict(i(ctx, 1)), s(ctx, "one"));
  EXPECT_FALSE(byInt.lookupDict(s(ctx, "1")));
  EXPECT_TRUE(getDictAttr(ctx, {}).getDictEntries().empty());
  EXPECT_NE(getDictAttr(ctx, {}), getTupleAttr(ctx, {}));
}

TEST(ObjectAttr, ObjectsWithFields) {
  Context ctx;
  Attribute self = getSymbolRefAttr(ctx, "self.conv1");
  // Names need not outlive the call: the context keeps its own copies.
  std::string name = "conv1";
  Attribute o =
      getObjectAttr(ctx, "__torch__.Net",
                    {{"training", getBoolAttr(ctx, false)}, {name, self}});
  name = "other";
  EXPECT_TRUE(o.is(Attribute::Kind::Object));
  EXPECT_EQ(o.getObjectClass(), "__torch__.Net");
  EXPECT_FALSE(o.hasObjectState());
  EXPECT_TRUE(o.getObjectState().empty());
  ASSERT_EQ(o.getObjectFields().size(), 2u);
  EXPECT_EQ(o.getObjectFields()[1].name, "conv1");
  EXPECT_EQ(o.getObjectField("conv1"), self);
  EXPECT_EQ(o.getObjectField("training"), getBoolAttr(ctx, false));
  EXPECT_FALSE(o.getObjectField("missing"));

  EXPECT_EQ(o, getObjectAttr(
                   ctx, "__torch__.Net",
                   {{"training", getBoolAttr(ctx, false)}, {"conv1", self}}));
  // Field order, names, values and the class are all part of the identity.
  EXPECT_NE(o, getObjectAttr(
                   ctx, "__torch__.Net",
                   {{"conv1", self}, {"training", getBoolAttr(ctx, false)}}));
  EXPECT_NE(o, getObjectAttr(
                   ctx, "__torch__.Net",
                   {{"training", getBoolAttr(ctx, true)}, {"conv1", self}}));
  EXPECT_NE(o, getObjectAttr(
                   ctx, "__torch__.Net2",
                   {{"training", getBoolAttr(ctx, false)}, {"conv1", self}}));
  EXPECT_NE(o, getObjectAttr(
                   ctx, "__torch__.Net",
                   {{"training", getBoolAttr(ctx, false)}, {"conv2", self}}));
}

TEST(ObjectAttr, ObjectsWithState) {
  Context ctx;
  llvm::StringRef cls = "__torch__.torch.classes.xnnpack.Conv2dOpContext";
  Attribute o = getObjectStateAttr(
      ctx, cls, {getSymbolRefAttr(ctx, "c0.weight"), getNoneAttr(ctx)});
  EXPECT_TRUE(o.hasObjectState());
  EXPECT_EQ(o.getObjectClass(), cls);
  ASSERT_EQ(o.getObjectState().size(), 2u);
  EXPECT_TRUE(o.getObjectState()[1].is(Attribute::Kind::None));
  EXPECT_TRUE(o.getObjectFields().empty());
  EXPECT_FALSE(o.getObjectField("weight"));
  EXPECT_EQ(
      o, getObjectStateAttr(
             ctx, cls, {getSymbolRefAttr(ctx, "c0.weight"), getNoneAttr(ctx)}));
  // An empty state is not an object without fields.
  EXPECT_NE(getObjectStateAttr(ctx, cls, {}), getObjectAttr(ctx, cls, {}));
  EXPECT_TRUE(getObjectStateAttr(ctx, cls, {}).hasObjectState());
  EXPECT_FALSE(getObjectAttr(ctx, cls, {}).hasObjectState());
}

TEST(ObjectAttr, Printing) {
  Context ctx;
  EXPECT_EQ(getTupleAttr(ctx, {}).str(), "()");
  EXPECT_EQ(getTupleAttr(ctx, {i(ctx, 1)}).str(), "(1,)");
  EXPECT_EQ(getTupleAttr(ctx, {i(ctx, 5), getFloatAttr(ctx, 0.25)}).str(),
            "(5, 0.25)");
  EXPECT_EQ(getDictAttr(ctx, {}).str(), "{}");
  EXPECT_EQ(
      getDictAttr(ctx, {{s(ctx, "b"), i(ctx, 20)}, {i(ctx, 1), s(ctx, "a")}})
          .str(),
      "{\"b\": 20, 1: \"a\"}");
  EXPECT_EQ(getObjectAttr(ctx, "__torch__.Net",
                          {{"training", getBoolAttr(ctx, false)},
                           {"conv1", getSymbolRefAttr(ctx, "self.conv1")},
                           {"0", getListAttr(ctx, {})},
                           {"a b", getTupleAttr(ctx, {i(ctx, 2)})}})
                .str(),
            "object<\"__torch__.Net\"> {training = false, conv1 = @self.conv1, "
            "\"0\" = [], \"a b\" = (2,)}");
  EXPECT_EQ(getObjectAttr(ctx, "q\"x", {}).str(), "object<\"q\\22x\"> {}");
  EXPECT_EQ(getObjectStateAttr(ctx, "C", {}).str(), "object<\"C\"> ()");
  EXPECT_EQ(getObjectStateAttr(ctx, "C", {i(ctx, 1)}).str(),
            "object<\"C\"> (1,)");
  EXPECT_EQ(getObjectStateAttr(ctx, "C", {i(ctx, 1), getNoneAttr(ctx)}).str(),
            "object<\"C\"> (1, none)");
}

TEST(ObjectAttr, DictType) {
  Context ctx;
  Type d = getDictType(getStrType(ctx), getListType(getIntType(ctx)));
  EXPECT_TRUE(d.isDict());
  EXPECT_EQ(d, getDictType(getStrType(ctx), getListType(getIntType(ctx))));
  EXPECT_NE(d, getDictType(getListType(getIntType(ctx)), getStrType(ctx)));
  EXPECT_EQ(d.getDictKeyType(), getStrType(ctx));
  EXPECT_EQ(d.getDictValueType(), getListType(getIntType(ctx)));
  EXPECT_EQ(d.str(), "dict<str, list<i64>>");
  EXPECT_EQ(parseType("dict<i64, tuple<f64, str>>", ctx),
            getDictType(getIntType(ctx), getTupleType(ctx, {getFloatType(ctx),
                                                            getStrType(ctx)})));
  // Not a tuple of its key and value types.
  EXPECT_NE(d,
            getTupleType(ctx, {getStrType(ctx), getListType(getIntType(ctx))}));
}

TEST(ObjectAttr, ParsedConstantsHoldTheValues) {
  Context ctx;
  test::DiagCapture diags(ctx);
  std::optional<Module> m = parseSourceString(
      "const @self = object<\"__torch__.Net\"> {conv1 = @self.conv1, "
      "pair = (5, 0.25), mapping = {\"a\": 1}} : object<\"__torch__.Net\">\n"
      "const @self.conv1 = object<\"C\"> (none, [1, 1]) : object<\"C\">\n",
      ctx);
  ASSERT_TRUE(m) << diags.str();
  Attribute self = m->lookupSymbol("self")->getAttr("value");
  EXPECT_EQ(self.getObjectField("conv1"), getSymbolRefAttr(ctx, "self.conv1"));
  EXPECT_EQ(self.getObjectField("pair"),
            getTupleAttr(ctx, {i(ctx, 5), getFloatAttr(ctx, 0.25)}));
  EXPECT_EQ(self.getObjectField("mapping").lookupDict(s(ctx, "a")), i(ctx, 1));
  Attribute conv = m->lookupSymbol("self.conv1")->getAttr("value");
  EXPECT_EQ(conv,
            getObjectStateAttr(
                ctx, "C",
                {getNoneAttr(ctx), getListAttr(ctx, {i(ctx, 1), i(ctx, 1)})}));
}

TEST(ObjectAttr, ConstantsMustMatchTheirTypes) {
  Context ctx;
  test::DiagCapture diags(ctx);
  EXPECT_FALSE(
      parseSourceString("const @o = object<\"A\"> {} : object<\"B\">\n", ctx));
  EXPECT_NE(diags.str().find("is not a valid constant of type"),
            std::string::npos)
      << diags.str();
  diags.diags.clear();
  EXPECT_FALSE(parseSourceString("const @t = (1, 2) : tuple<i64>\n", ctx));
  EXPECT_FALSE(
      parseSourceString("const @d = {1: \"a\"} : dict<i64, i64>\n", ctx));
  diags.diags.clear();
  // Symbols inside a value are not checked against the element type.
  EXPECT_TRUE(
      parseSourceString("const @t = (@w, 1) : tuple<tensor<2xf32>, i64>\n"
                        "const @w = dense<[1.0, 2.0]> : tensor<2xf32>\n",
                        ctx))
      << diags.str();
}

} // namespace
