//===- AsmParser.cpp - Parsing the IR text form ---------------------------===//
//
// A recursive-descent parser over the tokens of Lexer. It stops at the first
// error, which it reports once at `file:line:col`. Values may be used before
// their definition inside a function (through placeholders), so that
// dominance errors come from the verifier with a precise message rather
// than as "undefined value" from the parser. Nesting depth and tensor sizes
// are bounded so hostile input cannot exhaust the stack or memory.
//
//===----------------------------------------------------------------------===//
#include "ir/AsmParser.h"
#include "ir/Builder.h"
#include "ir/Verifier.h"
#include "ir/detail/Lexer.h"
#include "ir/detail/StringTable.h"
#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/SourceMgr.h"
#include <cmath>
#include <cstring>

using namespace irc;
using llvm::SMLoc;
using llvm::StringRef;

namespace {
/// Largest static dimension and element count of a tensor type.
constexpr int64_t kMaxDim = int64_t(1) << 40;
constexpr int64_t kMaxElements = int64_t(1) << 48;
/// Largest dense attribute written inline in text; bigger data are blobs.
constexpr int64_t kMaxDenseElements = int64_t(1) << 24;
constexpr unsigned kMaxRank = 64;

struct UseRef {
  StringRef name; // without '%'
  SMLoc loc;
};

/// Unlinks every use of the values defined in `region`.
void dropUsesOfValuesIn(Region &region) {
  auto drop = [](Value *v) {
    while (!v->use_empty())
      v->getUses().begin()->set(nullptr);
  };
  for (Block &block : region) {
    for (Value *arg : block.getArguments())
      drop(arg);
    for (Operation &op : block) {
      for (Value *r : op.getResults())
        drop(r);
      for (unsigned i = 0; i < op.getNumRegions(); ++i)
        dropUsesOfValuesIn(op.getRegion(i));
    }
  }
}

/// The regions of an op whose parse is not finished. If it fails they are
/// deleted here, before the module: ops already in the module may use their
/// values through forward references, so those uses are unlinked first.
struct PendingRegions : std::vector<std::unique_ptr<Region>> {
  PendingRegions() = default;
  PendingRegions(const PendingRegions &) = delete;
  ~PendingRegions() {
    for (std::unique_ptr<Region> &region : *this)
      dropUsesOfValuesIn(*region);
  }
};

class Parser {
public:
  Parser(llvm::SourceMgr &mgr, Context &ctx)
      : mgr(mgr), ctx(ctx), limits(ctx.getInputLimits()),
        buffer(mgr.getMemoryBuffer(mgr.getMainFileID())->getBuffer()),
        bufferName(ctx.intern(
            mgr.getMemoryBuffer(mgr.getMainFileID())->getBufferIdentifier())),
        lex(buffer) {
    consume();
  }

  ~Parser() { dropForwardRefs(); }

  std::optional<Module> parseModule();
  Type parseStandaloneType() {
    Type t = parseType();
    if (t && !tok.is(Token::Eof)) {
      emitError("unexpected text after type");
      return Type();
    }
    return t;
  }

private:
  //===--------------------------------------------------------------------===//
  // Tokens and diagnostics
  //===--------------------------------------------------------------------===//
  void consume() { tok = lex.lex(); }
  bool consumeIf(Token::Kind k) {
    if (!tok.is(k))
      return false;
    consume();
    return true;
  }
  bool consumeKeyword(StringRef kw) {
    if (!tok.isKeyword(kw))
      return false;
    consume();
    return true;
  }
  /// The file:line:col of `loc`. Ops take their location where their text
  /// begins, before any region, so the line is found by scanning forward
  /// from the previous query (linear over the file); earlier positions (rare:
  /// diagnostics, forward references) ask the SourceMgr.
  Location locOf(SMLoc loc) {
    const char *p = loc.getPointer();
    if (p < lineCursor.pos) {
      auto [line, col] = getLineAndColumn(mgr, loc, mgr.getMainFileID());
      return getFileLineColLoc(ctx, bufferName, line, col);
    }
    for (; lineCursor.pos < p; ++lineCursor.pos)
      if (*lineCursor.pos == '\n') {
        ++lineCursor.line;
        lineCursor.lineStart = lineCursor.pos + 1;
      }
    return getFileLineColLoc(ctx, bufferName, lineCursor.line,
                             unsigned(p - lineCursor.lineStart) + 1);
  }
  InFlightDiagnostic emitError(SMLoc loc, const llvm::Twine &msg) {
    InFlightDiagnostic d(ctx, locOf(loc), Severity::Error);
    d << msg.str();
    return d;
  }
  /// Reports `msg` at the current token, saying what was found when that is
  /// not a token at all.
  InFlightDiagnostic emitError(const llvm::Twine &msg) {
    if (tok.is(Token::Error) && tok.spelling.ltrim('@').startswith("\""))
      return emitError(tok.getLoc(), msg + " (found an unterminated string)");
    if (tok.is(Token::Error))
      return emitError(tok.getLoc(), msg + " (found an invalid character)");
    if (tok.is(Token::Eof))
      return emitError(tok.getLoc(), msg + " (found the end of the file)");
    return emitError(tok.getLoc(), msg);
  }
  LogicalResult expect(Token::Kind k, StringRef what) {
    if (consumeIf(k))
      return success();
    return emitError(llvm::Twine("expected ") + what);
  }
  LogicalResult expectKeyword(StringRef kw) {
    if (consumeKeyword(kw))
      return success();
    return emitError("expected '" + kw + "'");
  }

  /// Bounds recursion depth; every recursive production holds one.
  class NestingGuard {
  public:
    explicit NestingGuard(Parser &p) : p(p) { ++p.depth; }
    ~NestingGuard() { --p.depth; }
    LogicalResult check() {
      if (p.depth <= p.limits.maxNesting)
        return success();
      return p.emitError("nesting is deeper than " +
                         llvm::Twine(p.limits.maxNesting) +
                         " levels (--max-nesting)");
    }

  private:
    Parser &p;
  };

  //===--------------------------------------------------------------------===//
  // Types
  //===--------------------------------------------------------------------===//
  Type parseType();
  Type parseTensorType(SMLoc start);
  LogicalResult parseTypeList(llvm::SmallVectorImpl<Type> &out,
                              Token::Kind close, StringRef closeName);
  /// `T` or `(T, ...)` after an arrow.
  LogicalResult parseResultTypes(llvm::SmallVectorImpl<Type> &out);
  Type parseFunctionType();

  //===--------------------------------------------------------------------===//
  // Attributes
  //===--------------------------------------------------------------------===//
  Attribute parseAttribute();
  Attribute parseDense(SMLoc start);
  Attribute parseBlob();
  /// Parses `(a, b)`, `(a,)`, `(a)` or `()`; `what` names it in errors.
  LogicalResult parseParenAttrs(llvm::SmallVectorImpl<Attribute> &out,
                                StringRef what);
  Attribute parseDictAttr();
  Attribute parseObjectAttr();
  /// Parses `<"class.Name">` after `object`.
  std::optional<std::string> parseClassName();
  Type parseElementsType(StringRef what);
  /// Parses an optional `{name = value, ...}`. Names in `reserved` are
  /// spelled by the op's custom syntax and may not appear in the dictionary.
  LogicalResult parseAttrDict(llvm::SmallVectorImpl<NamedAttribute> &attrs,
                              llvm::ArrayRef<StringRef> reserved = {});
  LogicalResult parseInt(int64_t &out);
  std::optional<Location> parseLocation();
  /// Parses an optional `loc(...)` after an op and sets it on `op`.
  LogicalResult parseTrailingLocation(Operation *op);
  LogicalResult parseLocationInner(Location &out);
  LogicalResult parseBlobsSection();

