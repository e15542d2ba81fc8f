//===- RefScalarTest.cpp - Reference scalar and container kernels
//----------===//
//
// What the op zoo cannot show for backends/reference/Scalar.cpp and
// Container.cpp: error paths (division by zero, bad literals, indices out of
// range, missing keys, wrong operand kinds), the int/float kind of Scalar
// results, wraparound, aliasing of mutable lists, dicts and objects, and
// the text of str()/format(). Expected values are hand-derived.
//
//===----------------------------------------------------------------------===//

#include "KernelTestUtils.h"

#include "backends/reference/Scalar.h"

#include <cmath>
#include <limits>
#include <memory>

using namespace irc;
using namespace irc::test;
using rt::DType;
using rt::Error;
using rt::Tensor;
using rt::Value;

namespace {

constexpr int64_t Min64 = std::numeric_limits<int64_t>::min();
constexpr int64_t Max64 = std::numeric_limits<int64_t>::max();

Value I(int64_t v) { return Value(v); }
Value F(double v) { return Value(v); }
Value B(bool v) { return Value(v); }
Value S(const char *v) { return Value(std::string(v)); }

Value run(const std::string &op, std::vector<Value> operands) {
  return runKernel(op, std::move(operands))[0];
}
int64_t runInt(const std::string &op, std::vector<Value> operands) {
  Value v = run(op, std::move(operands));
  EXPECT_TRUE(v.isInt()) << op << " gave " << v.describe();
  return v.toInt();
}
double runFloat(const std::string &op, std::vector<Value> operands) {
  Value v = run(op, std::move(operands));
  EXPECT_TRUE(v.isDouble()) << op << " gave " << v.describe();
  return v.toDouble();
}
bool runBool(const std::string &op, std::vector<Value> operands) {
  return run(op, std::move(operands)).toBool();
}
std::string runStr(const std::string &op, std::vector<Value> operands) {
  return run(op, std::move(operands)).toString();
}
std::vector<int64_t> intsOf(const Value &v) { return v.toIntVector(); }

Value newDict(std::vector<std::pair<Value, Value>> entries) {
  auto d = std::make_shared<rt::Dict>();
  d->entries = std::move(entries);
  return Value(std::move(d));
}

} // namespace

//===----------------------------------------------------------------------===//
// Integer arithmetic
//===----------------------------------------------------------------------===//

TEST(RefScalarTest, FloorDivAndRemainderRoundTowardNegativeInfinity) {
  EXPECT_EQ(runInt("aten.floordiv.int", {I(-7), I(2)}), -4);
  EXPECT_EQ(runInt("aten.floordiv.int", {I(7), I(-2)}), -4);
  EXPECT_EQ(runInt("aten.floordiv.int", {I(-7), I(-2)}), 3);
  EXPECT_EQ(runInt("aten.floordiv.int", {I(6), I(-2)}), -3);
  EXPECT_EQ(runInt("aten.floordiv.int", {I(0), I(-3)}), 0);
  EXPECT_EQ(runInt("aten.remainder.int", {I(-7), I(2)}), 1);
  EXPECT_EQ(runInt("aten.remainder.int", {I(7), I(-2)}), -1);
  EXPECT_EQ(runInt("aten.remainder.int", {I(-7), I(-2)}), -1);
  EXPECT_EQ(runInt("aten.remainder.int", {I(6), I(-3)}), 0);
  // Python: INT64_MIN // -1 overflows; wraps here instead of trapping.
  EXPECT_EQ(runInt("aten.floordiv.int", {I(Min64), I(-1)}), Min64);
  EXPECT_EQ(runInt("aten.remainder.int", {I(Min64), I(-1)}), 0);
  EXPECT_EQ(runInt("aten.remainder.int", {I(-1), I(Max64)}), Max64 - 1);
}

TEST(RefScalarTest, IntegerDivisionByZeroIsAnError) {
  for (const char *op : {"aten.floordiv.int", "aten.remainder.int",
                         "aten.floordiv", "aten.remainder"})
    EXPECT_EQ(errorOf([&] {
                runKernel(op, {I(5), I(0)});
              }),
              "ZeroDivisionError: integer division or modulo by zero")
        << op;
  // True division of ints and float division give inf/nan as in
  // TorchScript.
  EXPECT_TRUE(std::isinf(runFloat("aten.div.int", {I(1), I(0)})));
  EXPECT_TRUE(std::isinf(runFloat("aten.floordiv.float", {F(1), F(0)})));
  EXPECT_TRUE(std::isnan(runFloat("aten.remainder.float", {F(1), F(0)})));
}

