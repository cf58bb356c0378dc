# Shared set-up for the scripts: a .venv with the project installed (idempotent).
# Sourced, not run. Re-installs only when pyproject.toml changed since the last install.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PYTHON="${PYTHON:-python3}"
VENV="$ROOT/.venv"
EXTRAS="${KENNISBANK_EXTRAS:-}"

if [ ! -x "$VENV/bin/python" ]; then
  echo "creating $VENV" >&2
  "$PYTHON" -m venv "$VENV"
fi
hash="$(sha1sum pyproject.toml | cut -c1-12)"
stamp="$VENV/.installed-$hash${EXTRAS:+-${EXTRAS//,/-}}"
if [ ! -f "$stamp" ]; then
  echo "installing kennisbank${EXTRAS:+[$EXTRAS]} into $VENV" >&2
  "$VENV/bin/python" -m pip install -q --upgrade pip >&2
  "$VENV/bin/python" -m pip install -q -e ".${EXTRAS:+[$EXTRAS]}" >&2
  find "$VENV" -maxdepth 1 -name '.installed-*' ! -name ".installed-$hash*" -delete   # stale: pyproject changed
  touch "$stamp"
fi
export PATH="$VENV/bin:$PATH"
export KENNISBANK_INDEX="${KENNISBANK_INDEX:-$ROOT/var/index}"
export KENNISBANK_CORPUS="${KENNISBANK_CORPUS:-$ROOT/corpus}"
