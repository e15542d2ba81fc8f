//===- OpTableTest.cpp - Op schemas: parsing, defaults, the census --------===//
#include "frontend/CallResolver.h"
#include "ir/AsmParser.h"
#include "ir/Attributes.h"
#include "ir/Builder.h"
#include "ir/Context.h"
#include "ir/Module.h"
#include "ir/OpDefinition.h"
#include "ir/Verifier.h"
#include "test/unit/TestUtils.h"
#include "gtest/gtest.h"
#include <cmath>
#include <set>

using namespace irc;
using K = SchemaType::Kind;

namespace {

Schema parseOk(llvm::StringRef text) {
  Schema s;
  std::string err = parseSchema(text, s);
  EXPECT_EQ(err, "") << text.str();
  return s;
}

const OpInfo *lookupOp(llvm::StringRef name) {
  for (const OpInfo &info : getRegisteredOps())
    if (info.name == name)
      return &info;
  return nullptr;
}

TEST(OpSchema, DefaultsOfFixedSizeListsRepeatScalars) {
  Context ctx;
  Schema s = parseOk("(Tensor input, Tensor weight, Tensor? bias=None, int[2] "
                     "stride=1, int[2] padding=[0, 0], int[2] dilation=1, int "
                     "groups=1) -> Tensor");
  ASSERT_EQ(s.params.size(), 7u);
  EXPECT_FALSE(s.params[0].hasDefault());
  EXPECT_FALSE(s.params[0].getDefault(ctx));
  EXPECT_EQ(s.params[2].getDefault(ctx), getNoneAttr(ctx));
  const SchemaParam &stride = s.params[3];
  EXPECT_EQ(stride.type.kind, K::List);
  EXPECT_EQ(stride.type.fixedSize, 2u);
  EXPECT_EQ(stride.type.element->kind, K::Int);
  EXPECT_EQ(stride.defaultText, "1");
  Attribute one = getIntAttr(ctx, 1), zero = getIntAttr(ctx, 0);
  EXPECT_EQ(stride.getDefault(ctx), getListAttr(ctx, {one, one}));
  EXPECT_EQ(s.params[4].getDefault(ctx), getListAttr(ctx, {zero, zero}));
  EXPECT_EQ(s.params[6].getDefault(ctx), one);
  EXPECT_EQ(s.getNumPositional(), 7u);
}

TEST(OpSchema, ScalarFloatBoolStringAndListDefaults) {
  Context ctx;
  Schema s =
      parseOk("(Tensor self, Scalar alpha=1, Scalar beta=0.5, float eps=1e-05, "
              "float momentum=1, bool training=False, str padding=\"valid\", "
              "int[2] stride=[], bool[3] mask=[True, False, True], float[]? "
              "scales=None, int dim=-1, float lo=-inf) -> Tensor");
  ASSERT_EQ(s.params.size(), 12u);
  auto d = [&](unsigned i) { return s.params[i].getDefault(ctx); };
  EXPECT_EQ(d(1), getIntAttr(ctx, 1)); // a Scalar keeps its literal's kind
  EXPECT_EQ(d(2), getFloatAttr(ctx, 0.5));
  EXPECT_EQ(d(3), getFloatAttr(ctx, 1e-05));
  EXPECT_EQ(d(4), getFloatAttr(ctx, 1.0)); // an int literal for a float
  EXPECT_EQ(d(5), getBoolAttr(ctx, false));
  EXPECT_EQ(d(6), getStringAttr(ctx, "valid"));
  EXPECT_EQ(d(7), getListAttr(ctx, {}));
  Attribute t = getBoolAttr(ctx, true), f = getBoolAttr(ctx, false);
  EXPECT_EQ(d(8), getListAttr(ctx, {t, f, t}));
  EXPECT_EQ(d(9), getNoneAttr(ctx));
  EXPECT_EQ(d(10), getIntAttr(ctx, -1));
  EXPECT_EQ(d(11), getFloatAttr(ctx, -INFINITY));
  EXPECT_EQ(s.str(), "(Tensor self, Scalar alpha=1, Scalar beta=0.5, float "
                     "eps=1e-05, float momentum=1, bool training=False, str "
                     "padding=\"valid\", int[2] stride=[], bool[3] "
                     "mask=[True, False, True], float[]? scales=None, int "
                     "dim=-1, float lo=-inf) -> Tensor");
}

TEST(OpSchema, KeywordOnlyParamsAndIntLikeTypes) {
  Schema s = parseOk("(SymInt[] size, *, ScalarType? dtype=None, Layout? "
                     "layout=None, Device? device=None, bool? pin_memory=None, "
                     "MemoryFormat memory_format=0) -> Tensor");
  ASSERT_EQ(s.params.size(), 6u);
  EXPECT_EQ(s.getNumPositional(), 1u);
  EXPECT_FALSE(s.params[0].keywordOnly);
  for (unsigned i = 1; i < 6; ++i)
    EXPECT_TRUE(s.params[i].keywordOnly) << i;
  EXPECT_EQ(s.lookupParam("pin_memory"), 4);
  EXPECT_EQ(s.lookupParam("nope"), -1);
  // SymInt, ScalarType, Layout and MemoryFormat are ints that keep their
  // spelling.
  EXPECT_EQ(s.params[0].type.element->kind, K::Int);
  EXPECT_EQ(s.params[0].type.element->spelling, "SymInt");
  EXPECT_EQ(s.params[1].type.kind, K::Optional);
  EXPECT_EQ(s.params[1].type.element->kind, K::Int);
  EXPECT_EQ(s.params[1].type.str(), "ScalarType?");
  EXPECT_EQ(s.params[3].type.element->kind, K::Device);
  EXPECT_EQ(s.params[5].type.kind, K::Int);
}

TEST(OpSchema, AliasAnnotations) {
  Schema s =
      parseOk("(Tensor(a!) self, Tensor(a -> *) other, t[](b!) l, "
              "t(c -> *) el, t(d)? o) -> (Tensor(a)[] parts, Tensor(b|a) "
              "r, t(*))");
  ASSERT_EQ(s.params.size(), 5u);
  EXPECT_EQ(s.params[0].type.alias, "a!");
  EXPECT_TRUE(s.params[0].type.isWritten());
  EXPECT_EQ(s.params[1].type.alias, "a -> *");
  EXPECT_FALSE(s.params[1].type.isWritten());
  // `t[](b!)` annotates the list; `t(d)?` the element.
  EXPECT_EQ(s.params[2].type.kind, K::List);
  EXPECT_TRUE(s.params[2].type.isWritten());
  EXPECT_EQ(s.params[4].type.kind, K::Optional);
  EXPECT_EQ(s.params[4].type.element->alias, "d");
  ASSERT_EQ(s.results.size(), 3u);
  EXPECT_EQ(s.results[0].kind, K::List);
  EXPECT_EQ(s.results[0].element->alias, "a");
  EXPECT_EQ(s.resultNames, (std::vector<std::string>{"parts", "r", ""}));
  EXPECT_EQ(s.str(), "(Tensor(a!) self, Tensor(a -> *) other, t[](b!) l, "
                     "t(c -> *) el, t(d)? o) -> (Tensor(a)[] parts, "
                     "Tensor(b|a) r, t(*))");
}

TEST(OpSchema, ResultsVarargsAndClassTypes) {
  Schema none = parseOk("(str msg, str? cls=None) -> ()");
  EXPECT_TRUE(none.results.empty());
  EXPECT_EQ(none.str(), "(str msg, str? cls=None) -> ()");

  Schema named = parseOk("(Tensor X, "
                         "__torch__.torch.classes.xnnpack.Conv2dOpContext "
                         "W_prepack) -> Tensor Y");
  EXPECT_EQ(named.params[1].type.kind, K::Any);
  EXPECT_EQ(named.params[1].type.spelling,
            "__torch__.torch.classes.xnnpack.Conv2dOpContext");
  EXPECT_EQ(named.resultNames, std::vector<std::string>{"Y"});

  // PyTorch's bare varargs and irc's typed ones.
  Schema format = parseOk("(str self, ...) -> str");
  EXPECT_TRUE(format.variadic);
  ASSERT_EQ(format.params.size(), 2u);
  EXPECT_EQ(format.params[1].type.kind, K::Any);
  EXPECT_EQ(format.str(), "(str self, ...) -> str");
  Schema typed = parseOk("(t... elements) -> t[]");
  EXPECT_TRUE(typed.variadic);
  EXPECT_EQ(typed.params[0].type.kind, K::Var);
  EXPECT_EQ(typed.str(), "(t... elements) -> t[]");

  Schema vars = parseOk("(t1 self, t2 obj) -> bool");
  EXPECT_EQ(vars.params[1].type.var, "t2");
}

TEST(OpSchema, DictTypes) {
  Schema set = parseOk("(Dict(str, t)(a!) l, str(b -> *) idx, t(c -> *) v) "
                       "-> ()");
  ASSERT_EQ(set.params.size(), 3u);
  const SchemaType &dict = set.params[0].type;
  EXPECT_EQ(dict.kind, K::Dict);
  ASSERT_TRUE(dict.key && dict.element);
  EXPECT_EQ(dict.key->kind, K::Str);
  EXPECT_EQ(dict.element->kind, K::Var);
  EXPECT_EQ(dict.element->var, "t");
  // The annotation after the parentheses is the dict's.
  EXPECT_EQ(dict.alias, "a!");
  EXPECT_TRUE(dict.isWritten());
  EXPECT_TRUE(dict.key->alias.empty());
  EXPECT_EQ(dict.str(), "Dict(str, t)(a!)");
  EXPECT_EQ(set.str(),
            "(Dict(str, t)(a!) l, str(b -> *) idx, t(c -> *) v) -> ()");

  // Nested in and around other types, with results that are dicts.
  Schema nested = parseOk("(Dict(int, Tensor[])? d, Dict(str, Dict(int, "
                          "t1))[] l) -> Dict(str, t1?)");
  EXPECT_EQ(nested.params[0].type.kind, K::Optional);
  EXPECT_EQ(nested.params[0].type.element->kind, K::Dict);
  EXPECT_EQ(nested.params[0].type.element->element->kind, K::List);
  const SchemaType &inner = *nested.params[1].type.element->element;
  EXPECT_EQ(inner.kind, K::Dict);
  EXPECT_EQ(inner.key->kind, K::Int);
  EXPECT_EQ(inner.element->var, "t1");
  EXPECT_EQ(nested.results[0].kind, K::Dict);
  EXPECT_EQ(nested.results[0].element->kind, K::Optional);
  EXPECT_EQ(nested.str(), "(Dict(int, Tensor[])? d, Dict(str, Dict(int, "
                          "t1))[] l) -> Dict(str, t1?)");

  Schema get = parseOk("(Dict(str, t) self, str key) -> t(*)?");
  EXPECT_EQ(get.results[0].kind, K::Optional);
  EXPECT_EQ(get.results[0].element->alias, "*");
  EXPECT_EQ(get.str(), "(Dict(str, t) self, str key) -> t(*)?");
}

TEST(OpSchema, TupleTypesAndParenthesizedResults) {
  // PyTorch parenthesizes a single result that starts with `(`: this is
  // one list of tuples, not a list of results.
  Schema items = parseOk("(Dict(str, t) self) -> ((str, t)[])");
  ASSERT_EQ(items.results.size(), 1u);
  EXPECT_EQ(items.results[0].kind, K::List);
  const SchemaType &member = *items.results[0].element;
  EXPECT_EQ(member.kind, K::Tuple);
  ASSERT_EQ(member.members.size(), 2u);
  EXPECT_EQ(member.members[0].kind, K::Str);
  EXPECT_EQ(member.members[1].var, "t");
  EXPECT_EQ(items.str(), "(Dict(str, t) self) -> ((str, t)[])");

  Schema pop = parseOk("(Dict(int, t)(a!) self) -> ((int, t))");
  ASSERT_EQ(pop.results.size(), 1u);
  EXPECT_EQ(pop.results[0].kind, K::Tuple);
  EXPECT_EQ(pop.str(), "(Dict(int, t)(a!) self) -> ((int, t))");

  // Two results, the second a tuple; and `tVal`, a type variable.
  Schema two = parseOk("((str, tVal)[] inputs) -> (Dict(str, tVal) d, "
                       "(int, (bool, str)) r)");
  EXPECT_EQ(two.params[0].type.element->members[1].kind, K::Var);
  EXPECT_EQ(two.params[0].type.element->members[1].var, "tVal");
  ASSERT_EQ(two.results.size(), 2u);
  EXPECT_EQ(two.results[1].members[1].kind, K::Tuple);
  EXPECT_EQ(two.resultNames, (std::vector<std::string>{"d", "r"}));
  EXPECT_EQ(two.str(), "((str, tVal)[] inputs) -> (Dict(str, tVal) d, "
                       "(int, (bool, str)) r)");
}

// The verifier matches dict<K, V> (and tuple) values against Dict(K, V)
// (and tuple) schema types, binding type variables through them.
TEST(OpSchema, DictTypesMatchInTheVerifier) {
  Context ctx;
  test::DiagCapture diags(ctx);
  std::optional<Module> ok = parseSourceString(R"(
func @f(%d: dict<str, tensor<2xf32>>, %k: str, %e: dict<i64, list<i64>>, %i: i64, %l: list<i64>) -> (tensor<2xf32>, optional<tensor<2xf32>>, list<tuple<str, tensor<2xf32>>>, list<i64>, dict<i64, list<i64>>) {
  %v = aten.__getitem__.Dict_str(%d, %k) : (dict<str, tensor<2xf32>>, str) -> tensor<2xf32>
  %g = aten.get.str(%d, %k) : (dict<str, tensor<2xf32>>, str) -> optional<tensor<2xf32>>
  %items = aten.items.str(%d) : (dict<str, tensor<2xf32>>) -> list<tuple<str, tensor<2xf32>>>
  %dv = aten.get.default_int(%e, %i, %l) : (dict<i64, list<i64>>, i64, list<i64>) -> list<i64>
  aten._set_item.int(%e, %i, %l) : (dict<i64, list<i64>>, i64, list<i64>) -> ()
  %c = aten.dict.Dict_int(%e) : (dict<i64, list<i64>>) -> dict<i64, list<i64>>
  return %v, %g, %items, %dv, %c : tensor<2xf32>, optional<tensor<2xf32>>, list<tuple<str, tensor<2xf32>>>, list<i64>, dict<i64, list<i64>>
}
)",
                                               ctx);
  EXPECT_TRUE(ok) << diags.str();