TEST(RefScalarTest, IntegerOverflowWraps) {
  EXPECT_EQ(runInt("aten.add.int", {I(Max64), I(1)}), Min64);
  EXPECT_EQ(runInt("aten.sub.int", {I(Min64), I(1)}), Max64);
  EXPECT_EQ(runInt("aten.mul.int", {I(Max64), I(2)}), -2);
  EXPECT_EQ(runInt("aten.neg.int", {I(Min64)}), Min64);
  EXPECT_EQ(runInt("prim.abs.int", {I(Min64)}), Min64);
  EXPECT_EQ(runInt("aten.sum.int", {ints({Max64, 1})}), Min64);
}

TEST(RefScalarTest, FloatFloorDivAndRemainder) {
  EXPECT_EQ(runFloat("aten.floordiv.float", {F(-7), F(2)}), -4.0);
  EXPECT_EQ(runFloat("aten.remainder.float", {F(-7), F(2)}), 1.0);
  EXPECT_EQ(runFloat("aten.remainder.float", {F(7), F(-2)}), -1.0);
  EXPECT_EQ(runFloat("aten.floordiv.int_float", {I(7), F(-2)}), -4.0);
  EXPECT_EQ(runFloat("aten.remainder.float_int", {F(-5.5), I(2)}), 0.5);
}

TEST(RefScalarTest, Powers) {
  // pow.int returns a float, so negative exponents work.
  EXPECT_EQ(runFloat("aten.pow.int", {I(2), I(-2)}), 0.25);
  EXPECT_EQ(runFloat("aten.pow.int", {I(3), I(3)}), 27.0);
  EXPECT_EQ(runFloat("aten.pow.Scalar_Scalar", {I(2), F(0.5)}), std::sqrt(2.0));
  EXPECT_EQ(runInt("aten.pow.int_to_int", {I(-3), I(3)}), -27);
  EXPECT_EQ(runInt("aten.pow.int_to_int", {I(5), I(0)}), 1);
  EXPECT_EQ(runInt("aten.pow.int_to_int", {I(2), I(64)}), 0); // wraps
  EXPECT_NE(errorOf([] {
              runKernel("aten.pow.int_to_int", {I(2), I(-1)});
            }),
            "");
}

TEST(RefScalarTest, ScalarOverloadsKeepIntsInts) {
  Value r = run("aten.add", {I(2), I(3)});
  ASSERT_TRUE(r.isInt());
  EXPECT_EQ(r.toInt(), 5);
  r = run("aten.add", {I(2), F(0.5)});
  ASSERT_TRUE(r.isDouble());
  EXPECT_EQ(r.toDouble(), 2.5);
  r = run("aten.mul", {B(true), I(4)}); // bools count as ints
  ASSERT_TRUE(r.isInt());
  EXPECT_EQ(r.toInt(), 4);
  EXPECT_EQ(runInt("aten.floordiv", {I(-7), I(2)}), -4);
  EXPECT_EQ(runFloat("aten.floordiv", {F(-7), I(2)}), -4.0);
  EXPECT_EQ(runInt("aten.remainder", {I(-7), I(2)}), 1);
  EXPECT_EQ(runInt("aten.sub", {I(1), I(3)}), -2);
  EXPECT_EQ(runFloat("aten.div", {I(1), I(4)}), 0.25); // always a float
  EXPECT_EQ(runInt("aten.neg.Scalar", {I(3)}), -3);
  EXPECT_EQ(runFloat("aten.neg.Scalar", {F(3)}), -3.0);
  EXPECT_EQ(runInt("prim.abs.Scalar", {I(-3)}), 3);
  EXPECT_EQ(runFloat("prim.abs.Scalar", {F(-3)}), 3.0);
  EXPECT_EQ(runInt("prim.min", {I(3), I(-1)}), -1);
  EXPECT_EQ(runFloat("prim.max", {I(3), F(-1)}), 3.0);
  EXPECT_EQ(runFloat("prim.min.int_float", {I(1), F(1.5)}), 1.0);
  EXPECT_TRUE(runBool("aten.eq", {I(1), F(1.0)}));
  EXPECT_TRUE(runBool("aten.lt", {F(0.5), I(1)}));
  EXPECT_FALSE(runBool("aten.ge", {I(0), B(true)}));
}

TEST(RefScalarTest, WrongKindsAreErrors) {
  EXPECT_NE(errorOf([] { runKernel("aten.add.int", {S("a"), I(1)}); }), "");
  EXPECT_NE(errorOf([] { runKernel("aten.add", {none(), I(1)}); }), "");
  EXPECT_NE(errorOf([] { runKernel("aten.len.str", {I(1)}); }), "");
  EXPECT_NE(errorOf([] { runKernel("aten.len.t", {I(1)}); }), "");
  EXPECT_NE(errorOf([] { runKernel("aten.append.t", {S("x"), I(1)}); }), "");
  EXPECT_NE(errorOf([] {
              runKernel("prim.get_attr", {I(1)}, 1, {{"name", S("x")}});
            }),
            "");
}

