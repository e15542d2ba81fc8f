//===- CallResolverTest.cpp - Overloads, defaults and conversions ---------===//
#include "frontend/CallResolver.h"
#include "ir/AsmPrinter.h"
#include "ir/Module.h"
#include "ir/Verifier.h"
#include "test/unit/TestUtils.h"
#include "gtest/gtest.h"

using namespace irc;

namespace {

/// A function `@f(inputs...)` whose body the builder fills, before its
/// `return`; every test verifies what was built.
class CallResolverTest : public ::testing::Test {
protected:
  void makeFunc(llvm::ArrayRef<Type> inputs) {
    func = FuncOp::create(ctx, loc, "f", getFunctionType(ctx, inputs, {}));
    module.getBody().push_back(func.getOperation());
    Operation *ret = Operation::create(ctx, loc, OpId::Return, {}, {});
    func.getEntryBlock().push_back(ret);
    b.setInsertionPoint(ret);
  }
  void TearDown() override {
    if (func) {
      EXPECT_TRUE(succeeded(verify(module.getOperation()))) << body();
    }
  }

  Value *arg(unsigned i) { return func.getEntryBlock().getArgument(i); }
  Value *intConst(int64_t v) { return b.createIntConstant(loc, v); }
  Value *floatConst(double v) { return b.createFloatConstant(loc, v); }
  Value *boolConst(bool v) { return b.createBoolConstant(loc, v); }
  Value *strConst(llvm::StringRef s) {
    return b.createConstant(loc, getStringAttr(ctx, s), getStrType(ctx));
  }
  Value *none() {
    return b.createConstant(loc, getNoneAttr(ctx), getNoneType(ctx));
  }
  Value *intList(llvm::ArrayRef<int64_t> values) {
    llvm::SmallVector<Attribute, 4> elements;
    for (int64_t v : values)
      elements.push_back(getIntAttr(ctx, v));
    return b.createConstant(loc, getListAttr(ctx, elements),
                            getListType(getIntType(ctx)));
  }
  /// `[values...]` as printed code builds it: a prim.list_construct.
  Value *list(llvm::ArrayRef<Value *> values) {
    Type t = getListType(values.front()->getType());
    return b.create(loc, OpId::PrimListConstruct, {t}, values)->getResult(0);
  }
  Value *tuple(llvm::ArrayRef<Value *> values) {
    llvm::SmallVector<Type, 4> types;
    for (Value *v : values)
      types.push_back(v->getType());
    return b
        .create(loc, OpId::PrimTupleConstruct, {getTupleType(ctx, types)},
                values)
        ->getResult(0);
  }

  static CallArgument pos(Value *v) { return {v, "", llvm::SMLoc()}; }
  static CallArgument kw(llvm::StringRef k, Value *v) {
    return {v, k, llvm::SMLoc()};
  }

  /// Resolves and creates the call, expecting success.
  Operation *call(llvm::StringRef ns, llvm::StringRef name,
                  llvm::ArrayRef<CallArgument> args) {
    std::string error;
    std::optional<ResolvedCall> resolved =
        resolveCall(b, loc, ns, name, args, error);
    EXPECT_TRUE(resolved) << error;
    if (!resolved)
      return nullptr;
    EXPECT_TRUE(error.empty());
    return createResolvedCall(b, loc, *resolved);
  }
  /// The op name `name` resolves to.
  std::string opName(llvm::StringRef ns, llvm::StringRef name,
                     llvm::ArrayRef<CallArgument> args) {
    Operation *op = call(ns, name, args);
    return op ? op->getName().str() : "<failed>";
  }
  /// Resolves expecting failure; checks that nothing was emitted.
  std::string error(llvm::StringRef ns, llvm::StringRef name,
                    llvm::ArrayRef<CallArgument> args,
                    llvm::SMLoc *errorLoc = nullptr) {
    size_t numOps = opNames().size();
    std::string error;
    std::optional<ResolvedCall> resolved =
        resolveCall(b, loc, ns, name, args, error, errorLoc);
    EXPECT_FALSE(resolved);
    EXPECT_EQ(opNames().size(), numOps) << body();
    return error;
  }
  std::string body() {
    std::string s;
    llvm::raw_string_ostream os(s);
    printOp(func.getOperation(), os);
    return s;
  }
  std::vector<std::string> opNames() {
    std::vector<std::string> names;
    for (Operation &op : func.getEntryBlock())
      names.push_back(op.getName().str());
    return names;
  }
  Type tensorType(llvm::ArrayRef<int64_t> shape) {
    return getTensorType(ctx, shape, DType::F32);
  }

