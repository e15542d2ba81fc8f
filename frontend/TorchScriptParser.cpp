//===- TorchScriptParser.cpp - Parsing printed TorchScript ----------------===//
//
// A recursive-descent parser over the tokens of Lexer. It stops at the first
// error and reports it once, at `path:line:col`, with what it expected and
// what it found. Blocks, expressions, postfix chains and types all count
// towards one nesting limit, so neither the parser nor a recursive walk of
// the tree it returns can run out of stack on hostile input.
//
// Nodes are placement-new'ed into the File's BumpPtrAllocator and are
// trivially destructible; lists are collected in SmallVectors and copied
// into the arena once complete.
//
//===----------------------------------------------------------------------===//
#include "frontend/TorchScriptParser.h"
#include "frontend/TorchScriptLexer.h"
#include "ir/Context.h"
#include "ir/Diagnostics.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/SourceMgr.h"
#include <cassert>
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>

using namespace irc;
using namespace irc::ts;
using llvm::ArrayRef;
using llvm::isa;
using llvm::SmallVector;
using llvm::SmallVectorImpl;
using llvm::SMLoc;
using llvm::StringRef;
using llvm::Twine;

namespace {

/// Python's keywords: never names, so `x = if` fails where it is written.
bool isReservedWord(StringRef s) {
  return llvm::StringSwitch<bool>(s)
      .Cases("False", "None", "True", "and", "as", "assert", "async", "await",
             true)
      .Cases("break", "class", "continue", "def", "del", "elif", "else",
             "except", "finally", true)
      .Cases("for", "from", "global", "if", "import", "in", "is", "lambda",
             "nonlocal", "not", true)
      .Cases("or", "pass", "raise", "return", "try", "while", "with", "yield",
             true)
      .Default(false);
}

/// Keywords that begin Python statements the printer never writes.
bool isUnsupportedStatementKeyword(StringRef s) {
  return llvm::StringSwitch<bool>(s)
      .Cases("raise", "del", "assert", "import", "from", "global", "nonlocal",
             "try", "except", "finally", true)
      .Cases("yield", "async", "await", true)
      .Default(false);
}

/// Whether `t` can begin an expression (used after a comma to tell a
/// trailing comma from a following element).
bool startsExpr(const Token &t) {
  switch (t.kind) {
  case Token::Identifier:
    return !isReservedWord(t.spelling) || t.spelling == "True" ||
           t.spelling == "False" || t.spelling == "None";
  case Token::Integer:
  case Token::Float:
  case Token::String:
  case Token::LParen:
  case Token::LSquare:
  case Token::LBrace:
  case Token::Minus:
    return true;
  default:
    return false;
  }
}

/// `s`, cut short for a message when it is very long.
std::string shorten(StringRef s) {
  if (s.size() <= 32)
    return s.str();
  return (s.take_front(24) + "... (" + Twine(s.size()) + " characters)").str();
}

/// Type arity rules: -1 as max means unbounded.
struct TypeArity {
  int min, max;
};

std::optional<TypeArity> getGenericArity(StringRef name) {
  return llvm::StringSwitch<std::optional<TypeArity>>(name)
      .Cases("List", "Optional", "Final", "Future", "RRef", "Await",
             TypeArity{1, 1})
      .Case("Dict", TypeArity{2, 2})
      .Case("Tuple", TypeArity{0, -1})
      .Case("Union", TypeArity{1, -1})
      .Default(std::nullopt);
}

bool isScalarTypeName(StringRef name) {
  return llvm::StringSwitch<bool>(name)
      .Cases("Tensor", "int", "float", "bool", "str", "NoneType", "None",
             "Device", "Any", "complex", true)
      .Cases("number", "Scalar", "Stream", "Generator", "Storage", "Layout",
             "ScalarType", "MemoryFormat", "QScheme", "Capsule", true)
      .Default(false);
}

class Parser {
public:
  Parser(llvm::SourceMgr &mgr, unsigned bufferId, Context &ctx, File &file)
      : mgr(mgr), bufferId(bufferId), ctx(ctx), arena(file.getArena()),
        buffer(mgr.getMemoryBuffer(bufferId)->getBuffer()),
        path(mgr.getMemoryBuffer(bufferId)->getBufferIdentifier()),
        lex(buffer) {
    tok = lex.lex();
  }

  LogicalResult parseFile(File &file);

private:
  //===--------------------------------------------------------------------===//
  // Tokens, diagnostics and the arena
  //===--------------------------------------------------------------------===//
  void consume() {
    if (hasPeeked) {
      tok = peeked;
      hasPeeked = false;
    } else {
      tok = lex.lex();
    }
  }
  const Token &peek() {
    if (!hasPeeked) {
      peeked = lex.lex();
      hasPeeked = true;
    }
    return peeked;
  }
  bool consumeIf(Token::Kind k) {
    if (!tok.is(k))
      return false;
    consume();
    return true;
  }