  struct Bad {
    const char *body;
    const char *message;
  };
  const Bad cases[] = {
      // The key type is checked.
      {"%r = aten.__getitem__.Dict_str(%e, %i) : (dict<i64, list<i64>>, i64) "
       "-> list<i64>",
       "operand #0 ('self') must be Dict(str, t), got 'dict<i64, "
       "list<i64>>'"},
      // A list is not a dict.
      {"%r = aten.len.Dict_int(%l) : (list<i64>) -> i64",
       "operand #0 ('self') must be Dict(int, t), got 'list<i64>'"},
      // t is bound by the dict's value type.
      {"%r = aten.__getitem__.Dict_str(%d, %k) : (dict<str, tensor<2xf32>>, "
       "str) -> tensor",
       "result #0 must be t, got 'tensor'"},
      {"%r = aten.get.default_str(%d, %k, %l) : (dict<str, tensor<2xf32>>, "
       "str, list<i64>) -> list<i64>",
       "operand #2 ('default_value') must be t, got 'list<i64>'"},
      // Tuple members are checked one by one, and their number.
      {"%r = aten.items.int(%e) : (dict<i64, list<i64>>) -> list<tuple<i64, "
       "list<f64>>>",
       "result #0 must be (int, t)[], got 'list<tuple<i64, list<f64>>>'"},
      {"%r = aten.items.int(%e) : (dict<i64, list<i64>>) -> "
       "list<tuple<i64>>",
       "result #0 must be (int, t)[], got 'list<tuple<i64>>'"},
  };
  for (const Bad &c : cases) {
    Context badCtx;
    test::DiagCapture badDiags(badCtx);
    std::string text =
        std::string("func @f(%d: dict<str, tensor<2xf32>>, %k: str, %e: "
                    "dict<i64, list<i64>>, %i: i64, %l: list<i64>) {\n  ") +
        c.body + "\n  return\n}\n";
    EXPECT_FALSE(parseSourceString(text, badCtx)) << c.body;
    EXPECT_NE(badDiags.str().find(c.message), std::string::npos)
        << c.body << "\n  gave: " << badDiags.str();
  }
}

