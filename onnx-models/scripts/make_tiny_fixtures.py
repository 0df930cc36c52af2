"""Regenerates the committed tiny model set and its golden data.

    /usr/bin/python3 scripts/make_tiny_fixtures.py [--out DIR]

Writes DIR/model-set and DIR/golden (default: onnx-models/fixtures/tiny, replaced). Everything
comes from fixed seeds; on the same torch version the output is identical bit for bit.
"""

import argparse
import pathlib
import shutil
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from foleystream_export import golden  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=pathlib.Path, default=ROOT / "fixtures" / "tiny")
    args = parser.parse_args(argv)
    for sub in ("model-set", "golden"):
        shutil.rmtree(args.out / sub, ignore_errors=True)
    golden.make_fixtures(args.out)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
