//===- AsmPrinter.cpp - The IR text form ----------------------------------===//
//
// Prints modules so that parsing the output and printing again gives the same
// bytes: values keep their name hints when unique (else `hint_N`), others
// are numbered in order; attributes print sorted; blobs print last.
// The grammar is in docs/LangRef.md.
//
//===----------------------------------------------------------------------===//
#include "ir/AsmPrinter.h"
#include "ir/Module.h"
#include "ir/detail/AttrPrinting.h"
#include "ir/detail/StringTable.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/StringSaver.h"

using namespace irc;
using llvm::StringRef;

namespace {
class Printer {
public:
  Printer(Context &ctx, llvm::raw_ostream &os, const PrintOptions &opts)
      : ctx(ctx), os(os), opts(opts) {}

  void printModule(Operation *module) {
    bool first = true, lastWasFunc = false;
    for (Operation &op : module->getRegion(0).front()) {
      bool isFunc = op.is(OpId::Func);
      if (!first && (isFunc || lastWasFunc))
        os << '\n';
      first = false;
      lastWasFunc = isFunc;
      if (isFunc)
        resetNames();
      printOperation(&op, 0);
    }
    printBlobs();
  }

  void printStandalone(Operation *op) {
    resetNames();
    if (op->is(OpId::Module)) {
      printModule(op);
      return;
    }
    printOperation(op, 0);
  }

private:
  void resetNames() {
    used.clear();
    nextSuffix.clear();
    nextId = 0;
    blockId = 0;
  }

  StringRef name(Value *v) {
    auto [it, inserted] = names.try_emplace(v);
    if (inserted)
      it->second = chooseName(v->getNameHint());
    return it->second;
  }

  /// The hint if it is free (most values: no copy), else `hint_N`; a number
  /// for values without a usable hint.
  StringRef chooseName(StringRef hint) {
    auto valid = [](char c) {
      return llvm::isAlnum(c) || c == '_' || c == '.' || c == '$';
    };
    if (!llvm::all_of(hint, valid)) {
      std::string clean;
      for (char c : hint)
        clean += valid(c) ? c : '_';
      hint = saver.save(clean);
    }
    if (!hint.empty() && !llvm::all_of(hint, llvm::isDigit)) {
      if (used.insert(hint))
        return hint;
      // Continue from the last suffix tried for this hint, so that many
      // values with one hint are named in linear time.
      unsigned &k = nextSuffix[hint];
      return saveUnused([&] { return (hint + "_" + llvm::Twine(++k)).str(); });
    }
    return saveUnused([&] { return std::to_string(nextId++); });
  }

  /// Saves and reserves the first name `next` gives that is not in use.
  template <typename Fn> StringRef saveUnused(Fn next) {
    std::string candidate;
    do
      candidate = next();
    while (used.contains(candidate));
    StringRef saved = saver.save(candidate);
    used.insert(saved);
    return saved;
  }

  void printValue(Value *v) { os << '%' << name(v); }

  void printValues(llvm::ArrayRef<Value *> values) {
    llvm::interleaveComma(values, os, [&](Value *v) { printValue(v); });
  }

  void printTypes(llvm::ArrayRef<Value *> values) {
    llvm::interleaveComma(values, os, [&](Value *v) { os << v->getType(); });
  }

  /// `T` for one result, `(A, B)` otherwise.
  void printResultTypes(llvm::ArrayRef<Value *> values) {
    bool paren = values.size() != 1 ||
                 values[0]->getType().getKind() == Type::Kind::Function;
    if (paren)
      os << '(';
    printTypes(values);
    if (paren)
      os << ')';
  }

  void printAttr(Attribute a) {
    collectBlobs(a);
    printAttribute(a, os, opts);
  }

  /// Records the blobs `a` refers to, at any depth of nesting.
  void collectBlobs(Attribute a) {
    if (!a)
      return;
    switch (a.getKind()) {
    case Attribute::Kind::Blob:
      blobs.insert(a.getString());
      return;
    case Attribute::Kind::List:
    case Attribute::Kind::Tuple:
      for (Attribute e : a.getList())
        collectBlobs(e);
      return;
    case Attribute::Kind::Dict:
      for (auto [key, value] : a.getDictEntries()) {
        collectBlobs(key);
        collectBlobs(value);
      }
      return;
    case Attribute::Kind::Object:
      for (Attribute e : a.getObjectState())
        collectBlobs(e);
      for (const NamedAttribute &f : a.getObjectFields())
        collectBlobs(f.value);
      return;
    default:
      return;
    }
  }