  Context ctx;
  Location loc = getFileLineColLoc(ctx, "code/__torch__/m.py", 1, 1);
  Module module{ctx, loc};
  FuncOp func;
  Builder b{ctx};
  Type tensor = getUnrankedTensorType(ctx);
  Type i64 = getIntType(ctx);
  Type f64 = getFloatType(ctx);
};

TEST_F(CallResolverTest, AddOverloadsByArgumentTypes) {
  Type ints = getListType(i64);
  makeFunc({tensor, tensor, i64, f64, ints, ints, getStrType(ctx)});
  Value *x = arg(0), *y = arg(1), *n = arg(2), *f = arg(3);
  EXPECT_EQ(opName("aten", "add", {pos(x), pos(y)}), "aten.add.Tensor");
  EXPECT_EQ(opName("aten", "add", {pos(x), pos(n)}), "aten.add.Scalar");
  EXPECT_EQ(opName("aten", "add", {pos(x), pos(f)}), "aten.add.Scalar");
  EXPECT_EQ(opName("aten", "add", {pos(x), pos(y), kw("alpha", n)}),
            "aten.add.Tensor");
  EXPECT_EQ(opName("aten", "add", {pos(n), pos(n)}), "aten.add.int");
  EXPECT_EQ(opName("aten", "add", {pos(f), pos(f)}), "aten.add.float");
  EXPECT_EQ(opName("aten", "add", {pos(n), pos(f)}), "aten.add.int_float");
  EXPECT_EQ(opName("aten", "add", {pos(f), pos(n)}), "aten.add.float_int");
  EXPECT_EQ(opName("aten", "add", {pos(arg(6)), pos(arg(6))}), "aten.add.str");
  // List concatenation binds t to i64.
  Operation *cat = call("aten", "add", {pos(arg(4)), pos(arg(5))});
  ASSERT_TRUE(cat);
  EXPECT_EQ(cat->getName(), "aten.add.t");
  EXPECT_EQ(cat->getResult(0)->getType(), ints);

  // add.Tensor gets the default alpha; scalar ops have no defaults.
  Operation *add = call("aten", "add", {pos(x), pos(y)});
  ASSERT_TRUE(add);
  ASSERT_EQ(add->getNumOperands(), 3u);
  EXPECT_EQ(getConstantValue(add->getOperand(2)), getIntAttr(ctx, 1));
  EXPECT_EQ(add->getOperand(2)->getType(), i64);
  EXPECT_EQ(add->getResult(0)->getType(), tensor);
  Operation *addInt = call("aten", "add", {pos(n), pos(n)});
  ASSERT_TRUE(addInt);
  EXPECT_EQ(addInt->getNumOperands(), 2u);
  EXPECT_EQ(addInt->getResult(0)->getType(), i64);
}

TEST_F(CallResolverTest, Conv2dFillsOmittedDefaults) {
  makeFunc({tensorType({1, 3, 8, 8}), tensorType({4, 3, 3, 3})});
  Operation *conv = call("aten", "conv2d", {pos(arg(0)), pos(arg(1))});
  ASSERT_TRUE(conv);
  EXPECT_EQ(conv->getName(), "aten.conv2d");
  ASSERT_EQ(conv->getNumOperands(), 7u);
  // stride and dilation are both [1, 1]: one constant per call.
  EXPECT_EQ(conv->getOperand(3), conv->getOperand(5));
  EXPECT_EQ(body(),
            R"(func @f(%0: tensor<1x3x8x8xf32>, %1: tensor<4x3x3x3xf32>) {
  %2 = constant none : none
  %3 = constant [1, 1] : list<i64>
  %4 = constant [0, 0] : list<i64>
  %5 = constant 1 : i64
  %6 = aten.conv2d(%0, %1, %2, %3, %4, %3, %5) : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, none, list<i64>, list<i64>, list<i64>, i64) -> tensor
  return
}
)");
}