  //===--------------------------------------------------------------------===//
  // Values
  //===--------------------------------------------------------------------===//
  LogicalResult parseUse(UseRef &out) {
    if (!tok.is(Token::PercentId))
      return emitError("expected SSA value");
    out = {tok.spelling.drop_front(), tok.getLoc()};
    consume();
    return success();
  }
  LogicalResult parseUseList(llvm::SmallVectorImpl<UseRef> &out) {
    if (!tok.is(Token::PercentId))
      return success();
    do {
      out.emplace_back();
      if (failed(parseUse(out.back())))
        return failure();
    } while (consumeIf(Token::Comma));
    return success();
  }
  Value *resolve(const UseRef &use, Type type);
  LogicalResult resolveAll(llvm::ArrayRef<UseRef> uses,
                           llvm::ArrayRef<Type> types,
                           llvm::SmallVectorImpl<Value *> &out, SMLoc loc);
  LogicalResult define(const UseRef &name, Value *v);
  LogicalResult finishScope();
  void dropForwardRefs();

  //===--------------------------------------------------------------------===//
  // Operations and regions
  //===--------------------------------------------------------------------===//
  struct EntryArg {
    UseRef name;
    Type type;
  };
  LogicalResult parseTopLevelItem(Block &body);
  LogicalResult parseFunc(Block &body);
  LogicalResult parseModuleConst(Block &body);
  /// Parses one op and appends it to `block`.
  LogicalResult parseOperation(Block &block);
  Operation *parseGenericOp(Location loc);
  Operation *parseCustomOp(Location loc, llvm::ArrayRef<UseRef> resultNames);
  Operation *parseTerminatorOp(Location loc, StringRef name);
  Operation *parseIfOp(Location loc);
  Operation *parseLoopOp(Location loc);
  LogicalResult parseBlockBody(Block &block);
  /// Parses `{ ... }` into `region`; `entryArgs` become the entry block's
  /// arguments (a `^bb(...)` header may give them instead).
  LogicalResult parseRegion(Region &region,
                            llvm::ArrayRef<EntryArg> entryArgs = {});
  LogicalResult parseBlockHeader(Block &block);
  Operation *createOp(Location loc, StringRef name,
                      llvm::ArrayRef<Type> results,
                      llvm::ArrayRef<Value *> operands,
                      llvm::ArrayRef<NamedAttribute> attrs,
                      std::vector<std::unique_ptr<Region>> regions = {});

  llvm::SourceMgr &mgr;
  Context &ctx;
  const InputLimits &limits;
  StringRef buffer;
  StringRef bufferName;
  Lexer lex;
  Token tok;
  unsigned depth = 0;
  struct {
    const char *pos, *lineStart;
    unsigned line = 1;
  } lineCursor{buffer.begin(), buffer.begin()};

  /// Names in scope; the keys point into the source buffer.
  StringTable<Value *> scope;
  struct ForwardRef {
    Operation *placeholder;
    SMLoc firstUse;
  };
  llvm::StringMap<ForwardRef> forwardRefs;
  std::vector<Operation *> deadPlaceholders;
};
} // namespace

//===----------------------------------------------------------------------===//
// Types
//===----------------------------------------------------------------------===//

Type Parser::parseType() {
  NestingGuard guard(*this);
  if (failed(guard.check()))
    return Type();
  SMLoc start = tok.getLoc();
  if (tok.is(Token::LParen))
    return parseFunctionType();
  if (tok.is(Token::ExclId)) {
    Type t = getOpaqueType(ctx, tok.spelling.drop_front());
    consume();
    return t;
  }
  if (!tok.is(Token::BareId)) {
    emitError("expected type");
    return Type();
  }
  StringRef kw = tok.spelling;
  if (kw == "tensor")
    return parseTensorType(start);
  consume();
  using SimpleType = Type (*)(Context &);
  if (SimpleType get = llvm::StringSwitch<SimpleType>(kw)
                           .Case("i64", getIntType)
                           .Case("f64", getFloatType)
                           .Case("bool", getBoolType)
                           .Case("str", getStrType)
                           .Case("none", getNoneType)
                           .Case("device", getDeviceType)
                           .Case("any", getAnyType)
                           .Default(nullptr))
    return get(ctx);
  if (kw == "list" || kw == "optional") {
    if (failed(expect(Token::Less, "'<'")))
      return Type();
    Type element = parseType();
    if (!element || failed(expect(Token::Greater, "'>'")))
      return Type();
    return kw == "list" ? getListType(element) : getOptionalType(element);
  }
  if (kw == "tuple") {
    llvm::SmallVector<Type, 4> members;
    if (failed(expect(Token::Less, "'<'")) ||
        failed(parseTypeList(members, Token::Greater, "'>'")))
      return Type();
    return getTupleType(ctx, members);
  }
  if (kw == "dict") {
    Type key, value;
    if (failed(expect(Token::Less, "'<'")) || !(key = parseType()) ||
        failed(expect(Token::Comma, "',' after the key type")) ||
        !(value = parseType()) || failed(expect(Token::Greater, "'>'")))
      return Type();
    return getDictType(key, value);
  }
  if (kw == "object") {
    std::optional<std::string> name = parseClassName();
    if (!name)
      return Type();
    return getObjectType(ctx, *name);
  }
  emitError(start, "unknown type '" + kw + "'");
  return Type();
}

Type Parser::parseTensorType(SMLoc start) {
  // Dimensions (`1x3x?x224xf32`) are scanned by hand: they do not split
  // into ordinary tokens.
  const char *p = tok.spelling.end();
  if (p == lex.getBufferEnd() || *p != '<') {
    consume();
    return getUnrankedTensorType(ctx);
  }
  const char *body = p + 1, *end = body;
  while (end != lex.getBufferEnd() && *end != '>' && *end != '\n')
    ++end;
  if (end == lex.getBufferEnd() || *end != '>') {
    emitError(SMLoc::getFromPointer(p), "unterminated tensor type");
    return Type();
  }
  lex.resetPointer(end + 1);
  consume();
  llvm::SmallVector<StringRef, 8> parts;
  StringRef(body, end - body).split(parts, 'x');
  auto errorAt = [&](StringRef part, const llvm::Twine &msg) {
    emitError(SMLoc::getFromPointer(part.data()), msg);
    return Type();
  };
  StringRef dtypeText = parts.pop_back_val();
  DType dt = DType::Unknown;
  if (dtypeText != "?") {
    auto parsed = parseDType(dtypeText);
    if (!parsed)
      return errorAt(dtypeText,
                     "expected element type (f32, i64, ...) or '?', got '" +
                         dtypeText + "'");
    dt = *parsed;
  }
  if (parts.size() == 1 && parts[0] == "*")
    return getUnrankedTensorType(ctx, dt);
  if (parts.size() > kMaxRank)
    return errorAt(parts[0], "tensor rank " + llvm::Twine(parts.size()) +
                                 " exceeds " + llvm::Twine(kMaxRank));
  llvm::SmallVector<int64_t, 4> shape;
  int64_t elements = 1;
  for (StringRef part : parts) {
    if (part == "?") {
      shape.push_back(kDynamic);
      continue;
    }
    uint64_t d;
    if (part.empty() || !llvm::all_of(part, llvm::isDigit) ||
        part.getAsInteger(10, d))
      return errorAt(part.empty() ? StringRef(body, 1) : part,
                     "expected dimension size or '?', got '" + part + "'");
    if (d > uint64_t(kMaxDim))
      return errorAt(part, "dimension " + part + " is too large (limit 2^40)");
    shape.push_back(int64_t(d));
    if (d != 0 && elements > kMaxElements / int64_t(d))
      return errorAt(part, "tensor has more than 2^48 elements");
    elements *= int64_t(d);
  }
  return getTensorType(ctx, shape, dt);
}

