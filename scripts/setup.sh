#!/usr/bin/env bash
# Installs the Debian packages softmax-lab builds with, only those missing.
# Idempotent: a machine that has everything runs no apt-get at all.
set -euo pipefail

packages=(
  build-essential cmake pkg-config git
  libboost-dev libmpfr-dev libgmp-dev
  libeigen3-dev libxtensor-dev libxsimd-dev xtl-dev
  catch2 libbenchmark-dev nlohmann-json3-dev zlib1g-dev
  gnuplot-nox
)
# Peers (issue: shipped kernels); installed by default so the default run has them.
if [[ "${SMX_NO_PEERS:-0}" != 1 ]]; then
  packages+=(libdnnl-dev libxnnpack-dev libpthreadpool-dev libtorch-dev)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "setup: installing ${missing[*]}" >&2
sudo=()
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "setup: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -q
"${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
