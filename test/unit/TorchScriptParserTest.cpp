//===- TorchScriptParserTest.cpp - Printed TorchScript to AST -------------===//
//
// Parses snippets in the style of the TorchScript printer and checks the
// tree through a small dumper; checks that malformed input gives exactly
// one diagnostic at the right line and column. Every code file of the
// archives PyTorch writes for the tests is parsed by test/frontend/
// fixtures.test.
//
//===----------------------------------------------------------------------===//
#include "frontend/TorchScriptParser.h"
#include "frontend/TorchScriptLexer.h"
#include "ir/Context.h"
#include "ir/Diagnostics.h"
#include "test/unit/TestUtils.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"
#include "gtest/gtest.h"
#include <cmath>
#include <random>

using namespace irc;
using namespace irc::ts;
using llvm::StringRef;

namespace {

//===----------------------------------------------------------------------===//
// A dumper for tests: statements as indented lines, expressions as
// S-expressions, pure name chains dotted (`torch.conv2d`).
//===----------------------------------------------------------------------===//

class Dumper {
public:
  explicit Dumper(llvm::raw_ostream &os) : os(os) {}

  void dump(const File &file) {
    for (const Decl *d : file.getDecls()) {
      if (const auto *c = llvm::dyn_cast<ClassDef>(d))
        dump(*c);
      else
        dump(*llvm::cast<FuncDef>(d), 0);
    }
  }

  void dump(const ClassDef &c) {
    static const char *kinds[] = {
        "",      "(Module)", "(NamedTuple)", "(ModuleInterface)", "(Interface)",
        "(Enum)"};
    os << "class " << c.name << kinds[static_cast<int>(c.classKind)] << "\n";
    dumpNames("parameters", c.parameters);
    dumpNames("buffers", c.buffers);
    dumpNames("forward_pre_hooks", c.forwardPreHooks);
    dumpNames("forward_hooks", c.forwardHooks);
    for (const ClassAttr &a : c.attributes) {
      os << "  " << (a.isFinal ? "final " : "attr ");
      if (a.isQuoted)
        os << '"' << a.name << '"';
      else
        os << a.name;
      if (a.type) {
        os << ": ";
        a.type->print(os);
      }
      if (a.value) {
        os << " = ";
        expr(a.value);
      }
      os << "\n";
    }
    for (const FuncDef *f : c.methods)
      dump(*f, 1);
  }

  void dump(const FuncDef &f, unsigned indent) {
    line(indent) << "def " << f.name << "(";
    for (size_t i = 0; i < f.params.size(); ++i) {
      const Param &p = f.params[i];
      os << (i ? ", " : "") << p.name;
      if (p.type) {
        os << ": ";
        p.type->print(os);
      }
      if (p.defaultValue) {
        os << " = ";
        expr(p.defaultValue);
      }
    }
    os << ")";
    if (f.returnType) {
      os << " -> ";
      f.returnType->print(os);
    }
    os << "\n";
    body(f.body, indent + 1);
  }

  void body(Body stmts, unsigned indent) {
    for (const Stmt *s : stmts)
      stmt(s, indent);
  }

  void stmt(const Stmt *s, unsigned indent) {
    llvm::raw_ostream &o = line(indent);
    switch (s->kind) {
    case Stmt::Kind::Assign: {
      const auto *a = llvm::cast<AssignStmt>(s);
      for (size_t i = 0; i < a->targets.size(); ++i) {
        o << (i ? ", " : "");
        expr(a->targets[i]);
      }
      if (a->unpack)
        o << ",";
      if (a->type) {
        o << " : ";
        a->type->print(o);
      }
      o << " = ";
      expr(a->value);
      o << "\n";
      return;
    }
    case Stmt::Kind::Expr:
      o << "expr ";
      expr(llvm::cast<ExprStmt>(s)->expr);
      o << "\n";
      return;
    case Stmt::Kind::If: {
      const auto *i = llvm::cast<IfStmt>(s);
      o << "if ";
      expr(i->cond);
      o << "\n";
      body(i->thenBody, indent + 1);
      if (!i->elseBody.empty()) {
        line(indent) << "else\n";
        body(i->elseBody, indent + 1);
      }
      return;
    }
    case Stmt::Kind::For: {
      const auto *f = llvm::cast<ForStmt>(s);
      o << "for " << f->var << " in range ";
      expr(f->count);
      o << "\n";
      body(f->body, indent + 1);
      return;
    }
    case Stmt::Kind::While: {
      const auto *w = llvm::cast<WhileStmt>(s);
      o << "while ";
      expr(w->cond);
      o << "\n";
      body(w->body, indent + 1);
      return;
    }
    case Stmt::Kind::With: {
      const auto *w = llvm::cast<WithStmt>(s);
      o << "with ";
      expr(w->context);
      if (!w->var.empty())
        o << " as " << w->var;
      o << "\n";
      body(w->body, indent + 1);
      return;
    }
    case Stmt::Kind::Return:
      o << "return";
      if (const Expr *v = llvm::cast<ReturnStmt>(s)->value) {
        o << " ";
        expr(v);
      }
      o << "\n";
      return;
    case Stmt::Kind::Pass:
      o << "pass\n";
      return;
    case Stmt::Kind::Break:
      o << "break\n";
      return;
    case Stmt::Kind::Continue:
      o << "continue\n";
      return;
    }
  }

  /// `a.b.c` when `e` is a chain of attributes on a name.
  static bool dotted(const Expr *e, std::string &out) {
    if (const auto *n = llvm::dyn_cast<NameExpr>(e)) {
      out = n->name.str();
      return true;
    }
    if (const auto *a = llvm::dyn_cast<AttributeExpr>(e)) {
      if (!dotted(a->base, out))
        return false;
      out += "." + a->name.str();
      return true;
    }
    return false;
  }

  void exprs(llvm::ArrayRef<const Expr *> list) {
    for (const Expr *e : list) {
      os << " ";
      expr(e);
    }
  }