LogicalResult Parser::parseTypeList(llvm::SmallVectorImpl<Type> &out,
                                    Token::Kind close, StringRef closeName) {
  if (consumeIf(close))
    return success();
  do {
    Type t = parseType();
    if (!t)
      return failure();
    out.push_back(t);
  } while (consumeIf(Token::Comma));
  return expect(close, closeName);
}

LogicalResult Parser::parseResultTypes(llvm::SmallVectorImpl<Type> &out) {
  if (consumeIf(Token::LParen))
    return parseTypeList(out, Token::RParen, "')'");
  Type t = parseType();
  if (!t)
    return failure();
  out.push_back(t);
  return success();
}

Type Parser::parseFunctionType() {
  llvm::SmallVector<Type, 4> inputs, results;
  if (failed(expect(Token::LParen, "'('")) ||
      failed(parseTypeList(inputs, Token::RParen, "')'")) ||
      failed(expect(Token::Arrow, "'->'")) || failed(parseResultTypes(results)))
    return Type();
  return getFunctionType(ctx, inputs, results);
}

//===----------------------------------------------------------------------===//
// Attributes
//===----------------------------------------------------------------------===//

LogicalResult Parser::parseInt(int64_t &out) {
  if (!tok.is(Token::Integer))
    return emitError("expected integer");
  if (tok.spelling.getAsInteger(10, out))
    return emitError("integer " + tok.spelling + " is out of range for i64");
  consume();
  return success();
}

/// Parses a number token (or `inf`, `-inf`, `nan`) as a double.
static std::optional<double> parseFloatSpelling(StringRef s) {
  if (s == "inf")
    return HUGE_VAL;
  if (s == "-inf")
    return -HUGE_VAL;
  if (s == "nan")
    return std::nan("");
  std::string copy = s.str();
  char *end = nullptr;
  double v = std::strtod(copy.c_str(), &end);
  if (end != copy.c_str() + copy.size())
    return std::nullopt;
  return v;
}

Attribute Parser::parseAttribute() {
  NestingGuard guard(*this);
  if (failed(guard.check()))
    return Attribute();
  SMLoc start = tok.getLoc();
  switch (tok.kind) {
  case Token::Integer: {
    int64_t v;
    if (failed(parseInt(v)))
      return Attribute();
    return getIntAttr(ctx, v);
  }
  case Token::Float: {
    auto v = parseFloatSpelling(tok.spelling);
    consume();
    if (!v) {
      emitError(start, "invalid float literal");
      return Attribute();
    }
    // A number token is never `inf`: infinity here means overflow.
    if (std::isinf(*v)) {
      emitError(start, "float literal is out of range for f64");
      return Attribute();
    }
    return getFloatAttr(ctx, *v);
  }
  case Token::Minus:
    consume();
    if (!consumeKeyword("inf")) {
      emitError("expected number after '-'");
      return Attribute();
    }
    return getFloatAttr(ctx, -HUGE_VAL);
  case Token::String: {
    Attribute a = getStringAttr(ctx, Lexer::unescape(tok.spelling));
    consume();
    return a;
  }
  case Token::AtId: {
    StringRef body = tok.spelling.drop_front();
    Attribute a = getSymbolRefAttr(
        ctx, body.startswith("\"") ? Lexer::unescape(body) : body.str());
    consume();
    return a;
  }
  case Token::LSquare: {
    consume();
    llvm::SmallVector<Attribute, 8> elements;
    if (!consumeIf(Token::RSquare)) {
      do {
        Attribute e = parseAttribute();
        if (!e)
          return Attribute();
        elements.push_back(e);
      } while (consumeIf(Token::Comma));
      if (failed(expect(Token::RSquare, "']'")))
        return Attribute();
    }
    return getListAttr(ctx, elements);
  }
  case Token::LParen: {
    llvm::SmallVector<Attribute, 8> elements;
    if (failed(parseParenAttrs(elements, "a tuple")))
      return Attribute();
    return getTupleAttr(ctx, elements);
  }
  case Token::LBrace:
    return parseDictAttr();
  case Token::BareId: {
    StringRef kw = tok.spelling;
    if (kw == "dense" || kw == "blob" || kw == "object") {
      consume();
      if (kw == "object")
        return parseObjectAttr();
      return kw == "dense" ? parseDense(start) : parseBlob();
    }
    consume();
    if (kw == "true" || kw == "false")
      return getBoolAttr(ctx, kw == "true");
    if (kw == "none")
      return getNoneAttr(ctx);
    if (kw == "inf" || kw == "nan")
      return getFloatAttr(ctx, *parseFloatSpelling(kw));
    if (kw == "type") {
      if (failed(expect(Token::Less, "'<'")))
        return Attribute();
      Type t = parseType();
      if (!t || failed(expect(Token::Greater, "'>'")))
        return Attribute();
      return getTypeAttr(t);
    }
    emitError(start, "expected attribute value, got '" + kw + "'");
    return Attribute();
  }
  default:
    emitError("expected attribute value");
    return Attribute();
  }
}

LogicalResult Parser::parseParenAttrs(llvm::SmallVectorImpl<Attribute> &out,
                                      StringRef what) {
  if (failed(expect(Token::LParen, "'('")))
    return failure();
  // A trailing comma is allowed, as in Python: `(a,)` is a 1-tuple.
  while (!consumeIf(Token::RParen)) {
    Attribute e = parseAttribute();
    if (!e)
      return failure();
    out.push_back(e);
    if (!consumeIf(Token::Comma))
      return expect(Token::RParen, "',' or ')' in " + what.str());
  }
  return success();
}

Attribute Parser::parseDictAttr() {
  if (failed(expect(Token::LBrace, "'{'")))
    return Attribute();
  llvm::SmallVector<std::pair<Attribute, Attribute>, 8> entries;
  llvm::SmallPtrSet<const void *, 8> seen;
  if (!consumeIf(Token::RBrace)) {
    do {
      SMLoc keyLoc = tok.getLoc();
      Attribute key = parseAttribute();
      if (!key)
        return Attribute();
      if (!seen.insert(key.getImpl()).second) {
        emitError(keyLoc, "duplicate dictionary key " + key.str());
        return Attribute();
      }
      if (failed(expect(Token::Colon, "':' after the dictionary key")))
        return Attribute();
      Attribute value = parseAttribute();
      if (!value)
        return Attribute();
      entries.push_back({key, value});
    } while (consumeIf(Token::Comma));
    if (failed(expect(Token::RBrace, "',' or '}' in a dictionary")))
      return Attribute();
  }
  return getDictAttr(ctx, entries);
}

