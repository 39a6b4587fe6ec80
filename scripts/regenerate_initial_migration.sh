#!/usr/bin/env bash
# Regenerate migrations/versions/0001_initial.py from the models. Only while the project has
# no deployment to upgrade: after the first release, add migrations instead of rewriting this.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rm -f migrations/versions/0001_initial.py
FESTIVAL_DATABASE_URL="sqlite:///$tmp/scratch.sqlite3" FESTIVAL_SECRET_KEY=x \
  .venv/bin/flask --app festival db migrate -m "initial schema" --rev-id 0001 >/dev/null 2>&1
mv migrations/versions/0001_initial_schema.py migrations/versions/0001_initial.py
.venv/bin/ruff format -q migrations/versions/0001_initial.py || true
echo "migrations/versions/0001_initial.py regenerated"