// The call resolver matches the same way, binding type variables through
// dicts and building dict and tuple result types from them.
TEST(OpSchema, DictTypesMatchInTheCallResolver) {
  Context ctx;
  Location loc = getFileLineColLoc(ctx, "code/__torch__/m.py", 1, 1);
  Module module(ctx, loc);
  Type str = getStrType(ctx), i64 = getIntType(ctx);
  Type t2 = getTensorType(ctx, {2}, DType::F32);
  Type byStr = getDictType(str, t2), byInt = getDictType(i64, str);
  FuncOp func = FuncOp::create(
      ctx, loc, "f",
      getFunctionType(ctx, {byStr, byInt, str, i64, getListType(i64), t2}, {}));
  module.getBody().push_back(func.getOperation());
  Operation *ret = Operation::create(ctx, loc, OpId::Return, {}, {});
  func.getEntryBlock().push_back(ret);
  Builder b(ctx);
  b.setInsertionPoint(ret);
  auto arg = [&](unsigned i) { return func.getEntryBlock().getArgument(i); };
  auto call = [&](llvm::StringRef name,
                  llvm::ArrayRef<Value *> values) -> Operation * {
    llvm::SmallVector<CallArgument, 4> args;
    for (Value *v : values)
      args.push_back({v, "", llvm::SMLoc()});
    std::string error;
    std::optional<ResolvedCall> resolved =
        resolveCall(b, loc, "aten", name, args, error);
    EXPECT_TRUE(resolved) << name.str() << ": " << error;
    return resolved ? createResolvedCall(b, loc, *resolved) : nullptr;
  };
  auto resolvesTo = [&](llvm::StringRef name, llvm::ArrayRef<Value *> values,
                        llvm::StringRef op, Type result) {
    Operation *created = call(name, values);
    ASSERT_TRUE(created);
    EXPECT_EQ(created->getName(), op);
    if (result) {
      ASSERT_EQ(created->getNumResults(), 1u);
      EXPECT_EQ(created->getResult(0)->getType(), result) << op.str();
    } else {
      EXPECT_EQ(created->getNumResults(), 0u);
    }
  };
  Value *d = arg(0), *e = arg(1), *k = arg(2), *i = arg(3), *l = arg(4);
  resolvesTo("__getitem__", {d, k}, "aten.__getitem__.Dict_str", t2);
  resolvesTo("__getitem__", {e, i}, "aten.__getitem__.Dict_int", str);
  resolvesTo("__getitem__", {l, i}, "aten.__getitem__.t", i64);
  resolvesTo("len", {d}, "aten.len.Dict_str", i64);
  resolvesTo("len", {l}, "aten.len.t", i64);
  resolvesTo("keys", {e}, "aten.keys.int", getListType(i64));
  resolvesTo("values", {d}, "aten.values.str", getListType(t2));
  resolvesTo("items", {d}, "aten.items.str",
             getListType(getTupleType(ctx, {str, t2})));
  resolvesTo("__contains__", {d, k}, "aten.__contains__.str", getBoolType(ctx));
  resolvesTo("__contains__", {l, i}, "aten.__contains__.int_list",
             getBoolType(ctx));
  resolvesTo("get", {d, k}, "aten.get.str", getOptionalType(t2));
  resolvesTo("get", {e, i, k}, "aten.get.default_int", str);
  resolvesTo("_set_item", {e, i, k}, "aten._set_item.int", Type());
  resolvesTo("dict", {}, "aten.dict",
             getDictType(str, getUnrankedTensorType(ctx)));
  resolvesTo("dict", {e}, "aten.dict.Dict_int", byInt);
  // torch.norm(x) and torch.norm(x, p, dim), as scripted code calls them.
  Type tensor = getUnrankedTensorType(ctx);
  resolvesTo("norm", {arg(5)}, "aten.norm.Scalar", tensor);
  Value *p = b.createIntConstant(loc, 2);
  resolvesTo("norm", {arg(5), p, l}, "aten.norm.ScalarOpt_dim", tensor);

  // A value of the wrong type for the dict's values (t is bound by the
  // dict first); candidates print their dict types without annotations.
  std::string error;
  llvm::SmallVector<CallArgument, 3> args = {
      {d, "", llvm::SMLoc()}, {k, "", llvm::SMLoc()}, {i, "", llvm::SMLoc()}};
  EXPECT_FALSE(resolveCall(b, loc, "aten", "_set_item", args, error));
  EXPECT_EQ(error, "no overload of 'aten::_set_item' accepts "
                   "(dict<str, tensor<2xf32>>, str, i64): candidates are "
                   "_set_item.str(Dict(str, t) l, str idx, t v), "
                   "_set_item.int(Dict(int, t) l, int idx, t v)");
  // With one candidate, the binding that made it fail is named.
  args[2].value = l;
  EXPECT_FALSE(resolveCall(b, loc, "aten", "get.default_str", args, error));
  EXPECT_EQ(error, "'aten::get.default_str' expects t for argument "
                   "'default_value', got list<i64> (t is tensor<2xf32>)");
  args.pop_back();
  EXPECT_FALSE(resolveCall(b, loc, "aten", "keys.int", {args[0]}, error));
  EXPECT_EQ(error, "'aten::keys.int' expects Dict(int, t) for argument "
                   "'self', got dict<str, tensor<2xf32>>");
  EXPECT_TRUE(succeeded(verify(module.getOperation())));
}

