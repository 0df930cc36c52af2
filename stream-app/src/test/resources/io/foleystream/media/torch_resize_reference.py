"""Reference resizes for FramePreprocessorParityTest, computed with torch.

For every <name>.npy frame ([H, W, 3] float32 holding 8-bit RGB values) in the directory given
as the only argument, writes <name>.clip.npy and <name>.sync.npy: the CLIP resize (384 x 384,
aspect ignored) and the Synchformer resize (shorter side 224, centre crop 224 x 224) with
F.interpolate(mode='bicubic', antialias=True), rounded back to 8 bits as the reference pipeline
does, as [3, S, S] float32.
"""
import pathlib
import sys

import numpy as np
import torch
import torch.nn.functional as F


def resize(frame, height, width):
    out = F.interpolate(frame, size=(height, width), mode="bicubic", antialias=True,
                        align_corners=False)
    return out.round().clamp(0, 255)


def main(directory):
    for path in sorted(pathlib.Path(directory).glob("*.npy")):
        if path.name.count(".") > 1:
            continue
        rgb = torch.from_numpy(np.load(path)).permute(2, 0, 1)[None].float()
        h, w = rgb.shape[2], rgb.shape[3]
        clip = resize(rgb, 384, 384)[0]
        if w <= h:
            sh, sw = int(224 * h / w), 224
        else:
            sh, sw = 224, int(224 * w / h)
        sync = resize(rgb, sh, sw)[0]
        top, left = int(round((sh - 224) / 2.0)), int(round((sw - 224) / 2.0))
        sync = sync[:, top:top + 224, left:left + 224]
        stem = path.with_suffix("")
        np.save(f"{stem}.clip.npy", clip.numpy().astype(np.float32))
        np.save(f"{stem}.sync.npy", np.ascontiguousarray(sync.numpy().astype(np.float32)))


if __name__ == "__main__":
    main(sys.argv[1])