std::optional<std::string> Parser::parseClassName() {
  if (failed(expect(Token::Less, "'<'")))
    return std::nullopt;
  if (!tok.is(Token::String)) {
    emitError("expected class name string");
    return std::nullopt;
  }
  std::string name = Lexer::unescape(tok.spelling);
  consume();
  if (failed(expect(Token::Greater, "'>'")))
    return std::nullopt;
  return name;
}

Attribute Parser::parseObjectAttr() {
  std::optional<std::string> className = parseClassName();
  if (!className)
    return Attribute();
  if (tok.is(Token::LParen)) {
    llvm::SmallVector<Attribute, 8> state;
    if (failed(parseParenAttrs(state, "an object state")))
      return Attribute();
    return getObjectStateAttr(ctx, *className, state);
  }
  if (!consumeIf(Token::LBrace)) {
    emitError("expected '{' and fields or '(' and a state after the "
              "object's class");
    return Attribute();
  }
  llvm::SmallVector<NamedAttribute, 8> fields;
  llvm::StringSet<> seen;
  if (!consumeIf(Token::RBrace)) {
    do {
      SMLoc loc = tok.getLoc();
      std::string name;
      if (tok.is(Token::BareId))
        name = tok.spelling.str();
      else if (tok.is(Token::String))
        name = Lexer::unescape(tok.spelling);
      else {
        emitError("expected field name");
        return Attribute();
      }
      consume();
      if (!seen.insert(name).second) {
        emitError(loc, "duplicate field '" + name + "' in object");
        return Attribute();
      }
      if (failed(expect(Token::Equal, "'=' after the field name")))
        return Attribute();
      Attribute value = parseAttribute();
      if (!value)
        return Attribute();
      fields.push_back({ctx.intern(name), value});
    } while (consumeIf(Token::Comma));
    if (failed(expect(Token::RBrace, "',' or '}' in the object's fields")))
      return Attribute();
  }
  return getObjectAttr(ctx, *className, fields);
}

Type Parser::parseElementsType(StringRef what) {
  if (failed(expect(Token::Colon, "':' and a tensor type after " + what.str())))
    return Type();
  SMLoc loc = tok.getLoc();
  Type t = parseType();
  if (!t)
    return Type();
  if (!t.hasStaticShape() || t.getDType() == DType::Unknown) {
    emitError(loc, what +
                       " needs a statically shaped tensor type with an "
                       "element type, got '" +
                       t.str() + "'");
    return Type();
  }
  return t;
}

namespace {
/// One literal of a dense attribute, before conversion to its dtype.
struct DenseLiteral {
  SMLoc loc;
  StringRef spelling;
  bool isInt, isBool;
};
} // namespace

/// Appends `lit` converted to `dt` to `out`; returns an error message.
static std::string encodeElement(DType dt, const DenseLiteral &lit,
                                 std::string &out) {
  auto append = [&](auto v) {
    out.append(reinterpret_cast<const char *>(&v), sizeof(v));
  };
  if (dt == DType::Bool) {
    if (!lit.isBool)
      return "expected true or false for a bool tensor";
    append(uint8_t(lit.spelling == "true"));
    return "";
  }
  if (!isFloatDType(dt) && !isIntegerDType(dt))
    return ("no element literals for " + dtypeName(dt) +
            " tensors: write the bytes as a \"0x...\" string")
        .str();
  if (lit.isBool)
    return "bool literal in a non-bool tensor";
  if (isFloatDType(dt)) {
    auto v = parseFloatSpelling(lit.spelling);
    if (!v)
      return "invalid number";
    // Only `inf` and `-inf` may give infinity; a finite literal that rounds
    // to it does not fit the element type.
    bool isInfLiteral = lit.spelling == "inf" || lit.spelling == "-inf";
    std::string outOfRange = "value out of range for " + dtypeName(dt).str();
    if (dt == DType::F64) {
      if (std::isinf(*v) && !isInfLiteral)
        return outOfRange;
      append(*v);
    } else if (dt == DType::F32) {
      if (std::isinf(float(*v)) && !isInfLiteral)
        return outOfRange;
      append(float(*v));
    } else {
      llvm::APFloat f(*v);
      bool losesInfo;
      f.convert(dt == DType::F16 ? llvm::APFloat::IEEEhalf()
                                 : llvm::APFloat::BFloat(),
                llvm::APFloat::rmNearestTiesToEven, &losesInfo);
      if (f.isInfinity() && !isInfLiteral)
        return outOfRange;
      append(uint16_t(f.bitcastToAPInt().getZExtValue()));
    }
    return "";
  }
  if (!lit.isInt)
    return "expected an integer for an integer tensor";
  int64_t v;
  if (lit.spelling.getAsInteger(10, v))
    return "integer out of range";
  auto inRange = [&](int64_t lo, int64_t hi) { return v >= lo && v <= hi; };
  switch (dt) {
  case DType::I64:
    append(v);
    return "";
  case DType::I32:
    if (!inRange(INT32_MIN, INT32_MAX))
      return "integer out of range for i32";
    append(int32_t(v));
    return "";
  case DType::I16:
    if (!inRange(INT16_MIN, INT16_MAX))
      return "integer out of range for i16";
    append(int16_t(v));
    return "";
  case DType::I8:
    if (!inRange(INT8_MIN, INT8_MAX))
      return "integer out of range for i8";
    append(int8_t(v));
    return "";
  case DType::U8:
    if (!inRange(0, 255))
      return "integer out of range for u8";
    append(uint8_t(v));
    return "";
  default:
    llvm_unreachable("not an integer dtype");
  }
}