TEST_F(CallResolverTest, Conv2dWithTrailingGroupsOmitted) {
  makeFunc({tensor, tensor, tensor});
  Operation *conv =
      call("aten", "conv2d",
           {pos(arg(0)), pos(arg(1)), pos(arg(2)), pos(intList({2, 2})),
            pos(intList({3, 3})), pos(intList({1, 1}))});
  ASSERT_TRUE(conv);
  EXPECT_EQ(conv->getName(), "aten.conv2d");
  ASSERT_EQ(conv->getNumOperands(), 7u);
  EXPECT_EQ(conv->getOperand(2), arg(2));
  EXPECT_EQ(getConstantValue(conv->getOperand(6)), getIntAttr(ctx, 1));
  // A single int for `int[2]` is repeated (always, as TorchScript does).
  Operation *strided =
      call("aten", "conv2d",
           {pos(arg(0)), pos(arg(1)), pos(arg(2)), pos(intConst(2))});
  ASSERT_TRUE(strided);
  Operation *stride = strided->getOperand(3)->getDefiningOp();
  ASSERT_TRUE(stride);
  EXPECT_EQ(stride->getName(), "prim.list_construct");
  EXPECT_EQ(stride->getNumOperands(), 2u);
  EXPECT_EQ(stride->getResult(0)->getType(), getListType(i64));
}

TEST_F(CallResolverTest, ZerosTakesKeywordOnlyArguments) {
  makeFunc({});
  Value *device =
      b.createConstant(loc, getStringAttr(ctx, "cpu"), getDeviceType(ctx));
  Value *size = intList({2});
  Value *dtype = intConst(6);
  Value *layout = none();
  Value *pin = none();
  Operation *zeros = call("aten", "zeros",
                          {pos(size), kw("dtype", dtype), kw("layout", layout),
                           kw("device", device), kw("pin_memory", pin)});
  ASSERT_TRUE(zeros);
  EXPECT_EQ(zeros->getName(), "aten.zeros");
  ASSERT_EQ(zeros->getNumOperands(), 5u);
  EXPECT_EQ(zeros->getOperand(0), size);
  EXPECT_EQ(zeros->getOperand(1), dtype);
  EXPECT_EQ(zeros->getOperand(2), layout);
  EXPECT_EQ(zeros->getOperand(3), device);
  EXPECT_EQ(zeros->getOperand(4), pin);
  // Keywords in any order; omitted ones default to None.
  Operation *ordered = call(
      "aten", "zeros", {pos(size), kw("device", device), kw("dtype", dtype)});
  ASSERT_TRUE(ordered);
  EXPECT_EQ(ordered->getOperand(1), dtype);
  EXPECT_EQ(ordered->getOperand(3), device);
  EXPECT_TRUE(ordered->getOperand(2)->getType().isNone());
  EXPECT_EQ(ordered->getOperand(2), ordered->getOperand(4));
  // A keyword-only parameter cannot be given by position.
  EXPECT_EQ(error("aten", "zeros", {pos(size), pos(dtype)}),
            "'aten::zeros' takes at most 1 positional argument, got 2");
}

