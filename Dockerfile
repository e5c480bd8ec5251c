# carbon-track as a container: the packed package installed on a slim Node image, no devDependency, no compiler.
#   docker build -t carbon-track .
#   docker run --rm carbon-track 30 --demo
#   docker run --rm -v "$PWD/output:/work/output" -e AWS_PROFILE -v "$HOME/.aws:/home/node/.aws:ro" carbon-track 7
# The build stage compiles and packs; the runtime stage installs only what `npm pack` ships (see package.json "files").

FROM node:22-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json ./
COPY bin ./bin
COPY config ./config
COPY scripts ./scripts
COPY src ./src
RUN npm run build && npm pack --ignore-scripts --pack-destination /tmp && mv /tmp/carbon-track-*.tgz /tmp/carbon-track.tgz

FROM node:22-bookworm-slim
ENV NODE_ENV=production NO_UPDATE_NOTIFIER=1
COPY --from=build /tmp/carbon-track.tgz /tmp/carbon-track.tgz
RUN npm install --global --no-audit --no-fund --omit=dev /tmp/carbon-track.tgz && rm /tmp/carbon-track.tgz && npm cache clean --force
USER node
WORKDIR /work
ENTRYPOINT ["carbon-track"]
CMD ["--help"]
