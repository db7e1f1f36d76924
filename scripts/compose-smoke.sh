#!/usr/bin/env bash
# `docker compose up` followed by the README's "API in one minute", end to end, where Docker is available:
# builds the image (Dockerfile), starts Rapport and PostgreSQL (compose.yaml) in a throwaway compose project,
# waits for both health checks, runs the README's example against it with the `rapport` command inside the
# container (scripts/api-example.js checks every answer), then removes the containers and volumes.
# Needs Docker with the compose plugin, Node (for scripts/api-example.js) and curl.
# Without Docker, CI checks the same package: test/package.smoke.db.test.ts (compiled server, fresh database).
set -euo pipefail
cd "$(dirname "$0")/.."
export COMPOSE_PROJECT_NAME="rapport-smoke-$$"
export RAPPORT_PORT="${RAPPORT_PORT:-3000}"
cleanup() { docker compose down --volumes --remove-orphans >/dev/null 2>&1 || true; }
trap cleanup EXIT

docker compose up --detach --build --wait --wait-timeout 600
node scripts/api-example.js --url "http://localhost:${RAPPORT_PORT}" --rapport "docker compose exec -T rapport rapport"