  void expr(const Expr *e) {
    switch (e->kind) {
    case Expr::Kind::Int:
      os << llvm::cast<IntExpr>(e)->value;
      return;
    case Expr::Kind::Float: {
      double v = llvm::cast<FloatExpr>(e)->value;
      std::string s;
      llvm::raw_string_ostream(s) << llvm::format("%.17g", v);
      if (StringRef(s).find_first_of(".eni") == StringRef::npos)
        s += ".0";
      os << s;
      return;
    }
    case Expr::Kind::String:
      os << '"';
      llvm::printEscapedString(llvm::cast<StringExpr>(e)->value, os);
      os << '"';
      return;
    case Expr::Kind::Bool:
      os << (llvm::cast<BoolExpr>(e)->value ? "True" : "False");
      return;
    case Expr::Kind::None:
      os << "None";
      return;
    case Expr::Kind::Name:
      os << llvm::cast<NameExpr>(e)->name;
      return;
    case Expr::Kind::Constant:
      os << "CONSTANTS.c" << llvm::cast<ConstantExpr>(e)->index;
      return;
    case Expr::Kind::Attribute: {
      std::string s;
      if (dotted(e, s)) {
        os << s;
        return;
      }
      const auto *a = llvm::cast<AttributeExpr>(e);
      os << "(. ";
      expr(a->base);
      os << " " << a->name << ")";
      return;
    }
    case Expr::Kind::Subscript: {
      const auto *s = llvm::cast<SubscriptExpr>(e);
      os << "(sub ";
      expr(s->base);
      os << " ";
      expr(s->index);
      os << ")";
      return;
    }
    case Expr::Kind::Call: {
      const auto *c = llvm::cast<CallExpr>(e);
      os << "(call ";
      expr(c->callee);
      exprs(c->args);
      for (const KeywordArg &kw : c->kwargs) {
        os << " " << kw.name << "=";
        expr(kw.value);
      }
      os << ")";
      return;
    }
    case Expr::Kind::TypeCall: {
      const auto *t = llvm::cast<TypeCallExpr>(e);
      static const char *names[] = {"isinstance", "annotate", "unchecked_cast",
                                    "uninitialized"};
      os << "(" << names[static_cast<int>(t->builtin)];
      for (const TypeExpr *type : t->types) {
        os << " ";
        type->print(os);
      }
      if (t->operand) {
        os << " ";
        expr(t->operand);
      }
      os << ")";
      return;
    }
    case Expr::Kind::List:
      os << "[";
      exprs(llvm::cast<ListExpr>(e)->elements);
      os << " ]";
      return;
    case Expr::Kind::Tuple:
      os << "(tuple";
      exprs(llvm::cast<TupleExpr>(e)->elements);
      os << ")";
      return;
    case Expr::Kind::Dict:
      os << "{";
      for (const DictItem &item : llvm::cast<DictExpr>(e)->items) {
        os << " ";
        expr(item.key);
        os << ": ";
        expr(item.value);
      }
      os << " }";
      return;
    case Expr::Kind::Neg:
      os << "(neg ";
      expr(llvm::cast<NegExpr>(e)->operand);
      os << ")";
      return;
    }
  }

private:
  llvm::raw_ostream &line(unsigned indent) {
    for (unsigned i = 0; i < indent; ++i)
      os << "  ";
    return os;
  }
  void dumpNames(StringRef what, llvm::ArrayRef<StringRef> names) {
    if (names.empty())
      return;
    os << "  " << what << ":";
    for (StringRef n : names)
      os << " " << n;
    os << "\n";
  }

  llvm::raw_ostream &os;
};

std::string dumpFile(const File &file) {
  std::string s;
  llvm::raw_string_ostream os(s);
  Dumper(os).dump(file);
  return os.str();
}

/// Parses text in a fresh buffer and captures the diagnostics.
class TorchScriptParserTest : public ::testing::Test {
protected:
  TorchScriptParserTest() : diags(ctx) {}

  const File *parse(StringRef text,
                    StringRef path = "code/__torch__/model.py") {
    unsigned id = mgr.AddNewSourceBuffer(
        llvm::MemoryBuffer::getMemBufferCopy(text, path), llvm::SMLoc());
    files.push_back(parseFile(mgr, id, ctx));
    return files.back() ? &*files.back() : nullptr;
  }

  /// Parses text that must be valid and returns its dump.
  std::string parseAndDump(StringRef text) {
    const File *file = parse(text);
    EXPECT_TRUE(file) << firstMessage();
    EXPECT_TRUE(diags.diags.empty());
    return file ? dumpFile(*file) : std::string();
  }

  /// The only statement of `def f(x):` with `stmt` as its body, dumped.
  std::string dumpStmt(StringRef stmt) {
    std::string src = ("def f(x):\n  " + stmt + "\n").str();
    const File *file = parse(src);
    EXPECT_TRUE(file) << firstMessage() << " in " << stmt.str();
    if (!file)
      return "";
    const auto *f = llvm::cast<FuncDef>(file->getDecls()[0]);
    std::string s;
    llvm::raw_string_ostream os(s);
    Dumper d(os);
    d.body(f->body, 0);
    return StringRef(os.str()).rtrim('\n').str();
  }

  /// The expression of `return <text>`, dumped.
  std::string dumpExprText(StringRef text) {
    std::string s = dumpStmt(("return " + text).str());
    return StringRef(s).consume_front("return ") ? s.substr(7) : s;
  }

  std::string firstMessage() const {
    return diags.diags.empty() ? "no diagnostic" : diags.diags[0].message;
  }

  Context ctx;
  llvm::SourceMgr mgr;
  test::DiagCapture diags;
  std::vector<std::optional<File>> files;
};

//===----------------------------------------------------------------------===//
// Realistic files
//===----------------------------------------------------------------------===//

TEST_F(TorchScriptParserTest, ScriptedConvAndBasicBlock) {
  const char *src = R"(class Conv2d(Module):
  __parameters__ = ["weight", "bias", ]
  __buffers__ = []
  weight : Tensor
  bias : Optional[Tensor]
  training : bool
  _is_full_backward_hook : NoneType
  _reversed_padding_repeated_twice : List[int]
  stride : Final[Tuple[int, int]] = (2, 2)
  padding_mode : Final[str] = "zeros"
  in_channels : Final[int] = 3
  def forward(self: __torch__.torch.nn.modules.conv.___torch_mangle_0.Conv2d,
    input: Tensor) -> Tensor:
    weight = self.weight
    bias = self.bias
    _0 = (self)._conv_forward(input, weight, bias, )
    return _0
  def _conv_forward(self: __torch__.torch.nn.modules.conv.___torch_mangle_0.Conv2d,
    input: Tensor,
    weight: Tensor,
    bias: Optional[Tensor]) -> Tensor:
    _1 = torch.conv2d(input, weight, bias, [2, 2], [3, 3], [1, 1])
    return _1
class BasicBlock(Module):
  __parameters__ = []
  __buffers__ = []
  training : bool
  downsample : NoneType
  conv1 : __torch__.torch.nn.modules.conv.___torch_mangle_0.Conv2d
  def forward(self: __torch__.torchvision.models.resnet.BasicBlock,
    x: Tensor) -> Tensor:
    conv1 = self.conv1
    out = (conv1).forward(x, )
    out4 = torch.add_(out, x)
    return out4
)";
  EXPECT_EQ(parseAndDump(src),
            R"(class Conv2d(Module)
  parameters: weight bias
  attr weight: Tensor
  attr bias: Optional[Tensor]
  attr training: bool
  attr _is_full_backward_hook: NoneType
  attr _reversed_padding_repeated_twice: List[int]
  final stride: Tuple[int, int] = (tuple 2 2)
  final padding_mode: str = "zeros"
  final in_channels: int = 3
  def forward(self: __torch__.torch.nn.modules.conv.___torch_mangle_0.Conv2d, input: Tensor) -> Tensor
    weight = self.weight
    bias = self.bias
    _0 = (call self._conv_forward input weight bias)
    return _0
  def _conv_forward(self: __torch__.torch.nn.modules.conv.___torch_mangle_0.Conv2d, input: Tensor, weight: Tensor, bias: Optional[Tensor]) -> Tensor
    _1 = (call torch.conv2d input weight bias [ 2 2 ] [ 3 3 ] [ 1 1 ])
    return _1
class BasicBlock(Module)
  attr training: bool
  attr downsample: NoneType
  attr conv1: __torch__.torch.nn.modules.conv.___torch_mangle_0.Conv2d
  def forward(self: __torch__.torchvision.models.resnet.BasicBlock, x: Tensor) -> Tensor
    conv1 = self.conv1
    out = (call conv1.forward x)
    out4 = (call torch.add_ out x)
    return out4
)");

