//===- Registry.cpp - The op registry built from the op tables ------------===//
#include "ir/Attributes.h"
#include "ir/ops/OpHooks.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/ErrorHandling.h"
#include "llvm/Support/raw_ostream.h"
#include <cerrno>
#include <cstdlib>

using namespace irc;
using llvm::StringRef;

llvm::StringRef OpInfo::getNamespace() const {
  size_t dot = name.find('.');
  return dot == StringRef::npos ? StringRef() : name.take_front(dot);
}

static std::vector<OpInfo> buildRegistry() {
  std::vector<OpInfo> ops = {
#define IRC_OP(Id, Name, SchemaText, Regions, Traits, Verify, Infer, Fold)     \
  OpInfo{OpId::Id, Name,  SchemaText, Regions, Traits,                         \
         Verify,   Infer, Fold,       Schema()},
#include "ir/ops/Ops.def"
  };
  for (OpInfo &info : ops) {
    if (info.schemaText.empty())
      continue;
    std::string err = parseSchema(info.schemaText, info.schema);
    if (!err.empty())
      llvm::report_fatal_error(llvm::Twine("bad schema for '") + info.name +
                               "': " + err);
  }
  return ops;
}

llvm::ArrayRef<OpInfo> irc::getRegisteredOps() {
  static const std::vector<OpInfo> ops = buildRegistry();
  return ops;
}

//===----------------------------------------------------------------------===//
// Schema parsing. The syntax is PyTorch's FunctionSchema without the name:
//
//   schema  ::= `(` (param (`,` param)*)? `)` `->` results
//   param   ::= `*` | `...` | type `...`? name (`=` default)?
//   type    ::= base alias? (`[` int? `]` alias? | `?` alias?)*
//   base    ::= `Tensor` | `int` | ... | class-name | type-variable
//             | `Dict(` type `,` type `)` | `(` (type (`,` type)*)? `)`
//   alias   ::= `(` annotation `)`             e.g. (a), (a!), (a -> *)
//   results ::= `(` (type name? (`,` type name?)*)? `)` | type name?
//   default ::= `None` | `True` | `False` | number | string | `[` ... `]`
//
// A single result whose type starts with `(` (a tuple) is parenthesized, as
// PyTorch prints it: `-> ((str, t)[])` is one list of tuples.
//===----------------------------------------------------------------------===//

namespace {
class SchemaParser {
public:
  explicit SchemaParser(StringRef text) : text(text) {}

  std::string parse(Schema &out) {
    if (!consume("("))
      return "expected '('";
    bool keywordOnly = false;
    if (!consume(")")) {
      do {
        if (out.variadic)
          return "'...' must be on the last parameter";
        if (consume("*")) {
          if (keywordOnly)
            return "more than one '*'";
          keywordOnly = true;
          if (peek(")"))
            return "'*' must be followed by a parameter";
          continue;
        }
        SchemaParam p;
        p.keywordOnly = keywordOnly;
        if (consume("...")) {
          // PyTorch's bare varargs: any number of operands of any type.
          out.variadic = true;
          p.type.kind = SchemaType::Kind::Any;
          out.params.push_back(std::move(p));
          continue;
        }
        if (std::string err = parseType(p.type); !err.empty())
          return err;
        if (consume("..."))
          out.variadic = true;
        p.name = takeIdentifier().str();
        if (p.name.empty())
          return "missing parameter name near '" + rest() + "'";
        if (consume("=")) {
          if (out.variadic)
            return "a variadic parameter cannot have a default";
          if (std::string err = parseDefault(p); !err.empty())
            return err;
        }
        out.params.push_back(std::move(p));
      } while (consume(","));
      if (!consume(")"))
        return "expected ')' near '" + rest() + "'";
    }
    if (!consume("->"))
      return "expected '->'";
    if (peek("..."))
      return "variadic results are not supported";
    bool paren = consume("(");
    if (!(paren && consume(")"))) {
      do {
        SchemaType t;
        if (std::string err = parseType(t); !err.empty())
          return err;
        out.results.push_back(std::move(t));
        out.resultNames.push_back(takeIdentifier().str());
      } while (paren && consume(","));
      if (paren && !consume(")"))
        return "expected ')' after results";
    }
    skipSpace();
    return text.empty() ? "" : "unexpected '" + rest() + "'";
  }

private:
  std::string rest() const { return text.str(); }
  void skipSpace() { text = text.ltrim(); }
  bool peek(StringRef tok) {
    skipSpace();
    return text.startswith(tok);
  }
  bool consume(StringRef tok) {
    if (!peek(tok))
      return false;
    text = text.drop_front(tok.size());
    return true;
  }
  StringRef takeIdentifier() {
    skipSpace();
    size_t n = 0;
    while (n < text.size() && (llvm::isAlnum(text[n]) || text[n] == '_'))
      ++n;
    if (n && llvm::isDigit(text[0]))
      return {};
    StringRef id = text.take_front(n);
    text = text.drop_front(n);
    return id;
  }
  /// A dotted name such as `__torch__.torch.classes.xnnpack.Conv2dOpContext`.
  StringRef takeDottedName() {
    StringRef start = text.ltrim();
    StringRef id = takeIdentifier();
    while (!id.empty() && text.startswith(".") && !text.startswith("...")) {
      text = text.drop_front();
      id = takeIdentifier();
    }
    return start.take_front(start.size() - text.size());
  }

