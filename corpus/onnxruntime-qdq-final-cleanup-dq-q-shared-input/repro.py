#!/usr/bin/env python3
# A tensorsmith bug case, replayed with onnxruntime's Python package and numpy only: model.onnx on
# inputs.json with the CPU execution provider at the graph optimization level the SUT ran (CASE
# below), each output judged against expected.json (the float64 reference's values) by tensorsmith's
# rule: with bounds.json, |actual - expected| <= safetyFactor * bound + flushToZero per element (the
# bound: the error a correct float32 computation may have there); without it, |actual - expected| <=
# atol * scale + rtol * |expected|, scale being the output's largest finite |expected| (at least 1).
# NaN and Inf must match.
#   pip install onnxruntime==VERSION numpy && python3 repro.py
# Exit code 1 while the bug is there, 0 once every output agrees, 2 when it cannot run.
import base64
import json
import math
import os
import sys

CASE = json.loads("{\"kind\":\"compile-error\",\"backend\":\"ort-extended\",\"message\":\"Invalid model. Node input 'v28' is not a graph input, initializer, or output of a previous node.\",\"version\":\"1.30.0\",\"level\":\"ORT_ENABLE_EXTENDED\",\"outputs\":[{\"name\":\"v34\",\"dtype\":\"uint8\",\"rtol\":0,\"atol\":0},{\"name\":\"v42\",\"dtype\":\"uint8\",\"rtol\":0,\"atol\":0}]}")
HERE = os.path.dirname(os.path.abspath(__file__))


def cannot_run(why):
    print("repro.py cannot run: " + why, file=sys.stderr)
    sys.exit(2)


try:
    import numpy as np
    import onnxruntime as ort
except ImportError as e:
    cannot_run(str(e) + " (pip install onnxruntime==" + CASE["version"] + " numpy)")

DTYPES = {
    "float32": np.float32, "float64": np.float64, "float16": np.float16, "int32": np.int32, "int64": np.int64, "bool": np.bool_,
    "int8": np.int8, "uint8": np.uint8, "int16": np.int16, "uint16": np.uint16, "uint32": np.uint32, "uint64": np.uint64,
}


def tensors(name):
    with open(os.path.join(HERE, name)) as f:
        top = json.load(f)
    out = {}
    for key, t in top.get("inputs", top.get("outputs", {})).items():
        data = np.frombuffer(base64.b64decode(t["data"]), dtype=DTYPES[t["dtype"]])
        out[key] = data.reshape(t["shape"])
    return out


def judge(out, expected, actual, rule, bound):
    label = "output '" + out["name"] + "'"
    if actual is None:
        return [label + " is missing"]
    if list(actual.shape) != list(expected.shape):
        return [label + " has shape " + str(list(actual.shape)) + ", expected " + str(list(expected.shape))]
    e = expected.astype(np.float64).ravel()
    a = np.asarray(actual).astype(np.float64).ravel()
    if out["dtype"] == "float32":
        e = e.astype(np.float32).astype(np.float64)
    finite = [abs(x) for x in e if math.isfinite(x)]
    scale = max([1.0] + finite)
    bad = []
    for i, (ev, av) in enumerate(zip(e, a)):
        if not (math.isfinite(ev) and math.isfinite(av)):
            if not (math.isnan(ev) and math.isnan(av)) and ev != av:
                bad.append((i, ev, av, "NaN/Inf mismatch"))
            continue
        if bound is not None:
            b = float(bound[i])
            allowed = rule["safetyFactor"] * b + rule["flushToZero"]
            note = ("%.2e x the bound %.1e" % (abs(av - ev) / b, b)) if b > 0 else "must be exact"
        else:
            allowed = out["atol"] * scale + out["rtol"] * abs(ev)
            note = "must be equal" if allowed == 0 else "%.2e x tolerance" % (abs(av - ev) / allowed)
        if abs(av - ev) > allowed:
            bad.append((i, ev, av, note))
    if not bad:
        print(label + ": ok")
        return []
    lines = [label + ": %d of %d elements disagree" % (len(bad), len(e))]
    for i, ev, av, note in bad[:8]:
        lines.append("  [%d] expected %s  actual %s  (%s)" % (i, float(ev), float(av), note))
    return lines


def main():
    print("tensorsmith bug case: " + CASE["kind"] + " on " + CASE["backend"] + ", replayed with onnxruntime " + ort.__version__ + " (Python), " + CASE["level"])
    try:
        inputs = tensors("inputs.json")
        expected = tensors("expected.json")
    except (OSError, ValueError, KeyError) as e:
        cannot_run("a case file is unreadable: " + str(e))
    options = ort.SessionOptions()
    options.graph_optimization_level = getattr(ort.GraphOptimizationLevel, CASE["level"])
    try:
        session = ort.InferenceSession(os.path.join(HERE, "model.onnx"), options, providers=["CPUExecutionProvider"])
        names = [o.name for o in session.get_outputs()]
        results = dict(zip(names, session.run(None, inputs)))
    except Exception as e:  # onnxruntime's own error types: the bug, when the case recorded an error
        print("onnxruntime raised: " + str(e).splitlines()[0])
        print("recorded: " + CASE["message"])
        return 1
    rule = None
    bounds = {}
    if os.path.exists(os.path.join(HERE, "bounds.json")):
        with open(os.path.join(HERE, "bounds.json")) as f:
            rule = json.load(f)
        bounds = tensors("bounds.json")
    problems = []
    for out in CASE["outputs"]:
        bound = bounds.get(out["name"])
        problems += judge(out, expected[out["name"]], results.get(out["name"]), rule, None if bound is None else bound.ravel())
    for line in problems:
        print(line)
    print("the bug is there" if problems else "every output agrees with expected.json: the bug is gone")
    return 1 if problems else 0


sys.exit(main())