struct BadSchema {
  const char *text;
  const char *message;
};

TEST(OpSchema, MalformedSchemasGiveAMessage) {
  const BadSchema cases[] = {
      {"Tensor self) -> Tensor", "expected '('"},
      {"(Tensor self -> Tensor", "expected ')'"},
      {"(Tensor self) Tensor", "expected '->'"},
      {"(Tensor) -> Tensor", "missing parameter name"},
      {"(Tensor self) -> (Tensor, Tensor", "expected ')' after results"},
      {"(int x) -> int y z", "unexpected 'z'"},
      {"(complex x) -> int", "unsupported type 'complex'"},
      {"(Dict d) -> int", "unsupported type 'Dict'"},
      {"(Dict(str) d) -> int", "expected ',' after the dict key type"},
      {"(Dict(str, t d) -> int", "expected ')' after the dict value type"},
      {"(Dict(complex, t) d) -> int", "unsupported type 'complex'"},
      {"((str, t d) -> int", "expected ')' after tuple members"},
      {"(tval x) -> int", "unsupported type 'tval'"},
      {"(int?? x) -> int", "optional twice"},
      {"(int[0] x) -> int", "bad list size"},
      {"(int[2 x) -> int", "expected ']'"},
      {"(Tensor(a! self) -> Tensor", "missing parameter name"},
      {"(Tensor(a! self", "unterminated alias annotation"},
      {"(Tensor(a(b)) self) -> Tensor", "bad alias annotation"},
      {"(int a, *, *, int b) -> int", "more than one '*'"},
      {"(int a, *) -> int", "'*' must be followed by a parameter"},
      {"(t... a, int b) -> int", "'...' must be on the last parameter"},
      {"(..., int b) -> int", "'...' must be on the last parameter"},
      {"(Any a) -> ...", "variadic results are not supported"},
      {"(Tensor self=1) -> Tensor",
       "bad default for 'self': only None is allowed"},
      {"(int x=None) -> int", "None for a non-optional type"},
      {"(int x=1.5) -> int", "bad default for 'x': expected an int"},
      {"(float x=True) -> int", "expected a float"},
      {"(bool x=1) -> int", "expected True or False"},
      {"(str x=1) -> int", "expected a string"},
      {"(str x=\"abc) -> int", "unterminated string"},
      {"(int x=foo) -> int", "unsupported value 'foo'"},
      {"(int x=) -> int", "unsupported value ''"},
      {"(int[] x=1) -> int", "expected a list"},
      {"(int[2] x=[1, 2, 3]) -> int", "expected 2 elements"},
      {"(int[2] x=[1, None]) -> int", "list elements must be scalars"},
      {"(int[] x=[1, 2) -> int", "expected ']'"},
      {"(Scalar x=\"a\") -> int", "expected a number"},
  };
  for (const BadSchema &c : cases) {
    Schema s;
    std::string err = parseSchema(c.text, s);
    EXPECT_NE(err.find(c.message), std::string::npos)
        << c.text << "\n  gave: " << err;
    EXPECT_TRUE(s.empty()) << c.text;
  }
}