  std::string parseType(SchemaType &t) {
    using K = SchemaType::Kind;
    if (std::string err = parseBaseType(t); !err.empty())
      return err;
    if (std::string err = parseAlias(t); !err.empty())
      return err;
    while (true) {
      if (consume("[")) {
        unsigned size = 0;
        skipSpace();
        if (!text.empty() && llvm::isDigit(text[0])) {
          size_t n = 0;
          while (n < text.size() && llvm::isDigit(text[n]))
            ++n;
          if (text.take_front(n).getAsInteger(10, size) || size == 0)
            return "bad list size near '" + rest() + "'";
          text = text.drop_front(n);
        }
        if (!consume("]"))
          return "expected ']' near '" + rest() + "'";
        wrap(t, K::List);
        t.fixedSize = size;
      } else if (consume("?")) {
        if (t.kind == K::Optional)
          return "a type cannot be optional twice";
        wrap(t, K::Optional);
      } else {
        return "";
      }
      if (std::string err = parseAlias(t); !err.empty())
        return err;
    }
  }
  /// A type variable: a lowercase letter, optionally followed by a digit
  /// (`t`, `t1`), or `t` and a capitalized word (`tVal`).
  static bool isTypeVariable(StringRef name) {
    if (name.empty() || name[0] < 'a' || name[0] > 'z')
      return false;
    if (name.size() == 1 || (name.size() == 2 && llvm::isDigit(name[1])))
      return true;
    return name[0] == 't' && name[1] >= 'A' && name[1] <= 'Z' &&
           llvm::all_of(name, [](char c) { return llvm::isAlnum(c); });
  }
  /// The type before any alias annotation, `[]` or `?`.
  std::string parseBaseType(SchemaType &t) {
    using K = SchemaType::Kind;
    if (consume("(")) {
      // A tuple: `(str, t)`.
      t.kind = K::Tuple;
      if (consume(")"))
        return "";
      do {
        SchemaType member;
        if (std::string err = parseType(member); !err.empty())
          return err;
        t.members.push_back(std::move(member));
      } while (consume(","));
      return consume(")")
                 ? ""
                 : "expected ')' after tuple members near '" + rest() + "'";
    }
    if (consume("!")) {
      // An opaque type: `!xnn.conv2d_params`.
      t.kind = K::Opaque;
      t.spelling = takeDottedName().str();
      return t.spelling.empty() || StringRef(t.spelling).endswith(".")
                 ? "expected an opaque type name near '" + rest() + "'"
                 : "";
    }
    StringRef base = takeDottedName();
    if (base.empty())
      return "expected a type near '" + rest() + "'";
    if (base == "Dict" && text.startswith("(")) {
      // `Dict(K, V)`; the parenthesis follows without a space, as an alias
      // annotation would.
      consume("(");
      t.kind = K::Dict;
      t.key = std::make_shared<SchemaType>();
      t.element = std::make_shared<SchemaType>();
      if (std::string err = parseType(*t.key); !err.empty())
        return err;
      if (!consume(","))
        return "expected ',' after the dict key type near '" + rest() + "'";
      if (std::string err = parseType(*t.element); !err.empty())
        return err;
      return consume(")") ? ""
                          : "expected ')' after the dict value type near '" +
                                rest() + "'";
    }
    if (base == "Tensor")
      t.kind = K::Tensor;
    else if (base == "int")
      t.kind = K::Int;
    else if (base == "SymInt" || base == "ScalarType" || base == "Layout" ||
             base == "MemoryFormat") {
      t.kind = K::Int;
      t.spelling = base.str();
    } else if (base == "float")
      t.kind = K::Float;
    else if (base == "bool")
      t.kind = K::Bool;
    else if (base == "str")
      t.kind = K::Str;
    else if (base == "Device")
      t.kind = K::Device;
    else if (base == "Scalar")
      t.kind = K::Scalar;
    else if (base == "Any")
      t.kind = K::Any;
    else if (base.startswith("__torch__.") && !base.endswith(".")) {
      t.kind = K::Any; // a TorchBind class: no IR type to check against
      t.spelling = base.str();
    } else if (isTypeVariable(base)) {
      t.kind = K::Var;
      t.var = base.str();
    } else
      return "unsupported type '" + base.str() + "'";
    return "";
  }
  /// An alias annotation right after a type, as in `Tensor(a!)`: kept as
  /// text, since only whether it writes (`!`) matters here.
  std::string parseAlias(SchemaType &t) {
    if (!text.startswith("("))
      return "";
    size_t close = text.find(')');
    if (close == StringRef::npos)
      return "unterminated alias annotation near '" + rest() + "'";
    StringRef alias = text.slice(1, close).trim();
    if (alias.empty() || alias.find('(') != StringRef::npos ||
        !llvm::all_of(alias, [](char c) {
          return llvm::isAlnum(c) || llvm::isSpace(c) ||
                 StringRef("!*|->").contains(c);
        }))
      return "bad alias annotation near '" + rest() + "'";
    t.alias = alias.str();
    text = text.drop_front(close + 1);
    return "";
  }

