"""Writes the tiny test vocabulary: open_clip's BPE merges file truncated to its first merges.

    /usr/bin/python3 scripts/make_tiny_vocab.py PATH/bpe_simple_vocab_16e6.txt.gz

The output (``foleystream_export/variants/tiny_bpe.txt.gz``) holds the header line and the first
``bpe_merges`` rules of ``tiny.json`` with no trailing newline, gzip-compressed without a
timestamp or file name, so the same input always gives the same bytes. open_clip's
``SimpleTokenizer`` reads it unchanged (its vocabulary is then 512 + merges + 2 tokens, the two
special tokens last).
"""

import argparse
import gzip
import io
import json
import pathlib
import sys

VARIANTS = pathlib.Path(__file__).resolve().parents[1] / "foleystream_export" / "variants"


def truncated_vocabulary(full_merges_gz: bytes, merges: int) -> bytes:
    lines = gzip.decompress(full_merges_gz).decode("utf-8").split("\n")
    if len(lines) < merges + 1:
        raise ValueError(f"the merges file has only {len(lines) - 1} rules, {merges} wanted")
    text = "\n".join(lines[:merges + 1])
    out = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=out, mtime=0, compresslevel=9) as gz:
        gz.write(text.encode("utf-8"))
    return out.getvalue()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("full_vocabulary", type=pathlib.Path, help="open_clip's bpe_simple_vocab_16e6.txt.gz")
    args = parser.parse_args(argv)
    config = json.loads((VARIANTS / "tiny.json").read_text())
    target = VARIANTS / config["bpe_file"]
    target.write_bytes(truncated_vocabulary(args.full_vocabulary.read_bytes(), config["bpe_merges"]))
    print(f"wrote {target} ({config['bpe_merges']} merges)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
