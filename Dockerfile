# meshpeer: `meshpeer serve` by default; `meshpeer worker` with the same image (see docker-compose.yml).
# The image runs compiled JavaScript (dist/, built in the first stage with the dev dependencies), not
# tsx: it holds no TypeScript sources, so bin/meshpeer.js runs dist/ without a staleness check.
# Git is spoken over HTTPS by isomorphic-git: no git binary.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/build.mjs ./scripts/
COPY src ./src
COPY workers ./workers
# The product's CLI type-checks against the sandbox package's entry point (src/cli/load-sandbox.ts),
# so the build compiles it; the image below copies the product's output only.
COPY sandbox ./sandbox
RUN node scripts/build.mjs

FROM node:20-bookworm-slim

ENV NODE_ENV=production \
    MESHPEER_CACHE_DIR=/home/node/.cache/meshpeer \
    MESHPEER_PORT=8080
WORKDIR /app

COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force

COPY bin ./bin
COPY --from=build /app/dist/.build-stamp ./dist/
COPY --from=build /app/dist/src ./dist/src
COPY --from=build /app/dist/workers ./dist/workers

USER node
RUN mkdir -p /home/node/.cache/meshpeer
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.MESHPEER_HEALTH_PORT||process.env.MESHPEER_PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "bin/meshpeer.js"]
CMD ["serve"]