  std::string parseDefault(SchemaParam &p) {
    skipSpace();
    StringRef start = text;
    SchemaValue v;
    if (std::string err = parseValue(v); !err.empty())
      return "bad default for '" + p.name + "': " + err;
    p.defaultText = start.take_front(start.size() - text.size()).rtrim().str();
    if (std::string err = typeDefault(p.type, v, p.defaultValue); !err.empty())
      return "bad default for '" + p.name + "': " + err;
    return "";
  }
  std::string parseValue(SchemaValue &v) {
    using K = SchemaValue::Kind;
    skipSpace();
    if (consume("[")) {
      v.kind = K::List;
      if (consume("]"))
        return "";
      do {
        SchemaValue e;
        if (std::string err = parseValue(e); !err.empty())
          return err;
        if (e.kind == K::List || e.kind == K::None)
          return "list elements must be scalars";
        v.elements.push_back(std::move(e));
      } while (consume(","));
      return consume("]") ? "" : "expected ']' near '" + rest() + "'";
    }
    if (text.startswith("\"") || text.startswith("'"))
      return parseString(v);
    // A word or a number, up to the next delimiter.
    size_t n = text.find_first_of(",)] ");
    StringRef word = text.take_front(n);
    text = text.drop_front(word.size());
    if (word == "None") {
      v.kind = K::None;
    } else if (word == "True" || word == "False") {
      v.kind = K::Bool;
      v.boolValue = word == "True";
    } else if (!word.getAsInteger(10, v.intValue)) {
      v.kind = K::Int;
    } else {
      std::string s = word.str();
      char *end = nullptr;
      errno = 0;
      v.floatValue = std::strtod(s.c_str(), &end);
      bool isNumber = !s.empty() && end == s.c_str() + s.size() && errno == 0 &&
                      (llvm::isDigit(s[0]) || s[0] == '-' || s[0] == '.' ||
                       s == "inf" || s == "nan");
      if (!isNumber)
        return "unsupported value '" + s + "'";
      v.kind = K::Float;
    }
    return "";
  }
  std::string parseString(SchemaValue &v) {
    char quote = text[0];
    std::string s;
    size_t i = 1;
    for (; i < text.size() && text[i] != quote; ++i) {
      if (text[i] == '\\' && i + 1 < text.size())
        ++i;
      s += text[i];
    }
    if (i == text.size())
      return "unterminated string";
    text = text.drop_front(i + 1);
    v.kind = SchemaValue::Kind::Str;
    v.strValue = std::move(s);
    return "";
  }
  /// Checks a default against its type and converts it: ints given for
  /// floats become floats, and a scalar given for a fixed-size list is
  /// repeated to that size.
  static std::string typeDefault(const SchemaType &t, const SchemaValue &v,
                                 SchemaValue &out) {
    using K = SchemaType::Kind;
    using V = SchemaValue::Kind;
    out = v;
    if (v.kind == V::None)
      return t.kind == K::Optional ? "" : "None for a non-optional type";
    const SchemaType &type = t.kind == K::Optional ? *t.element : t;
    switch (type.kind) {
    case K::Int:
      return v.kind == V::Int ? "" : "expected an int";
    case K::Float:
      if (v.kind == V::Int) {
        out.kind = V::Float;
        out.floatValue = double(v.intValue);
      }
      return out.kind == V::Float ? "" : "expected a float";
    case K::Bool:
      return v.kind == V::Bool ? "" : "expected True or False";
    case K::Str:
    case K::Device:
      return v.kind == V::Str ? "" : "expected a string";
    case K::Scalar:
      return v.kind == V::Str || v.kind == V::List ? "expected a number" : "";
    case K::List: {
      if (v.kind != V::List) {
        if (type.fixedSize == 0)
          return "expected a list";
        // `int[2] stride=1` means [1, 1].
        out.kind = V::List;
        out.elements.clear();
        SchemaValue element;
        if (std::string err = typeDefault(*type.element, v, element);
            !err.empty())
          return err;
        out.elements.assign(type.fixedSize, element);
        return "";
      }
      if (type.fixedSize && !v.elements.empty() &&
          v.elements.size() != type.fixedSize)
        return "expected " + std::to_string(type.fixedSize) + " elements";
      for (unsigned i = 0; i < v.elements.size(); ++i)
        if (std::string err =
                typeDefault(*type.element, v.elements[i], out.elements[i]);
            !err.empty())
          return err;
      return "";
    }
    case K::Tensor:
    case K::Optional:
    case K::Dict:
    case K::Tuple:
    case K::Opaque:
      return "only None is allowed";
    case K::Any:
    case K::Var:
      return "";
    }
    return "";
  }