//===----------------------------------------------------------------------===//
// Conversions
//===----------------------------------------------------------------------===//

TEST(RefScalarTest, IntOfFloatTruncates) {
  EXPECT_EQ(runInt("aten.Int.float", {F(-2.7)}), -2);
  EXPECT_EQ(runInt("aten.Int.float", {F(2.7)}), 2);
  EXPECT_EQ(runInt("aten.Int.Scalar", {F(-0.5)}), 0);
  EXPECT_EQ(runInt("aten.Int.Scalar", {I(9)}), 9);
  EXPECT_EQ(runInt("aten.Int.bool", {B(true)}), 1);
  // Out of int64 or nan: what TorchScript computes on x86.
  EXPECT_EQ(runInt("aten.Int.float", {F(NAN)}), Min64);
  EXPECT_EQ(runInt("aten.Int.float", {F(INFINITY)}), Min64);
  EXPECT_EQ(runInt("aten.Int.float", {F(1e19)}), Min64);
  EXPECT_EQ(runFloat("aten.Float.bool", {B(true)}), 1.0);
  EXPECT_EQ(runFloat("aten.Float.Scalar", {I(3)}), 3.0);
  EXPECT_TRUE(runBool("aten.Bool.float", {F(NAN)}));
  EXPECT_FALSE(runBool("aten.Bool.int", {I(0)}));
}

TEST(RefScalarTest, ParsingStrings) {
  EXPECT_EQ(runInt("aten.Int.str", {S("-42")}), -42);
  EXPECT_EQ(runInt("aten.Int.str", {S(" +7")}), 7);
  EXPECT_EQ(errorOf([] { runKernel("aten.Int.str", {S("12abc")}); }),
            "invalid literal for int() with base 10: '12abc'");
  EXPECT_NE(errorOf([] { runKernel("aten.Int.str", {S("")}); }), "");
  EXPECT_NE(errorOf([] { runKernel("aten.Int.str", {S("0x1f")}); }), "");
  EXPECT_NE(
      errorOf([] { runKernel("aten.Int.str", {S("99999999999999999999")}); }),
      "");
  EXPECT_EQ(runFloat("aten.Float.str", {S("1e3")}), 1000.0);
  EXPECT_TRUE(std::isnan(runFloat("aten.Float.str", {S("nan")})));
  EXPECT_EQ(errorOf([] { runKernel("aten.Float.str", {S("1.5x")}); }),
            "could not convert string to float: '1.5x'");
  EXPECT_NE(errorOf([] { runKernel("aten.Float.str", {S("")}); }), "");
}

//===----------------------------------------------------------------------===//
// Strings and printing
//===----------------------------------------------------------------------===//

TEST(RefScalarTest, FloatsPrintAsC10Does) {
  EXPECT_EQ(rt::ref::formatDouble(1.0), "1.");
  EXPECT_EQ(rt::ref::formatDouble(-3.0), "-3.");
  EXPECT_EQ(rt::ref::formatDouble(0.5), "0.5");
  EXPECT_EQ(rt::ref::formatDouble(0.1), "0.10000000000000001");
  EXPECT_EQ(rt::ref::formatDouble(1e20), "1e+20");
  EXPECT_EQ(rt::ref::formatDouble(1e18), "1000000000000000000.");
  EXPECT_EQ(rt::ref::formatDouble(INFINITY), "inf");
  EXPECT_EQ(rt::ref::formatDouble(-INFINITY), "-inf");
}

TEST(RefScalarTest, StrOfValues) {
  EXPECT_EQ(runStr("aten.str", {I(-3)}), "-3");
  EXPECT_EQ(runStr("aten.str", {B(false)}), "False");
  EXPECT_EQ(runStr("aten.str", {none()}), "None");
  EXPECT_EQ(runStr("aten.str", {S("abc")}), "abc");
  EXPECT_EQ(runStr("aten.str", {ints({1, 2})}), "[1, 2]");
  EXPECT_EQ(runStr("aten.str", {Value::tuple({I(1)})}), "(1,)");
  EXPECT_EQ(runStr("aten.str", {Value::tuple({I(1), S("a"), F(2)})}),
            "(1, a, 2.)");
  EXPECT_EQ(runStr("aten.str", {newDict({{S("a"), ints({})}})}), "{a: []}");
  EXPECT_EQ(runStr("aten.str", {Value(rt::Device{"cpu"})}), "cpu");
  EXPECT_EQ(runStr("aten.str", {Value(tensorOf({2}, {1.5, -2}))}),
            " 1.5000\n-2.0000\n[ CPUFloatType{2} ]");
  EXPECT_EQ(runStr("aten.str", {Value(tensorOf({}, {3}, DType::I64))}),
            "3\n[ CPULongType{} ]");
}