TEST_F(CallResolverTest, SizeAndListComparisons) {
  Type ints = getListType(i64);
  makeFunc({tensor, ints, ints, getStrType(ctx), getStrType(ctx)});
  Operation *size = call("aten", "size", {pos(arg(0)), pos(intConst(0))});
  ASSERT_TRUE(size);
  EXPECT_EQ(size->getName(), "aten.size.int");
  EXPECT_EQ(size->getResult(0)->getType(), i64);
  Operation *sizes = call("aten", "size", {pos(arg(0))});
  ASSERT_TRUE(sizes);
  EXPECT_EQ(sizes->getName(), "aten.size");
  EXPECT_EQ(sizes->getResult(0)->getType(), ints);
  Operation *ne = call("aten", "ne", {pos(arg(1)), pos(arg(2))});
  ASSERT_TRUE(ne);
  EXPECT_EQ(ne->getName(), "aten.ne.int_list");
  EXPECT_EQ(ne->getResult(0)->getType(), getBoolType(ctx));
  EXPECT_EQ(opName("aten", "eq", {pos(arg(3)), pos(arg(4))}), "aten.eq.str");
  // The exact overload wins over (Scalar a, Scalar b) in the first pass.
  EXPECT_EQ(opName("aten", "eq", {pos(intConst(1)), pos(intConst(2))}),
            "aten.eq.int");
  EXPECT_EQ(opName("aten", "eq", {pos(arg(0)), pos(intConst(2))}),
            "aten.eq.Scalar");
}

TEST_F(CallResolverTest, GetItemBindsTheElementType) {
  Type t2 = tensorType({2});
  makeFunc({getListType(t2), getStrType(ctx)});
  Operation *item =
      call("aten", "__getitem__", {pos(arg(0)), pos(intConst(1))});
  ASSERT_TRUE(item);
  EXPECT_EQ(item->getName(), "aten.__getitem__.t");
  EXPECT_EQ(item->getResult(0)->getType(), t2);
  Operation *chr = call("aten", "__getitem__", {pos(arg(1)), pos(intConst(0))});
  ASSERT_TRUE(chr);
  EXPECT_EQ(chr->getName(), "aten.__getitem__.str");
  EXPECT_EQ(chr->getResult(0)->getType(), getStrType(ctx));
}

TEST_F(CallResolverTest, CatOfAListOfTensors) {
  makeFunc({tensor, tensor});
  Value *tensors = list({arg(0), arg(1)});
  Operation *cat = call("aten", "cat", {pos(tensors), pos(intConst(1))});
  ASSERT_TRUE(cat);
  EXPECT_EQ(cat->getName(), "aten.cat");
  EXPECT_EQ(cat->getOperand(0), tensors);
  EXPECT_EQ(cat->getResult(0)->getType(), tensor);
  // The dim defaults to 0.
  Operation *cat0 = call("aten", "cat", {pos(tensors)});
  ASSERT_TRUE(cat0);
  EXPECT_EQ(getConstantValue(cat0->getOperand(1)), getIntAttr(ctx, 0));
}

TEST_F(CallResolverTest, PrimMinOverloads) {
  Type ints = getListType(i64);
  makeFunc({i64, f64, ints});
  Value *n = arg(0), *f = arg(1), *l = arg(2);
  Operation *minInt = call("prim", "min", {pos(n), pos(n)});
  ASSERT_TRUE(minInt);
  EXPECT_EQ(minInt->getName(), "prim.min.int");
  EXPECT_EQ(minInt->getResult(0)->getType(), i64);
  Operation *minFloat = call("prim", "min", {pos(f), pos(f)});
  ASSERT_TRUE(minFloat);
  EXPECT_EQ(minFloat->getName(), "prim.min.float");
  EXPECT_EQ(minFloat->getResult(0)->getType(), f64);
  EXPECT_EQ(opName("prim", "min", {pos(n), pos(f)}), "prim.min.int_float");
  EXPECT_EQ(opName("prim", "min", {pos(f), pos(n)}), "prim.min.float_int");
  EXPECT_EQ(opName("prim", "min", {pos(l), pos(l)}), "prim.min.int_list");
  EXPECT_EQ(opName("prim", "min", {pos(l)}), "prim.min.self_int");
  // Bools are Scalars in irc: the (Scalar, Scalar) overload, typed f64.
  Operation *minScalar = call("prim", "min", {pos(boolConst(true)), pos(n)});
  ASSERT_TRUE(minScalar);
  EXPECT_EQ(minScalar->getName(), "prim.min");
  EXPECT_EQ(minScalar->getResult(0)->getType(), f64);
}