  static void wrap(SchemaType &t, SchemaType::Kind kind) {
    auto inner = std::make_shared<SchemaType>(std::move(t));
    t = SchemaType();
    t.kind = kind;
    t.element = std::move(inner);
  }

  StringRef text;
};
} // namespace

std::string irc::parseSchema(StringRef text, Schema &out) {
  out = Schema();
  std::string err = SchemaParser(text).parse(out);
  if (!err.empty())
    out = Schema();
  return err;
}

//===----------------------------------------------------------------------===//
// Schema accessors and printing.
//===----------------------------------------------------------------------===//

bool SchemaType::isWritten() const { return StringRef(alias).contains('!'); }

void SchemaType::print(llvm::raw_ostream &os, bool withAlias) const {
  switch (kind) {
  case Kind::Tensor:
    os << "Tensor";
    break;
  case Kind::Int:
    os << (spelling.empty() ? "int" : spelling);
    break;
  case Kind::Float:
    os << "float";
    break;
  case Kind::Bool:
    os << "bool";
    break;
  case Kind::Str:
    os << "str";
    break;
  case Kind::Device:
    os << "Device";
    break;
  case Kind::Scalar:
    os << "Scalar";
    break;
  case Kind::Any:
    os << (spelling.empty() ? "Any" : spelling);
    break;
  case Kind::Opaque:
    os << '!' << spelling;
    break;
  case Kind::Var:
    os << var;
    break;
  case Kind::List:
    element->print(os, withAlias);
    os << '[';
    if (fixedSize)
      os << fixedSize;
    os << ']';
    break;
  case Kind::Optional:
    element->print(os, withAlias);
    os << '?';
    break;
  case Kind::Dict:
    os << "Dict(";
    key->print(os, withAlias);
    os << ", ";
    element->print(os, withAlias);
    os << ')';
    break;
  case Kind::Tuple:
    os << '(';
    for (unsigned i = 0; i < members.size(); ++i) {
      if (i)
        os << ", ";
      members[i].print(os, withAlias);
    }
    os << ')';
    break;
  }
  if (withAlias && !alias.empty())
    os << '(' << alias << ')';
}