  // Spot checks through the API rather than the dump.
  const File &file = *files.back();
  const ClassDef *conv = file.lookupClass("Conv2d");
  ASSERT_TRUE(conv);
  EXPECT_EQ(conv->classKind, ClassKind::Module);
  const ClassAttr *stride = conv->lookupAttribute("stride");
  ASSERT_TRUE(stride);
  EXPECT_TRUE(stride->isFinal);
  EXPECT_EQ(stride->type->name, "Tuple");
  const FuncDef *fwd = conv->lookupMethod("_conv_forward");
  ASSERT_TRUE(fwd);
  ASSERT_EQ(fwd->params.size(), 4u);
  EXPECT_EQ(fwd->params[3].type->name, "Optional");
  const auto *assign = llvm::cast<AssignStmt>(fwd->body[0]);
  const auto *call = llvm::cast<CallExpr>(assign->value);
  EXPECT_EQ(call->args.size(), 6u);
  auto [line, col] = mgr.getLineAndColumn(call->loc);
  EXPECT_EQ(line, 22u);
  EXPECT_EQ(col, 10u);
  EXPECT_FALSE(file.lookupClass("Missing"));
}

TEST_F(TorchScriptParserTest, TracedSequentialAndConvolution) {
  const char *src = R"(class Sequential(Module):
  __parameters__ = []
  __buffers__ = []
  training : bool
  _is_full_backward_hook : Optional[bool]
  __annotations__["0"] = __torch__.torch.nn.modules.conv.___torch_mangle_47.Conv2d
  __annotations__["1"] = __torch__.torch.nn.modules.batchnorm.___torch_mangle_48.BatchNorm2d
  def forward(self: __torch__.torch.nn.modules.container.___torch_mangle_49.Sequential,
    argument_1: Tensor) -> Tensor:
    _1 = getattr(self, "1")
    _0 = getattr(self, "0")
    _2 = (_1).forward((_0).forward(argument_1, ), )
    return _2
class Conv2d(Module):
  __parameters__ = ["weight", ]
  __buffers__ = []
  weight : Tensor
  def forward(self: __torch__.torch.nn.modules.conv.___torch_mangle_54.Conv2d,
    argument_1: Tensor) -> Tensor:
    weight = self.weight
    input = torch._convolution(argument_1, weight, None, [1, 1], [1, 1], [1, 1], False, [0, 0], 1, False, False, True, True)
    _3 = ops.prim.NumToTensor(torch.size(input, 0))
    _4 = torch.zeros([int(_3), 4], dtype=6, layout=None, device=torch.device("cpu"), pin_memory=False)
    return torch.floor_divide(_4, CONSTANTS.c0)
)";
  EXPECT_EQ(parseAndDump(src),
            R"(class Sequential(Module)
  attr training: bool
  attr _is_full_backward_hook: Optional[bool]
  attr "0": __torch__.torch.nn.modules.conv.___torch_mangle_47.Conv2d
  attr "1": __torch__.torch.nn.modules.batchnorm.___torch_mangle_48.BatchNorm2d
  def forward(self: __torch__.torch.nn.modules.container.___torch_mangle_49.Sequential, argument_1: Tensor) -> Tensor
    _1 = (call getattr self "1")
    _0 = (call getattr self "0")
    _2 = (call _1.forward (call _0.forward argument_1))
    return _2
class Conv2d(Module)
  parameters: weight
  attr weight: Tensor
  def forward(self: __torch__.torch.nn.modules.conv.___torch_mangle_54.Conv2d, argument_1: Tensor) -> Tensor
    weight = self.weight
    input = (call torch._convolution argument_1 weight None [ 1 1 ] [ 1 1 ] [ 1 1 ] False [ 0 0 ] 1 False False True True)
    _3 = (call ops.prim.NumToTensor (call torch.size input 0))
    _4 = (call torch.zeros [ (call int _3) 4 ] dtype=6 layout=None device=(call torch.device "cpu") pin_memory=False)
    return (call torch.floor_divide _4 CONSTANTS.c0)
)");
  const ClassDef *seq = files.back()->lookupClass("Sequential");
  ASSERT_TRUE(seq);
  const ClassAttr *zero = seq->lookupAttribute("0");
  ASSERT_TRUE(zero);
  EXPECT_TRUE(zero->isQuoted);
  EXPECT_FALSE(zero->isFinal);
  const auto *conv = files.back()->lookupClass("Conv2d");
  const auto *assign = llvm::cast<AssignStmt>(conv->methods[0]->body[1]);
  EXPECT_EQ(llvm::cast<CallExpr>(assign->value)->args.size(), 13u);
}

TEST_F(TorchScriptParserTest, GRUStyleControlFlow) {
  const char *src = R"(def gru_like(input: Tensor,
    hx: Optional[Tensor]=None,
    n: int=3) -> Tuple[Tensor, Tensor]:
  _2 = uninitialized(Optional[Tensor])
  if torch.__isnot__(hx, None):
    hx0 = unchecked_cast(Tensor, hx)
    if torch.ne(torch.dim(hx0), 2):
      ops.prim.RaiseException("For unbatched 2-D input", "builtins.RuntimeError")
    else:
      pass
    hx1 : Optional[Tensor] = torch.unsqueeze(hx0, 1)
  else:
    hx1 = hx
  d = {"one": 1, "two": 2}
  l = annotate(List[int], [])
  for i in range(n):
    _1 = torch.append(l, torch.add(i, d["one"]))
  _3 = torch.lt(torch.len(l), 5)
  while _3:
    _3, hx1 = torch.lt(torch.len(l), 5), hx1
  a, b, = torch.chunk(input, 2, )
  output, hidden = b, a
  return (output, hidden)
)";
  EXPECT_EQ(
      parseAndDump(src),
      R"(def gru_like(input: Tensor, hx: Optional[Tensor] = None, n: int = 3) -> Tuple[Tensor, Tensor]
  _2 = (uninitialized Optional[Tensor])
  if (call torch.__isnot__ hx None)
    hx0 = (unchecked_cast Tensor hx)
    if (call torch.ne (call torch.dim hx0) 2)
      expr (call ops.prim.RaiseException "For unbatched 2-D input" "builtins.RuntimeError")
    else
      pass
    hx1 : Optional[Tensor] = (call torch.unsqueeze hx0 1)
  else
    hx1 = hx
  d = { "one": 1 "two": 2 }
  l = (annotate List[int] [ ])
  for i in range n
    _1 = (call torch.append l (call torch.add i (sub d "one")))
  _3 = (call torch.lt (call torch.len l) 5)
  while _3
    _3, hx1, = (tuple (call torch.lt (call torch.len l) 5) hx1)
  a, b, = (call torch.chunk input 2)
  output, hidden, = (tuple b a)
  return (tuple output hidden)
)");
  const FuncDef *f = files.back()->lookupFunction("gru_like");
  ASSERT_TRUE(f);
  const auto *unpack = llvm::cast<AssignStmt>(f->body[7]);
  EXPECT_TRUE(unpack->unpack);
  EXPECT_EQ(unpack->targets.size(), 2u);
  const auto *ifStmt = llvm::cast<IfStmt>(f->body[1]);
  EXPECT_EQ(ifStmt->thenBody.size(), 3u);
  ASSERT_EQ(ifStmt->elseBody.size(), 1u);
  const auto *forStmt = llvm::cast<ForStmt>(f->body[4]);
  EXPECT_EQ(forStmt->var, "i");
}