TEST_F(CallResolverTest, RaiseException) {
  makeFunc({getStrType(ctx)});
  Value *cls = strConst("builtins.ValueError");
  Operation *raise = call("prim", "raise_exception", {pos(arg(0)), pos(cls)});
  ASSERT_TRUE(raise);
  EXPECT_EQ(raise->getName(), "prim.raise_exception");
  EXPECT_EQ(raise->getNumResults(), 0u);
  EXPECT_EQ(raise->getOperand(1), cls);
  Operation *bare = call("prim", "raise_exception", {pos(arg(0))});
  ASSERT_TRUE(bare);
  EXPECT_TRUE(bare->getOperand(1)->getType().isNone());
}

TEST_F(CallResolverTest, ConvolutionWithAllArguments) {
  makeFunc({tensor, tensor, tensor});
  auto args = [&](bool withAllowTf32) {
    llvm::SmallVector<CallArgument, 13> a = {
        pos(arg(0)),           pos(arg(1)),           pos(arg(2)),
        pos(intList({1, 1})),  pos(intList({0, 0})),  pos(intList({1, 1})),
        pos(boolConst(false)), pos(intList({0, 0})),  pos(intConst(1)),
        pos(boolConst(false)), pos(boolConst(false)), pos(boolConst(true))};
    if (withAllowTf32)
      a.push_back(pos(boolConst(true)));
    return a;
  };
  Operation *conv = call("aten", "_convolution", args(true));
  ASSERT_TRUE(conv);
  EXPECT_EQ(conv->getName(), "aten._convolution");
  EXPECT_EQ(conv->getNumOperands(), 13u);
  EXPECT_EQ(opName("aten", "_convolution", args(false)),
            "aten._convolution.deprecated");
}

TEST_F(CallResolverTest, KeywordArguments) {
  makeFunc({tensor, tensor});
  // Any parameter may be given by keyword; `input=` names an aten `self`.
  Operation *conv =
      call("aten", "conv2d",
           {pos(arg(0)), kw("weight", arg(1)), kw("groups", intConst(2))});
  ASSERT_TRUE(conv);
  EXPECT_EQ(conv->getOperand(1), arg(1));
  EXPECT_EQ(getConstantValue(conv->getOperand(6)), getIntAttr(ctx, 2));
  Operation *relu = call("aten", "relu", {kw("input", arg(0))});
  ASSERT_TRUE(relu);
  EXPECT_EQ(relu->getOperand(0), arg(0));
  EXPECT_EQ(opName("aten", "relu", {kw("self", arg(0))}), "aten.relu");
  EXPECT_EQ(error("aten", "relu", {pos(arg(0)), kw("input", arg(0))}),
            "'aten::relu' got multiple values for argument 'self'");
  // The overload is chosen by the type of a later argument.
  Operation *same = call("aten", "conv2d",
                         {pos(arg(0)), pos(arg(1)), pos(none()),
                          pos(intList({1, 1})), pos(strConst("same"))});
  ASSERT_TRUE(same);
  EXPECT_EQ(same->getName(), "aten.conv2d.padding");
}

TEST_F(CallResolverTest, StructuralErrors) {
  makeFunc({tensor, tensor});
  Value *x = arg(0), *w = arg(1);
  EXPECT_EQ(error("aten", "conv2d", {pos(x), pos(w), kw("weight", w)}),
            "'aten::conv2d' got multiple values for argument 'weight'");
  EXPECT_EQ(error("aten", "zeros",
                  {pos(intList({1})), kw("dtype", intConst(6)),
                   kw("dtype", intConst(7))}),
            "'aten::zeros' got multiple values for argument 'dtype'");
  EXPECT_EQ(error("aten", "conv2d", {pos(x), pos(w), kw("stride2", w)}),
            "'aten::conv2d' got an unexpected keyword argument 'stride2'");
  Value *l = intList({1, 1});
  EXPECT_EQ(error("aten", "conv2d",
                  {pos(x), pos(w), pos(x), pos(l), pos(l), pos(l),
                   pos(intConst(1)), pos(intConst(1))}),
            "'aten::conv2d' takes at most 7 positional arguments, got 8");
  EXPECT_EQ(error("aten", "conv2d", {pos(x)}),
            "'aten::conv2d' is missing required argument 'weight'");
  EXPECT_EQ(error("prim", "raise_exception", {}),
            "'prim::raise_exception' is missing required argument 'msg'");
  EXPECT_EQ(error("aten", "frobnicate", {pos(x)}),
            "unsupported operator 'aten::frobnicate'");
  EXPECT_EQ(error("prim", "if", {pos(x)}), "unsupported operator 'prim::if'");
}

