//===- TorchScriptAST.h - Syntax tree of printed TorchScript ----*- C++ -*-===//
//
// The syntax tree of one `code/**.py` file of a TorchScript archive, as the
// TorchScript printer writes it (docs: pytorch-reference.md §2.7). It stays
// close to the text: callees are expression trees (`torch.add`,
// `(self.conv1).forward`), names are not resolved and types are written
// names with arguments. A later emitter resolves all of that.
//
// Nodes live in the File's arena: they are trivially destructible, refer to
// their children by `const` pointer and hold lists as ArrayRefs into the
// arena. Every node has the SMLoc of its first character. Names, and string
// literals without escapes, point into the source buffer, so the
// llvm::SourceMgr must outlive the File; strings with escapes are decoded
// into the arena.
//
//===----------------------------------------------------------------------===//
#ifndef IRC_FRONTEND_TORCHSCRIPTAST_H
#define IRC_FRONTEND_TORCHSCRIPTAST_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Allocator.h"
#include "llvm/Support/SMLoc.h"
#include "llvm/Support/raw_ostream.h"
#include <cstdint>
#include <memory>

namespace irc::ts {

//===----------------------------------------------------------------------===//
// Types
//===----------------------------------------------------------------------===//

/// A type as written: `Tensor`, `List[int]`, `Tuple[()]` (no arguments),
/// `Optional[__torch__.a.___torch_mangle_3.B]`. `name` is the dotted name
/// with the dots normalised (no spaces). The parser checks the argument count
/// of the builtin generic types (List, Dict, Optional, Final, Tuple, Union,
/// Future, RRef, Await) and that the scalar builtins have no arguments;
/// other names are left to the emitter.
struct TypeExpr {
  llvm::SMLoc loc;
  llvm::StringRef name;
  llvm::ArrayRef<const TypeExpr *> args;

