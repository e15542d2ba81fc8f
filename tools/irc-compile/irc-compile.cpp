//===- irc-compile.cpp - Compile a model to an .ircm file -----------------===//
//
//   irc-compile model.pt --backend=cpu --input=@x.npy -o model.ircm
//
// Compiles a TorchScript archive (or .irc text) as irc-run does before it
// runs one (tools/driver/Compile.h), and writes the plan as a compiled
// model that the runtime library loads without the compiler
// (runtime/ModelFile.h). The inputs' types come from sample inputs
// (--input, as irc-run takes them) or --input-type; without either, the
// entry function's declared types are kept.
//
//===----------------------------------------------------------------------===//

#include "backends/lowering/Lowering.h"
#include "ir/AsmParser.h"
#include "runtime/ModelFile.h"
#include "runtime/Npy.h"
#include "tools/driver/Compile.h"
#include "tools/driver/LimitOptions.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

using namespace irc;
namespace cl = llvm::cl;

namespace {

cl::OptionCategory category("irc-compile options");

cl::opt<std::string> modelFile(cl::Positional, cl::Required,
                               cl::desc("<model .pt or .irc>"),
                               cl::cat(category));
cl::opt<std::string> outputFile("o", cl::Required,
                                cl::desc("The compiled model to write"),
                                cl::value_desc(".ircm file"),
                                cl::cat(category));
cl::opt<std::string> backendName(
    "backend",
    cl::desc("Backend to compile for: cpu (the cpu mobile pipeline, XNNPACK "
             "partitions; also spelled xnnpack), vulkan (the vulkan mobile "
             "pipeline, Vulkan partitions) or ref (the reference kernels)"),
    cl::init("cpu"), cl::cat(category));
cl::opt<std::string> functionName("function",
                                  cl::desc("Function to compile (default "
                                           "forward)"),
                                  cl::init("forward"), cl::cat(category));
cl::list<std::string> inputs(
    "input",
    cl::desc("A sample argument, in order, giving its type: @file.npy, or "
             "an int, float or bool literal"),
    cl::cat(category));
cl::list<std::string>
    inputTypes("input-type",
               cl::desc("An argument's type, in order, instead of a sample: "
                        "'tensor<1x3x224x224xf32>', i64, f64, bool"),
               cl::cat(category));

[[noreturn]] void fail(const llvm::Twine &message) {
  llvm::errs() << "irc-compile: error: " << message << '\n';
  std::exit(1);
}

/// The type of sample input `arg` (`@x.npy` or a literal).
Type sampleType(Context &ctx, const std::string &arg) {
  if (llvm::StringRef(arg).startswith("@")) {
    rt::NpyArray array;
    std::string error;
    if (!rt::readNpy(arg.substr(1), array, error, getLimitOptions()))
      fail(error);
    llvm::SmallVector<int64_t, 4> sizes(array.shape.begin(), array.shape.end());
    std::optional<rt::DType> dtype = rt::fromNpyDType(array.dtype);
    if (!dtype)
      fail("'" + arg.substr(1) + "' holds a dtype irc does not run");
    return getTensorType(ctx, sizes, fromRuntimeDType(*dtype));
  }
  llvm::StringRef s(arg);
  if (s == "true" || s == "false")
    return getBoolType(ctx);
  int64_t i;
  if (!s.getAsInteger(10, i))
    return getIntType(ctx);
  double d;
  if (!s.getAsDouble(d))
    return getFloatType(ctx);
  fail("input '" + arg + "' is not @file.npy or an int, float or bool");
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions({&category, &getLimitCategory()});
  cl::ParseCommandLineOptions(
      argc, argv,
      "irc-compile: compile a TorchScript archive or .irc model to an .ircm "
      "file\n\n"
      "  irc-compile model.pt --backend=cpu --input=@x.npy -o model.ircm\n");

  CompileOptions options;
  options.backend =
      backendName == "cpu" ? std::string("xnnpack") : backendName.getValue();
  if (!kernelsFor(options.backend))
    fail("unknown backend '" + backendName +
         "' (available: cpu, xnnpack, vulkan, ref)");
  if (!inputs.empty() && !inputTypes.empty())
    fail("give either --input samples or --input-type types, not both");

  Compilation compilation(getLimitOptions());
  std::string error;
  if (!compilation.load(modelFile, functionName, error)) {
    if (!error.empty())
      fail(error);
    return 1;
  }
  Context &ctx = compilation.context();
  llvm::ArrayRef<Type> declared =
      compilation.entry().getFunctionType().getInputs();
  llvm::SmallVector<Type, 4> argTypes;
  for (const std::string &arg : inputs)
    argTypes.push_back(sampleType(ctx, arg));
  for (const std::string &text : inputTypes) {
    Type t = parseType(text, ctx);
    if (!t)
      fail("--input-type='" + text + "' is not a type");
    argTypes.push_back(t);
  }
  if (argTypes.empty())
    argTypes.assign(declared.begin(), declared.end());
  if (argTypes.size() != declared.size())
    fail("'" + functionName + "' takes " + std::to_string(declared.size()) +
         " inputs, " + std::to_string(argTypes.size()) + " were given");

  rt::Plan plan;
  if (!compilation.compile(argTypes, options, plan, error)) {
    if (!error.empty())
      fail(error);
    return 1;
  }
  try {
    rt::saveModelFile(
        plan, outputFile,
        {"irc-compile", llvm::sys::path::filename(modelFile).str()});
  } catch (const rt::Error &e) {
    fail(e.what());
  }
  return 0;
}
