# syntax=docker/dockerfile:1.7
# The model-set exporter, so that a deployment needs no PyTorch on its hosts (docs/model-set.md).
# Built from onnx-models/ as the context:
#
#   docker build -f docker/exporter.Dockerfile -t foleystream-exporter onnx-models
#   docker run --rm -v foleystream-weights:/weights -v /srv/model-sets:/models \
#       foleystream-exporter small_16k            # fetch + export + check -> /models/small_16k
#
# It fetches every checkpoint the variant needs into /weights (resumable: a stopped run picks up
# where it stopped), exports the model set into /models/VARIANT and checks it. The Python stack is
# Debian's, as the `foleystream` launcher installs it for `./foleystream export`.

FROM debian:bookworm-slim

ENV LANG=C.UTF-8 PYTHONDONTWRITEBYTECODE=1
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        python3 python3-numpy python3-torch libopenblas0-pthread python3-onnx ca-certificates \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 foleystream \
    && useradd --system --uid 10001 --gid foleystream --home-dir /opt/foleystream foleystream \
    && mkdir -p /weights /models \
    && chown foleystream:foleystream /weights /models

WORKDIR /opt/foleystream
COPY foleystream_export foleystream_export/

COPY --chmod=755 <<'SCRIPT' /usr/local/bin/fetch-and-export
#!/bin/sh
# fetch-and-export VARIANT [fp32|fp16]: fetch into /weights, export into /models/VARIANT, check.
set -eu
variant="${1:?usage: fetch-and-export VARIANT [fp32|fp16]}"
precision="${2:-fp32}"
cd /opt/foleystream
python3 -m foleystream_export fetch --variant "$variant" --dir /weights
python3 -m foleystream_export export --variant "$variant" --weights /weights \
    --precision "$precision" --out "/models/$variant"
python3 -m foleystream_export check "/models/$variant"
SCRIPT

USER foleystream
VOLUME ["/weights", "/models"]
ENTRYPOINT ["/usr/local/bin/fetch-and-export"]