TEST(RefScalarTest, Format) {
  EXPECT_EQ(runStr("aten.format", {S("{} and {}!"), I(1), F(2)}), "1 and 2.!");
  // Only `{}` is a placeholder; surplus arguments are ignored.
  EXPECT_EQ(runStr("aten.format", {S("{0} {x} {}"), I(3), I(4)}), "{0} {x} 3");
  EXPECT_EQ(runStr("aten.format", {S("none")}), "none");
  EXPECT_EQ(errorOf([] {
              runKernel("aten.format", {S("{} {}"), I(1)});
            }),
            "Too few arguments for format string: {} {}");
}

TEST(RefScalarTest, StringsAreBytes) {
  const char *e = "\xC3\xA9z"; // "éz"
  EXPECT_EQ(runInt("aten.len.str", {S(e)}), 3);
  EXPECT_EQ(runStr("aten.__getitem__.str", {S(e), I(0)}), "\xC3");
  EXPECT_EQ(runInt("aten.ord", {S("\xC3")}), 0xC3);
  EXPECT_EQ(runStr("aten.__getitem__.str", {S("abc"), I(-1)}), "c");
  EXPECT_NE(errorOf([] {
              runKernel("aten.__getitem__.str", {S("abc"), I(3)});
            }),
            "");
  EXPECT_NE(errorOf([] {
              runKernel("aten.__getitem__.str", {S("abc"), I(-4)});
            }),
            "");
  EXPECT_EQ(errorOf([] { runKernel("aten.ord", {S("ab")}); }),
            "String for ord() must be 1 character, found 2");
  EXPECT_NE(errorOf([] { runKernel("aten.ord", {S("")}); }), "");
  EXPECT_EQ(runStr("aten.add.str", {S("ab"), S("c")}), "abc");
  EXPECT_TRUE(runBool("aten.lt.str", {S("ab"), S("b")}));
  EXPECT_TRUE(runBool("aten.lt.str", {S("a"), S("\xC3")})); // unsigned bytes
  EXPECT_FALSE(runBool("aten.ge.str", {S("ab"), S("abc")}));
}

TEST(RefScalarTest, StringSlices) {
  EXPECT_EQ(runStr("aten.slice.str", {S("abcdef"), I(1), none(), I(1)}),
            "bcdef");
  EXPECT_EQ(runStr("aten.slice.str", {S("abcdef"), none(), none(), I(-1)}),
            "fedcba");
  EXPECT_EQ(runStr("aten.slice.str", {S("abcdef"), I(-2), I(100), I(1)}), "ef");
  EXPECT_EQ(runStr("aten.slice.str", {S("abcdef"), I(5), I(0), I(-2)}), "fdb");
  EXPECT_EQ(runStr("aten.slice.str", {S("abcdef"), I(4), I(2), I(1)}), "");
  EXPECT_NE(errorOf([] {
              runKernel("aten.slice.str", {S("abc"), none(), none(), I(0)});
            }),
            "");
}

TEST(RefScalarTest, Devices) {
  Value d = run("aten.device", {S("cuda:1")});
  ASSERT_TRUE(d.isDevice());
  EXPECT_EQ(d.toString(), "cuda:1");
  EXPECT_TRUE(runBool("aten.eq.device", {run("aten.device", {S("cpu")}),
                                         Value(rt::Device{"cpu"})}));
  EXPECT_TRUE(runBool("aten.ne.device",
                      {Value(rt::Device{"cpu"}), Value(rt::Device{"cpu:0"})}));
  EXPECT_NE(errorOf([] { runKernel("aten.device", {S("gpu")}); }), "");
  EXPECT_NE(errorOf([] { runKernel("aten.device", {S("cuda:x")}); }), "");
  EXPECT_NE(errorOf([] { runKernel("aten.device", {S("cuda:")}); }), "");
}

//===----------------------------------------------------------------------===//
// Ranges, exceptions, refinement
//===----------------------------------------------------------------------===//

TEST(RefScalarTest, Ranges) {
  EXPECT_EQ(runInt("aten.__range_length", {I(0), I(10), I(3)}), 4);
  EXPECT_EQ(runInt("aten.__range_length", {I(10), I(0), I(-3)}), 4);
  EXPECT_EQ(runInt("aten.__range_length", {I(5), I(0), I(1)}), 0);
  EXPECT_EQ(runInt("aten.__range_length", {I(Min64), I(Max64), I(Max64)}), 3);
  EXPECT_EQ(errorOf([] {
              runKernel("aten.__range_length", {I(0), I(1), I(0)});
            }),
            "range() arg 3 must not be zero");
  EXPECT_EQ(runInt("aten.__derive_index", {I(2), I(10), I(-3)}), 4);
}

