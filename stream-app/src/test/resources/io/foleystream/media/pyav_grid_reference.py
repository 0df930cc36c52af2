"""The official inference sampler (model-facts 3.1) on a video read with PyAV.

Usage: pyav_grid_reference.py VIDEO DURATION_S
Prints three lines: the time of every kept frame in microseconds (rounded), then the index of the
frame chosen for each 8 fps grid point, then for each 25 fps grid point.
"""
import sys

import av

video, duration = sys.argv[1], float(sys.argv[2])
times = []
with av.open(video) as container:
    # The official reader sets thread_type='AUTO'; threading does not change which frames come
    # out, and PyAV's threaded decoder can hang when the loop leaves early.
    stream = container.streams.video[0]
    for frame in container.decode(stream):
        t = frame.time
        if t < 0:
            continue
        if t > duration:
            break
        times.append(t)
print(' '.join(str(round(t * 1e6)) for t in times))
for fps in (8, 25):
    chosen = []
    next_time = 0.0
    for index, t in enumerate(times):
        while t >= next_time:
            chosen.append(index)
            next_time += 1 / fps
    print(' '.join(str(i) for i in chosen[:int(fps * duration)]))