Attribute Parser::parseDense(SMLoc start) {
  if (failed(expect(Token::Less, "'<' after 'dense'")))
    return Attribute();
  bool elided = false, hex = false, splat = false;
  std::string hexBytes;
  llvm::SmallVector<DenseLiteral, 16> literals;
  SMLoc bodyLoc = tok.getLoc();
  auto parseLiteral = [&]() -> LogicalResult {
    DenseLiteral lit{tok.getLoc(), tok.spelling, tok.is(Token::Integer),
                     tok.isKeyword("true") || tok.isKeyword("false")};
    if (tok.is(Token::Minus)) {
      consume();
      if (!tok.isKeyword("inf"))
        return emitError("expected number after '-'");
      lit.spelling = "-inf";
    } else if (!tok.is(Token::Integer) && !tok.is(Token::Float) &&
               !lit.isBool && !tok.isKeyword("inf") && !tok.isKeyword("nan")) {
      return emitError("expected a number or bool in dense attribute");
    }
    consume();
    literals.push_back(lit);
    return success();
  };
  if (consumeKeyword("elided")) {
    elided = true;
  } else if (tok.is(Token::String)) {
    StringRef s = tok.spelling.drop_front().drop_back();
    if (!s.consume_front("0x") || !llvm::tryGetFromHex(s, hexBytes)) {
      emitError("expected hex string \"0x...\"");
      return Attribute();
    }
    hex = true;
    consume();
  } else if (consumeIf(Token::LSquare)) {
    if (!tok.is(Token::RSquare)) {
      do {
        if (literals.size() >= size_t(kMaxDenseElements)) {
          emitError("dense attribute has too many elements");
          return Attribute();
        }
        if (failed(parseLiteral()))
          return Attribute();
      } while (consumeIf(Token::Comma));
    }
    if (failed(expect(Token::RSquare, "']'")))
      return Attribute();
  } else {
    splat = true;
    if (failed(parseLiteral()))
      return Attribute();
  }
  if (failed(expect(Token::Greater, "'>'")))
    return Attribute();
  Type type = parseElementsType("dense attribute");
  if (!type)
    return Attribute();
  if (elided)
    return getElidedDenseAttr(type);
  int64_t n = type.getNumElements();
  if (n > kMaxDenseElements) {
    emitError(start, "dense attribute of " + llvm::Twine(n) +
                         " elements is too large to write inline; use a blob");
    return Attribute();
  }
  size_t bytes = size_t(n) * dtypeSize(type.getDType());
  if (hex) {
    if (hexBytes.size() != bytes) {
      emitError(bodyLoc, "hex data has " + llvm::Twine(hexBytes.size()) +
                             " bytes, expected " + llvm::Twine(bytes));
      return Attribute();
    }
    return getDenseAttr(type, llvm::ArrayRef(hexBytes.data(), hexBytes.size()));
  }
  if (!splat && int64_t(literals.size()) != n) {
    emitError(bodyLoc, "dense attribute has " + llvm::Twine(literals.size()) +
                           " elements, but its type has " + llvm::Twine(n));
    return Attribute();
  }
  std::string data;
  data.reserve(bytes);
  for (const DenseLiteral &lit : literals) {
    std::string err = encodeElement(type.getDType(), lit, data);
    if (!err.empty()) {
      emitError(lit.loc, err);
      return Attribute();
    }
  }
  if (splat) {
    std::string one = data;
    for (int64_t i = 1; i < n; ++i)
      data += one;
    if (n == 0)
      data.clear();
  }
  return getDenseAttr(type, llvm::ArrayRef(data.data(), data.size()));
}

Attribute Parser::parseBlob() {
  if (failed(expect(Token::Less, "'<' after 'blob'")))
    return Attribute();
  if (!tok.is(Token::String)) {
    emitError("expected blob name string");
    return Attribute();
  }
  std::string name = Lexer::unescape(tok.spelling);
  consume();
  int64_t offset = 0;
  if (consumeIf(Token::Comma)) {
    SMLoc loc = tok.getLoc();
    if (failed(parseInt(offset)))
      return Attribute();
    if (offset < 0) {
      emitError(loc, "blob offset must not be negative");
      return Attribute();
    }
  }
  if (failed(expect(Token::Greater, "'>'")))
    return Attribute();
  Type type = parseElementsType("blob attribute");
  if (!type)
    return Attribute();
  return getBlobAttr(type, name, uint64_t(offset));
}

LogicalResult
Parser::parseAttrDict(llvm::SmallVectorImpl<NamedAttribute> &attrs,
                      llvm::ArrayRef<StringRef> reserved) {
  if (!consumeIf(Token::LBrace))
    return success();
  llvm::StringSet<> seen;
  if (consumeIf(Token::RBrace))
    return success();
  do {
    SMLoc loc = tok.getLoc();
    std::string key;
    if (tok.is(Token::BareId))
      key = tok.spelling.str();
    else if (tok.is(Token::String))
      key = Lexer::unescape(tok.spelling);
    else
      return emitError("expected attribute name");
    consume();
    if (!seen.insert(key).second)
      return emitError(loc, "duplicate attribute '" + key + "'");
    if (llvm::is_contained(reserved, key))
      return emitError(loc, "attribute '" + key +
                                "' is given by the op's syntax, not in its "
                                "attribute dictionary");
    if (failed(expect(Token::Equal, "'=' after attribute name")))
      return failure();
    Attribute value = parseAttribute();
    if (!value)
      return failure();
    attrs.push_back({ctx.intern(key), value});
  } while (consumeIf(Token::Comma));
  return expect(Token::RBrace, "'}' to close the attribute dictionary");
}

LogicalResult Parser::parseLocationInner(Location &out) {
  NestingGuard guard(*this);
  if (failed(guard.check()))
    return failure();
  if (consumeKeyword("unknown")) {
    out = getUnknownLoc(ctx);
    return success();
  }
  if (consumeKeyword("fused")) {
    llvm::SmallVector<Location, 4> locs;
    if (failed(expect(Token::LSquare, "'['")))
      return failure();
    do {
      locs.emplace_back();
      if (failed(parseLocationInner(locs.back())))
        return failure();
    } while (consumeIf(Token::Comma));
    if (failed(expect(Token::RSquare, "']'")))
      return failure();
    out = getFusedLoc(ctx, locs);
    return success();
  }
  if (!tok.is(Token::String))
    return emitError("expected location");
  std::string file = Lexer::unescape(tok.spelling);
  consume();
  int64_t line, col;
  if (failed(expect(Token::Colon, "':'")))
    return failure();
  SMLoc lineLoc = tok.getLoc();
  if (failed(parseInt(line)) || failed(expect(Token::Colon, "':'")))
    return failure();
  SMLoc colLoc = tok.getLoc();
  if (failed(parseInt(col)))
    return failure();
  if (line < 0 || line > UINT32_MAX)
    return emitError(lineLoc, "line number out of range");
  if (col < 0 || col > UINT32_MAX)
    return emitError(colLoc, "column number out of range");
  out = getFileLineColLoc(ctx, file, unsigned(line), unsigned(col));
  return success();
}

std::optional<Location> Parser::parseLocation() {
  Location loc;
  if (failed(expect(Token::LParen, "'(' after 'loc'")) ||
      failed(parseLocationInner(loc)) || failed(expect(Token::RParen, "')'")))
    return std::nullopt;
  return loc;
}

LogicalResult Parser::parseTrailingLocation(Operation *op) {
  if (!consumeKeyword("loc"))
    return success();
  std::optional<Location> l = parseLocation();
  if (!l)
    return failure();
  op->setLoc(*l);
  return success();
}

LogicalResult Parser::parseBlobsSection() {
  if (failed(expect(Token::LBrace, "'{' after 'blobs'")))
    return failure();
  llvm::StringSet<> seen;
  if (consumeIf(Token::RBrace))
    return success();
  do {
    SMLoc loc = tok.getLoc();
    if (!tok.is(Token::String))
      return emitError("expected blob name string");
    std::string name = Lexer::unescape(tok.spelling);
    consume();
    if (!seen.insert(name).second)
      return emitError(loc, "duplicate blob '" + name + "'");
    if (failed(expect(Token::Equal, "'='")))
      return failure();
    StringRef s = tok.spelling;
    std::string bytes;
    if (!tok.is(Token::String) || !s.drop_front().consume_front("0x"))
      return emitError("expected hex string \"0x...\"");
    if ((s.size() - 4) / 2 > limits.maxTensorBytes) // "0x..."
      return emitError(loc, "blob '" + name + "' has over " +
                                llvm::Twine(limits.maxTensorBytes) +
                                " bytes (--max-tensor-bytes)");
    if (!llvm::tryGetFromHex(s.drop_front(3).drop_back(), bytes))
      return emitError("expected hex string \"0x...\"");
    consume();
    ctx.getWeightStore().addCopy(name,
                                 llvm::ArrayRef(bytes.data(), bytes.size()));
  } while (consumeIf(Token::Comma));
  return expect(Token::RBrace, "'}' to close 'blobs'");
}

