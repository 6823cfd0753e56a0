#!/usr/bin/python3
"""Checks an exported symnas model in Python (Debian's python3-onnx / python3-torch).

Usage: check_export.py onnx|torchscript MODEL INPUT.f32 N,C,H,W LOGITS.f32
  onnx:        onnx.checker.check_model (full check) and the opset is >= 13;
  torchscript: torch.jit.load, run on the input, max |logits - expected| <= 1e-4.
Exit status 0 when every check passes.
"""
import sys

import numpy as np


def main():
    kind, model, input_path, shape, logits_path = sys.argv[1:6]
    x = np.fromfile(input_path, dtype=np.float32).reshape([int(d) for d in shape.split(",")])
    want = np.fromfile(logits_path, dtype=np.float32).reshape(x.shape[0], -1)
    if kind == "onnx":
        import onnx
        m = onnx.load(model)
        onnx.checker.check_model(m, full_check=True)
        opset = max(o.version for o in m.opset_import if o.domain in ("", "ai.onnx"))
        assert opset >= 13, f"opset {opset} < 13"
        print(f"onnx.checker: ok (opset {opset}, {len(m.graph.node)} nodes)")
        return 0
    import torch
    net = torch.jit.load(model)
    net.eval()
    with torch.no_grad():
        got = net(torch.from_numpy(x)).numpy()
    diff = float(np.abs(got - want).max())
    print(f"torch.jit.load: max abs diff {diff:.2e}")
    return 0 if diff <= 1e-4 else 1


if __name__ == "__main__":
    sys.exit(main())
