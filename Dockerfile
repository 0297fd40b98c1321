# kali's container image: the single executable (deno compile) on a
# distroless base with glibc, running as the non-root user 65532. The
# release workflow builds it for linux/amd64 and linux/arm64 and pushes it
# as ghcr.io/kali/kali:<version>, the image `kali k8s-job` names by default.
#
#   docker buildx build --build-arg DENO_VERSION=$(sed -n 's/^DENO_VERSION=//p' scripts/deno) .
#
# DENO_VERSION has no default: scripts/deno is the one place it is pinned.
# `deno compile` downloads Deno's runtime for the target, so the build needs
# internet access (it cannot be built on kali's development machine).
ARG DENO_VERSION

FROM --platform=$BUILDPLATFORM denoland/deno:${DENO_VERSION} AS build
ARG TARGETARCH
WORKDIR /src
COPY deno.json deno.lock main.ts ./
COPY src/ src/
COPY workers/ workers/
COPY scripts/compile.ts scripts/
RUN case "$TARGETARCH" in \
      amd64) target=x86_64-unknown-linux-gnu ;; \
      arm64) target=aarch64-unknown-linux-gnu ;; \
      *) echo "no kali executable for $TARGETARCH" >&2; exit 1 ;; \
    esac \
 && deno run --no-prompt --allow-read --allow-run scripts/compile.ts "$target" \
 && cp "dist/kali-$target" /kali

FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /kali /usr/local/bin/kali
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/kali"]