/// matchSchemaType; `inContainer` is true inside a list or dict type.
static bool matchType(const SchemaType &st, Type t, SchemaBindings &vars,
                      const SchemaBindings *elements, bool inContainer) {
  using K = SchemaType::Kind;
  size_t numBound = vars.size();
  auto fail = [&] {
    vars.resize(numBound);
    return false;
  };
  auto match = [&](const SchemaType &nested, Type nt, bool container) {
    return matchType(nested, nt, vars, elements, inContainer || container);
  };
  switch (st.kind) {
  case K::Tensor:
    return t.isTensor();
  case K::Int:
    return t.isInt();
  case K::Float:
    return t.isFloat();
  case K::Bool:
    return t.isBool();
  case K::Str:
    return t.getKind() == Type::Kind::Str;
  case K::Device:
    return t.getKind() == Type::Kind::Device;
  case K::Scalar:
    return t.isInt() || t.isFloat() || t.isBool();
  case K::Any:
    return true;
  case K::Opaque:
    return t.getKind() == Type::Kind::Opaque && t.getName() == st.spelling;
  case K::Var:
    // A value may be more precise than the element type of a list or dict
    // the same op takes or gives (a `tensor<2xf32>` appended to a
    // `list<tensor>`); it then binds nothing.
    if (!inContainer && elements)
      for (const auto &[name, bound] : *elements)
        if (name == st.var && t != bound && isRefinementOf(t, bound))
          return true;
    for (const auto &[name, bound] : vars)
      if (name == st.var)
        return bound == t;
    vars.push_back({st.var, t});
    return true;
  case K::List:
    return (t.isList() && match(*st.element, t.getElementType(), true)) ||
           fail();
  case K::Optional:
    if (t.isNone())
      return true;
    if (t.getKind() == Type::Kind::Optional)
      return match(*st.element, t.getElementType(), false) || fail();
    return match(*st.element, t, false) || fail();
  case K::Dict:
    return (t.isDict() && match(*st.key, t.getDictKeyType(), true) &&
            match(*st.element, t.getDictValueType(), true)) ||
           fail();
  case K::Tuple:
    if (!t.isTuple() || t.getTupleTypes().size() != st.members.size())
      return false;
    for (unsigned i = 0; i < st.members.size(); ++i)
      if (!match(st.members[i], t.getTupleTypes()[i], false))
        return fail();
    return true;
  }
  return false;
}

bool irc::matchSchemaType(const SchemaType &st, Type t, SchemaBindings &vars,
                          const SchemaBindings *elementBindings) {
  return matchType(st, t, vars, elementBindings, false);
}