TEST(RefScalarTest, RaiseException) {
  EXPECT_EQ(errorOf([] {
              runKernel("prim.raise_exception",
                        {S("expected 4D input (got 3D input)"),
                         S("builtins.ValueError")},
                        0);
            }),
            "builtins.ValueError: expected 4D input (got 3D input)");
  EXPECT_EQ(errorOf([] {
              runKernel("prim.raise_exception",
                        {S("AssertionError: bad"), none()}, 0);
            }),
            "AssertionError: bad");
}

TEST(RefScalarTest, PassThroughsAndUninitialized) {
  Value l = ints({1});
  EXPECT_TRUE(&run("prim.unchecked_cast", {l}).toList() == &l.toList());
  EXPECT_EQ(runInt("prim.unchecked_unwrap_optional", {I(4)}), 4);
  EXPECT_TRUE(runKernel("prim.uninitialized", {})[0].isNone());
  EXPECT_NO_THROW(runKernel("aten.warn", {S("careful"), I(2)}, 0));
  EXPECT_NO_THROW(runKernel("prim.print", {S("n ="), I(1), ints({2})}, 0));
}

TEST(RefScalarTest, IsInstance) {
  auto isa = [](Value v, std::vector<const char *> types) {
    std::vector<Value> ts;
    for (const char *t : types)
      ts.push_back(S(t));
    return runKernel("prim.isinstance", {std::move(v)}, 1,
                     {{"types", Value::list(ts)}})[0]
        .toBool();
  };
  Value t(tensorOf({2}, {1, 2}));
  EXPECT_TRUE(isa(t, {"tensor"}));
  EXPECT_TRUE(isa(t, {"tensor<2xf32>"}));
  EXPECT_FALSE(isa(I(1), {"tensor"}));
  EXPECT_TRUE(isa(I(1), {"tensor", "i64"}));
  EXPECT_FALSE(isa(F(1), {"i64"}));
  EXPECT_TRUE(isa(none(), {"optional<tensor>"}));
  EXPECT_TRUE(isa(ints({1, 2}), {"list<i64>"}));
  EXPECT_FALSE(isa(ints({1, 2}), {"list<f64>"}));
  EXPECT_TRUE(isa(Value::tuple({I(1), S("a")}), {"tuple<i64, str>"}));
  EXPECT_FALSE(isa(Value::tuple({I(1)}), {"tuple<i64, str>"}));
  EXPECT_TRUE(isa(newDict({{S("a"), t}}), {"dict<str, tensor>"}));
  auto obj = std::make_shared<rt::Object>();
  obj->className = "__torch__.M";
  EXPECT_TRUE(isa(Value(obj), {"object<\"__torch__.M\">"}));
  EXPECT_FALSE(isa(Value(obj), {"object<\"__torch__.N\">"}));
  EXPECT_TRUE(isa(S("x"), {"any"}));
  EXPECT_NE(errorOf([] { runKernel("prim.isinstance", {I(1)}); }), "");
}

TEST(RefScalarTest, IsComparesIdentity) {
  Value a = ints({1}), b = ints({1});
  EXPECT_TRUE(runBool("aten.__is__", {a, a}));
  EXPECT_FALSE(runBool("aten.__is__", {a, b}));
  EXPECT_TRUE(runBool("aten.__isnot__", {a, b}));
  EXPECT_TRUE(runBool("aten.__is__", {none(), none()}));
  EXPECT_FALSE(runBool("aten.__is__", {Value(tensorOf({1}, {0})), none()}));
  EXPECT_FALSE(runBool("aten.__is__", {I(1), F(1)}));
  EXPECT_TRUE(runBool("aten.__is__", {F(NAN), F(NAN)}));
  EXPECT_TRUE(runBool("aten.__is__", {S("ab"), S("ab")}));
  Tensor t = tensorOf({2}, {1, 2});
  EXPECT_TRUE(runBool("aten.__is__", {Value(t), Value(t)}));
  EXPECT_FALSE(runBool("aten.__is__", {Value(t), Value(t.clone())}));
}

//===----------------------------------------------------------------------===//
// Lists
//===----------------------------------------------------------------------===//

TEST(RefContainerTest, AppendMutatesTheSharedList) {
  Value l = ints({1});
  Value r = run("aten.append.t", {l, I(2)});
  EXPECT_EQ(&r.toList(), &l.toList());
  EXPECT_EQ(intsOf(l), (std::vector<int64_t>{1, 2}));
  Value grown = run("aten.add_.t", {l, l}); // l += l
  EXPECT_EQ(&grown.toList(), &l.toList());
  EXPECT_EQ(intsOf(l), (std::vector<int64_t>{1, 2, 1, 2}));
  run("aten.mul_.t", {l, I(0)});
  EXPECT_TRUE(l.toList().items.empty());
  Value m = ints({3, 4});
  run("aten.mul_.t", {m, I(2)});
  EXPECT_EQ(intsOf(m), (std::vector<int64_t>{3, 4, 3, 4}));
}

