#!/usr/bin/env bash
# Studio set-up: Debian packages, a virtual environment in .venv, the Python dependencies.
# Idempotent: a second run only checks. Run as root on Debian (or with sudo available).
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PKGS=(python3 python3-venv python3-pip libportaudio2 xvfb xauth
          libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0
          libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 libxkbcommon-x11-0
          libegl1 libgl1 libglib2.0-0 libfontconfig1 libdbus-1-3 libpulse0
          fonts-noto-cjk  # Chinese, Japanese, Korean text: Wan's default negative prompts, artists' prompts and titles
          chromium chromium-driver)  # the browser tests of ComfyUI's web page on `main.py serve` (tests/serve)
# tcmalloc, which the test workers allocate through (conftest.py: the suite 652 s -> 597 s here); optional, and
# its package was renamed in Debian 13 (the 64-bit time_t transition): the first name apt knows is installed
TCMALLOC_PKGS=(libtcmalloc-minimal4 libtcmalloc-minimal4t64)

if command -v apt-get >/dev/null 2>&1; then
  # one dpkg-query for the whole list (one a package took about 1 s in all on a loaded machine)
  # (dpkg-query exits 1 when any of them is unknown: that is the case this looks for, not a failure)
  installed=" $( { dpkg-query -W -f='${Package} ${Status}\n' "${APT_PKGS[@]}" "${TCMALLOC_PKGS[@]}" 2>/dev/null || true; } \
                | grep ' install ok installed$' | cut -d' ' -f1 | tr '\n' ' ' || true)"
  missing=()
  for p in "${APT_PKGS[@]}"; do
    [[ "$installed" == *" $p "* ]] || missing+=("$p")
  done
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  if [ ${#missing[@]} -gt 0 ]; then
    echo "[setup] apt-get install ${missing[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  if [[ "$installed" != *" ${TCMALLOC_PKGS[0]} "* && "$installed" != *" ${TCMALLOC_PKGS[1]} "* ]]; then
    [ ${#missing[@]} -gt 0 ] || $SUDO apt-get update -qq || true
    tc=""
    for p in "${TCMALLOC_PKGS[@]}"; do
      if DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$p" >/dev/null 2>&1; then
        tc="$p"; break
      fi
    done
    if [ -n "$tc" ]; then echo "[setup] apt-get install $tc"
    else echo "[setup] tcmalloc could not be installed: the tests allocate through the C library's malloc (slower)"
    fi
  fi
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "[setup] creating .venv with $($PY --version)"
  $PY -m venv .venv
fi
VPY=.venv/bin/python
stamp=.venv/.studio-deps
# optional extras (STUDIO_EXTRAS=cosmos-guardrail: NVIDIA's guardrail for Cosmos, see pyproject.toml), installed in the
# same resolve as torch at its pin, so pip keeps it and takes the torchvision made for it
EXTRAS="test"
for x in $(echo "${STUDIO_EXTRAS:-}" | tr , " "); do
  case "$x" in
    cosmos-guardrail) EXTRAS="$EXTRAS,$x" ;;
    *) echo "[setup] unknown extra '$x' in STUDIO_EXTRAS (known: cosmos-guardrail)"; exit 1 ;;
  esac
done
want="$( (cat pyproject.toml scripts/setup.sh; echo "$EXTRAS") | sha256sum | cut -c1-16)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  # torch pinned, from whatever pip is configured with (pip.conf, PIP_INDEX_URL, PIP_EXTRA_INDEX_URL:
  # the README says how to point it at a CPU-only torch build), and everything else, the default text
  # model included (see pyproject.toml), in one resolve; then Upscale Video's reader, without its
  # torchvision requirement (see pyproject.toml: pip's torchvision is a CUDA build that a CPU-only torch
  # cannot import, and it would break transformers too).
  # Installed by uv where it can be had and pip's settings say nothing uv cannot honour
  # (scripts/uv_settings.py gives it pip's indexes, find-links, constraints and certificate): the same
  # packages in about half pip's CPU (measured on a fresh clone: 13.5 s against 26.5 s); otherwise, or if
  # uv fails, by pip as before. Neither byte-compiles what it installs (pip's --no-compile: 18,000 files
  # here, about 50 s of CPU, most never imported); Python compiles what is imported, at its first import.
  installed_by=""
  if [ "${STUDIO_SETUP_PIP:-}" != "1" ]; then
    if ! settings="$($VPY scripts/uv_settings.py "$VPY")"; then
      echo "[setup] pip installs the requirements (uv would not read pip's settings as pip does: ${settings#\# })"
    elif ! $VPY -m pip install -q --no-compile uv >/dev/null 2>&1; then
      echo "[setup] pip installs the requirements (uv could not be installed)"
    else
      eval "$settings"
      if env "${uv_env[@]}" .venv/bin/uv pip install -q --python "$VPY" "${uv_args[@]}" "torch==2.13.0" -e ".[$EXTRAS]" \
         && env "${uv_env[@]}" .venv/bin/uv pip install -q --python "$VPY" "${uv_args[@]}" --no-deps "spandrel==0.4.2"
      then
        installed_by="uv"
      else
        echo "[setup] uv could not install the requirements: pip installs them"
      fi
    fi
  fi
  if [ -z "$installed_by" ]; then
    $VPY -m pip install -q --upgrade pip setuptools wheel
    $VPY -m pip install -q --no-compile "torch==2.13.0" -e ".[$EXTRAS]"
    $VPY -m pip install -q --no-compile --no-deps "spandrel==0.4.2"
  fi
  # the bytecode of what every run imports (torch, diffusers, transformers, Qt's graph widgets), written
  # now even where the machine sets PYTHONDONTWRITEBYTECODE, so that no start compiles them again
  env -u PYTHONDONTWRITEBYTECODE $VPY -c "import torch, diffusers, transformers, cv2, NodeGraphQt" >/dev/null 2>&1 || true
  echo "$want" > "$stamp"
fi
# A torchvision that cannot be imported beside this torch (pip's CUDA build beside a CPU torch, as an
# earlier "pip install spandrel" brings) breaks transformers' image processors: taken out, said.
if $VPY -c "import importlib.util as u, sys; sys.exit(0 if u.find_spec('torchvision') else 1)" 2>/dev/null \
   && ! $VPY -c "import torchvision" >/dev/null 2>&1; then
  echo "[setup] torchvision cannot be imported beside $($VPY -c 'import torch; print("torch", torch.__version__)'):" \
       "uninstalling it (Studio does not need it; install the build made for this torch if you do)"
  $VPY -m pip uninstall -q -y torchvision
fi
# PySide6 imported, as before; torch's version read from its
# metadata, not imported: its import cost 1.5 s of CPU here, and the command after this one imports it
echo "[setup] ready: $($VPY -c 'import importlib.metadata as m, PySide6; print("torch", m.version("torch"), "PySide6", PySide6.__version__)')"
