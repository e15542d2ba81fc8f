//===- ArchiveReader.cpp - The records of a TorchScript archive -----------===//
#include "frontend/ArchiveReader.h"
#include "frontend/TorchScriptParser.h"
#include "ir/Location.h"
#include "llvm/Support/SourceMgr.h"
#include <algorithm>
#include <functional>

using namespace irc;
using llvm::StringRef;

/// Unpickles record `name`, whose storages live under `storageDir`.
static PickleValuePtr readPickle(Archive &archive, StringRef name,
                                 StringRef storageDir, Context &ctx) {
  std::optional<std::string> bytes = archive.readRecord(name);
  if (!bytes)
    return nullptr;
  auto load = [&](StringRef record) -> std::optional<Archive::Data> {
    // Lite archives keep every storage as `constants/<k>.storage`.
    if (!archive.contains(record) && record.endswith(".storage") &&
        record.startswith("data/"))
      return archive.getRecordData(("constants/" + record.substr(5)).str());
    return archive.getRecordData(record);
  };
  return unpickle(*bytes, name, getFileLineColLoc(ctx, archive.getPath(), 0, 0),
                  ctx, load, storageDir);
}

std::optional<LoadedArchive> irc::readArchive(StringRef path, Context &ctx,
                                              llvm::SourceMgr &sources) {
  LoadedArchive out;
  out.archive = Archive::open(path, ctx);
  if (!out.archive)
    return std::nullopt;
  Archive &archive = *out.archive;

  // The version is `version`, or `.data/version` from version 6 on.
  StringRef versionRecord =
      archive.contains(".data/version") ? ".data/version" : "version";
  std::optional<std::string> text = archive.readRecord(versionRecord);
  if (!text)
    return std::nullopt;
  if (StringRef(*text).trim().getAsInteger(10, out.version)) {
    archive.emitError() << "record '" << versionRecord
                        << "' does not hold a version number";
    return std::nullopt;
  }
  if (out.version < kMinArchiveVersion || out.version > kMaxArchiveVersion) {
    archive.emitError() << "file format version " << out.version
                        << " is not supported (irc reads versions "
                        << kMinArchiveVersion << " to " << kMaxArchiveVersion
                        << ", as PyTorch 1.13 does)";
    return std::nullopt;
  }

  out.constants = readPickle(archive, "constants.pkl", "constants/", ctx);
  if (!out.constants)
    return std::nullopt;
  if (!out.constants->is(PickleValue::Kind::Tuple)) {
    archive.emitError() << "constants.pkl does not hold a tuple";
    return std::nullopt;
  }
  out.data = readPickle(archive, "data.pkl", "data/", ctx);
  if (!out.data)
    return std::nullopt;
  if (!out.data->is(PickleValue::Kind::Object) || !out.data->getState()) {
    archive.emitError() << "data.pkl does not hold a module object";
    return std::nullopt;
  }
  if (!out.data->getState()->is(PickleValue::Kind::Dict) &&
      !out.data->getState()->is(PickleValue::Kind::Tuple)) {
    archive.emitError() << "the state of the module in data.pkl is neither "
                           "a dict of attributes nor a __getstate__ tuple";
    return std::nullopt;
  }
  auto isCode = [](const Archive::Record &r) {
    return StringRef(r.name).startswith("code/") &&
           StringRef(r.name).endswith(".py");
  };
  // Sizes are as the directory declares them; extraction checks each.
  uint64_t codeBytes = 0, maxCodeBytes = ctx.getInputLimits().maxCodeBytes;
  for (const Archive::Record &r : archive.getRecords())
    if (isCode(r) && (codeBytes += r.size) > maxCodeBytes) {
      archive.emitError() << "the code/ records hold over " << maxCodeBytes
                          << " bytes of source (--max-code-bytes)";
      return std::nullopt;
    }
  for (const Archive::Record &r : archive.getRecords()) {
    if (!isCode(r))
      continue;
    std::optional<std::string> text = archive.readRecord(r.name);
    if (!text)
      return std::nullopt;
    unsigned id = sources.AddNewSourceBuffer(
        llvm::MemoryBuffer::getMemBufferCopy(*text, r.name), llvm::SMLoc());
    std::optional<ts::File> file = ts::parseFile(sources, id, ctx);
    if (!file)
      return std::nullopt;
    // code/__torch__/a/b.py defines the classes __torch__.a.b.<Name>.
    std::string module = StringRef(r.name).drop_front(5).drop_back(3).str();
    std::replace(module.begin(), module.end(), '/', '.');
    for (const ts::Decl *d : file->getDecls())
      if (auto *cls = llvm::dyn_cast<ts::ClassDef>(d))
        out.classes[module + "." + cls->name.str()] = cls;
    out.codeFiles.push_back(r.name);
    out.code.push_back(std::move(*file));
  }
  // Every object of the pickles needs its class (TorchBind classes are
  // built into PyTorch, not defined in code/).
  for (const PickleValuePtr &root : {out.data, out.constants}) {
    std::string missing;
    std::function<void(const PickleValue &)> check = [&](const PickleValue &v) {
      if (!missing.empty())
        return;
      if (v.is(PickleValue::Kind::Object) &&
          !StringRef(v.str).startswith("__torch__.torch.classes.") &&
          !out.classes.count(v.str))
        missing = v.str;
      for (const PickleValuePtr &item : v.items)
        check(*item);
    };
    check(*root);
    if (!missing.empty()) {
      archive.emitError() << "class '" << missing << "' of "
                          << (root == out.data ? "data.pkl" : "constants.pkl")
                          << " is not defined in the archive's code/";
      return std::nullopt;
    }
  }
  return out;
}
