//===- ParserTest.cpp - Text round trips, errors and recovery -------------===//
#include "ir/AsmParser.h"
#include "ir/AsmPrinter.h"
#include "ir/Verifier.h"
#include "test/unit/TestUtils.h"
#include "llvm/Support/SourceMgr.h"
#include "gtest/gtest.h"

using namespace irc;

namespace {

using test::DiagCapture;

std::string print(const Module &m, const PrintOptions &opts = {}) {
  std::string s;
  llvm::raw_string_ostream os(s);
  printOp(m.getOperation(), os, opts);
  return os.str();
}

/// Parses `text`, which must be valid, and returns its printed form.
std::string roundTrip(llvm::StringRef text, Context &ctx,
                      const PrintOptions &opts = {}) {
  DiagCapture diags(ctx);
  std::optional<Module> m = parseSourceString(text, ctx);
  EXPECT_TRUE(m) << (diags.diags.empty() ? std::string("no diagnostic")
                                         : diags.diags[0].message);
  EXPECT_TRUE(diags.diags.empty());
  return m ? print(*m, opts) : std::string();
}

// Texts already in printed form: parse + print gives them back byte for byte.
constexpr const char *kDecisionGate =
    R"(func private @gate(%x: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %none = constant none : none
  %s = aten.sum(%x, %none) : (tensor<3x4xf32>, none) -> tensor<f32>
  %zero = constant 0 : i64
  %gt = aten.gt.Scalar(%s, %zero) : (tensor<f32>, i64) -> tensor<bool>
  %c = aten.Bool.Tensor(%gt) : (tensor<bool>) -> bool
  %r = prim.if %c -> tensor<3x4xf32> {
    prim.yield %x : tensor<3x4xf32>
  } else {
    %n = aten.neg(%x) : (tensor<3x4xf32>) -> tensor<3x4xf32>
    prim.yield %n : tensor<3x4xf32>
  }
  return %r : tensor<3x4xf32>
}

func @forward(%x: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %debug = constant false : bool
  %y = prim.if %debug -> tensor<3x4xf32> {
    %one = constant 1 : i64
    %z = aten.add.Scalar(%x, %one, %one) : (tensor<3x4xf32>, i64, i64) -> tensor<3x4xf32>
    prim.yield %z : tensor<3x4xf32>
  } else {
    prim.yield %x : tensor<3x4xf32>
  }
  %two = constant 2 : i64
  %true = constant true : bool
  %out = prim.loop %two, %true iter(%i, %acc = %y) -> tensor<3x4xf32> {
    %g = call @gate(%acc) : (tensor<3x4xf32>) -> tensor<3x4xf32>
    prim.yield %true, %g : bool, tensor<3x4xf32>
  }
  return %out : tensor<3x4xf32>
}
)";

constexpr const char *kConstantsAndBlobs =
    R"(const @w = blob<"data/0"> : tensor<2xf32>
const @k = 3 : i64

func @main(%x: tensor<2x?xf32>, %l: list<i64>, %tup: tuple<i64, bool>) -> (tensor<2x?xf32>, i64) attributes {note = "hi"} {
  %c = constant @k : i64
  %w = constant @w : tensor<2xf32>
  %d = constant dense<[1.5, 2.0]> : tensor<2xf32>
  %s = constant dense<0> : tensor<2x2xi64>
  %o = constant blob<"data/0", 4> : tensor<1xf32>
  %lst = constant [1, 2] : list<i64>
  %n = constant none : none
  %str = constant "a\22b" : str
  %f = constant -2.5e-07 : f64
  %g = aten.neg(%x) : (tensor<2x?xf32>) -> tensor<2x?xf32>
  %t0, %t1 = prim.tuple_unpack(%tup) : (tuple<i64, bool>) -> (i64, bool)
  %0 = aten.add.int(%t0, %c) : (i64, i64) -> i64
  %1 = aten.mul.int(%0, %0) : (i64, i64) -> i64
  return %g, %1 : tensor<2x?xf32>, i64
}

blobs {
  "data/0" = "0x0000803F00000040"
}
)";

TEST(Parser, RoundTripsPrintedTextByteForByte) {
  for (const char *text : {kDecisionGate, kConstantsAndBlobs}) {
    Context ctx;
    EXPECT_EQ(roundTrip(text, ctx), text);
  }
}