  /// Prints the type in TorchScript syntax (`Dict[str, List[int]]`).
  void print(llvm::raw_ostream &os) const {
    os << name;
    if (args.empty() && name != "Tuple")
      return;
    os << '[';
    if (args.empty())
      os << "()";
    for (size_t i = 0; i < args.size(); ++i) {
      if (i)
        os << ", ";
      args[i]->print(os);
    }
    os << ']';
  }
};

//===----------------------------------------------------------------------===//
// Expressions
//===----------------------------------------------------------------------===//

struct Expr {
  enum class Kind : uint8_t {
    Int,       ///< 42, -3 (unary minus on a number literal is folded)
    Float,     ///< 0., 1.0000000000000001e-05, inf, nan, -inf
    String,    ///< "text" or 'text', decoded to UTF-8
    Bool,      ///< True, False
    None,      ///< None
    Name,      ///< x, torch, __torch__, ops, self
    Constant,  ///< CONSTANTS.c3
    Attribute, ///< base.name
    Subscript, ///< base[index]
    Call,      ///< callee(args, kw=args)
    TypeCall,  ///< isinstance / annotate / unchecked_cast / uninitialized
    List,      ///< [a, b]
    Tuple,     ///< (a, b), (a,), ()
    Dict,      ///< {k: v}
    Neg,       ///< -operand (operand is not a number literal)
  };
  Kind kind;
  llvm::SMLoc loc;

protected:
  Expr(Kind kind, llvm::SMLoc loc) : kind(kind), loc(loc) {}
};

/// Declares the classof of an expression node.
#define IRC_TS_EXPR_CLASSOF(K)                                                 \
  static bool classof(const Expr *e) { return e->kind == Kind::K; }

struct IntExpr : Expr {
  IntExpr(llvm::SMLoc loc, int64_t value)
      : Expr(Kind::Int, loc), value(value) {}
  IRC_TS_EXPR_CLASSOF(Int)
  int64_t value;
};

/// The bare names `inf` and `nan` (which the printer uses for non-finite
/// floats) are parsed as FloatExprs.
struct FloatExpr : Expr {
  FloatExpr(llvm::SMLoc loc, double value)
      : Expr(Kind::Float, loc), value(value) {}
  IRC_TS_EXPR_CLASSOF(Float)
  double value;
};

struct StringExpr : Expr {
  StringExpr(llvm::SMLoc loc, llvm::StringRef value)
      : Expr(Kind::String, loc), value(value) {}
  IRC_TS_EXPR_CLASSOF(String)
  /// The decoded UTF-8 value (may contain NUL characters from escapes).
  llvm::StringRef value;
};

struct BoolExpr : Expr {
  BoolExpr(llvm::SMLoc loc, bool value) : Expr(Kind::Bool, loc), value(value) {}
  IRC_TS_EXPR_CLASSOF(Bool)
  bool value;
};

struct NoneExpr : Expr {
  explicit NoneExpr(llvm::SMLoc loc) : Expr(Kind::None, loc) {}
  IRC_TS_EXPR_CLASSOF(None)
};

struct NameExpr : Expr {
  NameExpr(llvm::SMLoc loc, llvm::StringRef name)
      : Expr(Kind::Name, loc), name(name) {}
  IRC_TS_EXPR_CLASSOF(Name)
  llvm::StringRef name;
};

/// `CONSTANTS.c<index>`: element `index` of the archive's constants.pkl.
struct ConstantExpr : Expr {
  ConstantExpr(llvm::SMLoc loc, uint32_t index)
      : Expr(Kind::Constant, loc), index(index) {}
  IRC_TS_EXPR_CLASSOF(Constant)
  uint32_t index;
};

/// `base.name`; `(self).forward` and `self.forward` give the same tree.
struct AttributeExpr : Expr {
  AttributeExpr(llvm::SMLoc loc, const Expr *base, llvm::StringRef name,
                llvm::SMLoc nameLoc)
      : Expr(Kind::Attribute, loc), base(base), name(name), nameLoc(nameLoc) {}
  IRC_TS_EXPR_CLASSOF(Attribute)
  const Expr *base;
  llvm::StringRef name;
  llvm::SMLoc nameLoc;
};

/// `base[index]`; `a[i, j]` has a TupleExpr index.
struct SubscriptExpr : Expr {
  SubscriptExpr(llvm::SMLoc loc, const Expr *base, const Expr *index)
      : Expr(Kind::Subscript, loc), base(base), index(index) {}
  IRC_TS_EXPR_CLASSOF(Subscript)
  const Expr *base;
  const Expr *index;
};

/// `name=value` in a call.
struct KeywordArg {
  llvm::SMLoc loc;
  llvm::StringRef name;
  const Expr *value;
};

/// `callee(positional..., keyword=...)`. Keyword arguments always follow the
/// positional ones and are unique (the parser checks both).
struct CallExpr : Expr {
  CallExpr(llvm::SMLoc loc, const Expr *callee,
           llvm::ArrayRef<const Expr *> args, llvm::ArrayRef<KeywordArg> kwargs)
      : Expr(Kind::Call, loc), callee(callee), args(args), kwargs(kwargs) {}
  IRC_TS_EXPR_CLASSOF(Call)
  const Expr *callee;
  llvm::ArrayRef<const Expr *> args;
  llvm::ArrayRef<KeywordArg> kwargs;
};

/// The builtins that take a type argument:
///   isinstance(operand, T) or isinstance(operand, (T1, T2)),
///   annotate(T, operand), unchecked_cast(T, operand), uninitialized(T).
/// They are recognised by the bare callee name.
struct TypeCallExpr : Expr {
  enum class Builtin : uint8_t {
    IsInstance,
    Annotate,
    UncheckedCast,
    Uninitialized
  };
  TypeCallExpr(llvm::SMLoc loc, Builtin builtin,
               llvm::ArrayRef<const TypeExpr *> types, const Expr *operand)
      : Expr(Kind::TypeCall, loc), builtin(builtin), types(types),
        operand(operand) {}
  IRC_TS_EXPR_CLASSOF(TypeCall)
  Builtin builtin;
  /// One type, except for isinstance with a tuple of types.
  llvm::ArrayRef<const TypeExpr *> types;
  /// Null for uninitialized.
  const Expr *operand;
};

struct ListExpr : Expr {
  ListExpr(llvm::SMLoc loc, llvm::ArrayRef<const Expr *> elements)
      : Expr(Kind::List, loc), elements(elements) {}
  IRC_TS_EXPR_CLASSOF(List)
  llvm::ArrayRef<const Expr *> elements;
};

struct TupleExpr : Expr {
  TupleExpr(llvm::SMLoc loc, llvm::ArrayRef<const Expr *> elements)
      : Expr(Kind::Tuple, loc), elements(elements) {}
  IRC_TS_EXPR_CLASSOF(Tuple)
  llvm::ArrayRef<const Expr *> elements;
};

struct DictItem {
  const Expr *key;
  const Expr *value;
};

struct DictExpr : Expr {
  DictExpr(llvm::SMLoc loc, llvm::ArrayRef<DictItem> items)
      : Expr(Kind::Dict, loc), items(items) {}
  IRC_TS_EXPR_CLASSOF(Dict)
  llvm::ArrayRef<DictItem> items;
};

/// Unary minus on anything but a number literal (`-1` is an IntExpr).
struct NegExpr : Expr {
  NegExpr(llvm::SMLoc loc, const Expr *operand)
      : Expr(Kind::Neg, loc), operand(operand) {}
  IRC_TS_EXPR_CLASSOF(Neg)
  const Expr *operand;
};

#undef IRC_TS_EXPR_CLASSOF

//===----------------------------------------------------------------------===//
// Statements
//===----------------------------------------------------------------------===//

struct Stmt;
/// The statements of an indented block.
using Body = llvm::ArrayRef<const Stmt *>;

struct Stmt {
  enum class Kind : uint8_t {
    Assign,
    Expr,
    If,
    For,
    While,
    With,
    Return,
    Pass,
    Break,
    Continue,
  };
  Kind kind;
  llvm::SMLoc loc;

protected:
  Stmt(Kind kind, llvm::SMLoc loc) : kind(kind), loc(loc) {}
};

#define IRC_TS_STMT_CLASSOF(K)                                                 \
  static bool classof(const Stmt *s) { return s->kind == Kind::K; }

/// `t = e`, `a, b = e`, `a, b, = e`, `a, = e`, `a, b = c, d` (the value is a
/// TupleExpr), `x : T = e`, `self.x = e`, `d[k] = e`. Targets are NameExpr,
/// AttributeExpr or SubscriptExpr.
struct AssignStmt : Stmt {
  AssignStmt(llvm::SMLoc loc, llvm::ArrayRef<const Expr *> targets, bool unpack,
             const TypeExpr *type, const Expr *value)
      : Stmt(Kind::Assign, loc), targets(targets), unpack(unpack), type(type),
        value(value) {}
  IRC_TS_STMT_CLASSOF(Assign)
  llvm::ArrayRef<const Expr *> targets;
  /// The targets were written with a comma: the value is unpacked into them
  /// (also for a single `a, = e`).
  bool unpack;
  /// The annotation of `x : T = e` (one NameExpr target), else null.
  const TypeExpr *type;
  const Expr *value;
};

struct ExprStmt : Stmt {
  ExprStmt(llvm::SMLoc loc, const ts::Expr *expr)
      : Stmt(Kind::Expr, loc), expr(expr) {}
  IRC_TS_STMT_CLASSOF(Expr)
  const ts::Expr *expr;
};

/// `if c: ... else: ...`. The else block is empty when it was not written
/// (`else: pass` keeps its PassStmt); `elif` gives a nested IfStmt as the
/// only statement of the else block.
struct IfStmt : Stmt {
  IfStmt(llvm::SMLoc loc, const ts::Expr *cond, Body thenBody, Body elseBody)
      : Stmt(Kind::If, loc), cond(cond), thenBody(thenBody),
        elseBody(elseBody) {}
  IRC_TS_STMT_CLASSOF(If)
  const ts::Expr *cond;
  Body thenBody;
  Body elseBody;
};

/// `for var in range(count):`, the only for loop the printer writes.
struct ForStmt : Stmt {
  ForStmt(llvm::SMLoc loc, llvm::StringRef var, llvm::SMLoc varLoc,
          const ts::Expr *count, Body body)
      : Stmt(Kind::For, loc), var(var), varLoc(varLoc), count(count),
        body(body) {}
  IRC_TS_STMT_CLASSOF(For)
  llvm::StringRef var;
  llvm::SMLoc varLoc;
  const ts::Expr *count;
  Body body;
};

struct WhileStmt : Stmt {
  WhileStmt(llvm::SMLoc loc, const ts::Expr *cond, Body body)
      : Stmt(Kind::While, loc), cond(cond), body(body) {}
  IRC_TS_STMT_CLASSOF(While)
  const ts::Expr *cond;
  Body body;
};

/// `with ctx:` or `with ctx as var:` (prim::Enter / prim::Exit).
struct WithStmt : Stmt {
  WithStmt(llvm::SMLoc loc, const ts::Expr *context, llvm::StringRef var,
           Body body)
      : Stmt(Kind::With, loc), context(context), var(var), body(body) {}
  IRC_TS_STMT_CLASSOF(With)
  const ts::Expr *context;
  /// Empty without `as`.
  llvm::StringRef var;
  Body body;
};

struct ReturnStmt : Stmt {
  ReturnStmt(llvm::SMLoc loc, const ts::Expr *value)
      : Stmt(Kind::Return, loc), value(value) {}
  IRC_TS_STMT_CLASSOF(Return)
  /// Null for a bare `return`.
  const ts::Expr *value;
};

struct PassStmt : Stmt {
  explicit PassStmt(llvm::SMLoc loc) : Stmt(Kind::Pass, loc) {}
  IRC_TS_STMT_CLASSOF(Pass)
};

struct BreakStmt : Stmt {
  explicit BreakStmt(llvm::SMLoc loc) : Stmt(Kind::Break, loc) {}
  IRC_TS_STMT_CLASSOF(Break)
};

struct ContinueStmt : Stmt {
  explicit ContinueStmt(llvm::SMLoc loc) : Stmt(Kind::Continue, loc) {}
  IRC_TS_STMT_CLASSOF(Continue)
};

#undef IRC_TS_STMT_CLASSOF

//===----------------------------------------------------------------------===//
// Declarations
//===----------------------------------------------------------------------===//

struct Decl {
  enum class Kind : uint8_t { Func, Class };
  Kind kind;
  llvm::SMLoc loc;
  llvm::StringRef name;

protected:
  Decl(Kind kind, llvm::SMLoc loc, llvm::StringRef name)
      : kind(kind), loc(loc), name(name) {}
};

struct Param {
  llvm::SMLoc loc;
  llvm::StringRef name;
  /// Null when not annotated (the `self` of interface methods).
  const TypeExpr *type;
  /// Null without a default. Any expression; the printer writes literals,
  /// tuples of literals and `torch.device("cpu")`.
  const Expr *defaultValue;
};

/// `def name(params) -> returnType: body`. Methods are FuncDefs too; their
/// first parameter is the receiver (any name: `self`, `s`).
struct FuncDef : Decl {
  FuncDef(llvm::SMLoc loc, llvm::StringRef name, llvm::ArrayRef<Param> params,
          const TypeExpr *returnType, Body body)
      : Decl(Kind::Func, loc, name), params(params), returnType(returnType),
        body(body) {}
  static bool classof(const Decl *d) { return d->kind == Kind::Func; }
  llvm::ArrayRef<Param> params;
  /// Null when there is no `->` (never printed that way, accepted anyway).
  const TypeExpr *returnType;
  Body body;
};

/// The base class a ClassDef names, which says what kind of class it is.
enum class ClassKind : uint8_t {
  Script,          ///< `class Pt:` (TorchScript class, no base)
  Module,          ///< `class M(Module):`
  NamedTuple,      ///< `class Out(NamedTuple):`
  ModuleInterface, ///< `class I(ModuleInterface):` (methods are `pass`)
  Interface,       ///< `class I(Interface):` (class interface)
  Enum,            ///< `class Color(Enum):`
};

/// One slot of a class body, in text order (which for modules is also the
/// order of the pickled state).
struct ClassAttr {
  llvm::SMLoc loc;
  /// The attribute name; for `__annotations__["0"] = T` the decoded string.
  llvm::StringRef name;
  /// The type, with `Final[...]` removed (see isFinal). Null for the untyped
  /// `NAME = value` of Enum members.
  const TypeExpr *type;
  /// The Final constant, NamedTuple field default or Enum member value; null
  /// for plain attribute slots.
  const Expr *value;
  /// Written as `name : Final[T] = value`.
  bool isFinal;
  /// Written as `__annotations__["name"] = T` (a name that is not an
  /// identifier: Sequential children "0", "1", folded weights "a.b").
  bool isQuoted;
};

struct ClassDef : Decl {
  ClassDef(llvm::SMLoc loc, llvm::StringRef name, ClassKind classKind)
      : Decl(Kind::Class, loc, name), classKind(classKind) {}
  static bool classof(const Decl *d) { return d->kind == Kind::Class; }
  ClassKind classKind;
  /// `__parameters__ = ["weight", "bias", ]` and the like; empty when absent.
  llvm::ArrayRef<llvm::StringRef> parameters;
  llvm::ArrayRef<llvm::StringRef> buffers;
  llvm::ArrayRef<llvm::StringRef> forwardPreHooks;
  llvm::ArrayRef<llvm::StringRef> forwardHooks;
  /// Attribute slots, Final constants and quoted attributes of a module or
  /// script class, the fields of a NamedTuple, the members of an Enum.
  llvm::ArrayRef<ClassAttr> attributes;
  /// Methods in text order (for interfaces, the declared methods whose body
  /// is `pass`).
  llvm::ArrayRef<const FuncDef *> methods;

