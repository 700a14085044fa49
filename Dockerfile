# syntax=docker/dockerfile:1
# One image per service: docker build --build-arg SERVICE=booking .
# (the gateway adds --target gateway for its HEALTHCHECK).
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS manifests
WORKDIR /src
COPY . .
# Only the package manifests, so the npm ci layer below is reused when only sources change.
RUN mkdir /manifests \
 && find . -name package.json -not -path '*/node_modules/*' -exec cp --parents {} /manifests/ \; \
 && cp package-lock.json /manifests/

FROM ${NODE_IMAGE} AS build
# better-sqlite3 compiles from source when no prebuilt binary matches.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=manifests /manifests ./
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE} AS runtime
ARG SERVICE
ENV NODE_ENV=production \
    PLASS_SERVICE=${SERVICE} \
    PLASS_DATA_DIR=/var/lib/plass
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/contracts ./contracts
COPY --from=build /app/packages ./packages
COPY --from=build /app/services/${SERVICE} ./services/${SERVICE}
RUN if [ -z "${SERVICE}" ] || [ ! -f "services/${SERVICE}/dist/main.js" ]; then \
      echo "SERVICE must name a folder in services/: docker build --build-arg SERVICE=<name> ." >&2; exit 1; \
    fi \
 && mkdir -p "${PLASS_DATA_DIR}" && chown 1000:1000 "${PLASS_DATA_DIR}"
# Numeric uid (the image's `node` user) so Kubernetes runAsNonRoot can verify it.
USER 1000:1000
# V8 flags as npm start and the bench give them (SERVICE_NODE_FLAGS in packages/launcher, ADR 0012).
CMD ["sh", "-c", "exec node --heap-growing-percent=80 --no-memory-reducer \"services/${PLASS_SERVICE}/dist/main.js\""]

FROM runtime AS gateway
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PLASS_GATEWAY_PORT || 8080) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# Default target: services that speak only NATS have nothing meaningful to probe.
FROM runtime AS service