TEST(Parser, RoundTripsLocations) {
  constexpr const char *text = R"(func @f(%x: i64) -> i64 {
  %a = aten.add.int(%x, %x) : (i64, i64) -> i64 loc("m.py":3:4)
  %b = aten.mul.int(%a, %x) : (i64, i64) -> i64 loc(fused["a.py":1:2, "m.py":9:1])
  return %b : i64 loc(unknown)
} loc("<string>":1:1)
)";
  Context ctx;
  PrintOptions opts;
  opts.printLocations = true;
  EXPECT_EQ(roundTrip(text, ctx, opts), text);
}

TEST(Parser, OpLocationsComeFromTheText) {
  Context ctx;
  std::optional<Module> m = parseSourceString(
      "func @f(%x: i64) -> i64 {\n  %a = aten.neg.int(%x) : (i64) -> i64\n"
      "    return %a : i64\n}\n",
      ctx);
  ASSERT_TRUE(m);
  Block &body = m->getFunctions()[0].getEntryBlock();
  EXPECT_EQ(body.front().getLoc(), getFileLineColLoc(ctx, "<string>", 2, 3));
  EXPECT_EQ(body.back().getLoc(), getFileLineColLoc(ctx, "<string>", 3, 5));
}

TEST(Parser, GenericFormRoundTrips) {
  Context ctx;
  std::optional<Module> m = parseSourceString(kDecisionGate, ctx);
  ASSERT_TRUE(m);
  PrintOptions generic;
  generic.genericForm = true;
  std::string genericText = print(*m, generic);
  EXPECT_NE(genericText.find("\"prim.if\"("), std::string::npos);
  EXPECT_EQ(roundTrip(genericText, ctx, generic), genericText);
  // The generic text describes the same IR as the custom form.
  EXPECT_EQ(roundTrip(genericText, ctx), kDecisionGate);
}

TEST(Parser, NormalizesNamesAndSpacing) {
  Context ctx;
  // Numeric names are renumbered, duplicate hints made unique, spacing and
  // comments dropped; printing is then a fixed point.
  std::string once = roundTrip(R"(
// a comment
func @f(%7: i64)->i64{
  %42 = aten.add.int(%7,%7):(i64,i64)->i64   // trailing comment
  return %42:i64
})",
                               ctx);
  EXPECT_EQ(once, "func @f(%0: i64) -> i64 {\n"
                  "  %1 = aten.add.int(%0, %0) : (i64, i64) -> i64\n"
                  "  return %1 : i64\n"
                  "}\n");
  EXPECT_EQ(roundTrip(once, ctx), once);
}

struct ErrorCase {
  const char *name;
  const char *text;
  unsigned line, col;
  const char *message;
};

// Each case has exactly one error at line:col.
const ErrorCase kErrors[] = {
    {"unknown op", "func @f() {\n  %a = aten.frobnicate() : () -> i64\n}", 2, 8,
     "unknown operation 'aten.frobnicate'"},
    {"missing brace at end of file",
     "func @f(%x: i64) -> i64 {\n  return %x : i64\n", 3, 1, "missing '}'"},
    {"undefined value",
     "func @f() -> i64 {\n  %a = aten.neg.int(%nope) : (i64) -> i64\n"
     "  return %a : i64\n}",
     2, 21, "use of undefined value '%nope'"},
    {"operand type mismatch",
     "func @f(%x: i64) -> i64 {\n  %a = aten.neg.int(%x) : (f64) -> f64\n"
     "  return %x : i64\n}",
     2, 21, "use of '%x' expects type 'f64', but it has type 'i64'"},
    {"redefinition",
     "func @f(%x: i64) -> i64 {\n  %x = constant 1 : i64\n  return %x : i64\n}",
     2, 3, "redefinition of '%x'"},
    {"bad dimension", "func @f(%x: tensor<2xqx3xf32>) {\n  return\n}", 1, 22,
     "expected dimension size or '?'"},
    {"bad element type", "func @f(%x: tensor<2x3xf31>) {\n  return\n}", 1, 24,
     "expected element type"},
    {"unknown type", "func @f(%x: int) {\n  return\n}", 1, 13,
     "unknown type 'int'"},
    {"result count",
     "func @f(%x: i64) {\n  %a, %b = aten.neg.int(%x) : "
     "(i64) -> i64\n  return\n}",
     2, 12, "'aten.neg.int' has 1 results but 2 names were given"},
    {"missing colon",
     "func @f(%x: i64) {\n  %a = aten.neg.int(%x) (i64) -> i64\n"
     "  return\n}",
     2, 25, "expected ':'"},
    {"invalid character", "func @f() {\n  return\n}\n#", 4, 1,
     "found an invalid character"},
    {"dense size",
     "func @f() {\n  %d = constant dense<[1, 2, 3]> : "
     "tensor<2xi32>\n  return\n}",
     2, 23, "dense attribute has 3 elements, but its type has 2"},
    {"hex blob", "blobs {\n  \"w\" = \"0xZZ\"\n}", 2, 9, "expected hex string"},
    {"blobs not last", "blobs {\n}\nfunc @f() {\n  return\n}", 3, 1,
     "'blobs' must be the last section"},
    // Errors found by the verifier after parsing: at the op's location.
    {"dominance",
     "func @f(%x: i64) -> i64 {\n  %a = aten.neg.int(%b) : "
     "(i64) -> i64\n  %b = aten.neg.int(%x) : (i64) -> i64\n"
     "  return %a : i64\n}",
     2, 3, "does not dominate this use"},
    {"schema",
     "func @f(%x: i64) -> tensor {\n  %a = aten.relu(%x) : (i64) -> "
     "tensor\n  return %a : tensor\n}",
     2, 3, "operand #0 ('self') must be Tensor, got 'i64'"},
    {"return type", "func @f(%x: i64) -> f64 {\n  return %x : i64\n}", 2, 3,
     "operand #0 has type 'i64', expected 'f64'"},
};