// Every table schema parses (the registry would abort otherwise) and prints
// back to its exact text, so nothing in it was dropped.
TEST(OpTables, EverySchemaRoundTrips) {
  unsigned n = 0;
  for (const OpInfo &info : getRegisteredOps()) {
    if (info.schemaText.empty())
      continue;
    ++n;
    EXPECT_EQ(info.schema.str(), info.schemaText.str()) << info.name.str();
    Schema again;
    EXPECT_EQ(parseSchema(info.schema.str(), again), "") << info.name.str();
  }
  EXPECT_GT(n, 300u);
}

// InPlace ops are exactly those whose first operand the schema marks as
// written (`Tensor(a!) self`, `t[](a!) self`).
TEST(OpTables, InPlaceMatchesAliasAnnotations) {
  for (const OpInfo &info : getRegisteredOps()) {
    if (info.schemaText.empty())
      continue;
    bool writes =
        !info.schema.params.empty() && info.schema.params[0].type.isWritten();
    EXPECT_EQ(info.hasTrait(InPlace), writes) << info.name.str();
    for (unsigned i = 1; i < info.schema.params.size(); ++i)
      EXPECT_FALSE(info.schema.params[i].type.isWritten())
          << info.name.str() << " writes operand #" << i;
  }
}

TEST(OpTables, DefaultsBuildAttributes) {
  Context ctx;
  for (const OpInfo &info : getRegisteredOps())
    for (const SchemaParam &p : info.schema.params)
      if (p.hasDefault())
        EXPECT_TRUE(p.getDefault(ctx)) << info.name.str() << " " << p.name;
  const OpInfo *zeros = lookupOp("aten.zeros");
  ASSERT_TRUE(zeros);
  EXPECT_EQ(zeros->schema.getNumPositional(), 1u);
  EXPECT_EQ(zeros->schema.lookupParam("dtype"), 1);
  const OpInfo *maxPool = lookupOp("aten.max_pool2d");
  ASSERT_TRUE(maxPool);
  Attribute zero = getIntAttr(ctx, 0), one = getIntAttr(ctx, 1);
  EXPECT_EQ(maxPool->schema.params[2].getDefault(ctx), getListAttr(ctx, {}));
  EXPECT_EQ(maxPool->schema.params[3].getDefault(ctx),
            getListAttr(ctx, {zero, zero}));
  EXPECT_EQ(maxPool->schema.params[4].getDefault(ctx),
            getListAttr(ctx, {one, one}));
  const OpInfo *bn = lookupOp("aten.batch_norm");
  ASSERT_TRUE(bn);
  EXPECT_FALSE(bn->schema.params[7].hasDefault());
}