TEST(RefContainerTest, CopiesAreIndependent) {
  Value l = ints({1, 2});
  Value c = run("aten.list.t", {l});
  EXPECT_NE(&c.toList(), &l.toList());
  run("aten.append.t", {c, I(3)});
  EXPECT_EQ(intsOf(l), (std::vector<int64_t>{1, 2}));
  Value s = run("aten.add.t", {l, ints({})});
  EXPECT_NE(&s.toList(), &l.toList());
  Value sl = run("aten.slice.t", {l, none(), none(), I(1)});
  EXPECT_NE(&sl.toList(), &l.toList());
  EXPECT_EQ(intsOf(sl), intsOf(l));
}

TEST(RefContainerTest, Repetition) {
  EXPECT_EQ(intsOf(run("aten.mul.left_t", {ints({1, 2}), I(2)})),
            (std::vector<int64_t>{1, 2, 1, 2}));
  EXPECT_EQ(intsOf(run("aten.mul.right_", {I(3), ints({5})})),
            (std::vector<int64_t>{5, 5, 5}));
  EXPECT_TRUE(run("aten.mul.left_t", {ints({1}), I(0)}).toList().items.empty());
  EXPECT_TRUE(run("aten.mul.left_t", {ints({}), I(-3)}).toList().items.empty());
  // TorchScript fails on a negative count for a non-empty list.
  EXPECT_NE(errorOf([] {
              runKernel("aten.mul.left_t", {ints({1}), I(-1)});
            }),
            "");
  EXPECT_NE(errorOf([] {
              runKernel("aten.mul.left_t", {ints({1, 2}), I(Max64)});
            }),
            "");
}

TEST(RefContainerTest, IndexingAndSlicing) {
  Value l = ints({10, 20, 30});
  EXPECT_EQ(runInt("aten.__getitem__.t", {l, I(-1)}), 30);
  EXPECT_EQ(runInt("aten.select.t", {l, I(1)}), 20);
  std::string err = errorOf([&] {
    runKernel("aten.__getitem__.t", {l, I(3)});
  });
  EXPECT_NE(err.find("list index out of range"), std::string::npos) << err;
  EXPECT_NE(errorOf([&] { runKernel("aten.__getitem__.t", {l, I(-4)}); }), "");
  EXPECT_EQ(intsOf(run("aten.slice.t", {l, I(-2), none(), I(1)})),
            (std::vector<int64_t>{20, 30}));
  EXPECT_EQ(intsOf(run("aten.slice.t", {l, none(), none(), I(-2)})),
            (std::vector<int64_t>{30, 10}));
  EXPECT_EQ(intsOf(run("aten.slice.t", {l, I(Max64), I(Min64), I(-1)})),
            (std::vector<int64_t>{30, 20, 10}));
  EXPECT_NE(errorOf([&] {
              runKernel("aten.slice.t", {l, none(), none(), I(0)});
            }),
            "");
  EXPECT_EQ(runInt("aten.len.t", {l}), 3);
  EXPECT_EQ(runInt("aten.len.any", {l}), 3);
}

TEST(RefContainerTest, Unpack) {
  auto r = runKernel("prim.list_unpack", {ints({1, 2})}, 2);
  EXPECT_EQ(r[0].toInt(), 1);
  EXPECT_EQ(r[1].toInt(), 2);
  EXPECT_EQ(errorOf([] {
              runKernel("prim.list_unpack", {ints({1, 2})}, 3);
            }),
            "Expected 3 elements in a list but found 2");
  Value t = Value::tuple({I(1), S("a")});
  r = runKernel("prim.tuple_unpack", {t}, 2);
  EXPECT_EQ(r[1].toString(), "a");
  EXPECT_NE(errorOf([&] { runKernel("prim.tuple_unpack", {t}, 3); }), "");
  EXPECT_EQ(runStr("prim.tuple_index", {t, I(-1)}), "a");
  EXPECT_NE(errorOf([&] { runKernel("prim.tuple_index", {t, I(2)}); }), "");
  EXPECT_NE(errorOf([] {
              runKernel("prim.tuple_index", {ints({1}), I(0)});
            }),
            "");
}

