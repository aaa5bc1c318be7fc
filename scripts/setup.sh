#!/usr/bin/env bash
# Installs the Debian packages procsan needs (when missing), then configures and builds it.
# Sourced or run by scripts/demo.sh and scripts/test.sh; safe to run again (incremental).
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${PROCSAN_BUILD_DIR:-$top/build}

packages=(cmake ninja-build python3 python3-psutil clang-19 libclang-19-dev llvm-19-dev llvm-19-tools
          clang-tidy-19 clang-format-19 clang-tools-19 nlohmann-json3-dev libunwind-dev
          googletest libgtest-dev libbenchmark-dev libclang-rt-19-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "procsan setup: missing Debian packages: ${missing[*]}" >&2
    echo "procsan setup: run as root, or: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
  echo "procsan setup: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

# LLVM's libunwind for the preload runtime (see runtime/CMakeLists.txt): Debian's libunwind-19-dev
# conflicts with libunwind-dev, so its package is unpacked into the build directory. Without it
# the runtime links the system libunwind and works the same, only at a higher cost per fork.
llvm_unwind="$build/llvm-libunwind"
if [ ! -f "$llvm_unwind/usr/lib/llvm-19/lib/libunwind.a" ]; then
  mkdir -p "$llvm_unwind"
  if ! (cd "$llvm_unwind" && apt-get download -qq libunwind-19-dev >/dev/null 2>&1 &&
        dpkg-deb -x libunwind-19-dev_*.deb .); then
    echo "procsan setup: warning: could not unpack LLVM's libunwind (libunwind-19-dev);" \
         "the runtime uses the system libunwind" >&2
  fi
fi

# The SARIF validator the tests use (Microsoft's SARIF Multitool, from the npm registry).
sarif_dir="$build/tools/sarif"
sarif_tool="$sarif_dir/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"
if [ ! -x "$sarif_tool" ] && command -v npm >/dev/null 2>&1; then
  mkdir -p "$sarif_dir"
  if npm install --prefix "$sarif_dir" --no-audit --no-fund --loglevel=error \
      @microsoft/sarif-multitool-linux@5.7.0 >&2; then
    chmod u+x "$sarif_tool" 2>/dev/null || true
  else
    echo "procsan setup: warning: could not install the SARIF validator; its test is skipped" >&2
  fi
fi

if [ ! -f "$build/build.ninja" ]; then
  cmake -S "$top" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >&2
fi
cmake --build "$build" -j "$(nproc)" >&2