//===----------------------------------------------------------------------===//
// Values
//===----------------------------------------------------------------------===//

Value *Parser::resolve(const UseRef &use, Type type) {
  auto mismatch = [&](Type had) {
    emitError(use.loc, "use of '%" + use.name + "' expects type '" +
                           type.str() + "', but it has type '" + had.str() +
                           "'");
    return nullptr;
  };
  if (Value *v = scope.lookup(use.name))
    return v->getType() == type ? v : mismatch(v->getType());
  auto it = forwardRefs.find(use.name);
  if (it != forwardRefs.end()) {
    Value *v = it->second.placeholder->getResult(0);
    return v->getType() == type ? v : mismatch(v->getType());
  }
  Operation *placeholder =
      Operation::create(ctx, locOf(use.loc), "builtin.forward_ref", {type}, {});
  forwardRefs[use.name] = {placeholder, use.loc};
  return placeholder->getResult(0);
}

LogicalResult Parser::resolveAll(llvm::ArrayRef<UseRef> uses,
                                 llvm::ArrayRef<Type> types,
                                 llvm::SmallVectorImpl<Value *> &out,
                                 SMLoc loc) {
  if (uses.size() != types.size())
    return emitError(loc, llvm::Twine(uses.size()) + " operands but " +
                              llvm::Twine(types.size()) + " operand types");
  for (unsigned i = 0; i < uses.size(); ++i) {
    Value *v = resolve(uses[i], types[i]);
    if (!v)
      return failure();
    out.push_back(v);
  }
  return success();
}

LogicalResult Parser::define(const UseRef &name, Value *v) {
  if (!forwardRefs.empty()) {
    auto it = forwardRefs.find(name.name);
    if (it != forwardRefs.end()) {
      Operation *placeholder = it->second.placeholder;
      Type used = placeholder->getResult(0)->getType();
      if (used != v->getType())
        return emitError(name.loc,
                         "'%" + name.name + "' is defined with type '" +
                             v->getType().str() + "' but was used as '" +
                             used.str() + "'");
      placeholder->getResult(0)->replaceAllUsesWith(v);
      placeholder->destroy();
      forwardRefs.erase(it);
    }
  }
  if (!scope.insert(name.name, v))
    return emitError(name.loc, "redefinition of '%" + name.name + "'");
  if (!llvm::all_of(name.name, llvm::isDigit))
    v->setNameHint(name.name);
  return success();
}

LogicalResult Parser::finishScope() {
  if (!forwardRefs.empty()) {
    // Report the earliest use in the file.
    const ForwardRef *first = nullptr;
    StringRef firstName;
    for (auto &entry : forwardRefs)
      if (!first ||
          entry.second.firstUse.getPointer() < first->firstUse.getPointer()) {
        first = &entry.second;
        firstName = entry.first();
      }
    return emitError(first->firstUse,
                     "use of undefined value '%" + firstName + "'");
  }
  scope.clear();
  return success();
}

void Parser::dropForwardRefs() {
  // Called after the IR that used the placeholders has been destroyed; any
  // use left is in IR that is being abandoned.
  for (auto &entry : forwardRefs) {
    Value *v = entry.second.placeholder->getResult(0);
    while (!v->use_empty())
      v->getUses().begin()->set(nullptr);
    entry.second.placeholder->destroy();
  }
  forwardRefs.clear();
}

//===----------------------------------------------------------------------===//
// Operations
//===----------------------------------------------------------------------===//

Operation *Parser::createOp(Location loc, StringRef name,
                            llvm::ArrayRef<Type> results,
                            llvm::ArrayRef<Value *> operands,
                            llvm::ArrayRef<NamedAttribute> attrs,
                            std::vector<std::unique_ptr<Region>> regions) {
  Operation *op = Operation::create(ctx, loc, name, results, operands, attrs,
                                    regions.size());
  for (unsigned i = 0; i < regions.size(); ++i)
    op->getRegion(i).takeBody(*regions[i]);
  return op;
}

LogicalResult Parser::parseRegion(Region &region,
                                  llvm::ArrayRef<EntryArg> entryArgs) {
  NestingGuard guard(*this);
  if (failed(guard.check()) ||
      failed(expect(Token::LBrace, "'{' to begin a region")))
    return failure();
  Block &entry = region.emplaceBlock();
  for (const EntryArg &arg : entryArgs)
    if (failed(define(arg.name, entry.addArgument(arg.type))))
      return failure();
  if (tok.is(Token::CaretId)) {
    if (!entryArgs.empty())
      return emitError("this region's arguments are given by its op");
    if (failed(parseBlockHeader(entry)))
      return failure();
  }
  while (true) {
    Block &block = region.getBlock(region.getNumBlocks() - 1);
    if (failed(parseBlockBody(block)))
      return failure();
    if (consumeIf(Token::RBrace))
      return success();
    // parseBlockBody stops at '}' or a block header.
    if (failed(parseBlockHeader(region.emplaceBlock())))
      return failure();
  }
}

LogicalResult Parser::parseBlockHeader(Block &block) {
  if (!tok.is(Token::CaretId))
    return emitError("expected block label");
  consume();
  if (consumeIf(Token::LParen) && !consumeIf(Token::RParen)) {
    do {
      UseRef name;
      if (failed(parseUse(name)) || failed(expect(Token::Colon, "':'")))
        return failure();
      Type t = parseType();
      if (!t || failed(define(name, block.addArgument(t))))
        return failure();
    } while (consumeIf(Token::Comma));
    if (failed(expect(Token::RParen, "')'")))
      return failure();
  }
  return expect(Token::Colon, "':' after block label");
}

LogicalResult Parser::parseBlockBody(Block &block) {
  while (!tok.is(Token::RBrace) && !tok.is(Token::CaretId)) {
    if (tok.is(Token::Eof))
      return emitError(tok.getLoc(), "unexpected end of file: missing '}'");
    if (failed(parseOperation(block)))
      return failure();
  }
  return success();
}