TEST_F(TorchScriptParserTest, SpecialClasses) {
  const char *src = R"(class Out(NamedTuple):
  a : Tensor
  b : Optional[Tensor]
  c : float = 2.5
class Iface(ModuleInterface):
  def forward(self, x: Tensor) -> Tensor:
    pass
class Runnable(Interface):
  def run(self, x: int) -> int:
    pass
class Color(Enum):
  RED = 1
  GREEN = 2
class Pt:
  x : int
  def __init__(self: __torch__.Pt,
    x: int) -> NoneType:
    self.x = x
    return None
class K2(Module):
  __parameters__ = []
  __buffers__ = ["buf", ]
  __forward_pre_hooks__ = ["pre_hook", ]
  __forward_hooks__ = ["hook", ]
  __annotations__ = []
  buf : Tensor
  e : Tuple[()]
  q : __torch__.torch.classes.xnnpack.Conv2dOpContext
  def forward(s: __torch__.K2,
    x: Tensor) -> Tensor:
    p = __torch__.Pt.__new__(__torch__.Pt)
    _0 = (p).__init__(3, )
    z = __torch__.Out(x, None, 1.)
    _3 = __torch__.torch.autograd.grad_mode.no_grad.__new__(__torch__.torch.autograd.grad_mode.no_grad)
    with _3:
      u0 = torch.mul(x, 2)
    return torch.eq(__torch__.Color.RED, __torch__.Color.GREEN)
)";
  EXPECT_EQ(parseAndDump(src),
            R"(class Out(NamedTuple)
  attr a: Tensor
  attr b: Optional[Tensor]
  attr c: float = 2.5
class Iface(ModuleInterface)
  def forward(self, x: Tensor) -> Tensor
    pass
class Runnable(Interface)
  def run(self, x: int) -> int
    pass
class Color(Enum)
  attr RED = 1
  attr GREEN = 2
class Pt
  attr x: int
  def __init__(self: __torch__.Pt, x: int) -> NoneType
    self.x = x
    return None
class K2(Module)
  buffers: buf
  forward_pre_hooks: pre_hook
  forward_hooks: hook
  attr buf: Tensor
  attr e: Tuple[()]
  attr q: __torch__.torch.classes.xnnpack.Conv2dOpContext
  def forward(s: __torch__.K2, x: Tensor) -> Tensor
    p = (call __torch__.Pt.__new__ __torch__.Pt)
    _0 = (call p.__init__ 3)
    z = (call __torch__.Out x None 1.0)
    _3 = (call __torch__.torch.autograd.grad_mode.no_grad.__new__ __torch__.torch.autograd.grad_mode.no_grad)
    with _3
      u0 = (call torch.mul x 2)
    return (call torch.eq __torch__.Color.RED __torch__.Color.GREEN)
)");
  const File &file = *files.back();
  EXPECT_EQ(file.lookupClass("Out")->classKind, ClassKind::NamedTuple);
  EXPECT_EQ(file.lookupClass("Iface")->classKind, ClassKind::ModuleInterface);
  EXPECT_EQ(file.lookupClass("Runnable")->classKind, ClassKind::Interface);
  EXPECT_EQ(file.lookupClass("Color")->classKind, ClassKind::Enum);
  EXPECT_EQ(file.lookupClass("Pt")->classKind, ClassKind::Script);
  const TypeExpr *e = file.lookupClass("K2")->lookupAttribute("e")->type;
  EXPECT_EQ(e->name, "Tuple");
  EXPECT_TRUE(e->args.empty());
  EXPECT_FALSE(file.lookupClass("Iface")->methods[0]->params[0].type);
}

TEST_F(TorchScriptParserTest, OptimizedForMobile) {
  const char *src = R"(class MobileNetV2(Module):
  __parameters__ = []
  __buffers__ = []
  training : bool
  mobile_optimized : bool
  def forward(self: __torch__.torchvision.models.mobilenetv2.MobileNetV2,
    x: Tensor) -> Tensor:
    _0 = ops.prepacked.conv2d_clamp_run(x, CONSTANTS.c0)
    _1 = ops.prepacked.linear_clamp_run(torch.flatten(_0, 1), CONSTANTS.c12)
    return torch.hardtanh_(_1, 0., 6.)
)";
  EXPECT_EQ(parseAndDump(src),
            R"(class MobileNetV2(Module)
  attr training: bool
  attr mobile_optimized: bool
  def forward(self: __torch__.torchvision.models.mobilenetv2.MobileNetV2, x: Tensor) -> Tensor
    _0 = (call ops.prepacked.conv2d_clamp_run x CONSTANTS.c0)
    _1 = (call ops.prepacked.linear_clamp_run (call torch.flatten _0 1) CONSTANTS.c12)
    return (call torch.hardtanh_ _1 0.0 6.0)
)");
}

//===----------------------------------------------------------------------===//
// Expressions, literals, types and statements
//===----------------------------------------------------------------------===//

TEST_F(TorchScriptParserTest, Literals) {
  EXPECT_EQ(dumpExprText("0"), "0");
  EXPECT_EQ(dumpExprText("-7"), "-7");
  EXPECT_EQ(dumpExprText("9223372036854775807"), "9223372036854775807");
  EXPECT_EQ(dumpExprText("-9223372036854775808"), "-9223372036854775808");
  EXPECT_EQ(dumpExprText("0."), "0.0");
  EXPECT_EQ(dumpExprText("6."), "6.0");
  EXPECT_EQ(dumpExprText("0.10000000000000001"), "0.10000000000000001");
  EXPECT_EQ(dumpExprText("1.0000000000000001e-05"), "1.0000000000000001e-05");
  EXPECT_EQ(dumpExprText("3.0000000000000002e-300"), "3.0000000000000002e-300");
  EXPECT_EQ(dumpExprText("-1.5"), "-1.5");
  EXPECT_EQ(dumpExprText("1e3"), "1000.0");
  EXPECT_EQ(dumpExprText("inf"), "inf");
  EXPECT_EQ(dumpExprText("-inf"), "-inf");
  EXPECT_EQ(dumpExprText("nan"), "nan");
  EXPECT_EQ(dumpExprText("True"), "True");
  EXPECT_EQ(dumpExprText("False"), "False");
  EXPECT_EQ(dumpExprText("None"), "None");
  EXPECT_EQ(dumpExprText("CONSTANTS.c0"), "CONSTANTS.c0");
  EXPECT_EQ(dumpExprText("CONSTANTS.c4294967295"), "CONSTANTS.c4294967295");

  // -inf and nan really are non-finite doubles.
  const File *file = parse("def f():\n  return [inf, -inf, nan, -0.]\n");
  ASSERT_TRUE(file);
  const auto *ret =
      llvm::cast<ReturnStmt>(llvm::cast<FuncDef>(file->getDecls()[0])->body[0]);
  auto elts = llvm::cast<ListExpr>(ret->value)->elements;
  EXPECT_TRUE(std::isinf(llvm::cast<FloatExpr>(elts[0])->value));
  EXPECT_LT(llvm::cast<FloatExpr>(elts[1])->value, 0);
  EXPECT_TRUE(std::isnan(llvm::cast<FloatExpr>(elts[2])->value));
  EXPECT_TRUE(std::signbit(llvm::cast<FloatExpr>(elts[3])->value));
}