class ParserErrors : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(ParserErrors, ReportsOneErrorAtLineColAndRecovers) {
  const ErrorCase &c = GetParam();
  Context ctx;
  {
    DiagCapture diags(ctx);
    std::optional<Module> m = parseSourceString(c.text, ctx);
    EXPECT_FALSE(m);
    ASSERT_EQ(diags.diags.size(), 1u);
    const Diagnostic &d = diags.diags[0];
    EXPECT_EQ(d.severity, Severity::Error);
    ASSERT_EQ(d.loc.getKind(), Location::Kind::FileLineCol);
    EXPECT_EQ(d.loc.getFile(), "<string>");
    EXPECT_EQ(d.loc.getLine(), c.line) << d.message;
    EXPECT_EQ(d.loc.getColumn(), c.col) << d.message;
    EXPECT_NE(d.message.find(c.message), std::string::npos) << d.message;
  }
  // Parser recovery: the same context parses valid text afterwards.
  EXPECT_EQ(roundTrip(kDecisionGate, ctx), kDecisionGate);
}

INSTANTIATE_TEST_SUITE_P(Cases, ParserErrors, ::testing::ValuesIn(kErrors),
                         [](const ::testing::TestParamInfo<ErrorCase> &info) {
                           std::string name = info.param.name;
                           for (char &ch : name)
                             if (!isalnum(static_cast<unsigned char>(ch)))
                               ch = '_';
                           return name;
                         });

TEST(Parser, DominanceErrorHasANoteAtTheDefinition) {
  Context ctx;
  DiagCapture diags(ctx);
  EXPECT_FALSE(parseSourceString(
      "func @f(%x: i64) -> i64 {\n  %a = aten.neg.int(%b) : (i64) -> i64\n"
      "  %b = aten.neg.int(%x) : (i64) -> i64\n  return %a : i64\n}",
      ctx));
  ASSERT_EQ(diags.diags.size(), 1u);
  EXPECT_NE(diags.diags[0].message.find("'%b'"), std::string::npos);
  ASSERT_EQ(diags.diags[0].notes.size(), 1u);
  EXPECT_EQ(diags.diags[0].notes[0].loc,
            getFileLineColLoc(ctx, "<string>", 3, 3));
}