  void printAttrDict(Operation *op, llvm::ArrayRef<StringRef> elided = {},
                     StringRef keyword = "") {
    llvm::SmallVector<NamedAttribute, 4> attrs;
    for (const NamedAttribute &a : op->getAttrs())
      if (!llvm::is_contained(elided, a.name))
        attrs.push_back(a);
    if (attrs.empty())
      return;
    os << keyword << " {";
    llvm::interleaveComma(attrs, os, [&](const NamedAttribute &a) {
      printKey(a.name);
      os << " = ";
      printAttr(a.value);
    });
    os << '}';
  }

  void printKey(StringRef key) { printAttributeName(key, os); }

  void indent(unsigned level) { os.indent(level * 2); }

  void printOperation(Operation *op, unsigned level) {
    indent(level);
    if (op->getNumResults()) {
      printValues(op->getResults());
      os << " = ";
    }
    if (opts.genericForm || !printCustom(op, level))
      printGeneric(op, level);
    if (opts.printLocations) {
      os << ' ';
      op->getLoc().print(os);
    }
    os << '\n';
  }

  void printGeneric(Operation *op, unsigned level) {
    printQuotedString(op->getName(), os);
    os << '(';
    printValues(llvm::to_vector(op->getOperands()));
    os << ')';
    printAttrDict(op);
    if (op->getNumRegions()) {
      os << " (";
      for (unsigned i = 0; i < op->getNumRegions(); ++i) {
        if (i)
          os << ", ";
        printRegion(op->getRegion(i), level, /*printEntryArgs=*/true);
      }
      os << ')';
    }
    os << " : (";
    printTypes(llvm::to_vector(op->getOperands()));
    os << ") -> ";
    printResultTypes(op->getResults());
  }

  /// `{` blocks `}`; the entry block's header is printed when it has
  /// arguments and `printEntryArgs` is set.
  void printRegion(Region &region, unsigned level, bool printEntryArgs) {
    os << "{\n";
    bool first = true;
    for (Block &block : region) {
      if (!first || (printEntryArgs && block.getNumArguments()) ||
          region.getNumBlocks() > 1)
        printBlockHeader(block, level);
      first = false;
      for (Operation &op : block.opsPrefetched())
        printOperation(&op, level + 1);
    }
    indent(level);
    os << '}';
  }

  void printBlockHeader(Block &block, unsigned level) {
    indent(level);
    os << "^bb" << blockId++;
    if (block.getNumArguments()) {
      os << '(';
      llvm::interleaveComma(block.getArguments(), os, [&](Value *a) {
        printValue(a);
        os << ": " << a->getType();
      });
      os << ')';
    }
    os << ":\n";
  }

  /// True when every attribute of `op` is in `names`: a custom form that
  /// spells only those loses nothing.
  static bool hasOnlyAttrs(Operation *op, llvm::ArrayRef<StringRef> names) {
    return llvm::all_of(op->getAttrs(), [&](const NamedAttribute &a) {
      return llvm::is_contained(names, a.name);
    });
  }