  const ClassAttr *lookupAttribute(llvm::StringRef attrName) const {
    for (const ClassAttr &a : attributes)
      if (a.name == attrName)
        return &a;
    return nullptr;
  }
  const FuncDef *lookupMethod(llvm::StringRef methodName) const {
    for (const FuncDef *f : methods)
      if (f->name == methodName)
        return f;
    return nullptr;
  }
};

/// A parsed file: its classes and free functions in text order, and the
/// arena that owns them.
class File {
public:
  File() : arena(std::make_unique<llvm::BumpPtrAllocator>()) {}

  llvm::ArrayRef<const Decl *> getDecls() const { return decls; }
  void setDecls(llvm::ArrayRef<const Decl *> d) { decls = d; }
  llvm::BumpPtrAllocator &getArena() { return *arena; }

  const ClassDef *lookupClass(llvm::StringRef name) const {
    for (const Decl *d : decls)
      if (d->kind == Decl::Kind::Class && d->name == name)
        return static_cast<const ClassDef *>(d);
    return nullptr;
  }
  const FuncDef *lookupFunction(llvm::StringRef name) const {
    for (const Decl *d : decls)
      if (d->kind == Decl::Kind::Func && d->name == name)
        return static_cast<const FuncDef *>(d);
    return nullptr;
  }

private:
  std::unique_ptr<llvm::BumpPtrAllocator> arena;
  llvm::ArrayRef<const Decl *> decls;
};

} // namespace irc::ts

#endif // IRC_FRONTEND_TORCHSCRIPTAST_H