TEST_F(CallResolverTest, TypeErrors) {
  makeFunc({tensor, getStrType(ctx), getListType(i64)});
  Value *x = arg(0), *s = arg(1);
  EXPECT_EQ(
      error("aten", "add", {pos(x), pos(s)}),
      "no overload of 'aten::add' accepts (tensor, str): candidates are "
      "add.Tensor(Tensor self, Tensor other, *, Scalar alpha=1), "
      "add.Scalar(Tensor self, Scalar other, Scalar alpha=1), "
      "add.int(int a, int b), add.float(float a, float b), "
      "add.int_float(int a, float b), add.float_int(float a, int b), "
      "add(Scalar a, Scalar b), add.str(str a, str b), add.t(t[] a, t[] b)");
  // One candidate: its reason. None is not a Tensor.
  EXPECT_EQ(error("aten", "linear", {pos(x), pos(none())}),
            "'aten::linear' expects Tensor for argument 'weight', got none");
  // The arguments fit only size.int: why its types do not.
  llvm::SMLoc where = llvm::SMLoc::getFromPointer("dim");
  llvm::SMLoc errorLoc;
  EXPECT_EQ(error("aten", "size", {pos(x), {s, "", where}}, &errorLoc),
            "'aten::size.int' expects int for argument 'dim', got str");
  EXPECT_EQ(errorLoc, where);
  // Type variables bind one type.
  EXPECT_EQ(error("aten", "append", {pos(arg(2)), pos(floatConst(1.5))}),
            "'aten::append.t' expects t for argument 'el', got f64 (t is i64)");
  // No int-to-float conversion: printed code writes floats as `0.`.
  EXPECT_EQ(error("aten", "dropout",
                  {pos(x), pos(intConst(0)), pos(boolConst(false))}),
            "'aten::dropout' expects float for argument 'p', got i64");
  // An optional needs an unchecked_cast first.
  Value *maybe =
      b.create(loc, OpId::PrimUninitialized, {getOptionalType(tensor)}, {})
          ->getResult(0);
  EXPECT_EQ(error("aten", "relu", {pos(maybe)}),
            "'aten::relu' expects Tensor for argument 'self', got "
            "optional<tensor>");
  // No implicit number-to-tensor conversion (TorchScript has none).
  EXPECT_EQ(error("aten", "relu", {pos(intConst(1))}),
            "'aten::relu' expects Tensor for argument 'self', got i64");
  // A type variable that nothing binds.
  EXPECT_EQ(error("prim", "unchecked_unwrap_optional", {pos(none())}),
            "'prim::unchecked_unwrap_optional' cannot infer type variable 't' "
            "from argument 'optional' of type none");
}

TEST_F(CallResolverTest, ImplicitConversions) {
  makeFunc({tensor, tensor, getStrType(ctx)});
  Value *x = arg(0), *t = arg(1);
  // Tensor to int (TorchScript's IntImplicit), only when nothing matches
  // without conversions.
  Operation *size = call("aten", "size", {pos(x), pos(t)});
  ASSERT_TRUE(size);
  EXPECT_EQ(size->getName(), "aten.size.int");
  EXPECT_EQ(size->getOperand(1)->getDefiningOp()->getName(), "aten.Int.Tensor");
  EXPECT_EQ(opName("aten", "add", {pos(x), pos(t)}), "aten.add.Tensor");
  // Tensor to Scalar.
  Operation *clamp = call("aten", "hardtanh", {pos(x), pos(t)});
  ASSERT_TRUE(clamp);
  Operation *implicit = clamp->getOperand(1)->getDefiningOp();
  EXPECT_EQ(implicit->getName(), "aten.ScalarImplicit");
  EXPECT_EQ(implicit->getResult(0)->getType(), f64);
  // Tensor to float, also for `float?`.
  Operation *pad =
      call("aten", "pad",
           {pos(x), pos(intList({1, 1})), pos(strConst("constant")), pos(t)});
  ASSERT_TRUE(pad);
  EXPECT_EQ(pad->getOperand(3)->getDefiningOp()->getName(),
            "aten.Float.Tensor");
  // str to Device.
  Operation *to = call("aten", "to", {pos(x), pos(arg(2)), pos(intConst(6))});
  ASSERT_TRUE(to);
  EXPECT_EQ(to->getName(), "aten.to.device");
  EXPECT_EQ(to->getOperand(1)->getDefiningOp()->getName(), "aten.device");
}

