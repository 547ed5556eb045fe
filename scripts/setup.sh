#!/usr/bin/env bash
# Installs what kexie needs into this checkout; idempotent and quick the second time.
#   scripts/setup.sh main   runtime: Python deps, front-end packages, fonts
#   scripts/setup.sh dev    + test tools and Debian's chromium for the browser tests
set -euo pipefail
cd "$(dirname "$0")/.."
GROUP="${1:-main}"
export UV_PYTHON_DOWNLOADS=never
say() { printf '\033[1;34m[kexie]\033[0m %s\n' "$*"; }

# 1. A Python >= 3.12 (Django 6 needs it). .python-version selects pyenv's 3.13 where pyenv is used.
pick_python() {
  for cand in python3 python3.13 python3.12 "$(command -v pyenv >/dev/null && echo "$(pyenv root)/versions/3.13.0/bin/python3")"; do
    [ -n "$cand" ] || continue
    if command -v "$cand" >/dev/null 2>&1 && "$cand" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
      command -v "$cand"; return 0
    fi
  done
  return 1
}
if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
  PY="$(pick_python)" || { echo "需要 Python 3.12 或更高版本（Django 6 的要求）" >&2; exit 1; }
  say "创建虚拟环境 .venv（$("$PY" --version)）"
  rm -rf .venv
  "$PY" -m venv .venv
fi

# 2. Python packages from the hashed locks (uv itself is hash-pinned too).
stamp=".venv/.kexie-$GROUP.sha"
want="$(cat requirements/bootstrap.txt "requirements/$GROUP.txt" | sha256sum | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  say "安装 Python 依赖（requirements/$GROUP.txt）"
  .venv/bin/python -m pip install -q --disable-pip-version-check --require-hashes -r requirements/bootstrap.txt
  .venv/bin/uv pip install -q --python .venv/bin/python --require-hashes -r "requirements/$GROUP.txt"
  echo "$want" > "$stamp"
fi

# 3. Front-end packages from the npm registry, then the allowlisted files into static/vendor.
lockhash="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ "$(cat node_modules/.kexie-lock.sha 2>/dev/null)" != "$lockhash" ]; then
  say "安装前端依赖（npm ci）"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lockhash" > node_modules/.kexie-lock.sha
fi
.venv/bin/python scripts/vendor_assets.py

# 4. Debian packages: CJK fonts (pages, PDF), poppler; chromium for the browser tests.
apt_pkgs=(fonts-noto-cjk fonts-arphic-uming fonts-wqy-microhei poppler-utils)
[ "$GROUP" = "dev" ] && apt_pkgs+=(chromium)
missing=()
for p in "${apt_pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "安装系统软件包：${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    say "请以 root 安装：apt-get install ${missing[*]}"
  fi
fi
