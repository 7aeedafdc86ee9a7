# syntax=docker/dockerfile:1
# One image for every subcommand: `bluegreen serve` by default, `load` and `demo` by argument.
# Runs as a numeric non-root user and writes nothing at run time, so it works with a read-only root
# filesystem. test/server/docker-recipe.test.ts replays these steps without Docker.

ARG NODE_IMAGE=node:24.20.0-trixie-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build
RUN npm prune --omit=dev

FROM ${NODE_IMAGE}
ARG VERSION=dev
ARG REVISION=unknown
LABEL org.opencontainers.image.title="bluegreen" \
      org.opencontainers.image.description="Blue/Green load-test target and live traffic dashboard for Kubernetes" \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}"
ENV NODE_ENV=production \
    PORT=8080
WORKDIR /app
# Owned by root and not writable by the app user: the app never writes to its own files.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/bin ./bin
COPY --from=build /app/deploy ./deploy
RUN ln -s /app/bin/bluegreen.js /usr/local/bin/bluegreen
USER 10001:10001
EXPOSE 8080
ENTRYPOINT ["bluegreen"]
CMD ["serve"]
