# Build stage: compile TypeScript with the dev dependencies.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY src ./src
COPY migrations ./migrations
COPY scripts ./scripts
COPY simulator ./simulator
COPY web ./web
RUN npm run build && npm prune --omit=dev

# Runtime stage: the compiled service and production dependencies only.
FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# Without DATABASE_URL, the embedded PostgreSQL keeps its data here (mount a volume on it).
ENV VAULTWATCH_DATA_DIR=/app/data
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
# A heap limit with headroom over the working set: without one V8 lets garbage grow RSS past
# 512 MB (src/config/heap-limit.ts says why 384). docker-compose's api and worker run this too.
CMD ["node", "--max-old-space-size=384", "dist/src/main.js"]