TEST(RefContainerTest, ListComparisons) {
  Value l = ints({1, 2});
  EXPECT_TRUE(runBool("aten.eq.int_list", {l, ints({1, 2})}));
  EXPECT_FALSE(runBool("aten.eq.int_list", {l, ints({1})}));
  EXPECT_TRUE(runBool("aten.ne.int_list", {l, ints({2, 1})}));
  Value nan = Value::list({F(NAN)});
  // Elements compare by identity first (the same bits), then by ==, as in
  // TorchScript; `in` compares by == only.
  EXPECT_TRUE(runBool("aten.eq.float_list", {nan, Value::list({F(NAN)})}));
  EXPECT_FALSE(runBool("aten.eq.float_list", {nan, Value::list({F(-NAN)})}));
  EXPECT_TRUE(runBool("aten.eq.float_list",
                      {Value::list({F(0.0)}), Value::list({F(-0.0)})}));
  EXPECT_FALSE(runBool("aten.__contains__.float_list", {nan, F(NAN)}));
  EXPECT_TRUE(runBool("aten.__contains__.str_list",
                      {Value::list({S("a"), S("b")}), S("b")}));
  // Lexicographic min/max of two lists.
  EXPECT_EQ(intsOf(run("prim.min.int_list", {ints({1, 5}), ints({1, 4, 7})})),
            (std::vector<int64_t>{1, 4, 7}));
  EXPECT_EQ(intsOf(run("prim.max.int_list", {ints({1}), ints({1, 0})})),
            (std::vector<int64_t>{1, 0}));
  EXPECT_EQ(intsOf(run("prim.min.int_list", {ints({1}), ints({1, 0})})),
            (std::vector<int64_t>{1}));
  EXPECT_EQ(runInt("prim.min.self_int", {ints({3, -1, 2})}), -1);
  EXPECT_EQ(runInt("prim.max.self_int", {ints({3, -1, 2})}), 3);
  EXPECT_EQ(
      errorOf([] { runKernel("prim.max.self_float", {Value::list({})}); }),
      "max() arg is an empty sequence");
  EXPECT_EQ(
      runInt("aten.sum.bool", {Value::list({B(true), B(false), B(true)})}), 2);
  EXPECT_EQ(runFloat("aten.sum.float", {Value::list({F(0.5), F(0.25)})}), 0.75);
}

TEST(RefContainerTest, TensorListEquality) {
  Tensor a = tensorOf({1}, {2}), b = tensorOf({}, {2}, DType::I64);
  Value la = Value::list({Value(a)}), lb = Value::list({Value(b)});
  EXPECT_TRUE(runBool("aten.eq.Tensor_list", {la, lb}));
  EXPECT_FALSE(runBool("aten.ne.Tensor_list", {la, lb}));
  Tensor two = tensorOf({2}, {1, 2});
  Value l2 = Value::list({Value(two)});
  // The same tensor is equal without comparing values.
  EXPECT_TRUE(runBool("aten.eq.Tensor_list", {l2, Value::list({Value(two)})}));
  EXPECT_NE(errorOf([&] {
              runKernel("aten.eq.Tensor_list",
                        {l2, Value::list({Value(two.clone())})});
            }),
            "");
}

//===----------------------------------------------------------------------===//
// Dicts
//===----------------------------------------------------------------------===//

TEST(RefContainerTest, DictLiteralsAndSetItem) {
  Value d =
      run("prim.dict_construct", {S("b"), I(1), S("a"), I(2), S("b"), I(3)});
  ASSERT_EQ(d.toDict().entries.size(), 2u);
  EXPECT_EQ(d.toDict().entries[0].first.toString(), "b");
  EXPECT_EQ(d.toDict().entries[0].second.toInt(), 3);
  runKernel("aten._set_item.str", {d, S("b"), I(9)}, 0);
  runKernel("aten._set_item.str", {d, S("c"), I(4)}, 0);
  EXPECT_EQ(runStr("aten.str", {run("aten.keys.str", {d})}), "[b, a, c]");
  EXPECT_EQ(intsOf(run("aten.values.str", {d})),
            (std::vector<int64_t>{9, 2, 4}));
  Value items = run("aten.items.str", {d});
  EXPECT_EQ(runStr("aten.str", {items}), "[(b, 9), (a, 2), (c, 4)]");
  EXPECT_EQ(runInt("aten.len.Dict_str", {d}), 3);
  EXPECT_TRUE(runBool("aten.__contains__.str", {d, S("a")}));
  EXPECT_FALSE(runBool("aten.__contains__.str", {d, S("z")}));
  EXPECT_NE(errorOf([] { runKernel("prim.dict_construct", {S("a")}); }), "");
}