TEST_F(TorchScriptParserTest, Strings) {
  auto value = [&](StringRef text) -> std::string {
    const File *file = parse(("def f():\n  return " + text + "\n").str());
    if (!file)
      return "<error: " + firstMessage() + ">";
    const auto *ret = llvm::cast<ReturnStmt>(
        llvm::cast<FuncDef>(file->getDecls()[0])->body[0]);
    return llvm::cast<StringExpr>(ret->value)->value.str();
  };
  EXPECT_EQ(value(R"("plain")"), "plain");
  EXPECT_EQ(value(R"('single')"), "single");
  EXPECT_EQ(value(R"("")"), "");
  EXPECT_EQ(value(R"("a\tb\\c")"), "a\tb\\c");
  EXPECT_EQ(value(R"("q\" s\' n\n r\r")"), "q\" s' n\n r\r");
  EXPECT_EQ(value(R"('it\'s "x"')"), "it's \"x\"");
  EXPECT_EQ(value(R"("\x41\x7a")"), "Az");
  EXPECT_EQ(value(R"("\xe9")"), "\xc3\xa9"); // U+00E9 as UTF-8
  EXPECT_EQ(value(R"("\u00e9\u20ac")"), "\xc3\xa9\xe2\x82\xac");
  EXPECT_EQ(value(R"("\U0001F600")"), "\xf0\x9f\x98\x80");
  EXPECT_EQ(value(R"("\001\0")"), std::string("\x01\0", 2));
  EXPECT_EQ(value(R"("\a\b\f\v")"), "\a\b\f\v");
  EXPECT_EQ(value("\"caf\xc3\xa9 \xe2\x82\xac\""), "caf\xc3\xa9 \xe2\x82\xac");
  EXPECT_TRUE(diags.diags.empty()) << firstMessage();
}

TEST_F(TorchScriptParserTest, Expressions) {
  EXPECT_EQ(dumpExprText("(self.conv1).forward(x, )"),
            "(call self.conv1.forward x)");
  EXPECT_EQ(dumpExprText("self.conv1.forward(x)"),
            "(call self.conv1.forward x)");
  EXPECT_EQ(dumpExprText("__torch__.torch.nn.functional.relu(x, False, )"),
            "(call __torch__.torch.nn.functional.relu x False)");
  EXPECT_EQ(dumpExprText("(hx16)[0]"), "(sub hx16 0)");
  EXPECT_EQ(dumpExprText("d[\"k\"][0].shape"),
            "(. (sub (sub d \"k\") 0) shape)");
  EXPECT_EQ(dumpExprText("f(a)(b)"), "(call (call f a) b)");
  EXPECT_EQ(dumpExprText("f(x)[1].y(z)"), "(call (. (sub (call f x) 1) y) z)");
  EXPECT_EQ(dumpExprText("-x"), "(neg x)");
  EXPECT_EQ(dumpExprText("-torch.size(x, 0)"), "(neg (call torch.size x 0))");
  EXPECT_EQ(dumpExprText("--1"), "(neg -1)");
  EXPECT_EQ(dumpExprText("()"), "(tuple)");
  EXPECT_EQ(dumpExprText("(1,)"), "(tuple 1)");
  EXPECT_EQ(dumpExprText("(1, 2, )"), "(tuple 1 2)");
  EXPECT_EQ(dumpExprText("((1))"), "1");
  EXPECT_EQ(dumpExprText("[]"), "[ ]");
  EXPECT_EQ(dumpExprText("[1, [2, 3], ]"), "[ 1 [ 2 3 ] ]");
  EXPECT_EQ(dumpExprText("{}"), "{ }");
  EXPECT_EQ(dumpExprText("{1: \"one\", 2: \"t\\'wo\", }"),
            "{ 1: \"one\" 2: \"t'wo\" }");
  EXPECT_EQ(dumpExprText("f()"), "(call f)");
  EXPECT_EQ(dumpExprText("f(x, dim=1, keepdim=False, )"),
            "(call f x dim=1 keepdim=False)");
  EXPECT_EQ(dumpExprText("int(x)"), "(call int x)");
  EXPECT_EQ(dumpExprText("float(x)"), "(call float x)");
  EXPECT_EQ(dumpExprText("bool(x)"), "(call bool x)");
  EXPECT_EQ(dumpExprText("isinstance(x, Tensor)"), "(isinstance Tensor x)");
  EXPECT_EQ(dumpExprText("isinstance(x, (int, List[float]))"),
            "(isinstance int List[float] x)");
  EXPECT_EQ(dumpExprText("annotate(Dict[str, Tensor], {})"),
            "(annotate Dict[str, Tensor] { })");
  EXPECT_EQ(dumpExprText("unchecked_cast(Tuple[Tensor, Tensor], hx)"),
            "(unchecked_cast Tuple[Tensor, Tensor] hx)");
  EXPECT_EQ(dumpExprText("uninitialized(__torch__.A.___torch_mangle_3.B)"),
            "(uninitialized __torch__.A.___torch_mangle_3.B)");
  EXPECT_EQ(dumpExprText("a, b"), "(tuple a b)");
  EXPECT_EQ(dumpExprText("a,"), "(tuple a)");
  // The name of a type builtin without a call is just a name.
  EXPECT_EQ(dumpExprText("annotate"), "annotate");
  // Keywords may follow a dot.
  EXPECT_EQ(dumpExprText("ops.aten.is(x)"), "(call ops.aten.is x)");
}

TEST_F(TorchScriptParserTest, Types) {
  auto type = [&](StringRef text) -> std::string {
    const File *file = parse(("def f(x: " + text + "):\n  pass\n").str());
    if (!file)
      return "<error: " + firstMessage() + ">";
    std::string s;
    llvm::raw_string_ostream os(s);
    llvm::cast<FuncDef>(file->getDecls()[0])->params[0].type->print(os);
    return os.str();
  };
  for (const char *t :
       {"Tensor", "int", "float", "bool", "str", "NoneType", "Device", "Any",
        "List[Tensor]", "Dict[str, List[int]]", "Tuple[int, int, int]",
        "Tuple[()]", "Tuple[int]", "Optional[Tuple[Tensor, Tensor]]",
        "Union[float, int]", "Future[Tensor]",
        "__torch__.torch.nn.modules.conv.___torch_mangle_5.Conv2d",
        "__torch__.torch.classes.quantized.LinearPackedParamsBase",
        "List[Optional[__torch__.Out]]"})
    EXPECT_EQ(type(t), t);
  // A trailing comma and spaces around dots are normalised away.
  EXPECT_EQ(type("Tuple[int, float, ]"), "Tuple[int, float]");
  EXPECT_EQ(type("__torch__ . a . B"), "__torch__.a.B");
}

