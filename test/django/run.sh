#!/usr/bin/env bash
# The real-Django proof of `npm run accounts` (test/django/run.mjs). Debian's Django, PyJWT
# and djangorestframework-simplejwt (when Debian has it) are installed when missing.
set -euo pipefail
cd "$(dirname "$0")/../.."

has() { /usr/bin/python3 -c "import $1" 2>/dev/null; }
if ! has django || ! has jwt || ! has rest_framework_simplejwt; then
  apt-get update
  want=()
  has django || want+=(python3-django)
  has jwt || want+=(python3-jwt)
  if ! has rest_framework_simplejwt && apt-cache policy python3-djangorestframework-simplejwt | grep -q 'Candidate: [0-9]'; then
    want+=(python3-djangorestframework-simplejwt)
  fi
  if [ ${#want[@]} -gt 0 ]; then apt-get install -y "${want[@]}"; fi
fi

exec npx node test/django/run.mjs