void irc::collectElementBindings(const SchemaType &st, Type t,
                                 SchemaBindings &out, bool inContainer) {
  using K = SchemaType::Kind;
  if (!t)
    return;
  switch (st.kind) {
  case K::Var:
    if (inContainer &&
        llvm::none_of(out, [&](const auto &b) { return b.first == st.var; }))
      out.push_back({st.var, t});
    return;
  case K::List:
    if (t.isList())
      collectElementBindings(*st.element, t.getElementType(), out, true);
    return;
  case K::Optional:
    if (t.getKind() == Type::Kind::Optional)
      collectElementBindings(*st.element, t.getElementType(), out, inContainer);
    else if (!t.isNone())
      collectElementBindings(*st.element, t, out, inContainer);
    return;
  case K::Dict:
    if (t.isDict()) {
      collectElementBindings(*st.key, t.getDictKeyType(), out, true);
      collectElementBindings(*st.element, t.getDictValueType(), out, true);
    }
    return;
  case K::Tuple:
    if (t.isTuple() && t.getTupleTypes().size() == st.members.size())
      for (unsigned i = 0; i < st.members.size(); ++i)
        collectElementBindings(st.members[i], t.getTupleTypes()[i], out,
                               inContainer);
    return;
  default:
    return;
  }
}

std::string SchemaType::str() const {
  std::string s;
  llvm::raw_string_ostream os(s);
  print(os);
  return s;
}

Attribute SchemaValue::toAttribute(Context &ctx) const {
  switch (kind) {
  case Kind::None:
    return getNoneAttr(ctx);
  case Kind::Int:
    return getIntAttr(ctx, intValue);
  case Kind::Float:
    return getFloatAttr(ctx, floatValue);
  case Kind::Bool:
    return getBoolAttr(ctx, boolValue);
  case Kind::Str:
    return getStringAttr(ctx, strValue);
  case Kind::List: {
    llvm::SmallVector<Attribute, 4> attrs;
    for (const SchemaValue &e : elements)
      attrs.push_back(e.toAttribute(ctx));
    return getListAttr(ctx, attrs);
  }
  }
  return Attribute();
}

Attribute SchemaParam::getDefault(Context &ctx) const {
  return hasDefault() ? defaultValue.toAttribute(ctx) : Attribute();
}

int Schema::lookupParam(StringRef name) const {
  for (unsigned i = 0; i < params.size(); ++i)
    if (!params[i].name.empty() && params[i].name == name)
      return int(i);
  return -1;
}

unsigned Schema::getNumPositional() const {
  unsigned n = 0;
  while (n < params.size() && !params[n].keywordOnly)
    ++n;
  return n;
}

void Schema::print(llvm::raw_ostream &os) const {
  os << '(';
  bool keywordOnly = false;
  for (unsigned i = 0; i < params.size(); ++i) {
    const SchemaParam &p = params[i];
    if (i)
      os << ", ";
    if (p.keywordOnly && !keywordOnly) {
      os << "*, ";
      keywordOnly = true;
    }
    if (variadic && i + 1 == params.size() && p.name.empty()) {
      os << "...";
      continue;
    }
    p.type.print(os);
    if (variadic && i + 1 == params.size())
      os << "...";
    os << ' ' << p.name;
    if (p.hasDefault())
      os << '=' << p.defaultText;
  }
  os << ") -> ";
  // As PyTorch: one result is parenthesized when its type starts with `(`,
  // or it would read as a list of results (`-> ((str, t)[])`).
  bool paren = results.size() != 1 || results.front().str().front() == '(';
  if (paren)
    os << '(';
  for (unsigned i = 0; i < results.size(); ++i) {
    if (i)
      os << ", ";
    results[i].print(os);
    if (i < resultNames.size() && !resultNames[i].empty())
      os << ' ' << resultNames[i];
  }
  if (paren)
    os << ')';
}

std::string Schema::str() const {
  std::string s;
  llvm::raw_string_ostream os(s);
  print(os);
  return s;
}