TEST_F(TorchScriptParserTest, Statements) {
  EXPECT_EQ(dumpStmt("a = f(x)"), "a = (call f x)");
  EXPECT_EQ(dumpStmt("a, b = c, d"), "a, b, = (tuple c d)");
  EXPECT_EQ(dumpStmt("a, = f(x, )"), "a, = (call f x)");
  EXPECT_EQ(dumpStmt("self.count = torch.add(count, 1)"),
            "self.count = (call torch.add count 1)");
  EXPECT_EQ(dumpStmt("(self).x = 1"), "self.x = 1");
  EXPECT_EQ(dumpStmt("d[\"k\"] = 1"), "(sub d \"k\") = 1");
  EXPECT_EQ(dumpStmt("x : List[int] = []"), "x : List[int] = [ ]");
  EXPECT_EQ(dumpStmt("torch.warn(\"w\")"), "expr (call torch.warn \"w\")");
  EXPECT_EQ(dumpStmt("return"), "return");
  EXPECT_EQ(dumpStmt("return a, b"), "return (tuple a b)");
  EXPECT_EQ(dumpStmt("pass"), "pass");
  // Accepted defensively.
  EXPECT_EQ(dumpStmt("if a:\n    b = 1\n  elif c:\n    b = 2\n  else:\n"
                     "    b = 3"),
            "if a\n  b = 1\nelse\n  if c\n    b = 2\n  else\n    b = 3");
  EXPECT_EQ(dumpStmt("if a:\n    pass"), "if a\n  pass");
  EXPECT_EQ(dumpStmt("if a: return 1\n  else: return 2"),
            "if a\n  return 1\nelse\n  return 2");
  EXPECT_EQ(dumpStmt("while True:\n    if x:\n      break\n    else:\n"
                     "      continue"),
            "while True\n  if x\n    break\n  else\n    continue");
  EXPECT_EQ(dumpStmt("with ctx as c:\n    pass"), "with ctx as c\n  pass");
  EXPECT_EQ(dumpStmt("for i in range(torch.sub(torch.len(size), 2), ):\n"
                     "    pass"),
            "for i in range (call torch.sub (call torch.len size) 2)\n  pass");
}

TEST_F(TorchScriptParserTest, Layout) {
  // Comments, blank lines, CRLF, four-space indentation and no newline at
  // the end of the file.
  const char *src = "# header comment\r\n"
                    "\r\n"
                    "def f(x: int) -> int:   # trailing\r\n"
                    "    if x:\r\n"
                    "\r\n"
                    "        # inside\r\n"
                    "        y = [1,\r\n"
                    "  2,\r\n"
                    "             3]\r\n"
                    "    else:\n"
                    "        y = 2\n"
                    "    return y";
  EXPECT_EQ(parseAndDump(src), "def f(x: int) -> int\n"
                               "  if x\n"
                               "    y = [ 1 2 3 ]\n"
                               "  else\n"
                               "    y = 2\n"
                               "  return y\n");
  EXPECT_EQ(parseAndDump(""), "");
  EXPECT_EQ(parseAndDump("\n\n# only a comment\n"), "");
}

TEST_F(TorchScriptParserTest, Locations) {
  const char *src = "def f(x: Tensor) -> Tensor:\n"
                    "  y = torch.relu(x)\n"
                    "  return y\n";
  const File *file = parse(src, "code/__torch__/torch/nn/functional.py");
  ASSERT_TRUE(file);
  const auto *f = llvm::cast<FuncDef>(file->getDecls()[0]);
  const auto *assign = llvm::cast<AssignStmt>(f->body[0]);
  Location loc = getLocation(mgr, assign->value->loc, ctx);
  EXPECT_EQ(loc.getFile(), "code/__torch__/torch/nn/functional.py");
  EXPECT_EQ(loc.getLine(), 2u);
  EXPECT_EQ(loc.getColumn(), 7u);
  Location name = getLocation(
      mgr,
      llvm::cast<AttributeExpr>(llvm::cast<CallExpr>(assign->value)->callee)
          ->nameLoc,
      ctx);
  EXPECT_EQ(name.getColumn(), 13u);
  EXPECT_EQ(getLocation(mgr, f->params[0].loc, ctx).getColumn(), 7u);
  EXPECT_EQ(getLocation(mgr, llvm::SMLoc(), ctx).getKind(),
            Location::Kind::Unknown);
}

//===----------------------------------------------------------------------===//
// Errors: one diagnostic each, at an exact line and column
//===----------------------------------------------------------------------===//

struct ErrorCase {
  const char *source;
  unsigned line, col;
  const char *message;
};

