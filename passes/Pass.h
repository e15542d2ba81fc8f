//===- Pass.h - The pass interface, options and statistics ------*- C++ -*-===//
//
// A pass transforms a module in place and reports failure through a
// diagnostic. Options (`max-trip-count=8` in `unroll-constant-loops{...}`)
// and statistics (`num-folded`, printed by --pass-statistics) are declared as
// members, which registers them with the pass.
//
//===----------------------------------------------------------------------===//
#ifndef IRC_PASSES_PASS_H
#define IRC_PASSES_PASS_H

#include "ir/Module.h"
#include "llvm/ADT/StringExtras.h"
#include <memory>
#include <string>
#include <vector>

namespace irc {

class Pass {
public:
  virtual ~Pass() = default;
  /// The pipeline name, as in Passes.def.
  virtual llvm::StringRef getArgument() const = 0;
  /// Transforms `module` (a `module` op) in place.
  virtual LogicalResult run(Operation *module) = 0;

  /// A `key=value` option of the pass.
  class OptionBase {
  public:
    OptionBase(Pass &pass, llvm::StringRef name, llvm::StringRef description)
        : name(name), description(description) {
      pass.options.push_back(this);
    }
    virtual ~OptionBase() = default;
    /// Parses `value`; returns false if it is not valid for the option.
    virtual bool parse(llvm::StringRef value) = 0;
    virtual std::string getValueString() const = 0;
    llvm::StringRef name, description;
  };

  /// An integer option.
  class IntOption : public OptionBase {
  public:
    IntOption(Pass &pass, llvm::StringRef name, llvm::StringRef description,
              int64_t defaultValue)
        : OptionBase(pass, name, description), value(defaultValue) {}
    bool parse(llvm::StringRef s) override {
      return !s.getAsInteger(10, value);
    }
    std::string getValueString() const override {
      return std::to_string(value);
    }
    operator int64_t() const { return value; }

  private:
    int64_t value;
  };

  /// A `true`/`false` option.
  class BoolOption : public OptionBase {
  public:
    BoolOption(Pass &pass, llvm::StringRef name, llvm::StringRef description,
               bool defaultValue)
        : OptionBase(pass, name, description), value(defaultValue) {}
    bool parse(llvm::StringRef s) override {
      if (s != "true" && s != "false")
        return false;
      value = s == "true";
      return true;
    }
    std::string getValueString() const override {
      return value ? "true" : "false";
    }
    operator bool() const { return value; }

  private:
    bool value;
  };

  /// One word of a fixed set; the first is the default.
  class ChoiceOption : public OptionBase {
  public:
    ChoiceOption(Pass &pass, llvm::StringRef name, llvm::StringRef description,
                 std::vector<std::string> choices)
        : OptionBase(pass, name, description), choices(std::move(choices)),
          value(this->choices.front()) {}
    bool parse(llvm::StringRef s) override {
      if (!llvm::is_contained(choices, s))
        return false;
      value = s.str();
      return true;
    }
    std::string getValueString() const override { return value; }
    bool operator==(llvm::StringRef s) const { return value == s; }

  private:
    std::vector<std::string> choices;
    std::string value;
  };

  /// A list of strings, written `a;b;c`: a pipeline already separates
  /// options with `,`. Each time the option is given its items are appended,
  /// so `{k=a,k=b}` is `{k=a;b}`.
  class ListOption : public OptionBase {
  public:
    ListOption(Pass &pass, llvm::StringRef name, llvm::StringRef description)
        : OptionBase(pass, name, description) {}
    bool parse(llvm::StringRef s) override {
      llvm::SmallVector<llvm::StringRef, 4> items;
      s.split(items, ';', /*MaxSplit=*/-1, /*KeepEmpty=*/false);
      for (llvm::StringRef item : items)
        if (!item.trim().empty())
          values.push_back(item.trim().str());
      return true;
    }
    std::string getValueString() const override {
      return llvm::join(values, ";");
    }
    llvm::ArrayRef<std::string> getValues() const { return values; }

  private:
    std::vector<std::string> values;
  };

  /// A counter printed by --pass-statistics.
  class Statistic {
  public:
    Statistic(Pass &pass, llvm::StringRef name, llvm::StringRef description)
        : name(name), description(description) {
      pass.statistics.push_back(this);
    }
    Statistic &operator++() {
      ++value;
      return *this;
    }
    Statistic &operator+=(uint64_t n) {
      value += n;
      return *this;
    }
    uint64_t getValue() const { return value; }
    llvm::StringRef name, description;

  private:
    uint64_t value = 0;
  };

  /// Sets option `key`; on error returns a message naming the problem.
  std::string setOption(llvm::StringRef key, llvm::StringRef value);
  llvm::ArrayRef<OptionBase *> getOptions() const { return options; }
  llvm::ArrayRef<Statistic *> getStatistics() const { return statistics; }

private:
  std::vector<OptionBase *> options;
  std::vector<Statistic *> statistics;
};

/// Registered pass: its argument, summary and factory.
struct PassInfo {
  llvm::StringRef argument;
  llvm::StringRef summary;
  std::unique_ptr<Pass> (*factory)();
};

/// All passes of Passes.def, in that order.
llvm::ArrayRef<PassInfo> getRegisteredPasses();
const PassInfo *lookupPass(llvm::StringRef argument);

// Factories, one per Passes.def line.
#define IRC_PASS(Arg, Factory, Summary) std::unique_ptr<Pass> Factory();
#include "passes/Passes.def"

} // namespace irc

#endif // IRC_PASSES_PASS_H