TEST(Parser, ForwardReferencesResolve) {
  Context ctx;
  // A call to a function defined further down the file.
  std::string text = "func @main(%x: i64) -> i64 {\n"
                     "  %y = call @helper(%x) : (i64) -> i64\n"
                     "  return %y : i64\n"
                     "}\n"
                     "\n"
                     "func private @helper(%x: i64) -> i64 {\n"
                     "  return %x : i64\n"
                     "}\n";
  EXPECT_EQ(roundTrip(text, ctx), text);

  // A value used before its definition resolves to that definition (the
  // verifier then rejects the order, naming the value).
  DiagCapture diags(ctx);
  EXPECT_FALSE(parseSourceString("func @f(%c: bool) -> i64 {\n"
                                 "  %r = prim.if %c -> i64 {\n"
                                 "    prim.yield %v : i64\n"
                                 "  } else {\n"
                                 "    prim.yield %v : i64\n"
                                 "  }\n"
                                 "  %v = constant 1 : i64\n"
                                 "  return %r : i64\n"
                                 "}",
                                 ctx));
  ASSERT_EQ(diags.diags.size(), 1u);
  EXPECT_EQ(diags.diags[0].loc.getLine(), 3u);
  EXPECT_NE(diags.diags[0].message.find("('%v') does not dominate"),
            std::string::npos)
      << diags.diags[0].message;
}

TEST(Parser, ForwardReferenceTypeMismatch) {
  Context ctx;
  DiagCapture diags(ctx);
  EXPECT_FALSE(parseSourceString(
      "func @f() -> i64 {\n  %a = aten.neg.int(%b) : (i64) -> i64\n"
      "  %b = constant 1.0 : f64\n  return %a : i64\n}",
      ctx));
  ASSERT_EQ(diags.diags.size(), 1u);
  EXPECT_EQ(diags.diags[0].loc.getLine(), 3u);
  EXPECT_EQ(diags.diags[0].loc.getColumn(), 3u);
  EXPECT_NE(diags.diags[0].message.find("was used as 'i64'"), std::string::npos)
      << diags.diags[0].message;
}

TEST(Parser, ErrorInsideARegionAfterAForwardReference) {
  // %v is used outside the region before the region defines it; the region
  // then fails to parse and is thrown away with the rest of the module.
  Context ctx;
  DiagCapture diags(ctx);
  EXPECT_FALSE(
      parseSourceString("func @f(%c: bool) -> i64 {\n"
                        "  %a = aten.add.int(%v, %v) : (i64, i64) -> i64\n"
                        "  %r = prim.if %c -> i64 {\n"
                        "    %v = constant 1 : i64\n"
                        "    prim.yield %v : i64\n"
                        "    %bad = \n"
                        "  } else {\n"
                        "    prim.yield %a : i64\n"
                        "  }\n"
                        "  return %r : i64\n"
                        "}",
                        ctx));
  ASSERT_EQ(diags.diags.size(), 1u);
  EXPECT_EQ(diags.diags[0].loc.getLine(), 7u);
  EXPECT_EQ(roundTrip(kDecisionGate, ctx), kDecisionGate);
}

TEST(Parser, NestingLimit) {
  Context ctx;
  std::string deep = "func @f(%x: ";
  for (int i = 0; i < 300; ++i)
    deep += "list<";
  deep += "i64";
  for (int i = 0; i < 300; ++i)
    deep += ">";
  deep += ") {\n  return\n}";
  DiagCapture diags(ctx);
  EXPECT_FALSE(parseSourceString(deep, ctx));
  ASSERT_EQ(diags.diags.size(), 1u);
  EXPECT_NE(diags.diags[0].message.find("nesting is deeper than"),
            std::string::npos);
}

TEST(Parser, SourceFileNameAppearsInLocations) {
  Context ctx;
  llvm::SourceMgr mgr;
  mgr.AddNewSourceBuffer(
      llvm::MemoryBuffer::getMemBufferCopy("func @f() {\n  bogus\n}", "m.irc"),
      llvm::SMLoc());
  DiagCapture diags(ctx);
  EXPECT_FALSE(parseSourceFile(mgr, ctx));
  ASSERT_EQ(diags.diags.size(), 1u);
  EXPECT_EQ(diags.diags[0].loc, getFileLineColLoc(ctx, "m.irc", 2, 3));
}

TEST(Parser, ParseType) {
  Context ctx;
  EXPECT_EQ(parseType("tensor<1x?xf32>", ctx),
            getTensorType(ctx, {1, kDynamic}, DType::F32));
  EXPECT_EQ(parseType("(i64, bool) -> (f64)", ctx),
            getFunctionType(ctx, {getIntType(ctx), getBoolType(ctx)},
                            {getFloatType(ctx)}));
  DiagCapture diags(ctx);
  EXPECT_FALSE(parseType("list<i64", ctx));
  EXPECT_FALSE(parseType("i64 extra", ctx));
  EXPECT_EQ(diags.diags.size(), 2u);
}

} // namespace