TEST_F(TorchScriptParserTest, Errors) {
  const ErrorCase cases[] = {
      // Lexing.
      {"def f():\n\treturn 1\n", 2, 1,
       "tab in indentation; printed TorchScript indents with spaces only"},
      {"def f():\n    x = 1\n  return x\n", 3, 3,
       "unindent to column 3 does not match any outer indentation level"},
      {"def f():\n  x = \"abc\n", 2, 7, "unterminated string literal"},
      {"def f():\n  x = \"a\\qb\"\n", 2, 9,
       "invalid escape sequence '\\q' in string literal"},
      {"def f():\n  x = \"a\\x4\"\n", 2, 9, "'\\x' escape needs 2 hex digits"},
      {"def f():\n  x = \"\\ud800\"\n", 2, 8,
       "escape '\\ud800' is not a valid Unicode code point"},
      {"def f():\n  x = \"ab\xff\"\n", 2, 10,
       "invalid UTF-8 in string literal"},
      {"def f():\n  x = \"\xc3\"\n", 2, 8, "invalid UTF-8 in string literal"},
      {"def f():\n  x = torch.add(a, b) + 1\n", 2, 23,
       "unexpected character '+'; printed TorchScript has no operators other "
       "than unary '-'"},
      {"def f():\n  if a == b:\n    pass\n", 2, 8,
       "unexpected '=='; printed TorchScript has no comparison operators"},
      {"def f():\n  x = 1; y = 2\n", 2, 8,
       "unexpected ';'; printed TorchScript has one statement per line"},
      {"def f():\n  x = \xc3\xa9\n", 2, 7,
       "unexpected byte 0xC3 outside a string literal (identifiers are "
       "ASCII)"},
      {"def f():\n  x = 0x10\n", 2, 7, "invalid number literal '0x10'"},
      {"def f():\n  x = 007\n", 2, 7,
       "leading zeros are not allowed in integer literals"},
      {"def f():\n  x = \"\"\"doc\"\"\"\n", 2, 7,
       "triple-quoted strings are not supported"},
      // Numbers.
      {"def f():\n  x = 9223372036854775808\n", 2, 7,
       "integer literal 9223372036854775808 does not fit in a signed 64-bit "
       "integer"},
      {"def f():\n  x = -9223372036854775809\n", 2, 7,
       "integer literal -9223372036854775809 does not fit in a signed 64-bit "
       "integer"},
      {"def f():\n  x = 1e999\n", 2, 7,
       "float literal 1e999 is out of range for a 64-bit float"},
      {"def f():\n  x = CONSTANTS.c4294967296\n", 2, 17,
       "constant index 'c4294967296' is too large"},
      {"def f():\n  x = CONSTANTS.weight\n", 2, 17,
       "expected a constant name 'c<N>' after 'CONSTANTS.', found 'weight'"},
      // Structure.
      {"  def f():\n  pass\n", 1, 3, "unexpected indent"},
      {"x = 1\n", 1, 1,
       "expected 'class' or 'def' at the top level, found 'x'"},
      {"def f():\nreturn 1\n", 2, 1,
       "expected an indented block, found keyword 'return'"},
      {"def f()\n  pass\n", 1, 8,
       "expected ':' after the function signature, found end of line"},
      {"def f(x, x):\n  pass\n", 1, 10, "duplicate parameter 'x'"},
      {"def f():\n  pass\ndef f():\n  pass\n", 3, 1,
       "redefinition of 'f' (first defined on line 1)"},
      {"class A(Base):\n  pass\n", 1, 9,
       "unknown base class 'Base' (expected Module, NamedTuple, "
       "ModuleInterface, Interface or Enum)"},
      {"class A(Module):\n  x : int\n  x : float\n", 3, 3,
       "duplicate attribute 'x'"},
      {"class A(Module):\n  x : Final[int]\n", 2, 17,
       "expected '=' and the value of the Final attribute, found end of line"},
      {"class A(Module):\n  x = 3\n", 2, 5,
       "expected ':' and a type after attribute 'x', found '='"},
      {"class A(Module):\n  __parameters__ = [\"w\"]\n  __parameters__ = []\n",
       3, 3, "duplicate '__parameters__'"},
      {"class A(Module):\n  __annotations__[0] = Tensor\n", 2, 19,
       "expected a quoted attribute name, found number '0'"},
      // Statements.
      {"def f():\n  else:\n    pass\n", 2, 3, "'else' without a matching 'if'"},
      {"def f():\n  raise ValueError(x)\n", 2, 3,
       "'raise' statements are not part of printed TorchScript"},
      {"def f():\n  def g():\n    pass\n", 2, 3,
       "nested 'def' is not supported"},
      {"def f():\n  for x in xs:\n    pass\n", 2, 12,
       "expected 'range' (printed TorchScript only loops over 'range(n)'), "
       "found 'xs'"},
      {"def f():\n  for i in range(0, n):\n    pass\n", 2, 21,
       "'range' with more than one argument is not supported"},
      {"def f():\n  a = b = 1\n", 2, 9, "chained assignment is not supported"},
      {"def f():\n  f(x) = 1\n", 2, 3,
       "cannot assign to this expression (a target is a name, 'x.attr' or "
       "'x[i]')"},
      {"def f():\n  a, b : int = 1\n", 2, 8,
       "only a single name can be annotated"},
      {"def f():\n  if x\n    pass\n", 2, 7,
       "expected ':' after the condition, found end of line"},
      {"def f():\n  return 1\n    return 2\n", 3, 5, "unexpected indent"},
      // Expressions.
      {"def f():\n  x = (1, 2\n", 3, 1,
       "expected ',' or ')', found end of file"},
      {"def f():\n  x = [1 2]\n", 2, 10,
       "expected ',' or ']' in the list, found number '2'"},
      {"def f():\n  x = {1}\n", 2, 9,
       "expected ':' after the dictionary key, found '}'"},
      {"def f():\n  x = a[1:2]\n", 2, 10,
       "slices are not supported (the printer writes torch.slice)"},
      {"def f():\n  x = f(a=1, 2)\n", 2, 14,
       "positional argument follows keyword argument"},
      {"def f():\n  x = f(a=1, a=2)\n", 2, 14,
       "duplicate keyword argument 'a'"},
      {"def f():\n  x = not y\n", 2, 7,
       "expected an expression, found keyword 'not'"},
      {"def f():\n  x = annotate(List[int])\n", 2, 25,
       "expected ',' in the arguments of 'annotate', found ')'"},
      {"def f():\n  x = isinstance(y)\n", 2, 19,
       "expected ',' in the arguments of 'isinstance', found ')'"},
      // Types.
      {"def f(x: List):\n  pass\n", 1, 10, "'List' needs type arguments"},
      {"def f(x: Dict[str]):\n  pass\n", 1, 10,
       "'Dict' takes 2 type arguments, got 1"},
      {"def f(x: Optional[int, str]):\n  pass\n", 1, 10,
       "'Optional' takes 1 type argument, got 2"},
      {"def f(x: int[float]):\n  pass\n", 1, 10,
       "'int' takes no type arguments"},
      {"def f(x: 3):\n  pass\n", 1, 10, "expected a type, found number '3'"},
      // The end of the file anywhere.
      {"def f(x: Tensor,\n", 2, 1,
       "expected a parameter name, found end of file"},
      {"class A(Module):\n", 2, 1,
       "expected an indented class body, found end of file"},
      {"def f():\n  return CONSTANTS.", 2, 20,
       "expected a constant name 'c<N>' after 'CONSTANTS.', found end of "
       "file"},
      {"def f():\n  return torch.add(", 2, 20,
       "expected an expression, found end of file"},
  };
  for (const ErrorCase &c : cases) {
    SCOPED_TRACE(c.source);
    diags.diags.clear();
    EXPECT_FALSE(parse(c.source, "code/__torch__/bad.py"));
    ASSERT_EQ(diags.diags.size(), 1u);
    const Diagnostic &d = diags.diags[0];
    EXPECT_EQ(d.severity, Severity::Error);
    EXPECT_EQ(d.loc.getFile(), "code/__torch__/bad.py");
    EXPECT_EQ(d.loc.getLine(), c.line);
    EXPECT_EQ(d.loc.getColumn(), c.col);
    EXPECT_EQ(d.message, c.message);
  }
}

TEST_F(TorchScriptParserTest, NulBytesAndPrintedDiagnostic) {
  // A NUL inside a string, with text after it that must not be read as the
  // end of the buffer.
  const char raw[] = "def f():\n  x = \"a\0b\"\n";
  EXPECT_FALSE(parse(StringRef(raw, sizeof(raw) - 1)));
  ASSERT_EQ(diags.diags.size(), 1u);
  EXPECT_EQ(diags.diags[0].message, "NUL byte in string literal");
  EXPECT_EQ(diags.diags[0].loc.getColumn(), 9u);
  diags.diags.clear();
  const char raw2[] = "def f():\n  x = 1\0\n";
  EXPECT_FALSE(parse(StringRef(raw2, sizeof(raw2) - 1)));
  ASSERT_EQ(diags.diags.size(), 1u);
  EXPECT_EQ(diags.diags[0].message, "unexpected NUL byte");
  EXPECT_EQ(diags.diags[0].loc.getColumn(), 8u);

  // The printed form through a SourceMgrDiagnosticHandler.
  diags.diags.clear();
  Context ctx2;
  llvm::SourceMgr mgr2;
  std::string out;
  llvm::raw_string_ostream os(out);
  SourceMgrDiagnosticHandler handler(mgr2, ctx2, os);
  unsigned id = mgr2.AddNewSourceBuffer(
      llvm::MemoryBuffer::getMemBufferCopy("def f():\n  x = y z\n",
                                           "code/__torch__/m.py"),
      llvm::SMLoc());
  EXPECT_FALSE(parseFile(mgr2, id, ctx2));
  EXPECT_NE(os.str().find("code/__torch__/m.py:2:9: error: expected end of "
                          "line, found 'z'"),
            std::string::npos)
      << os.str();
}

