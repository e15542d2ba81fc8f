//===- PassManager.cpp ----------------------------------------------------===//
#include "passes/PassManager.h"
#include "ir/Verifier.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Timer.h"

using namespace irc;
using llvm::StringRef;

static const PassInfo kPasses[] = {
#define IRC_PASS(Arg, Factory, Summary) {Arg, Summary, &Factory},
#include "passes/Passes.def"
};

llvm::ArrayRef<PassInfo> irc::getRegisteredPasses() { return kPasses; }

const PassInfo *irc::lookupPass(StringRef argument) {
  for (const PassInfo &info : kPasses)
    if (info.argument == argument)
      return &info;
  return nullptr;
}

std::string Pass::setOption(StringRef key, StringRef value) {
  for (OptionBase *opt : options) {
    if (opt->name != key)
      continue;
    if (!opt->parse(value))
      return "invalid value '" + value.str() + "' for option '" + key.str() +
             "' of pass '" + getArgument().str() + "'";
    return "";
  }
  return "pass '" + getArgument().str() + "' has no option '" + key.str() + "'";
}

std::string PassManager::addPipeline(StringRef pipeline) {
  if (pipeline.trim().empty())
    return "";
  // Split on the commas that are not inside an option list.
  llvm::SmallVector<StringRef, 8> elements;
  unsigned depth = 0;
  size_t start = 0;
  for (size_t i = 0; i < pipeline.size(); ++i) {
    if (pipeline[i] == '{')
      ++depth;
    else if (pipeline[i] == '}' && depth)
      --depth;
    else if (pipeline[i] == ',' && !depth) {
      elements.push_back(pipeline.slice(start, i));
      start = i + 1;
    }
  }
  elements.push_back(pipeline.drop_front(start));

  std::vector<std::unique_ptr<Pass>> parsed;
  for (StringRef element : elements) {
    element = element.trim();
    auto [name, opts] = element.split('{');
    name = name.trim();
    if (name.empty())
      return "empty pass name in pipeline '" + pipeline.str() + "'";
    const PassInfo *info = lookupPass(name);
    if (!info)
      return "unknown pass '" + name.str() + "' in pipeline";
    std::unique_ptr<Pass> pass = info->factory();
    if (element.contains('{')) {
      if (!opts.consume_back("}"))
        return "missing '}' after the options of '" + name.str() + "'";
      llvm::SmallVector<StringRef, 4> items;
      llvm::SplitString(opts, items, ", ");
      for (StringRef item : items) {
        auto [key, value] = item.split('=');
        if (!item.contains('='))
          return "expected key=value in the options of '" + name.str() +
                 "', got '" + item.str() + "'";
        if (std::string err = pass->setOption(key, value); !err.empty())
          return err;
      }
    }
    parsed.push_back(std::move(pass));
  }
  for (auto &p : parsed)
    passes.push_back(std::move(p));
  return "";
}

static void dumpIR(llvm::raw_ostream &log, StringRef when, StringRef pass,
                   Operation *module, const PrintOptions &opts) {
  log << "// -----// IR Dump " << when << ' ' << pass << " //----- //\n";
  printOp(module, log, opts);
  log << '\n';
}

LogicalResult PassManager::run(Operation *module, llvm::raw_ostream &log) {
  llvm::TimerGroup timers("irc-passes", "irc pass execution timing report");
  std::vector<std::unique_ptr<llvm::Timer>> timerStore;
  auto wants = [](const std::vector<std::string> &list, StringRef arg) {
    return llvm::is_contained(list, arg.str());
  };
  for (auto &pass : passes) {
    StringRef arg = pass->getArgument();
    if (wants(options.printIRBefore, arg))
      dumpIR(log, "Before", arg, module, options.printOptions);
    LogicalResult result = success();
    unsigned errorsBefore = module->getContext().getDiagEngine().getNumErrors();
    if (options.timePasses) {
      timerStore.push_back(std::make_unique<llvm::Timer>(arg, arg, timers));
      llvm::TimeRegion region(*timerStore.back());
      result = pass->run(module);
    } else {
      result = pass->run(module);
    }
    if (failed(result)) {
      // A pass that says why it failed needs no second message.
      if (module->getContext().getDiagEngine().getNumErrors() == errorsBefore)
        InFlightDiagnostic(module->getContext(), module->getLoc(),
                           Severity::Error)
            << "pass '" << arg << "' failed";
      return failure();
    }
    if (options.printIRAfterAll || wants(options.printIRAfter, arg))
      dumpIR(log, "After", arg, module, options.printOptions);
    if (options.verifyEach && failed(verify(module))) {
      InFlightDiagnostic(module->getContext(), module->getLoc(),
                         Severity::Error)
          << "the IR is invalid after pass '" << arg << "'";
      return failure();
    }
  }
  if (options.timePasses)
    timers.print(log, /*ResetAfterPrint=*/true);
  if (options.statistics) {
    log << "===" << std::string(73, '-') << "===\n"
        << "                         ... Pass statistics report ...\n"
        << "===" << std::string(73, '-') << "===\n";
    for (auto &pass : passes) {
      log << pass->getArgument() << '\n';
      for (const Pass::Statistic *s : pass->getStatistics())
        log << "  (S) " << s->getValue() << ' ' << s->name << " - "
            << s->description << '\n';
    }
  }
  return success();
}