  LogicalResult emitError(SMLoc loc, const Twine &msg) {
    // Only the first error is reported: later ones would be consequences.
    if (hadError)
      return failure();
    hadError = true;
    auto [line, col] = getLineAndColumn(mgr, loc, bufferId);
    InFlightDiagnostic diag(ctx, getFileLineColLoc(ctx, path, line, col),
                            Severity::Error);
    diag << msg.str();
    return failure();
  }
  /// Reports `expected <what>, found <current token>` (or the lexer's
  /// message when the current token is a lexing error).
  LogicalResult expected(const Twine &what) {
    if (tok.is(Token::Error))
      return emitError(tok.getLoc(), lex.getErrorMessage());
    return emitError(tok.getLoc(),
                     "expected " + what + ", found " + describe(tok));
  }
  LogicalResult expect(Token::Kind k, const Twine &what) {
    if (consumeIf(k))
      return success();
    return expected(what);
  }
  LogicalResult expectEndOfLine() {
    return expect(Token::Newline, "end of line");
  }
  std::string describe(const Token &t) const {
    if (t.is(Token::Eof) || t.spelling.data() == buffer.end())
      return "end of file";
    switch (t.kind) {
    case Token::Newline:
      return "end of line";
    case Token::Indent:
      return "indented line";
    case Token::Dedent:
      return "end of indented block";
    case Token::String:
      return "string literal";
    case Token::Integer:
    case Token::Float:
      return "number '" + shorten(t.spelling) + "'";
    case Token::Identifier:
      if (isReservedWord(t.spelling))
        return "keyword '" + t.spelling.str() + "'";
      return "'" + shorten(t.spelling) + "'";
    default:
      return "'" + t.spelling.str() + "'";
    }
  }

  /// Parses a name that is not a keyword.
  LogicalResult parseName(const Twine &what, StringRef &name, SMLoc &loc) {
    if (!tok.is(Token::Identifier) || isReservedWord(tok.spelling))
      return expected(what);
    name = tok.spelling;
    loc = tok.getLoc();
    consume();
    return success();
  }

  /// Counts nesting; a guard restores the depth it found when it dies.
  class DepthGuard {
  public:
    explicit DepthGuard(Parser &p) : p(p), saved(p.depth) {}
    ~DepthGuard() { p.depth = saved; }
    LogicalResult enter(SMLoc loc) {
      unsigned max = p.ctx.getInputLimits().maxNesting;
      if (++p.depth <= max)
        return success();
      return p.emitError(loc, "nesting is deeper than " + Twine(max) +
                                  " levels (--max-nesting)");
    }

  private:
    Parser &p;
    unsigned saved;
  };

  template <typename T, typename... Args> T *make(Args &&...args) {
    static_assert(std::is_trivially_destructible<T>::value,
                  "arena nodes are never destroyed");
    return new (arena.Allocate<T>()) T(std::forward<Args>(args)...);
  }
  template <typename T> ArrayRef<T> copy(ArrayRef<T> items) {
    if (items.empty())
      return {};
    T *mem = arena.Allocate<T>(items.size());
    std::uninitialized_copy(items.begin(), items.end(), mem);
    return ArrayRef<T>(mem, items.size());
  }
  template <typename T, unsigned N>
  ArrayRef<T> copy(const SmallVector<T, N> &items) {
    return copy(ArrayRef<T>(items));
  }
  StringRef save(StringRef s) {
    if (s.empty())
      return StringRef();
    char *mem = arena.Allocate<char>(s.size());
    std::memcpy(mem, s.data(), s.size());
    return StringRef(mem, s.size());
  }
  /// The decoded value of a String token: a slice of the buffer when it has
  /// no escapes, else a copy in the arena.
  StringRef decodeString(const Token &t) {
    std::string value, message;
    const char *errorPos = nullptr;
    bool ok = Lexer::decodeString(t.spelling, value, errorPos, message);
    assert(ok && "the lexer only returns valid strings");
    (void)ok;
    StringRef body = t.spelling.drop_front().drop_back();
    if (body == value)
      return body;
    return save(value);
  }

  //===--------------------------------------------------------------------===//
  // Declarations
  //===--------------------------------------------------------------------===//
  struct ClassBody {
    ClassKind kind;
    SmallVector<ClassAttr, 16> attributes;
    llvm::StringMap<SMLoc> attributeNames;
    SmallVector<const FuncDef *, 8> methods;
    /// __parameters__, __buffers__, __forward_pre_hooks__, __forward_hooks__.
    SmallVector<StringRef, 8> nameLists[4];
    bool seenNameList[4] = {false, false, false, false};
  };
  const ClassDef *parseClassDef();
  LogicalResult parseClassItem(ClassBody &body);
  LogicalResult addAttribute(ClassBody &body, const ClassAttr &attr);
  LogicalResult parseStringList(SmallVectorImpl<StringRef> &out);
  const FuncDef *parseFuncDef();

  //===--------------------------------------------------------------------===//
  // Statements
  //===--------------------------------------------------------------------===//
  LogicalResult parseBody(Body &out);
  const Stmt *parseStmt();
  const Stmt *parseSimpleStmt();
  const Stmt *parseIf();
  const Stmt *parseFor();
  const Stmt *parseWhile();
  const Stmt *parseWith();

  //===--------------------------------------------------------------------===//
  // Expressions and types
  //===--------------------------------------------------------------------===//
  const Expr *parseExpr();
  /// `e (',' e)* [',']`: at least one expression.
  LogicalResult parseExprSequence(SmallVectorImpl<const Expr *> &out,
                                  bool &trailingComma);
  /// A sequence as one expression: a TupleExpr when there is a comma.
  const Expr *parseExprList();
  const Expr *parsePrimary();
  const Expr *parseNamePrimary();
  const Expr *parsePostfix(const Expr *e, SMLoc start);
  const Expr *parseCall(const Expr *callee, SMLoc start);
  const Expr *parseTypeCall(TypeCallExpr::Builtin builtin);
  const Expr *parseConstantRef();
  const Expr *parseParenExpr();
  const Expr *parseListExpr();
  const Expr *parseDictExpr();
  const Expr *parseInteger(SMLoc loc, bool negative);
  const Expr *parseFloat(SMLoc loc, bool negative);
  const TypeExpr *parseType();

