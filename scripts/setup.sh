#!/usr/bin/env bash
# Installs the Debian 12 packages irc needs to build and test. Idempotent:
# packages already installed are skipped, and apt runs only when one is
# missing. Later capabilities add their packages to the list below.
set -euo pipefail

packages=(
  build-essential cmake ninja-build   # toolchain
  llvm-15-dev llvm-15-tools           # LLVM ADT/Support, FileCheck, lit
  zlib1g-dev                          # LLVMSupport links zlib
  libgtest-dev libgmock-dev           # unit tests
  libbenchmark-dev                    # bench/
  python3                             # lit and test scripts
  libprotobuf-dev protobuf-compiler   # runtime/: the .ircm header schema
  pkg-config libminizip-dev           # frontend/: reading .pt archives
  libxnnpack-dev libpthreadpool-dev   # backends/xnnpack/
  libcpuinfo-dev                      #   (XNNPACK's CPU detection)
  clang libclang-rt-14-dev            # the sanitize preset: ASan, UBSan, libFuzzer
  libvulkan-dev glslc                 # backends/vulkan/: loader, GLSL to SPIR-V
  mesa-vulkan-drivers                 #   lavapipe: a Vulkan device on the CPU
  vulkan-validationlayers             #   the tests run under the validation layer
  python3-torch python3-torchvision   # test fixtures and reference outputs
  python3-numpy                       #   (never linked into irc)
  libtorch-dev                        # bench/: irc against torch::jit::load
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  echo "setup: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "setup: all ${#packages[@]} packages are installed"
fi
