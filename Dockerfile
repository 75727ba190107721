# Build and run image for the API, the worker and the one-off migration job.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:24-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY deploy/roles.sql ./deploy/roles.sql
# The checkpoint volume takes this folder's owner when first mounted.
RUN mkdir -p /var/lib/qorgau/checkpoints && chown node:node /var/lib/qorgau/checkpoints
USER node
EXPOSE 3000
CMD ["node", "dist/src/main.js"]