  /// Prints `op`'s custom form; false when it has none, or when the custom
  /// form cannot spell all of its attributes (the generic form is used).
  bool printCustom(Operation *op, unsigned level) {
    switch (op->getId()) {
    case OpId::Constant:
      if (!hasOnlyAttrs(op, {"value"}))
        return false;
      printConstant(op, "constant ");
      return true;
    case OpId::ModuleConst:
      os << "const ";
      printSymbolName(getSymbolName(op), os);
      os << " = ";
      printAttr(op->getAttr("value"));
      if (!op->getAttr("value").isElements())
        os << " : " << op->getAttr("type").getTypeValue();
      printAttrDict(op, {"sym_name", "type", "value"}, " attributes");
      return true;
    case OpId::Return:
    case OpId::PrimYield:
      if (!hasOnlyAttrs(op, {}))
        return false;
      os << op->getName();
      if (op->getNumOperands()) {
        os << ' ';
        printValues(llvm::to_vector(op->getOperands()));
        os << " : ";
        printTypes(llvm::to_vector(op->getOperands()));
      }
      return true;
    case OpId::Call:
      os << "call ";
      printAttr(op->getAttr("callee"));
      os << '(';
      printValues(llvm::to_vector(op->getOperands()));
      os << ')';
      printAttrDict(op, {"callee"});
      os << " : (";
      printTypes(llvm::to_vector(op->getOperands()));
      os << ") -> ";
      printResultTypes(op->getResults());
      return true;
    case OpId::Func:
      // `func` spells only private visibility.
      if (op->getAttr("sym_visibility") && !FuncOp(op).isPrivate())
        return false;
      printFunc(op, level);
      return true;
    case OpId::PrimIf:
      if (!hasOnlyAttrs(op, {}))
        return false;
      os << "prim.if ";
      printValue(op->getOperand(0));
      printArrowResults(op);
      os << ' ';
      printRegion(op->getRegion(0), level, false);
      os << " else ";
      printRegion(op->getRegion(1), level, false);
      return true;
    case OpId::PrimLoop: {
      if (!hasOnlyAttrs(op, {}))
        return false;
      Block &body = op->getRegion(0).front();
      os << "prim.loop ";
      printValue(op->getOperand(0));
      os << ", ";
      printValue(op->getOperand(1));
      os << " iter(";
      printValue(body.getArgument(0));
      for (unsigned i = 1; i < body.getNumArguments(); ++i) {
        os << ", ";
        printValue(body.getArgument(i));
        os << " = ";
        printValue(op->getOperand(i + 1));
      }
      os << ')';
      printArrowResults(op);
      os << ' ';
      printRegion(op->getRegion(0), level, false);
      return true;
    }
    default:
      // Ops without a custom form and without regions use the short
      // pretty form; ops with regions print generically.
      if (!op->isRegistered() || op->getNumRegions())
        return false;
      os << op->getName() << '(';
      printValues(llvm::to_vector(op->getOperands()));
      os << ')';
      printAttrDict(op);
      os << " : (";
      printTypes(llvm::to_vector(op->getOperands()));
      os << ") -> ";
      printResultTypes(op->getResults());
      return true;
    }
  }

  void printArrowResults(Operation *op) {
    if (!op->getNumResults())
      return;
    os << " -> ";
    printResultTypes(op->getResults());
  }

  void printConstant(Operation *op, StringRef keyword) {
    os << keyword;
    Attribute value = op->getAttr("value");
    printAttr(value);
    if (!value.isElements())
      os << " : " << op->getResult(0)->getType();
  }

  void printFunc(Operation *op, unsigned level) {
    FuncOp func(op);
    os << "func ";
    if (func.isPrivate())
      os << "private ";
    printSymbolName(func.getName(), os);
    os << '(';
    Block &entry = func.getEntryBlock();
    llvm::interleaveComma(entry.getArguments(), os, [&](Value *a) {
      printValue(a);
      os << ": " << a->getType();
    });
    os << ')';
    llvm::ArrayRef<Type> results = func.getFunctionType().getResults();
    if (!results.empty()) {
      os << " -> ";
      bool paren =
          results.size() != 1 || results[0].getKind() == Type::Kind::Function;
      if (paren)
        os << '(';
      llvm::interleaveComma(results, os, [&](Type t) { os << t; });
      if (paren)
        os << ')';
    }
    printAttrDict(op, {"sym_name", "function_type", "sym_visibility"},
                  " attributes");
    os << ' ';
    printRegion(func.getBody(), level, false);
  }

  void printBlobs() {
    if (opts.elideLargeConstants || blobs.empty())
      return;
    WeightStore &store = ctx.getWeightStore();
    bool any = false;
    for (StringRef name : blobs) {
      auto data = store.lookup(name);
      if (!data)
        continue;
      os << (any ? ",\n" : "\nblobs {\n") << "  ";
      printQuotedString(name, os);
      os << " = \"0x" << llvm::toHex(StringRef(data->data(), data->size()))
         << '"';
      any = true;
    }
    if (any)
      os << "\n}\n";
  }

  Context &ctx;
  llvm::raw_ostream &os;
  const PrintOptions &opts;
  // Names live in `allocator`: no allocation per value.
  llvm::BumpPtrAllocator allocator;
  llvm::StringSaver saver{allocator};
  llvm::DenseMap<Value *, StringRef> names;
  StringTable<char> used;
  llvm::StringMap<unsigned> nextSuffix;
  unsigned nextId = 0, blockId = 0;
  llvm::SetVector<StringRef> blobs;
};
} // namespace

void irc::printOp(const Operation *op, llvm::raw_ostream &os,
                  const PrintOptions &opts) {
  Printer p(op->getContext(), os, opts);
  p.printStandalone(const_cast<Operation *>(op));
}