  llvm::SourceMgr &mgr;
  unsigned bufferId;
  Context &ctx;
  llvm::BumpPtrAllocator &arena;
  StringRef buffer;
  StringRef path;
  Lexer lex;
  Token tok;
  Token peeked;
  bool hasPeeked = false;
  bool hadError = false;
  unsigned depth = 0;
};

//===----------------------------------------------------------------------===//
// Declarations
//===----------------------------------------------------------------------===//

LogicalResult Parser::parseFile(File &file) {
  SmallVector<const Decl *, 16> decls;
  llvm::StringMap<SMLoc> names;
  while (!tok.is(Token::Eof)) {
    const Decl *decl = nullptr;
    if (tok.isIdentifier("class"))
      decl = parseClassDef();
    else if (tok.isIdentifier("def"))
      decl = parseFuncDef();
    else if (tok.is(Token::Indent))
      return emitError(tok.getLoc(), "unexpected indent");
    else
      return expected("'class' or 'def' at the top level");
    if (!decl)
      return failure();
    auto [it, inserted] = names.try_emplace(decl->name, decl->loc);
    if (!inserted) {
      unsigned line = mgr.FindLineNumber(it->second, bufferId);
      return emitError(decl->loc, "redefinition of '" + decl->name +
                                      "' (first defined on line " +
                                      Twine(line) + ")");
    }
    decls.push_back(decl);
  }
  file.setDecls(copy(decls));
  return success();
}

const ClassDef *Parser::parseClassDef() {
  SMLoc loc = tok.getLoc();
  consume(); // 'class'
  StringRef name;
  SMLoc nameLoc;
  if (failed(parseName("a class name", name, nameLoc)))
    return nullptr;

  ClassBody body;
  body.kind = ClassKind::Script;
  if (consumeIf(Token::LParen)) {
    if (!tok.is(Token::Identifier)) {
      (void)expected("a base class name");
      return nullptr;
    }
    std::optional<ClassKind> kind =
        llvm::StringSwitch<std::optional<ClassKind>>(tok.spelling)
            .Case("Module", ClassKind::Module)
            .Case("NamedTuple", ClassKind::NamedTuple)
            .Case("ModuleInterface", ClassKind::ModuleInterface)
            .Case("Interface", ClassKind::Interface)
            .Case("Enum", ClassKind::Enum)
            .Default(std::nullopt);
    if (!kind) {
      (void)emitError(tok.getLoc(),
                      "unknown base class '" + shorten(tok.spelling) +
                          "' (expected Module, NamedTuple, ModuleInterface, "
                          "Interface or Enum)");
      return nullptr;
    }
    body.kind = *kind;
    consume();
    if (failed(expect(Token::RParen, "')' after the base class")))
      return nullptr;
  }
  if (failed(expect(Token::Colon, "':' after the class name")) ||
      failed(expectEndOfLine()))
    return nullptr;
  if (!tok.is(Token::Indent)) {
    (void)expected("an indented class body");
    return nullptr;
  }
  consume();
  while (!tok.is(Token::Dedent) && !tok.is(Token::Eof))
    if (failed(parseClassItem(body)))
      return nullptr;
  if (failed(expect(Token::Dedent, "end of the class body")))
    return nullptr;

  ClassDef *cls = make<ClassDef>(loc, name, body.kind);
  cls->parameters = copy(body.nameLists[0]);
  cls->buffers = copy(body.nameLists[1]);
  cls->forwardPreHooks = copy(body.nameLists[2]);
  cls->forwardHooks = copy(body.nameLists[3]);
  cls->attributes = copy(body.attributes);
  cls->methods = copy(body.methods);
  return cls;
}

LogicalResult Parser::addAttribute(ClassBody &body, const ClassAttr &attr) {
  auto [it, inserted] = body.attributeNames.try_emplace(attr.name, attr.loc);
  if (!inserted)
    return emitError(attr.loc,
                     "duplicate attribute '" + shorten(attr.name) + "'");
  body.attributes.push_back(attr);
  return success();
}

LogicalResult Parser::parseClassItem(ClassBody &body) {
  if (tok.isIdentifier("def")) {
    const FuncDef *method = parseFuncDef();
    if (!method)
      return failure();
    body.methods.push_back(method);
    return success();
  }
  if (tok.isIdentifier("pass")) {
    consume();
    return expectEndOfLine();
  }
  if (tok.is(Token::Indent))
    return emitError(tok.getLoc(), "unexpected indent");

  StringRef name;
  SMLoc loc;
  if (failed(parseName("an attribute or 'def' in the class body", name, loc)))
    return failure();

  if (name == "__annotations__") {
    // `__annotations__ = []` (nothing to record) or
    // `__annotations__["0"] = T` (an attribute whose name is not an
    // identifier).
    if (consumeIf(Token::Equal)) {
      if (failed(expect(Token::LSquare, "'[' after '__annotations__ ='")) ||
          failed(expect(Token::RSquare, "']' (only an empty '__annotations__' "
                                        "list is printed)")))
        return failure();
      return expectEndOfLine();
    }
    if (failed(expect(Token::LSquare, "'[' or '=' after '__annotations__'")))
      return failure();
    if (!tok.is(Token::String))
      return expected("a quoted attribute name");
    StringRef attrName = decodeString(tok);
    consume();
    if (failed(expect(Token::RSquare, "']' after the attribute name")) ||
        failed(expect(Token::Equal, "'=' and a type")))
      return failure();
    const TypeExpr *type = parseType();
    if (!type)
      return failure();
    if (failed(addAttribute(body, ClassAttr{loc, attrName, type, nullptr,
                                            /*isFinal=*/false,
                                            /*isQuoted=*/true})))
      return failure();
    return expectEndOfLine();
  }

  int list = llvm::StringSwitch<int>(name)
                 .Case("__parameters__", 0)
                 .Case("__buffers__", 1)
                 .Case("__forward_pre_hooks__", 2)
                 .Case("__forward_hooks__", 3)
                 .Default(-1);
  if (list >= 0) {
    if (body.seenNameList[list])
      return emitError(loc, "duplicate '" + name + "'");
    body.seenNameList[list] = true;
    if (failed(expect(Token::Equal, "'=' after '" + name + "'")) ||
        failed(parseStringList(body.nameLists[list])))
      return failure();
    return expectEndOfLine();
  }

  if (consumeIf(Token::Colon)) {
    const TypeExpr *type = parseType();
    if (!type)
      return failure();
    bool isFinal = type->name == "Final";
    if (isFinal)
      type = type->args[0];
    const Expr *value = nullptr;
    if (consumeIf(Token::Equal)) {
      if (!(value = parseExpr()))
        return failure();
    } else if (isFinal) {
      return expected("'=' and the value of the Final attribute");
    }
    if (failed(addAttribute(body, ClassAttr{loc, name, type, value, isFinal,
                                            /*isQuoted=*/false})))
      return failure();
    return expectEndOfLine();
  }
  if (body.kind == ClassKind::Enum && consumeIf(Token::Equal)) {
    const Expr *value = parseExpr();
    if (!value || failed(addAttribute(body, ClassAttr{loc, name, nullptr, value,
                                                      /*isFinal=*/false,
                                                      /*isQuoted=*/false})))
      return failure();
    return expectEndOfLine();
  }
  return expected("':' and a type after attribute '" + shorten(name) + "'");
}

LogicalResult Parser::parseStringList(SmallVectorImpl<StringRef> &out) {
  if (failed(expect(Token::LSquare, "'[' to start a list of names")))
    return failure();
  while (!tok.is(Token::RSquare)) {
    if (!tok.is(Token::String))
      return expected("a quoted name");
    out.push_back(decodeString(tok));
    consume();
    if (!consumeIf(Token::Comma))
      break;
  }
  return expect(Token::RSquare, "',' or ']' in the list of names");
}

const FuncDef *Parser::parseFuncDef() {
  SMLoc loc = tok.getLoc();
  consume(); // 'def'
  StringRef name;
  SMLoc nameLoc;
  if (failed(parseName("a function name", name, nameLoc)) ||
      failed(expect(Token::LParen, "'(' after the function name")))
    return nullptr;

  SmallVector<Param, 8> params;
  llvm::SmallDenseSet<StringRef, 8> paramNames;
  while (!tok.is(Token::RParen)) {
    Param param{};
    if (failed(parseName("a parameter name", param.name, param.loc)))
      return nullptr;
    if (!paramNames.insert(param.name).second) {
      (void)emitError(param.loc,
                      "duplicate parameter '" + shorten(param.name) + "'");
      return nullptr;
    }
    if (consumeIf(Token::Colon) && !(param.type = parseType()))
      return nullptr;
    if (consumeIf(Token::Equal) && !(param.defaultValue = parseExpr()))
      return nullptr;
    params.push_back(param);
    if (!consumeIf(Token::Comma))
      break;
  }
  if (failed(expect(Token::RParen, "',' or ')' in the parameter list")))
    return nullptr;
  const TypeExpr *returnType = nullptr;
  if (consumeIf(Token::Arrow) && !(returnType = parseType()))
    return nullptr;
  if (failed(expect(Token::Colon, "':' after the function signature")))
    return nullptr;
  Body body;
  if (failed(parseBody(body)))
    return nullptr;
  return make<FuncDef>(loc, name, copy(params), returnType, body);
}

//===----------------------------------------------------------------------===//
// Statements
//===----------------------------------------------------------------------===//

LogicalResult Parser::parseBody(Body &out) {
  DepthGuard guard(*this);
  if (failed(guard.enter(tok.getLoc())))
    return failure();
  SmallVector<const Stmt *, 16> stmts;
  if (!tok.is(Token::Newline)) {
    // A simple statement on the line of its header: `if c: return x`.
    const Stmt *stmt = parseSimpleStmt();
    if (!stmt || failed(expectEndOfLine()))
      return failure();
    stmts.push_back(stmt);
  } else {
    consume();
    if (!tok.is(Token::Indent))
      return expected("an indented block");
    consume();
    while (!tok.is(Token::Dedent) && !tok.is(Token::Eof)) {
      const Stmt *stmt = parseStmt();
      if (!stmt)
        return failure();
      stmts.push_back(stmt);
    }
    if (failed(expect(Token::Dedent, "end of the indented block")))
      return failure();
  }
  out = copy(stmts);
  return success();
}

const Stmt *Parser::parseStmt() {
  if (tok.is(Token::Indent)) {
    (void)emitError(tok.getLoc(), "unexpected indent");
    return nullptr;
  }
  if (tok.is(Token::Identifier)) {
    StringRef kw = tok.spelling;
    if (kw == "if")
      return parseIf();
    if (kw == "for")
      return parseFor();
    if (kw == "while")
      return parseWhile();
    if (kw == "with")
      return parseWith();
    if (kw == "elif" || kw == "else") {
      (void)emitError(tok.getLoc(), "'" + kw + "' without a matching 'if'");
      return nullptr;
    }
    if (kw == "def" || kw == "class") {
      (void)emitError(tok.getLoc(), "nested '" + kw + "' is not supported");
      return nullptr;
    }
    if (isUnsupportedStatementKeyword(kw)) {
      (void)emitError(tok.getLoc(), "'" + kw +
                                        "' statements are not part of "
                                        "printed TorchScript");
      return nullptr;
    }
  }
  const Stmt *stmt = parseSimpleStmt();
  if (!stmt || failed(expectEndOfLine()))
    return nullptr;
  return stmt;
}

const Stmt *Parser::parseSimpleStmt() {
  SMLoc loc = tok.getLoc();
  if (tok.isIdentifier("pass")) {
    consume();
    return make<PassStmt>(loc);
  }
  if (tok.isIdentifier("break")) {
    consume();
    return make<BreakStmt>(loc);
  }
  if (tok.isIdentifier("continue")) {
    consume();
    return make<ContinueStmt>(loc);
  }
  if (tok.isIdentifier("return")) {
    consume();
    if (tok.is(Token::Newline))
      return make<ReturnStmt>(loc, nullptr);
    const Expr *value = parseExprList();
    if (!value)
      return nullptr;
    return make<ReturnStmt>(loc, value);
  }

  SmallVector<const Expr *, 4> exprs;
  bool trailingComma = false;
  if (failed(parseExprSequence(exprs, trailingComma)))
    return nullptr;

  if (tok.is(Token::Colon)) {
    // `x : T = e`
    if (exprs.size() != 1 || trailingComma || !isa<NameExpr>(exprs[0])) {
      (void)emitError(tok.getLoc(), "only a single name can be annotated");
      return nullptr;
    }
    consume();
    const TypeExpr *type = parseType();
    if (!type || failed(expect(Token::Equal, "'=' after the annotation")))
      return nullptr;
    const Expr *value = parseExprList();
    if (!value)
      return nullptr;
    if (tok.is(Token::Equal)) {
      (void)emitError(tok.getLoc(), "chained assignment is not supported");
      return nullptr;
    }
    return make<AssignStmt>(loc, copy(exprs), /*unpack=*/false, type, value);
  }

  if (tok.is(Token::Equal)) {
    for (const Expr *target : exprs) {
      if (!isa<NameExpr, AttributeExpr, SubscriptExpr>(target)) {
        (void)emitError(target->loc, "cannot assign to this expression (a "
                                     "target is a name, 'x.attr' or 'x[i]')");
        return nullptr;
      }
    }
    consume();
    const Expr *value = parseExprList();
    if (!value)
      return nullptr;
    if (tok.is(Token::Equal)) {
      (void)emitError(tok.getLoc(), "chained assignment is not supported");
      return nullptr;
    }
    return make<AssignStmt>(loc, copy(exprs),
                            /*unpack=*/exprs.size() > 1 || trailingComma,
                            /*type=*/nullptr, value);
  }

  const Expr *value = exprs[0];
  if (exprs.size() > 1 || trailingComma)
    value = make<TupleExpr>(loc, copy(exprs));
  return make<ExprStmt>(loc, value);
}

const Stmt *Parser::parseIf() {
  // `elif` chains recurse here rather than through parseBody.
  DepthGuard guard(*this);
  if (failed(guard.enter(tok.getLoc())))
    return nullptr;
  SMLoc loc = tok.getLoc();
  consume(); // 'if' or 'elif'
  const Expr *cond = parseExpr();
  Body thenBody, elseBody;
  if (!cond || failed(expect(Token::Colon, "':' after the condition")) ||
      failed(parseBody(thenBody)))
    return nullptr;
  if (tok.isIdentifier("elif")) {
    const Stmt *nested = parseIf();
    if (!nested)
      return nullptr;
    elseBody = copy(ArrayRef<const Stmt *>(nested));
  } else if (tok.isIdentifier("else")) {
    consume();
    if (failed(expect(Token::Colon, "':' after 'else'")) ||
        failed(parseBody(elseBody)))
      return nullptr;
  }
  return make<IfStmt>(loc, cond, thenBody, elseBody);
}

const Stmt *Parser::parseFor() {
  SMLoc loc = tok.getLoc();
  consume(); // 'for'
  StringRef var;
  SMLoc varLoc;
  if (failed(parseName("a loop variable after 'for'", var, varLoc)))
    return nullptr;
  if (!tok.isIdentifier("in")) {
    (void)expected("'in' after the loop variable");
    return nullptr;
  }
  consume();
  if (!tok.isIdentifier("range")) {
    (void)expected("'range' (printed TorchScript only loops over 'range(n)')");
    return nullptr;
  }
  consume();
  if (failed(expect(Token::LParen, "'(' after 'range'")))
    return nullptr;
  const Expr *count = parseExpr();
  if (!count)
    return nullptr;
  if (tok.is(Token::Comma) && startsExpr(peek())) {
    (void)emitError(peek().getLoc(),
                    "'range' with more than one argument is not supported");
    return nullptr;
  }
  consumeIf(Token::Comma);
  Body body;
  if (failed(expect(Token::RParen, "')' after the argument of 'range'")) ||
      failed(expect(Token::Colon, "':' after 'range(...)'")) ||
      failed(parseBody(body)))
    return nullptr;
  return make<ForStmt>(loc, var, varLoc, count, body);
}

const Stmt *Parser::parseWhile() {
  SMLoc loc = tok.getLoc();
  consume(); // 'while'
  const Expr *cond = parseExpr();
  Body body;
  if (!cond || failed(expect(Token::Colon, "':' after the condition")) ||
      failed(parseBody(body)))
    return nullptr;
  return make<WhileStmt>(loc, cond, body);
}

const Stmt *Parser::parseWith() {
  SMLoc loc = tok.getLoc();
  consume(); // 'with'
  const Expr *context = parseExpr();
  if (!context)
    return nullptr;
  StringRef var;
  if (tok.isIdentifier("as")) {
    consume();
    SMLoc varLoc;
    if (failed(parseName("a name after 'as'", var, varLoc)))
      return nullptr;
  }
  Body body;
  if (failed(expect(Token::Colon, "':' after the 'with' expression")) ||
      failed(parseBody(body)))
    return nullptr;
  return make<WithStmt>(loc, context, var, body);
}

//===----------------------------------------------------------------------===//
// Expressions
//===----------------------------------------------------------------------===//

const Expr *Parser::parseExpr() {
  DepthGuard guard(*this);
  if (failed(guard.enter(tok.getLoc())))
    return nullptr;
  SMLoc start = tok.getLoc();
  if (tok.is(Token::Minus)) {
    consume();
    // Fold the sign into number literals, so that -9223372036854775808 fits.
    if (tok.is(Token::Integer))
      return parseInteger(start, /*negative=*/true);
    if (tok.is(Token::Float))
      return parseFloat(start, /*negative=*/true);
    if (tok.isIdentifier("inf") || tok.isIdentifier("nan")) {
      bool isInf = tok.spelling == "inf";
      consume();
      double v = isInf ? std::numeric_limits<double>::infinity()
                       : std::numeric_limits<double>::quiet_NaN();
      return make<FloatExpr>(start, -v);
    }
    const Expr *operand = parseExpr();
    if (!operand)
      return nullptr;
    return make<NegExpr>(start, operand);
  }
  const Expr *e = parsePrimary();
  if (!e)
    return nullptr;
  return parsePostfix(e, start);
}

LogicalResult Parser::parseExprSequence(SmallVectorImpl<const Expr *> &out,
                                        bool &trailingComma) {
  trailingComma = false;
  while (true) {
    const Expr *e = parseExpr();
    if (!e)
      return failure();
    out.push_back(e);
    if (!consumeIf(Token::Comma))
      return success();
    if (!startsExpr(tok)) {
      trailingComma = true;
      return success();
    }
  }
}

const Expr *Parser::parseExprList() {
  SMLoc loc = tok.getLoc();
  SmallVector<const Expr *, 4> exprs;
  bool trailingComma = false;
  if (failed(parseExprSequence(exprs, trailingComma)))
    return nullptr;
  if (exprs.size() == 1 && !trailingComma)
    return exprs[0];
  return make<TupleExpr>(loc, copy(exprs));
}

const Expr *Parser::parsePrimary() {
  SMLoc loc = tok.getLoc();
  switch (tok.kind) {
  case Token::Integer:
    return parseInteger(loc, /*negative=*/false);
  case Token::Float:
    return parseFloat(loc, /*negative=*/false);
  case Token::String: {
    StringRef value = decodeString(tok);
    consume();
    return make<StringExpr>(loc, value);
  }
  case Token::LParen:
    return parseParenExpr();
  case Token::LSquare:
    return parseListExpr();
  case Token::LBrace:
    return parseDictExpr();
  case Token::Identifier:
    return parseNamePrimary();
  default:
    (void)expected("an expression");
    return nullptr;
  }
}

const Expr *Parser::parseNamePrimary() {
  SMLoc loc = tok.getLoc();
  StringRef name = tok.spelling;
  if (name == "True" || name == "False") {
    consume();
    return make<BoolExpr>(loc, name == "True");
  }
  if (name == "None") {
    consume();
    return make<NoneExpr>(loc);
  }
  if (isReservedWord(name)) {
    (void)expected("an expression");
    return nullptr;
  }
  // The printer writes non-finite floats as the names `inf` and `nan`,
  // which the TorchScript importer predefines.
  if (name == "inf" || name == "nan") {
    consume();
    return make<FloatExpr>(loc, name == "inf"
                                    ? std::numeric_limits<double>::infinity()
                                    : std::numeric_limits<double>::quiet_NaN());
  }
  if (name == "CONSTANTS")
    return parseConstantRef();
  std::optional<TypeCallExpr::Builtin> builtin =
      llvm::StringSwitch<std::optional<TypeCallExpr::Builtin>>(name)
          .Case("isinstance", TypeCallExpr::Builtin::IsInstance)
          .Case("annotate", TypeCallExpr::Builtin::Annotate)
          .Case("unchecked_cast", TypeCallExpr::Builtin::UncheckedCast)
          .Case("uninitialized", TypeCallExpr::Builtin::Uninitialized)
          .Default(std::nullopt);
  if (builtin && peek().is(Token::LParen))
    return parseTypeCall(*builtin);
  consume();
  return make<NameExpr>(loc, name);
}

const Expr *Parser::parseConstantRef() {
  SMLoc loc = tok.getLoc();
  consume(); // 'CONSTANTS'
  if (failed(expect(Token::Dot, "'.c<N>' after 'CONSTANTS'")))
    return nullptr;
  StringRef spelling = tok.spelling;
  StringRef digits;
  if (tok.is(Token::Identifier) && spelling.startswith("c"))
    digits = spelling.drop_front();
  if (digits.empty() || !llvm::all_of(digits, llvm::isDigit) ||
      (digits.size() > 1 && digits[0] == '0')) {
    (void)expected("a constant name 'c<N>' after 'CONSTANTS.'");
    return nullptr;
  }
  uint64_t index = 0;
  for (char c : digits) {
    index = index * 10 + unsigned(c - '0');
    if (index > std::numeric_limits<uint32_t>::max()) {
      (void)emitError(tok.getLoc(), "constant index '" + shorten(spelling) +
                                        "' is too large");
      return nullptr;
    }
  }
  consume();
  return make<ConstantExpr>(loc, static_cast<uint32_t>(index));
}

const Expr *Parser::parsePostfix(const Expr *e, SMLoc start) {
  // Each link of a chain like `a.b(c)[d]` nests the tree one level deeper,
  // so links count towards the nesting limit too.
  DepthGuard guard(*this);
  while (true) {
    SMLoc opLoc = tok.getLoc();
    if (tok.is(Token::Dot)) {
      if (failed(guard.enter(opLoc)))
        return nullptr;
      consume();
      if (!tok.is(Token::Identifier)) {
        (void)expected("an attribute name after '.'");
        return nullptr;
      }
      e = make<AttributeExpr>(start, e, tok.spelling, tok.getLoc());
      consume();
    } else if (tok.is(Token::LParen)) {
      if (failed(guard.enter(opLoc)) || !(e = parseCall(e, start)))
        return nullptr;
    } else if (tok.is(Token::LSquare)) {
      if (failed(guard.enter(opLoc)))
        return nullptr;
      consume();
      const Expr *index = parseExprList();
      if (!index)
        return nullptr;
      if (tok.is(Token::Colon)) {
        (void)emitError(tok.getLoc(), "slices are not supported (the printer "
                                      "writes torch.slice)");
        return nullptr;
      }
      if (failed(expect(Token::RSquare, "']' after the subscript")))
        return nullptr;
      e = make<SubscriptExpr>(start, e, index);
    } else {
      return e;
    }
  }
}

const Expr *Parser::parseCall(const Expr *callee, SMLoc start) {
  consume(); // '('
  SmallVector<const Expr *, 8> args;
  SmallVector<KeywordArg, 4> kwargs;
  llvm::SmallDenseSet<StringRef, 4> kwNames;
  while (!tok.is(Token::RParen)) {
    if (tok.is(Token::Identifier) && !isReservedWord(tok.spelling) &&
        peek().is(Token::Equal)) {
      KeywordArg kw{tok.getLoc(), tok.spelling, nullptr};
      if (!kwNames.insert(kw.name).second) {
        (void)emitError(kw.loc, "duplicate keyword argument '" +
                                    shorten(kw.name) + "'");
        return nullptr;
      }
      consume(); // name
      consume(); // '='
      if (!(kw.value = parseExpr()))
        return nullptr;
      kwargs.push_back(kw);
    } else {
      if (!kwargs.empty()) {
        (void)emitError(tok.getLoc(),
                        "positional argument follows keyword argument");
        return nullptr;
      }
      const Expr *arg = parseExpr();
      if (!arg)
        return nullptr;
      args.push_back(arg);
    }
    if (!consumeIf(Token::Comma))
      break;
  }
  if (failed(expect(Token::RParen, "',' or ')' in the argument list")))
    return nullptr;
  return make<CallExpr>(start, callee, copy(args), copy(kwargs));
}

const Expr *Parser::parseTypeCall(TypeCallExpr::Builtin builtin) {
  SMLoc loc = tok.getLoc();
  StringRef name = tok.spelling;
  consume(); // the builtin's name
  consume(); // '('
  SmallVector<const TypeExpr *, 2> types;
  const Expr *operand = nullptr;
  auto parseOneType = [&] {
    const TypeExpr *type = parseType();
    if (type)
      types.push_back(type);
    return success(type != nullptr);
  };
  auto expectComma = [&] {
    return expect(Token::Comma, "',' in the arguments of '" + name + "'");
  };
  switch (builtin) {
  case TypeCallExpr::Builtin::IsInstance:
    if (!(operand = parseExpr()) || failed(expectComma()))
      return nullptr;
    if (consumeIf(Token::LParen)) {
      do {
        if (failed(parseOneType()))
          return nullptr;
      } while (consumeIf(Token::Comma) && !tok.is(Token::RParen));
      if (failed(expect(Token::RParen, "',' or ')' in the tuple of types")))
        return nullptr;
    } else if (failed(parseOneType())) {
      return nullptr;
    }
    break;
  case TypeCallExpr::Builtin::Annotate:
  case TypeCallExpr::Builtin::UncheckedCast:
    if (failed(parseOneType()) || failed(expectComma()) ||
        !(operand = parseExpr()))
      return nullptr;
    break;
  case TypeCallExpr::Builtin::Uninitialized:
    if (failed(parseOneType()))
      return nullptr;
    break;
  }
  consumeIf(Token::Comma);
  if (failed(
          expect(Token::RParen, "')' after the arguments of '" + name + "'")))
    return nullptr;
  return make<TypeCallExpr>(loc, builtin, copy(types), operand);
}

const Expr *Parser::parseParenExpr() {
  SMLoc loc = tok.getLoc();
  consume(); // '('
  if (consumeIf(Token::RParen))
    return make<TupleExpr>(loc, ArrayRef<const Expr *>());
  SmallVector<const Expr *, 4> elements;
  bool trailingComma = false;
  if (failed(parseExprSequence(elements, trailingComma)) ||
      failed(expect(Token::RParen, "',' or ')'")))
    return nullptr;
  if (elements.size() == 1 && !trailingComma)
    return elements[0];
  return make<TupleExpr>(loc, copy(elements));
}

const Expr *Parser::parseListExpr() {
  SMLoc loc = tok.getLoc();
  consume(); // '['
  SmallVector<const Expr *, 8> elements;
  while (!tok.is(Token::RSquare)) {
    const Expr *e = parseExpr();
    if (!e)
      return nullptr;
    elements.push_back(e);
    if (!consumeIf(Token::Comma))
      break;
  }
  if (failed(expect(Token::RSquare, "',' or ']' in the list")))
    return nullptr;
  return make<ListExpr>(loc, copy(elements));
}

const Expr *Parser::parseDictExpr() {
  SMLoc loc = tok.getLoc();
  consume(); // '{'
  SmallVector<DictItem, 8> items;
  while (!tok.is(Token::RBrace)) {
    DictItem item{};
    if (!(item.key = parseExpr()) ||
        failed(expect(Token::Colon, "':' after the dictionary key")) ||
        !(item.value = parseExpr()))
      return nullptr;
    items.push_back(item);
    if (!consumeIf(Token::Comma))
      break;
  }
  if (failed(expect(Token::RBrace, "',' or '}' in the dictionary")))
    return nullptr;
  return make<DictExpr>(loc, copy(items));
}

const Expr *Parser::parseInteger(SMLoc loc, bool negative) {
  StringRef digits = tok.spelling;
  const uint64_t limit = negative ? uint64_t(1) << 63 : (uint64_t(1) << 63) - 1;
  uint64_t value = 0;
  bool overflow = false;
  for (char c : digits) {
    unsigned d = unsigned(c - '0');
    if (value > (limit - d) / 10) {
      overflow = true;
      break;
    }
    value = value * 10 + d;
  }
  if (overflow) {
    (void)emitError(loc, "integer literal " + Twine(negative ? "-" : "") +
                             shorten(digits) +
                             " does not fit in a signed 64-bit integer");
    return nullptr;
  }
  consume();
  int64_t result = !negative ? static_cast<int64_t>(value)
                   : value == uint64_t(1) << 63
                       ? std::numeric_limits<int64_t>::min()
                       : -static_cast<int64_t>(value);
  return make<IntExpr>(loc, result);
}

const Expr *Parser::parseFloat(SMLoc loc, bool negative) {
  StringRef spelling = tok.spelling;
  // APFloat's decimal conversion is superlinear in the digit count; the
  // printer writes at most 17 significant digits.
  if (spelling.size() > 400) {
    (void)emitError(tok.getLoc(), "float literal is too long (" +
                                      Twine(spelling.size()) + " characters)");
    return nullptr;
  }
  double value = 0;
  if (spelling.getAsDouble(value, /*AllowInexact=*/true)) {
    (void)emitError(tok.getLoc(), "invalid float literal '" + spelling + "'");
    return nullptr;
  }
  if (std::isinf(value)) {
    (void)emitError(tok.getLoc(), "float literal " + shorten(spelling) +
                                      " is out of range for a 64-bit float");
    return nullptr;
  }
  consume();
  return make<FloatExpr>(loc, negative ? -value : value);
}

//===----------------------------------------------------------------------===//
// Types
//===----------------------------------------------------------------------===//

const TypeExpr *Parser::parseType() {
  DepthGuard guard(*this);
  if (failed(guard.enter(tok.getLoc())))
    return nullptr;
  SMLoc loc = tok.getLoc();
  if (!tok.is(Token::Identifier) ||
      (isReservedWord(tok.spelling) && tok.spelling != "None")) {
    (void)expected("a type");
    return nullptr;
  }
  // A dotted name. Written without spaces (always, in printed code) it is a
  // slice of the buffer; otherwise it is rebuilt in the arena.
  const char *begin = tok.spelling.begin();
  const char *end = tok.spelling.end();
  llvm::SmallString<64> joined(tok.spelling);
  consume();
  while (tok.is(Token::Dot)) {
    consume();
    if (!tok.is(Token::Identifier)) {
      (void)expected("a name after '.' in the type");
      return nullptr;
    }
    joined += '.';
    joined += tok.spelling;
    end = tok.spelling.end();
    consume();
  }
  StringRef name(begin, end - begin);
  if (name != joined.str())
    name = save(joined);

  SmallVector<const TypeExpr *, 4> args;
  bool hasArgs = false;
  if (tok.is(Token::LSquare)) {
    hasArgs = true;
    consume();
    if (name == "Tuple" && tok.is(Token::LParen) && peek().is(Token::RParen)) {
      consume(); // `Tuple[()]`: the empty tuple
      consume();
    } else {
      while (true) {
        const TypeExpr *arg = parseType();
        if (!arg)
          return nullptr;
        args.push_back(arg);
        if (!consumeIf(Token::Comma) || tok.is(Token::RSquare))
          break;
      }
    }
    if (failed(expect(Token::RSquare, "',' or ']' in the type arguments")))
      return nullptr;
  }

  if (std::optional<TypeArity> arity = getGenericArity(name)) {
    int n = static_cast<int>(args.size());
    if (!hasArgs) {
      (void)emitError(loc, "'" + name + "' needs type arguments");
      return nullptr;
    }
    if (n < arity->min || (arity->max >= 0 && n > arity->max)) {
      std::string want = arity->max < 0
                             ? "at least " + std::to_string(arity->min)
                             : std::to_string(arity->min);
      (void)emitError(loc, "'" + name + "' takes " + want + " type argument" +
                               (arity->min == 1 ? "" : "s") + ", got " +
                               Twine(n));
      return nullptr;
    }
  } else if (hasArgs && isScalarTypeName(name)) {
    (void)emitError(loc, "'" + name + "' takes no type arguments");
    return nullptr;
  }
  return new (arena.Allocate<TypeExpr>()) TypeExpr{loc, name, copy(args)};
}

} // namespace

std::optional<File> irc::ts::parseFile(llvm::SourceMgr &mgr, unsigned bufferId,
                                       Context &ctx) {
  assert(bufferId != 0 && bufferId <= mgr.getNumBuffers() &&
         "not a buffer of this SourceMgr");
  File file;
  Parser parser(mgr, bufferId, ctx, file);
  if (failed(parser.parseFile(file)))
    return std::nullopt;
  return file;
}

Location irc::ts::getLocation(const llvm::SourceMgr &mgr, SMLoc loc,
                              Context &ctx) {
  if (!loc.isValid())
    return getUnknownLoc(ctx);
  unsigned id = mgr.FindBufferContainingLoc(loc);
  if (!id)
    return getUnknownLoc(ctx);
  auto [line, col] = getLineAndColumn(mgr, loc, id);
  return getFileLineColLoc(ctx, mgr.getMemoryBuffer(id)->getBufferIdentifier(),
                           line, col);
}