LogicalResult Parser::parseOperation(Block &block) {
  SMLoc loc = tok.getLoc();
  llvm::SmallVector<UseRef, 2> resultNames;
  if (tok.is(Token::PercentId)) {
    if (failed(parseUseList(resultNames)) ||
        failed(expect(Token::Equal, "'=' after result names")))
      return failure();
    for (const UseRef &name : resultNames)
      scope.prefetch(name.name);
  }
  SMLoc nameLoc = tok.getLoc();
  Operation *op = nullptr;
  if (tok.is(Token::String))
    op = parseGenericOp(locOf(loc));
  else if (tok.is(Token::BareId))
    op = parseCustomOp(locOf(loc), resultNames);
  else
    emitError("expected operation name");
  if (!op)
    return failure();
  // Once in the block, the op is destroyed with it on any later error.
  block.push_back(op);
  if (op->getNumResults() != resultNames.size())
    return emitError(nameLoc,
                     "'" + op->getName() + "' has " +
                         llvm::Twine(op->getNumResults()) + " results but " +
                         llvm::Twine(resultNames.size()) + " names were given");
  if (failed(parseTrailingLocation(op)))
    return failure();
  for (unsigned i = 0; i < resultNames.size(); ++i)
    if (failed(define(resultNames[i], op->getResult(i))))
      return failure();
  return success();
}

Operation *Parser::parseGenericOp(Location loc) {
  std::string name = Lexer::unescape(tok.spelling);
  SMLoc nameLoc = tok.getLoc();
  consume();
  if (!ctx.lookupOp(name) && !ctx.allowsUnregisteredOps()) {
    emitError(nameLoc, "unknown operation '" + name + "'");
    return nullptr;
  }
  llvm::SmallVector<UseRef, 4> uses;
  llvm::SmallVector<NamedAttribute, 4> attrs;
  PendingRegions regions;
  if (failed(expect(Token::LParen, "'('")) || failed(parseUseList(uses)) ||
      failed(expect(Token::RParen, "')'")) || failed(parseAttrDict(attrs)))
    return nullptr;
  if (consumeIf(Token::LParen)) {
    do {
      regions.push_back(std::make_unique<Region>(nullptr));
      if (failed(parseRegion(*regions.back())))
        return nullptr;
    } while (consumeIf(Token::Comma));
    if (failed(expect(Token::RParen, "')' after regions")))
      return nullptr;
  }
  if (failed(expect(Token::Colon, "':' and the operation's type")))
    return nullptr;
  SMLoc typeLoc = tok.getLoc();
  Type fnType = parseFunctionType();
  llvm::SmallVector<Value *, 4> operands;
  if (!fnType ||
      failed(resolveAll(uses, fnType.getInputs(), operands, typeLoc)))
    return nullptr;
  return createOp(loc, name, fnType.getResults(), operands, attrs,
                  std::move(regions));
}

Operation *Parser::parseTerminatorOp(Location loc, StringRef name) {
  llvm::SmallVector<UseRef, 4> uses;
  llvm::SmallVector<Type, 4> types;
  llvm::SmallVector<Value *, 4> operands;
  if (failed(parseUseList(uses)))
    return nullptr;
  if (!uses.empty()) {
    if (failed(expect(Token::Colon, "':' and operand types")))
      return nullptr;
    SMLoc typeLoc = tok.getLoc();
    do {
      Type t = parseType();
      if (!t)
        return nullptr;
      types.push_back(t);
    } while (consumeIf(Token::Comma));
    if (failed(resolveAll(uses, types, operands, typeLoc)))
      return nullptr;
  }
  return createOp(loc, name, {}, operands, {});
}

Operation *Parser::parseIfOp(Location loc) {
  UseRef cond;
  llvm::SmallVector<Type, 2> results;
  if (failed(parseUse(cond)))
    return nullptr;
  if (consumeIf(Token::Arrow) && failed(parseResultTypes(results)))
    return nullptr;
  PendingRegions regions;
  regions.push_back(std::make_unique<Region>(nullptr));
  regions.push_back(std::make_unique<Region>(nullptr));
  if (failed(parseRegion(*regions[0])) || failed(expectKeyword("else")) ||
      failed(parseRegion(*regions[1])))
    return nullptr;
  // Operands are resolved after the regions: a region may define a name
  // used here, which would replace (and free) a forward reference made
  // before it. The verifier then reports the use as not dominated.
  Value *c = resolve(cond, getBoolType(ctx));
  if (!c)
    return nullptr;
  return createOp(loc, "prim.if", results, {c}, {}, std::move(regions));
}

Operation *Parser::parseLoopOp(Location loc) {
  UseRef trip, cond;
  if (failed(parseUse(trip)) || failed(expect(Token::Comma, "','")) ||
      failed(parseUse(cond)) || failed(expectKeyword("iter")) ||
      failed(expect(Token::LParen, "'(' after 'iter'")))
    return nullptr;
  llvm::SmallVector<EntryArg, 4> args(1);
  llvm::SmallVector<UseRef, 4> inits;
  if (failed(parseUse(args[0].name)))
    return nullptr;
  args[0].type = getIntType(ctx);
  while (consumeIf(Token::Comma)) {
    args.emplace_back();
    inits.emplace_back();
    if (failed(parseUse(args.back().name)) ||
        failed(expect(Token::Equal, "'=' and an initial value")) ||
        failed(parseUse(inits.back())))
      return nullptr;
  }
  if (failed(expect(Token::RParen, "')'")))
    return nullptr;
  llvm::SmallVector<Type, 4> results;
  SMLoc typeLoc = tok.getLoc();
  if (consumeIf(Token::Arrow) && failed(parseResultTypes(results)))
    return nullptr;
  if (results.size() != inits.size()) {
    emitError(typeLoc, llvm::Twine(inits.size()) + " carried values but " +
                           llvm::Twine(results.size()) + " result types");
    return nullptr;
  }
  for (unsigned i = 0; i < results.size(); ++i)
    args[i + 1].type = results[i];
  PendingRegions regions;
  regions.push_back(std::make_unique<Region>(nullptr));
  if (failed(parseRegion(*regions[0], args)))
    return nullptr;
  // After the region, as for prim.if.
  llvm::SmallVector<Value *, 4> operands;
  llvm::SmallVector<Type, 4> operandTypes{getIntType(ctx), getBoolType(ctx)};
  operandTypes.append(results.begin(), results.end());
  // An initial value may be more precise than the carried type (as
  // infer-shapes leaves a loop whose body generalises it); the verifier
  // checks that it refines it.
  for (unsigned i = 0; i < inits.size(); ++i)
    if (Value *v = scope.lookup(inits[i].name))
      operandTypes[i + 2] = v->getType();
  llvm::SmallVector<UseRef, 4> uses{trip, cond};
  uses.append(inits.begin(), inits.end());
  if (failed(resolveAll(uses, operandTypes, operands, typeLoc)))
    return nullptr;
  return createOp(loc, "prim.loop", results, operands, {}, std::move(regions));
}