TEST_F(CallResolverTest, ListsFromVarargsAndTuples) {
  makeFunc({tensor, tensorType({2}), tensorType({2})});
  // zeros(2, 3): the positional arguments packed into `size`.
  Operation *zeros =
      call("aten", "zeros",
           {pos(intConst(2)), pos(intConst(3)), kw("dtype", intConst(6))});
  ASSERT_TRUE(zeros);
  Operation *size = zeros->getOperand(0)->getDefiningOp();
  EXPECT_EQ(size->getName(), "prim.list_construct");
  EXPECT_EQ(size->getNumOperands(), 2u);
  // view(x, 6) is never view.dtype (TorchScript blocks it): 6 becomes [6].
  Operation *view = call("aten", "view", {pos(arg(0)), pos(intConst(6))});
  ASSERT_TRUE(view);
  EXPECT_EQ(view->getName(), "aten.view");
  EXPECT_EQ(view->getOperand(0), arg(0));
  EXPECT_EQ(view->getOperand(1)->getDefiningOp()->getName(),
            "prim.list_construct");
  // ...unless asked for by its full name.
  EXPECT_EQ(opName("aten", "view.dtype", {pos(arg(0)), pos(intConst(6))}),
            "aten.view.dtype");
  // A homogeneous tuple is a list.
  Value *pair = tuple({arg(1), arg(2)});
  Operation *cat = call("aten", "cat", {pos(pair)});
  ASSERT_TRUE(cat);
  Operation *l = cat->getOperand(0)->getDefiningOp();
  EXPECT_EQ(l->getName(), "prim.list_construct");
  EXPECT_EQ(l->getResult(0)->getType(), getListType(tensorType({2})));
  EXPECT_EQ(l->getOperand(0)->getDefiningOp()->getName(), "prim.tuple_unpack");
}

TEST_F(CallResolverTest, VariadicSchemas) {
  makeFunc({tensor, tensor});
  Value *fmt = strConst("{} and {}");
  Operation *format =
      call("aten", "format", {pos(fmt), pos(arg(0)), pos(intConst(1))});
  ASSERT_TRUE(format);
  EXPECT_EQ(format->getNumOperands(), 3u);
  EXPECT_EQ(format->getResult(0)->getType(), getStrType(ctx));
  Operation *l = call("prim", "list_construct", {pos(arg(0)), pos(arg(1))});
  ASSERT_TRUE(l);
  EXPECT_EQ(l->getResult(0)->getType(), getListType(tensor));
}