TEST(RefContainerTest, DictLookups) {
  Value d = newDict({{S("a"), I(1)}});
  EXPECT_EQ(runInt("aten.__getitem__.Dict_str", {d, S("a")}), 1);
  EXPECT_EQ(errorOf([&] {
              runKernel("aten.__getitem__.Dict_str", {d, S("abc")});
            }),
            "KeyError: abc");
  Value di = newDict({{I(1), S("one")}});
  EXPECT_EQ(errorOf([&] {
              runKernel("aten.__getitem__.Dict_int", {di, I(7)});
            }),
            "KeyError: 7");
  EXPECT_TRUE(run("aten.get.str", {d, S("z")}).isNone());
  EXPECT_EQ(runInt("aten.get.str", {d, S("a")}), 1);
  EXPECT_EQ(runInt("aten.get.default_str", {d, S("z"), I(5)}), 5);
  EXPECT_EQ(runStr("aten.get.default_int", {di, I(1), S("x")}), "one");
  EXPECT_TRUE(runBool("aten.__contains__.int", {di, I(1)}));
  EXPECT_EQ(intsOf(run("aten.keys.int", {di})), (std::vector<int64_t>{1}));
}

TEST(RefContainerTest, DictConstructors) {
  Value e = run("aten.dict", {});
  EXPECT_TRUE(e.toDict().entries.empty());
  Value pairs =
      Value::list({Value::tuple({S("a"), I(1)}), Value::tuple({S("b"), I(2)}),
                   Value::tuple({S("a"), I(3)})});
  Value d = run("aten.dict.str", {pairs});
  EXPECT_EQ(runStr("aten.str", {d}), "{a: 3, b: 2}");
  Value di =
      run("aten.dict.int", {Value::list({Value::tuple({I(4), F(0.5)})})});
  EXPECT_EQ(runStr("aten.str", {di}), "{4: 0.5}");
  Value c = run("aten.dict.Dict_str", {d});
  EXPECT_NE(&c.toDict(), &d.toDict());
  runKernel("aten._set_item.str", {c, S("z"), I(0)}, 0);
  EXPECT_EQ(runInt("aten.len.Dict_str", {d}), 2);
  EXPECT_EQ(runInt("aten.len.Dict_str", {c}), 3);
  EXPECT_NE(errorOf([] {
              runKernel("aten.dict.str",
                        {Value::list({Value::tuple({S("a")})})});
            }),
            "");
}

//===----------------------------------------------------------------------===//
// Objects
//===----------------------------------------------------------------------===//

TEST(RefContainerTest, Attributes) {
  auto obj = std::make_shared<rt::Object>();
  obj->className = "__torch__.M";
  obj->fields.emplace_back("count", I(1));
  Value o(obj);
  EXPECT_EQ(
      runKernel("prim.get_attr", {o}, 1, {{"name", S("count")}})[0].toInt(), 1);
  runKernel("prim.set_attr", {o, I(5)}, 0, {{"name", S("count")}});
  EXPECT_EQ(obj->fields[0].second.toInt(), 5);
  // set_attr adds a missing field (a new script-class object has none).
  runKernel("prim.set_attr", {o, S("v")}, 0, {{"name", S("extra")}});
  EXPECT_EQ(
      runKernel("prim.get_attr", {o}, 1, {{"name", S("extra")}})[0].toString(),
      "v");
  EXPECT_EQ(errorOf([&] {
              runKernel("prim.get_attr", {o}, 1, {{"name", S("nope")}});
            }),
            "'__torch__.M' object has no attribute 'nope'");
  EXPECT_NE(errorOf([&] { runKernel("prim.get_attr", {o}); }), "");
  Value n =
      runKernel("prim.create_object", {}, 1, {{"class", S("__torch__.Pt")}})[0];
  EXPECT_EQ(n.toObject().className, "__torch__.Pt");
  EXPECT_TRUE(n.toObject().fields.empty());
  EXPECT_TRUE(runKernel("prim.create_object", {})[0].isObject());
}

TEST(RefScalarTest, AbsOfATensor) {
  Tensor x = tensorOf({2, 2}, {-1.5, 2, -0.0, -3});
  Tensor y = runKernel("prim.abs", {Value(x.asStrided({2, 2}, {1, 2}, 0))})[0]
                 .toTensor();
  EXPECT_EQ(y.dtype(), DType::F32);
  EXPECT_EQ(valuesOf(y), (std::vector<double>{1.5, 0, 2, 3}));
  Tensor i = tensorOf({2}, {-128, 5}, DType::I8);
  EXPECT_EQ(valuesOf(runKernel("prim.abs", {Value(i)})[0].toTensor()),
            (std::vector<double>{-128, 5}));
  EXPECT_EQ(valuesOf(runKernel("prim.abs", {Value(x)})[0].toTensor()),
            (std::vector<double>{1.5, 2, 0, 3}));
  EXPECT_NE(errorOf([] {
              runKernel("prim.abs", {Value(tensorOf({1}, {1}, DType::Bool))});
            }),
            "");
}