Operation *Parser::parseCustomOp(Location loc,
                                 llvm::ArrayRef<UseRef> resultNames) {
  StringRef name = tok.spelling;
  SMLoc nameLoc = tok.getLoc();
  consume();
  if (name == "constant") {
    Attribute value = parseAttribute();
    if (!value)
      return nullptr;
    Type type = value.isElements() ? value.getElementsType() : Type();
    if (!type) {
      if (failed(expect(Token::Colon, "':' and the constant's type")))
        return nullptr;
      if (!(type = parseType()))
        return nullptr;
    }
    return createOp(loc, name, {type}, {}, {{ctx.intern("value"), value}});
  }
  if (name == "return" || name == "prim.yield")
    return parseTerminatorOp(loc, name);
  if (name == "prim.if")
    return parseIfOp(loc);
  if (name == "prim.loop")
    return parseLoopOp(loc);
  if (name == "func" || name == "const") {
    emitError(nameLoc, "'" + name + "' is only allowed at the top level");
    return nullptr;
  }
  Attribute callee;
  if (name == "call") {
    if (!tok.is(Token::AtId)) {
      emitError("expected callee symbol");
      return nullptr;
    }
    callee = parseAttribute();
  } else if (!ctx.lookupOp(name) && !ctx.allowsUnregisteredOps()) {
    emitError(nameLoc, "unknown operation '" + name + "'");
    return nullptr;
  }
  llvm::SmallVector<UseRef, 4> uses;
  llvm::SmallVector<NamedAttribute, 4> attrs;
  StringRef calleeKey[] = {"callee"};
  if (failed(expect(Token::LParen, "'(' and operands")) ||
      failed(parseUseList(uses)) || failed(expect(Token::RParen, "')'")) ||
      failed(parseAttrDict(attrs, callee ? llvm::ArrayRef(calleeKey)
                                         : llvm::ArrayRef<StringRef>())) ||
      failed(expect(Token::Colon, "':' and the operation's type")))
    return nullptr;
  if (callee)
    attrs.push_back({ctx.intern("callee"), callee});
  SMLoc typeLoc = tok.getLoc();
  Type fnType = parseFunctionType();
  llvm::SmallVector<Value *, 4> operands;
  if (!fnType ||
      failed(resolveAll(uses, fnType.getInputs(), operands, typeLoc)))
    return nullptr;
  const OpInfo *info = ctx.lookupOp(name);
  if (info && info->numRegions) {
    emitError(nameLoc, "'" + name + "' has regions: use the generic form");
    return nullptr;
  }
  return createOp(loc, name, fnType.getResults(), operands, attrs);
}

//===----------------------------------------------------------------------===//
// Top level
//===----------------------------------------------------------------------===//

LogicalResult Parser::parseFunc(Block &body) {
  SMLoc loc = tok.getLoc();
  consume(); // func
  bool isPrivate = consumeKeyword("private");
  if (!tok.is(Token::AtId))
    return emitError("expected function name '@name'");
  Attribute nameAttr = parseAttribute();
  llvm::SmallVector<EntryArg, 4> args;
  if (failed(expect(Token::LParen, "'(' and arguments")))
    return failure();
  if (!consumeIf(Token::RParen)) {
    do {
      args.emplace_back();
      if (failed(parseUse(args.back().name)) ||
          failed(expect(Token::Colon, "':' and the argument type")))
        return failure();
      if (!(args.back().type = parseType()))
        return failure();
    } while (consumeIf(Token::Comma));
    if (failed(expect(Token::RParen, "')'")))
      return failure();
  }
  llvm::SmallVector<Type, 2> results;
  if (consumeIf(Token::Arrow) && failed(parseResultTypes(results)))
    return failure();
  llvm::SmallVector<NamedAttribute, 4> attrs;
  if (consumeKeyword("attributes")) {
    if (!tok.is(Token::LBrace))
      return emitError("expected '{' after 'attributes'");
    if (failed(parseAttrDict(attrs,
                             {"sym_name", "function_type", "sym_visibility"})))
      return failure();
  }
  llvm::SmallVector<Type, 4> inputs;
  for (const EntryArg &a : args)
    inputs.push_back(a.type);
  attrs.push_back({ctx.intern("function_type"),
                   getTypeAttr(getFunctionType(ctx, inputs, results))});
  attrs.push_back(
      {ctx.intern("sym_name"), getStringAttr(ctx, nameAttr.getString())});
  Operation *op = Operation::create(ctx, locOf(loc), OpId::Func, {}, {}, attrs);
  body.push_back(op);
  FuncOp func(op);
  func.setPrivate(isPrivate);
  if (failed(parseRegion(func.getBody(), args)) ||
      failed(parseTrailingLocation(op)))
    return failure();
  return finishScope();
}

LogicalResult Parser::parseModuleConst(Block &body) {
  SMLoc loc = tok.getLoc();
  consume(); // const
  if (!tok.is(Token::AtId))
    return emitError("expected constant name '@name'");
  Attribute name = parseAttribute();
  if (failed(expect(Token::Equal, "'='")))
    return failure();
  Attribute value = parseAttribute();
  if (!value)
    return failure();
  Type type = value.isElements() ? value.getElementsType() : Type();
  if (!type && (failed(expect(Token::Colon, "':' and the constant's type")) ||
                !(type = parseType())))
    return failure();
  llvm::SmallVector<NamedAttribute, 4> attrs{
      {ctx.intern("sym_name"), getStringAttr(ctx, name.getString())},
      {ctx.intern("type"), getTypeAttr(type)},
      {ctx.intern("value"), value}};
  if (consumeKeyword("attributes")) {
    if (!tok.is(Token::LBrace))
      return emitError("expected '{' after 'attributes'");
    if (failed(parseAttrDict(attrs, {"sym_name", "type", "value"})))
      return failure();
  }
  Operation *op =
      Operation::create(ctx, locOf(loc), OpId::ModuleConst, {}, {}, attrs);
  body.push_back(op);
  return parseTrailingLocation(op);
}

LogicalResult Parser::parseTopLevelItem(Block &body) {
  if (tok.isKeyword("func"))
    return parseFunc(body);
  if (tok.isKeyword("const"))
    return parseModuleConst(body);
  if (tok.is(Token::String)) {
    if (failed(parseOperation(body)))
      return failure();
    return finishScope();
  }
  return emitError("expected 'func', 'const' or 'blobs' at the top level");
}

std::optional<Module> Parser::parseModule() {
  std::optional<Module> module(std::in_place, ctx, locOf(tok.getLoc()));
  Block &body = module->getBody();
  bool ok = true;
  while (ok && !tok.is(Token::Eof)) {
    if (consumeKeyword("blobs")) {
      ok = succeeded(parseBlobsSection());
      if (ok && !tok.is(Token::Eof)) {
        emitError("'blobs' must be the last section of the file");
        ok = false;
      }
      continue;
    }
    ok = succeeded(parseTopLevelItem(body));
  }
  if (!ok) {
    module.reset(); // destroy the IR before the placeholders it uses
    dropForwardRefs();
    return std::nullopt;
  }
  if (failed(verify(module->getOperation())))
    return std::nullopt;
  return module;
}

std::optional<Module> irc::parseSourceFile(llvm::SourceMgr &mgr, Context &ctx) {
  Parser parser(mgr, ctx);
  return parser.parseModule();
}

std::optional<Module> irc::parseSourceString(StringRef text, Context &ctx) {
  llvm::SourceMgr mgr;
  mgr.AddNewSourceBuffer(llvm::MemoryBuffer::getMemBufferCopy(text, "<string>"),
                         llvm::SMLoc());
  return parseSourceFile(mgr, ctx);
}

Type irc::parseType(StringRef text, Context &ctx) {
  llvm::SourceMgr mgr;
  mgr.AddNewSourceBuffer(llvm::MemoryBuffer::getMemBufferCopy(text, "<type>"),
                         llvm::SMLoc());
  return Parser(mgr, ctx).parseStandaloneType();
}
