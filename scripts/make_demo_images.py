#!/usr/bin/python3
"""Writes a small image folder to try `dataset: image_folder` on (examples/image_folder_search.yaml).

Usage: scripts/make_demo_images.py OUT_DIR [IMAGES_PER_CLASS]
Three classes (bars, rings, squares) of 28 x 28 RGB PNGs with random colour, position and noise,
split into OUT_DIR/train/<class>/ and OUT_DIR/test/<class>/ (1 in 5 goes to test), plus the test
images as OUT_DIR/test_nchw.npy (float32 N x 3 x 28 x 28, pixels / 255) and test_labels.npy for
tools/onnxruntime/predict.cjs. Needs only Debian's python3-numpy and python3-matplotlib.
"""
import os
import sys

import numpy as np
from matplotlib import image


S = 28  # image side
CLASSES = ("bars", "rings", "squares")  # sorted: the class index symnas gives each folder


def draw(kind, rng):
    img = rng.integers(0, 60, size=(S, S, 3)).astype(np.float64)
    colour = rng.integers(120, 256, size=3)
    cy, cx = rng.integers(9, S - 9, size=2)
    yy, xx = np.mgrid[0:S, 0:S]
    if kind == "bars":
        mask = (np.abs(xx - cx) < 3) | (np.abs(yy - cy) < 3)
    elif kind == "rings":
        r = np.hypot(yy - cy, xx - cx)
        mask = (r > 5) & (r < 8)
    else:
        mask = (np.abs(xx - cx) < 6) & (np.abs(yy - cy) < 6)
    img[mask] = colour
    return (img / 255.0).astype(np.float32)


def main():
    out = sys.argv[1]
    per_class = int(sys.argv[2]) if len(sys.argv) > 2 else 100
    rng = np.random.default_rng(0)
    test, labels = [], []
    for label, kind in enumerate(CLASSES):
        for i in range(per_class):
            split = "test" if i % 5 == 0 else "train"
            folder = os.path.join(out, split, kind)
            os.makedirs(folder, exist_ok=True)
            img = draw(kind, rng)
            path = os.path.join(folder, f"{i:04d}.png")
            image.imsave(path, img)
            if split == "test":  # as the PNG decodes: 8-bit RGB
                test.append(image.imread(path)[:, :, :3].transpose(2, 0, 1))
                labels.append(label)
    np.save(os.path.join(out, "test_nchw.npy"), np.stack(test).astype(np.float32))
    np.save(os.path.join(out, "test_labels.npy"), np.array(labels, dtype=np.int64))
    print(f"wrote {3 * per_class} images to {out}/train and {out}/test")


if __name__ == "__main__":
    main()
