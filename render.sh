#!/usr/bin/env bash
# Set up (once) and render the video, run the tests, or benchmark the render.
#
#   ./render.sh [OPTIONS]        render every beat and join them into one MP4 (+ .srt)
#   ./render.sh test [ARGS]      lint (ruff), format check, type check (mypy), then the tests (ARGS go to pytest)
#   ./render.sh bench [ARGS]     time the render and the trial data (see ./render.sh bench --help)
#   ./render.sh stills           remake the README's stills (docs/stills/, checked by the tests)
#   ./render.sh --help           every render option
#
# Set-up on a fresh Debian 12 machine: the Debian packages Manim needs (installed
# when run as root, otherwise named so you can install them), a virtualenv in
# .venv, and this project at the versions in constraints.txt. Re-runs skip what is done.
set -u -o pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENV="$ROOT/.venv"
APT_PACKAGES=(libcairo2-dev libpango1.0-dev pkg-config
              texlive-latex-base texlive-latex-recommended texlive-fonts-recommended texlive-latex-extra dvisvgm)

die() { echo "render.sh: error: $*" >&2; exit 1; }
say() { echo "render.sh: $*" >&2; }

ensure_system_packages() {
    local missing=() pkg
    for pkg in "${APT_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -ne 0 ]; then
        die "missing Debian packages: ${missing[*]}
  install them with: sudo apt-get install --no-install-recommends ${missing[*]}"
    fi
    say "installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq || die "apt-get update failed"
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || die "apt-get install failed"
}

ensure_venv() {
    command -v python3 >/dev/null || die "python3 not found (Python 3.11 or newer is needed)"
    python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' || die "Python 3.11 or newer is needed"
    if [ ! -x "$VENV/bin/python" ]; then
        say "creating $VENV"
        python3 -m venv "$VENV" || die "could not create a virtualenv (on Debian: apt-get install python3-venv)"
    fi
    # Reinstall only when the project's dependencies or their pins changed.
    local stamp="$VENV/.installed-$(cat "$ROOT/pyproject.toml" "$ROOT/constraints.txt" | sha256sum | cut -c1-16)"
    if [ ! -f "$stamp" ]; then
        say "installing the project and its pinned dependencies into $VENV (a few minutes the first time)"
        local log="$VENV/install.log"
        { "$VENV/bin/python" -m pip install --upgrade pip &&
          "$VENV/bin/python" -m pip install -e "$ROOT[test]" -c "$ROOT/constraints.txt"; } >"$log" 2>&1 ||
            { tail -n 30 "$log" >&2; die "pip install failed (whole log: $log)"; }
        rm -f "$VENV"/.installed-* && touch "$stamp"
    fi
}

setup() {
    ensure_system_packages
    ensure_venv
}

case "${1:-}" in
    -h|--help)
        sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
        echo
        # The options come from the driver's command line (click), which the set-up installs:
        # on a fresh machine this sets up first, saying so.
        setup
        cd "$ROOT" && "$VENV/bin/python" -m hpsearch.driver render --help | sed '1,/^$/d'
        exit 0 ;;
    test)
        shift
        setup
        cd "$ROOT" || die "cannot cd to $ROOT"
        "$VENV/bin/ruff" check . || { say "lint failed (ruff check)"; exit 1; }
        "$VENV/bin/ruff" format --check . || { say "format check failed (ruff format --check)"; exit 1; }
        "$VENV/bin/mypy" || { say "type check failed (mypy)"; exit 1; }
        exec "$VENV/bin/python" -m pytest "$@" ;;
    bench)
        shift
        setup
        cd "$ROOT" && exec "$VENV/bin/python" -m hpsearch.driver bench "$@" ;;
    stills)
        shift
        setup
        cd "$ROOT" && exec "$VENV/bin/python" -m hpsearch.driver stills "$@" ;;
    *)
        setup
        cd "$ROOT" && exec "$VENV/bin/python" -m hpsearch.driver render "$@" ;;
esac