// The callee census of the reference (§2.9): every TorchScript callee
// printed in the sample models, with the overloads printed code selects
// among. `torch.X` is `aten.X[.overload]`, `ops.ns.X` is `ns.x`.
TEST(OpTables, CensusOpsAreRegistered) {
  const char *census[] = {
      // Operators counted in the census.
      "prepacked.conv2d_clamp_run", "prepacked.linear_clamp_run", "aten.size",
      "aten.size.int", "aten.batch_norm", "aten._convolution",
      "aten._convolution.deprecated", "aten.dim", "aten.relu_", "aten.view",
      "aten.cat", "prim.raise_exception", "aten.conv2d", "aten.conv2d.padding",
      "aten.format", "aten.ne.int", "aten.ne.float", "aten.ne.str",
      "aten.ne.bool", "aten.ne.int_list", "aten.ne.Tensor", "aten.ne.Scalar",
      "aten.ne", "prim.num_to_tensor", "aten.add_.Tensor", "aten.add_.Scalar",
      "aten.add_.t", "aten.contiguous", "aten.add.Tensor", "aten.add.Scalar",
      "aten.add.int", "aten.add.float", "aten.add.int_float",
      "aten.add.float_int", "aten.add.str", "aten.add.t", "aten.add",
      "aten.transpose.int", "aten.max_pool2d", "aten.chunk", "aten.select.int",
      "aten.select.t", "aten.hardtanh_", "aten.unsqueeze", "aten.floor_divide",
      "aten.floor_divide.Scalar", "aten.eq.int", "aten.eq.float", "aten.eq.str",
      "aten.eq.bool", "aten.eq.int_list", "aten.eq.Tensor", "aten.eq.Scalar",
      "aten.eq.device", "aten.__is__", "aten.__isnot__", "aten.zeros",
      "aten.squeeze", "aten.squeeze.dim", "aten.linear", "aten.floordiv.int",
      "aten.floordiv.float", "aten._add_relu_.Tensor", "aten._add_relu.Tensor",
      "prim.device", "prim.dtype", "aten.embedding", "aten.gt.int",
      "aten.gt.float", "aten.gt.Scalar", "aten.gt.Tensor", "aten.gru.input",
      "aten.gru.data", "aten.lt.int", "aten.lt.float", "aten.lt.Tensor",
      "aten.__not__", "aten.len.t", "aten.len.Tensor", "aten.len.str",
      "aten.log_softmax.int", "aten.adaptive_avg_pool2d",
      "aten.flatten.using_ints", "aten.list.t", "aten.list", "aten.relu",
      "aten.softmax.int", "aten.dropout", "aten.bmm", "aten.lstm.input",
      "aten.lstm.data", "aten.warn", "aten.dropout_", "aten.ge.int",
      "aten.ge.float", "aten.index_select", "aten.mean", "aten.mean.dim",
      "aten.mul.Tensor", "aten.mul.Scalar", "aten.mul.int", "aten.mul.float",
      "aten.neg", "aten.neg.int", "aten.neg.float", "aten.sub.Tensor",
      "aten.sub.Scalar", "aten.sub.int", "aten.sub.float", "aten.device",
      "aten.__and__.bool", "aten.__and__.Tensor", "aten.append.t", "aten.copy_",
      "aten.item", "aten.topk", "aten.detach", "aten.hardtanh", "aten.tensor",
      "aten.tensor.float", "aten.tensor.int", "aten.tensor.bool",
      "aten.__getitem__.t", "aten.__getitem__.str",
      // Builtins: int(), float(), bool(), getattr, isinstance,
      // unchecked_cast, uninitialized.
      "aten.Int.Tensor", "aten.Int.float", "aten.Int.Scalar", "aten.Int.bool",
      "aten.Float.Tensor", "aten.Float.int", "aten.Float.Scalar",
      "aten.Bool.Tensor", "aten.Bool.int", "aten.Bool.float",
      "aten.ScalarImplicit", "prim.get_attr", "prim.isinstance",
      "prim.unchecked_cast", "prim.uninitialized",
      // The kitchen-sink forms.
      "aten.__contains__.int_list", "aten.__contains__.str_list",
      "aten.__contains__.float_list", "aten.pow.Tensor_Tensor",
      "aten.pow.Tensor_Scalar", "aten.pow.Scalar", "aten.pow.int",
      "aten.pow.float", "aten.pow.int_to_int", "aten.remainder.Tensor",
      "aten.remainder.Scalar", "aten.remainder.int", "aten.remainder.float",
      "aten.matmul", "aten.eye", "aten.eye.m", "aten.slice.Tensor",
      "aten.slice.t", "aten.clamp", "aten.to.dtype", "aten.to.device",
      "aten.to.dtype_layout", "aten.to.other", "aten.to.prim_Device",
      "aten.to.prim_dtype", "aten.to.prim_other", "aten.pad", "prim.max.int",
      "prim.max.float", "prim.max.int_float", "prim.max.float_int", "prim.max",
      "prim.min.int", "prim.min.float", "prim.abs.int", "prim.abs.float",
      "prim.abs", "aten.Float.str", "aten.Int.str",
      // Quantized models.
      "quantized.linear_dynamic", "quantized.conv2d", "quantized.conv2d.new",
      "quantized.linear_prepack", "quantized.linear_unpack",
      "aten.quantize_per_tensor",
      // torchvision and RNN tutorial models.
      "aten.hardswish", "aten.hardswish_", "aten.hardsigmoid",
      "aten.hardsigmoid_", "aten.sigmoid", "aten.tanh", "aten.gelu",
      "aten.addmm", "aten.conv1d", "aten.conv_transpose2d.input",
      "aten.avg_pool2d", "aten.feature_dropout", "aten.reshape", "aten.ones",
      "aten.full", "aten.max", "aten.max.dim", "aten.max.other", "aten.argmax",
      "aten.sum", "aten.div.Tensor", "aten.div.Tensor_mode", "aten.ge.Scalar",
      "aten.le.Scalar",
      // Optimized models and the prepacking they come from.
      "prepacked.conv2d_clamp_prepack", "prepacked.linear_clamp_prepack",
      "prepacked.conv2d_transpose_clamp_prepack",
      "prepacked.conv2d_transpose_clamp_run",
      // Objects.
      "prim.set_attr", "prim.call_method", "prim.create_object",
      "prim.unchecked_unwrap_optional", "prim.tuple_construct",
      "prim.tuple_index", "prim.tuple_unpack", "prim.list_construct",
      "prim.list_unpack"};
  std::set<std::string> seen;
  for (const char *name : census) {
    EXPECT_TRUE(lookupOp(name)) << name << " is not registered";
    EXPECT_TRUE(seen.insert(name).second) << name << " listed twice";
  }
}

} // namespace