//===----------------------------------------------------------------------===//
// Hostile input
//===----------------------------------------------------------------------===//

TEST_F(TorchScriptParserTest, NestingLimits) {
  auto expectTooDeep = [&](const std::string &src) {
    diags.diags.clear();
    EXPECT_FALSE(parse(src));
    ASSERT_EQ(diags.diags.size(), 1u);
    EXPECT_EQ(diags.diags[0].message,
              "nesting is deeper than 256 levels (--max-nesting)");
  };
  const int n = 5000;
  expectTooDeep("def f():\n  return " + std::string(n, '(') + "1" +
                std::string(n, ')') + "\n");
  expectTooDeep("def f():\n  return " + std::string(n, '[') +
                std::string(n, ']') + "\n");
  expectTooDeep("def f():\n  return " + std::string(n, '-') + "x\n");
  std::string calls;
  for (int i = 0; i < n; ++i)
    calls += "f(";
  expectTooDeep("def f():\n  return " + calls + "\n");
  std::string chain = "x";
  for (int i = 0; i < n; ++i)
    chain += i % 3 == 0 ? ".a" : i % 3 == 1 ? "[0]" : "()";
  expectTooDeep("def f():\n  return " + chain + "\n");
  std::string type;
  for (int i = 0; i < n; ++i)
    type += "List[";
  expectTooDeep("def f(x: " + type + "\n");
  std::string blocks = "def f():\n";
  for (int i = 1; i <= 400; ++i)
    blocks += std::string(i, ' ') + "if x:\n";
  blocks += std::string(401, ' ') + "pass\n";
  expectTooDeep(blocks);
  std::string elifs = "def f():\n  if a:\n    pass\n";
  for (int i = 0; i < 400; ++i)
    elifs += "  elif a:\n    pass\n";
  expectTooDeep(elifs);

  // Just under the limit parses.
  diags.diags.clear();
  EXPECT_TRUE(parse("def f():\n  return " + std::string(200, '(') + "1" +
                    std::string(200, ')') + "\n"))
      << firstMessage();
}

TEST_F(TorchScriptParserTest, HugeLiterals) {
  diags.diags.clear();
  EXPECT_FALSE(parse("def f():\n  return " + std::string(100000, '9') + "\n"));
  ASSERT_EQ(diags.diags.size(), 1u);
  EXPECT_EQ(diags.diags[0].message,
            "integer literal 999999999999999999999999... (100000 characters) "
            "does not fit in a signed 64-bit integer");
  diags.diags.clear();
  EXPECT_FALSE(
      parse("def f():\n  return 1." + std::string(100000, '1') + "\n"));
  ASSERT_EQ(diags.diags.size(), 1u);
  EXPECT_EQ(diags.diags[0].message,
            "float literal is too long (100002 characters)");
  // A long but valid file: many statements and a long list.
  std::string src = "def f():\n";
  for (int i = 0; i < 2000; ++i)
    src += "  x" + std::to_string(i) + " = [1]\n";
  src += "  return [";
  for (int i = 0; i < 20000; ++i)
    src += "1, ";
  src += "]\n";
  diags.diags.clear();
  EXPECT_TRUE(parse(src)) << firstMessage();
}

/// Every prefix of a realistic file, and many random single-byte edits of
/// it, must parse or fail with exactly one diagnostic, never crash.
TEST_F(TorchScriptParserTest, TruncationsAndMutations) {
  const std::string src = R"(class Conv2d(Module):
  __parameters__ = ["weight", "bias", ]
  __annotations__["0"] = __torch__.a.___torch_mangle_1.B
  stride : Final[Tuple[int, int]] = (2, 2)
  def forward(self: __torch__.a.Conv2d,
    x: Tensor,
    hx: Optional[Tensor]=None) -> Tuple[Tensor, Tensor]:
    _0 = "esc\t\"\x41\u00e9"
    if torch.__isnot__(hx, None):
      hx0 = unchecked_cast(Tensor, hx)
    else:
      hx0 = uninitialized(Tensor)
    for i in range(3):
      x = torch.add(x, -1.5e-05, alpha=2, )
    while False:
      pass
    a, b, = torch.chunk(x, 2)
    d = {"k": [CONSTANTS.c0, (1,), ()]}
    return ((self).conv(a, ), isinstance(b, (int, float)))
)";
  for (size_t n = 0; n <= src.size(); ++n) {
    diags.diags.clear();
    const File *file = parse(StringRef(src).take_front(n));
    EXPECT_EQ(diags.diags.size(), file ? 0u : 1u) << "prefix " << n;
  }
  EXPECT_TRUE(files.back().has_value());

  std::mt19937 rng(12345);
  const char alphabet[] = " \t\n\r\0\"'\\()[]{},:.=-#aZ_09\xc3\xff";
  for (int i = 0; i < 4000; ++i) {
    std::string mutated = src;
    int edits = 1 + int(rng() % 3);
    for (int e = 0; e < edits; ++e) {
      size_t pos = rng() % mutated.size();
      char c = alphabet[rng() % (sizeof(alphabet) - 1)];
      switch (rng() % 3) {
      case 0:
        mutated[pos] = c;
        break;
      case 1:
        mutated.insert(mutated.begin() + pos, c);
        break;
      default:
        mutated.erase(pos, 1);
        break;
      }
    }
    diags.diags.clear();
    const File *file = parse(mutated);
    EXPECT_EQ(diags.diags.size(), file ? 0u : 1u) << mutated;
    if (file) {
      std::string dump = dumpFile(*file); // walks the whole tree
      (void)dump;
    }
    if (i % 500 == 0)
      files.clear(); // keep memory bounded
  }
}

TEST(TorchScriptLexer, TokenStream) {
  StringRef src = "def f(a,\n    b):\n  return -a.b\n";
  Lexer lex(src);
  std::vector<std::string> kinds;
  for (Token t = lex.lex(); !t.is(Token::Eof); t = lex.lex()) {
    ASSERT_FALSE(t.is(Token::Error)) << lex.getErrorMessage().str();
    switch (t.kind) {
    case Token::Newline:
      kinds.push_back("NL");
      break;
    case Token::Indent:
      kinds.push_back("IN");
      break;
    case Token::Dedent:
      kinds.push_back("DE");
      break;
    default:
      kinds.push_back(t.spelling.str());
    }
  }
  std::string joined = llvm::join(kinds, " ");
  EXPECT_EQ(joined, "def f ( a , b ) : NL IN return - a . b NL DE");

  // The error is sticky.
  Lexer bad("x ? y");
  EXPECT_TRUE(bad.lex().is(Token::Identifier));
  Token err = bad.lex();
  EXPECT_TRUE(err.is(Token::Error));
  EXPECT_EQ(bad.getErrorMessage(), "unexpected character '?'");
  EXPECT_TRUE(bad.lex().is(Token::Error));
}

} // namespace
