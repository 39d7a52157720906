# syntax=docker/dockerfile:1
# gemini-rotator: build with the dev dependencies, run with the production ones only.

FROM node:24-alpine AS build
WORKDIR /app
COPY package.json package-lock.json ./
# The npm cache lives in a build cache mount: rebuilds are fast and it never lands in a layer.
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM node:24-alpine AS runtime
ENV NODE_ENV=production \
    PORT=7860 \
    HOST=0.0.0.0 \
    KEYS_FILE=/app/keys.txt \
    STATE_FILE=/app/data/state.json \
    LOG_LEVEL=info
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --no-audit --no-fund
COPY --from=build /app/dist ./dist
# State lives in /app/data (a volume in docker-compose.yml); the image's own `node` user owns it.
RUN mkdir -p data && chown node:node data
USER node
EXPOSE 7860
# Node itself asks /health: the image needs no curl or wget. "degraded" (every key resting) is still 200.
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 7860) + '/health', { signal: AbortSignal.timeout(4000) }).then((response) => process.exit(response.ok ? 0 : 1), () => process.exit(1))"]
# node is PID 1 and handles SIGTERM itself: in-flight streams finish (SHUTDOWN_TIMEOUT_MS), then exit 0.
STOPSIGNAL SIGTERM
# A small young generation keeps memory and GC pauses down under load (see bench/README.md).
CMD ["node", "--max-semi-space-size=8", "dist/main.js"]