TEST_F(CallResolverTest, ResultTypes) {
  makeFunc({tensor, tensor});
  Operation *topk = call("aten", "topk", {pos(arg(0)), pos(intConst(3))});
  ASSERT_TRUE(topk);
  EXPECT_EQ(topk->getNumResults(), 2u);
  EXPECT_EQ(topk->getNumOperands(), 5u);
  Operation *chunk = call("aten", "chunk", {pos(arg(0)), pos(intConst(2))});
  ASSERT_TRUE(chunk);
  EXPECT_EQ(chunk->getResult(0)->getType(), getListType(tensor));
  Operation *item = call("aten", "item", {pos(arg(0))});
  ASSERT_TRUE(item);
  EXPECT_EQ(item->getResult(0)->getType(), f64);
  // TorchBind results are objects of their class.
  Operation *prepack =
      call("prepacked", "conv2d_clamp_prepack",
           {pos(arg(0)), pos(arg(1)), pos(intList({1, 1})),
            pos(intList({0, 0})), pos(intList({1, 1})), pos(intConst(1))});
  ASSERT_TRUE(prepack);
  EXPECT_EQ(
      prepack->getResult(0)->getType(),
      getObjectType(ctx, "__torch__.torch.classes.xnnpack.Conv2dOpContext"));
  EXPECT_EQ(opName("prepacked", "conv2d_clamp_run",
                   {pos(arg(0)), pos(prepack->getResult(0))}),
            "prepacked.conv2d_clamp_run");
  // Defaults of each kind: float, str, Scalar, None.
  Operation *gelu = call("aten", "gelu", {pos(arg(0))});
  ASSERT_TRUE(gelu);
  EXPECT_EQ(getConstantValue(gelu->getOperand(1)), getStringAttr(ctx, "none"));
  Operation *maxPool =
      call("aten", "max_pool2d", {pos(arg(0)), pos(intConst(3))});
  ASSERT_TRUE(maxPool);
  EXPECT_EQ(getConstantValue(maxPool->getOperand(2)), getListAttr(ctx, {}));
  EXPECT_EQ(maxPool->getOperand(2)->getType(), getListType(i64));
}

/// A value of a type `st` accepts (ops without schema-free operands).
static Type sampleType(const SchemaType &st, Context &ctx) {
  switch (st.kind) {
  case SchemaType::Kind::Tensor:
  case SchemaType::Kind::Any:
    if (!st.spelling.empty())
      return getObjectType(ctx, st.spelling);
    return getUnrankedTensorType(ctx);
  case SchemaType::Kind::Int:
  case SchemaType::Kind::Scalar:
  case SchemaType::Kind::Var:
    return getIntType(ctx);
  case SchemaType::Kind::Float:
    return getFloatType(ctx);
  case SchemaType::Kind::Bool:
    return getBoolType(ctx);
  case SchemaType::Kind::Str:
    return getStrType(ctx);
  case SchemaType::Kind::Device:
    return getDeviceType(ctx);
  case SchemaType::Kind::List:
    return getListType(sampleType(*st.element, ctx));
  case SchemaType::Kind::Optional:
    return sampleType(*st.element, ctx);
  case SchemaType::Kind::Dict:
    return getDictType(sampleType(*st.key, ctx), sampleType(*st.element, ctx));
  case SchemaType::Kind::Tuple: {
    llvm::SmallVector<Type, 4> members;
    for (const SchemaType &m : st.members)
      members.push_back(sampleType(m, ctx));
    return getTupleType(ctx, members);
  }
  case SchemaType::Kind::Opaque:
    return getOpaqueType(ctx, st.spelling);
  }
  return Type();
}

TEST_F(CallResolverTest, EveryOpResolvesWithItsDefaults) {
  // Each op with a schema, called by its full name with a value for each
  // required parameter only: resolution succeeds and the IR verifies (every
  // default materializes as a constant of a type its parameter accepts).
  makeFunc({});
  unsigned numOps = 0;
  for (const OpInfo &op : getRegisteredOps()) {
    // prim.isinstance also needs the `types` attribute its caller adds.
    if (op.schemaText.empty() || op.id == OpId::PrimIsInstance)
      continue;
    llvm::SmallVector<CallArgument, 8> args;
    for (const SchemaParam &p : op.schema.params) {
      if (p.hasDefault() || p.name.empty())
        continue;
      Type t = sampleType(p.type, ctx);
      Value *v = b.create(loc, OpId::PrimUninitialized, {t}, {})->getResult(0);
      args.push_back(p.keywordOnly ? kw(p.name, v) : pos(v));
    }
    llvm::StringRef ns = op.getNamespace();
    Operation *created = call(ns, op.name.drop_front(ns.size() + 1), args);
    EXPECT_TRUE(created) << op.name.str();
    ++numOps;
  }
  EXPECT_GT(numOps, 300u);
}

} // namespace
