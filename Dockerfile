# Lectern in a container: a Swift 6.3 build stage, then a Debian bookworm-slim runtime holding only the binary, its
# resource bundles and the libraries it links (argon2, SQLite, cmark-gfm). Runs as an unprivileged user and serves
# on port 8080. README, "Scaling out", shows how to build, run and compose it.
#
#   docker build -t lectern .
#   docker run -p 8080:8080 -v lectern-db:/srv/lectern/db lectern
#
# Content/ and Public/ are baked in as defaults; mount a school's own over /srv/lectern/Content and
# /srv/lectern/Public. The SQLite database lives in the /srv/lectern/db volume.

FROM swift:6.3-bookworm AS build
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends pkg-config libsqlite3-dev libargon2-dev libcmark-gfm-dev libcmark-gfm-extensions-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# The Swift runtime is linked in, so the runtime image needs no Swift installation; stripped, the binary is a
# sixth of its size (symbols are for debugging, which the image is not for).
RUN swift build -c release --product lectern --static-swift-stdlib \
    && mkdir /out \
    && cp .build/release/lectern /out/ \
    && strip /out/lectern \
    && cp -R .build/release/*.resources /out/

FROM debian:bookworm-slim
# Unpinned on purpose: Debian stable's updates are security fixes, wanted at every build. curl is for HEALTHCHECK.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends libsqlite3-0 libargon2-1 libcmark-gfm0.29.0.gfm.6 libcmark-gfm-extensions0.29.0.gfm.6 \
        ca-certificates tzdata curl \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 lectern \
    && useradd --system --uid 10001 --gid lectern --home-dir /srv/lectern --shell /usr/sbin/nologin lectern
# The resource bundles (templates, the API contract, the password list) must sit beside the binary.
COPY --from=build /out/ /usr/local/bin/
WORKDIR /srv/lectern
COPY --chown=root:root Content Content
COPY --chown=root:root Public Public
RUN mkdir db && chown lectern:lectern db
USER 10001:10001
ENV LECTERN_HOST=0.0.0.0 \
    LECTERN_PORT=8080 \
    LECTERN_DB=/srv/lectern/db/lectern.sqlite
EXPOSE 8080
VOLUME ["/srv/lectern/db"]
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 CMD ["curl", "-fsS", "-o", "/dev/null", "http://127.0.0.1:8080/healthz"]
ENTRYPOINT ["lectern"]
CMD ["serve"]
