#!/usr/bin/python3
"""Checks an exported symnas model in Python (Debian's python3-onnx / python3-torch).

Usage: check_export.py onnx|onnx-int8|torchscript MODEL INPUT.f32 N,C,H,W LOGITS.f32
  onnx:        onnx.checker.check_model (full check) and the opset is >= 13;
  onnx-int8:   as onnx, and every Conv/Gemm reads its input through QuantizeLinear ->
               DequantizeLinear, its weight as int8 and its bias as int32 through DequantizeLinear;
  torchscript: torch.jit.load, run on the input, max |logits - expected| <= 1e-4.
Exit status 0 when every check passes.
"""
import sys

import numpy as np


def check_qdq(m):
    """Every Conv/Gemm: data input Q -> DQ, weight int8 -> DQ, bias int32 -> DQ."""
    from onnx import TensorProto
    producer = {o: n for n in m.graph.node for o in n.output}
    inits = {i.name: i for i in m.graph.initializer}
    layers = [n for n in m.graph.node if n.op_type in ("Conv", "Gemm")]
    assert layers, "no Conv/Gemm"
    for n in layers:
        dq = producer[n.input[0]]
        assert dq.op_type == "DequantizeLinear", f"{n.name}: input from {dq.op_type}"
        assert producer[dq.input[0]].op_type == "QuantizeLinear", f"{n.name}: no QuantizeLinear"
        for k, want in ((1, TensorProto.INT8), (2, TensorProto.INT32))[: len(n.input) - 1]:
            w = producer[n.input[k]]
            assert w.op_type == "DequantizeLinear", f"{n.name}: input {k} from {w.op_type}"
            assert inits[w.input[0]].data_type == want, f"{n.name}: input {k} not int{8 if k == 1 else 32}"
    float_bytes = sum(len(i.raw_data) for i in inits.values() if i.data_type == TensorProto.FLOAT)
    int8_bytes = sum(len(i.raw_data) for i in inits.values() if i.data_type == TensorProto.INT8)
    print(f"int8 QDQ: {len(layers)} Conv/Gemm quantised; {int8_bytes} int8 weight bytes, "
          f"{float_bytes} float bytes (scales, standardisation, selu gamma)")


def main():
    kind, model, input_path, shape, logits_path = sys.argv[1:6]
    x = np.fromfile(input_path, dtype=np.float32).reshape([int(d) for d in shape.split(",")])
    want = np.fromfile(logits_path, dtype=np.float32).reshape(x.shape[0], -1)
    if kind in ("onnx", "onnx-int8"):
        import onnx
        m = onnx.load(model)
        onnx.checker.check_model(m, full_check=True)
        opset = max(o.version for o in m.opset_import if o.domain in ("", "ai.onnx"))
        assert opset >= 13, f"opset {opset} < 13"
        print(f"onnx.checker: ok (opset {opset}, {len(m.graph.node)} nodes)")
        if kind == "onnx-int8":
            check_qdq(m)
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
