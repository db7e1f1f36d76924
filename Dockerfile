# syntax=docker/dockerfile:1
# Rapport in a container: `docker compose up` (compose.yaml, with PostgreSQL) or
#   docker build -t rapport . && docker run -p 3000:3000 -v rapport-data:/data rapport   (SQLite in /data)
# Not built on the machine this was written on (it has no Docker engine); CI checks the same package without
# Docker (test/package.smoke.db.test.ts) and scripts/compose-smoke.sh runs this file where Docker is.

# --- build: install everything, compile the server and CLI (dist/) and the web app (web/dist/) ---
FROM node:20-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 and argon2 ship prebuilt binaries; the toolchain is the fallback when none fits
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY src ./src
COPY web ./web
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

# --- runtime: Node, the production dependencies and the build output; no compiler, no TypeScript ---
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    RAPPORT_DATA_DIR=/data
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/web/dist ./web/dist
COPY bin ./bin
# `rapport` on the PATH (docker compose exec rapport rapport --help); the data dir belongs to the app user
RUN ln -s /app/bin/rapport.js /usr/local/bin/rapport \
  && mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.PORT + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/main.js"]
