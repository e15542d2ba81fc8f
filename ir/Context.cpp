//===- Context.cpp --------------------------------------------------------===//
#include "ir/Context.h"
#include "ir/detail/Storage.h"
#include "llvm/Support/ErrorHandling.h"

using namespace irc;

Context::Context() : impl(std::make_unique<Impl>()) {
  for (const OpInfo &info : getRegisteredOps()) {
    impl->opsByName[info.name] = &info;
    impl->registeredNames.push_back(OperationName{this, info.name, &info});
  }
}

Context::~Context() {
  // Storage nodes live in the bump allocator; run their destructors for the
  // FoldingSet bookkeeping only (they own no heap memory).
}

DiagnosticEngine &Context::getDiagEngine() { return impl->diagEngine; }
WeightStore &Context::getWeightStore() { return impl->weightStore; }

const OpInfo *Context::lookupOp(llvm::StringRef name) const {
  return impl->opsByName.lookup(name);
}

const OpInfo &Context::getOpInfo(OpId id) const {
  return getRegisteredOps()[static_cast<unsigned>(id)];
}

const OperationName *Context::getOperationName(OpId id) {
  return &impl->registeredNames[unsigned(id)];
}

const OperationName *Context::getOperationName(llvm::StringRef name) {
  if (const OpInfo *info = lookupOp(name))
    return getOperationName(info->id);
  auto it = impl->unregisteredNames.try_emplace(name);
  if (it.second)
    it.first->second = OperationName{this, it.first->getKey(), nullptr};
  return &it.first->second;
}

llvm::StringRef Context::intern(llvm::StringRef s) { return impl->copy(s); }

llvm::StringRef Context::saveString(llvm::StringRef s) {
  char *mem = impl->allocator.Allocate<char>(s.size());
  std::copy(s.begin(), s.end(), mem);
  return {mem, s.size()};
}
