"""Decodes a video with PyAV (FFmpeg) the way the official inference path does:
frame.to_ndarray(format='rgb24'), i.e. swscale with its default settings.

Usage: pyav_rgb_reference.py VIDEO OUT_DIR
Writes OUT_DIR/<index>.rgb (height * width * 3 bytes, rows of R, G, B) for every frame in
presentation order and OUT_DIR/frames.txt with "index width height pix_fmt" lines.
"""
import os
import sys

import av

video, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
lines = []
with av.open(video) as container:
    stream = container.streams.video[0]
    for index, frame in enumerate(container.decode(stream)):
        rgb = frame.to_ndarray(format='rgb24')
        with open(os.path.join(out, f'{index}.rgb'), 'wb') as f:
            f.write(rgb.tobytes())
        lines.append(f'{index} {frame.width} {frame.height} {frame.format.name}')
with open(os.path.join(out, 'frames.txt'), 'w') as f:
    f.write('\n'.join(lines) + '\n')
