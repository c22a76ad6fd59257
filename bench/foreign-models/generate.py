#!/usr/bin/env python3
"""Writes foreign ONNX models (made by other tools than tensorsmith) for bench/import-rate.mjs.

  /usr/bin/python3 bench/foreign-models/generate.py OUT [--opsets 7-17] [--node-tests DIR]

OUT must lie outside the repository (e.g. /tmp/foreign). It gets:
  node-tests/opset<V>/<case>.onnx  the ONNX node conformance cases (from DIR, default
                                   shared/onnx-node-tests beside the checkout, or the onnx package's own node
                                   cases) re-exported at every opset V where each of the case's
                                   ops exists: onnx.version_converter first; when it has no
                                   adapter, the opset import is restamped if no op of the case
                                   changed its version between the two opsets (same semantics).
  torch/opset<V>/<module>.onnx     torch.onnx.export of small varied torch modules at opset V.
  manifest.json                    what was written, and why each case/opset pair was not.

Needs the onnx (1.12) and torch (1.13) Python packages, e.g. Debian's python3-onnx and
python3-torch (run with /usr/bin/python3 if another python3 comes first on PATH).
"""
import argparse
import io
import json
import os
import sys
import warnings

import onnx
from onnx import defs, version_converter


def parse_opsets(text):
    lo, _, hi = text.partition('-')
    return list(range(int(lo), int(hi or lo) + 1))


def default_opset(model):
    for o in model.opset_import:
        if o.domain in ('', 'ai.onnx'):
            return o.version
    return None


def schema_version(op, opset):
    """The since_version of op's schema in force at opset, or None when the op does not exist yet."""
    try:
        return defs.get_schema(op, opset, '').since_version
    except Exception:  # onnx raises SchemaError (not exported under one name across versions)
        return None


def graph_ops(graph):
    ops = set()
    for node in graph.node:
        if node.domain in ('', 'ai.onnx'):
            ops.add(node.op_type)
        for attr in node.attribute:
            if attr.type == onnx.AttributeProto.GRAPH:
                ops |= graph_ops(attr.g)
            for g in attr.graphs:
                ops |= graph_ops(g)
    return ops


def restamped(model, target):
    copy = onnx.ModelProto()
    copy.CopyFrom(model)
    for o in copy.opset_import:
        if o.domain in ('', 'ai.onnx'):
            o.version = target
    return copy


def at_opset(model, target):
    """The model at opset target, or the reason it cannot be."""
    source = default_opset(model)
    ops = graph_ops(model.graph)
    missing = sorted(op for op in ops if schema_version(op, target) is None)
    if missing:
        return None, f'op {missing[0]} does not exist at opset {target}'
    if source == target:
        return model, None
    try:
        converted = version_converter.convert_version(model, target)
        onnx.checker.check_model(converted)
        return converted, None
    except Exception as e:
        converter_error = str(e).splitlines()[0][:160]
    if all(schema_version(op, source) == schema_version(op, target) for op in ops):
        return restamped(model, target), None
    return None, f'version converter: {converter_error}'


def node_test_models(node_tests_dir):
    """(name, ModelProto) of every node conformance case: from the folder, or from the onnx package."""
    if node_tests_dir and os.path.isdir(node_tests_dir):
        for name in sorted(os.listdir(node_tests_dir)):
            path = os.path.join(node_tests_dir, name, 'model.onnx')
            if name.startswith('test_') and os.path.isfile(path):
                yield name, onnx.load(path)
        return
    from onnx.backend.test.case.node import collect_testcases

    try:
        cases = collect_testcases(None)  # None: the cases of every op
    except Exception as e:  # onnx 1.12's case code uses np.float, which numpy 1.24 removed
        sys.exit(f"the onnx package's node cases cannot be collected here ({type(e).__name__}: {str(e).splitlines()[0]}); "
                 'give a folder of node test cases with --node-tests DIR')
    for case in cases:
        yield case.name, case.model


def write_case(out, name, model, target):
    """Writes one case at one opset: None, or the reason it was not written."""
    converted, why = at_opset(model, target)
    if converted is None:
        return why
    folder = os.path.join(out, 'node-tests', f'opset{target}')
    os.makedirs(folder, exist_ok=True)
    onnx.save(converted, os.path.join(folder, f'{name}.onnx'))
    return None


def write_node_tests(out, opsets, node_tests_dir, manifest):
    """Each case is converted in a forked child: onnx 1.12's version converter segfaults on some
    (the Split cases, for one), which then costs only that case's remaining opsets."""
    written = 0
    for name, model in node_test_models(node_tests_dir):
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(read_end)
            with os.fdopen(write_end, 'w') as report:
                for target in opsets:
                    report.write(json.dumps({'opset': target, 'reason': write_case(out, name, model, target)}) + '\n')
                    report.flush()
            os._exit(0)
        os.close(write_end)
        with os.fdopen(read_end) as report:
            results = [json.loads(line) for line in report]
        _, status = os.waitpid(pid, 0)
        done = {r['opset'] for r in results}
        for r in results:
            if r['reason'] is None:
                written += 1
            else:
                manifest['not_written'].append({'model': f'node-tests/{name}', 'opset': r['opset'], 'reason': r['reason']})
        for target in opsets:
            if target not in done:
                how = f'signal {os.WTERMSIG(status)}' if os.WIFSIGNALED(status) else f'exit status {os.WEXITSTATUS(status)}'
                manifest['not_written'].append({'model': f'node-tests/{name}', 'opset': target, 'reason': f'version converter crashed ({how})'})
    manifest['written']['node-tests'] = written


def torch_modules():
    """(name, module, example inputs): small modules covering the layer kinds and shape arithmetic exporters emit."""
    import torch
    from torch import nn
    import torch.nn.functional as F

    class ViewFlatten(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(3, 4, 3, padding=1)
            self.fc = nn.Linear(4 * 8 * 8, 10)

        def forward(self, x):
            x = F.relu(self.conv(x))
            return self.fc(x.view(x.size(0), -1))

    class ConvNet(nn.Module):
        def __init__(self):
            super().__init__()
            self.body = nn.Sequential(
                nn.Conv2d(3, 8, 3, stride=2, padding=1), nn.BatchNorm2d(8), nn.ReLU(),
                nn.Conv2d(8, 8, 3, padding=1, groups=8), nn.Conv2d(8, 16, 1), nn.ReLU6(),
                nn.MaxPool2d(2), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(16, 5))

        def forward(self, x):
            return self.body(x)

    class Mlp(nn.Module):
        def __init__(self):
            super().__init__()
            self.net = nn.Sequential(nn.Linear(16, 32), nn.GELU(), nn.Dropout(0.1), nn.Linear(32, 8), nn.Tanh(), nn.Linear(8, 3), nn.Softmax(dim=-1))

        def forward(self, x):
            return self.net(x)

    class ManualAttention(nn.Module):
        def __init__(self, d=16, heads=2):
            super().__init__()
            self.heads = heads
            self.qkv = nn.Linear(d, 3 * d)
            self.out = nn.Linear(d, d)

        def forward(self, x):
            b, t, d = x.shape
            q, k, v = self.qkv(x).chunk(3, dim=-1)
            split = lambda y: y.reshape(b, t, self.heads, d // self.heads).transpose(1, 2)
            q, k, v = split(q), split(k), split(v)
            scores = q @ k.transpose(-2, -1) / (q.size(-1) ** 0.5)
            y = scores.softmax(-1) @ v
            return self.out(y.transpose(1, 2).reshape(b, t, d))

    class TorchAttention(nn.Module):
        def __init__(self):
            super().__init__()
            self.attn = nn.MultiheadAttention(16, 4, batch_first=True)

        def forward(self, x):
            return self.attn(x, x, x, need_weights=False)[0]

    class Encoder(nn.Module):
        def __init__(self):
            super().__init__()
            self.layer = nn.TransformerEncoderLayer(16, 2, dim_feedforward=32, batch_first=True)

        def forward(self, x):
            return self.layer(x)

    class Lstm(nn.Module):
        def __init__(self):
            super().__init__()
            self.rnn = nn.LSTM(8, 12, batch_first=True)
            self.fc = nn.Linear(12, 4)

        def forward(self, x):
            y, _ = self.rnn(x)
            return self.fc(y[:, -1])

    class Gru(nn.Module):
        def __init__(self):
            super().__init__()
            self.rnn = nn.GRU(8, 12, num_layers=2, batch_first=True, bidirectional=True)

        def forward(self, x):
            return self.rnn(x)[0]

    class Norms(nn.Module):
        def __init__(self):
            super().__init__()
            self.ln = nn.LayerNorm(8)
            self.gn = nn.GroupNorm(2, 4)
            self.inorm = nn.InstanceNorm2d(4, affine=True)

        def forward(self, x):
            return self.ln(self.inorm(self.gn(x)))

    class ShapeArithmetic(nn.Module):
        def forward(self, x):
            b, c, h, w = x.shape
            y = x.reshape(b, c // 2, 2, h * w).permute(0, 2, 1, 3).flatten(2)
            y = y + torch.arange(y.size(-1), dtype=y.dtype)
            z = y.new_zeros(y.shape) + y.mean(dim=-1, keepdim=True)
            return torch.cat([y, z], dim=1).unsqueeze(1).squeeze(1)

    class Upsample(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(2, 2, 3, padding=1)

        def forward(self, x):
            y = F.interpolate(x, scale_factor=2, mode='nearest')
            z = F.interpolate(self.conv(x), size=(x.size(2) * 2, x.size(3) * 2), mode='bilinear', align_corners=False)
            return y + z

    class PadSliceExpand(nn.Module):
        def forward(self, x):
            y = F.pad(x, (1, 1, 0, 2))
            y = y[:, :, 1:-1, ::2]
            return y.expand(3, -1, -1, -1) * torch.sigmoid(y.sum(dim=1, keepdim=True))

    class EmbeddingBag(nn.Module):
        def __init__(self):
            super().__init__()
            self.emb = nn.Embedding(20, 6)
            self.fc = nn.Linear(6, 2)

        def forward(self, ids):
            return self.fc(self.emb(ids).mean(dim=1))

    class Deconv(nn.Module):
        def __init__(self):
            super().__init__()
            self.up = nn.ConvTranspose2d(4, 2, 4, stride=2, padding=1)
            self.pool = nn.AvgPool2d(2)

        def forward(self, x):
            return torch.clamp(self.pool(self.up(x)), -1, 1)

    class Reductions(nn.Module):
        def forward(self, x):
            m = x.max(dim=-1, keepdim=True).values
            return torch.where(x > 0, x - m, x.exp()).cumsum(dim=-1) + x.argmax(dim=-1, keepdim=True).to(x.dtype)

    class SplitMatmul(nn.Module):
        def __init__(self):
            super().__init__()
            self.w = nn.Parameter(torch.randn(6, 6))

        def forward(self, x):
            a, b = x.split([2, 4], dim=-1)
            return torch.matmul(torch.cat([b, a], dim=-1), self.w).transpose(0, 1).contiguous().view(-1, 6)

    torch.manual_seed(0)
    return [
        ('view_flatten', ViewFlatten(), (torch.randn(2, 3, 8, 8),)),
        ('convnet', ConvNet(), (torch.randn(1, 3, 16, 16),)),
        ('mlp', Mlp(), (torch.randn(4, 16),)),
        ('manual_attention', ManualAttention(), (torch.randn(2, 5, 16),)),
        ('torch_attention', TorchAttention(), (torch.randn(2, 5, 16),)),
        ('transformer_encoder', Encoder(), (torch.randn(2, 5, 16),)),
        ('lstm', Lstm(), (torch.randn(2, 6, 8),)),
        ('gru', Gru(), (torch.randn(2, 6, 8),)),
        ('norms', Norms(), (torch.randn(2, 4, 6, 8),)),
        ('shape_arithmetic', ShapeArithmetic(), (torch.randn(2, 4, 3, 5),)),
        ('upsample', Upsample(), (torch.randn(1, 2, 4, 4),)),
        ('pad_slice_expand', PadSliceExpand(), (torch.randn(1, 3, 6, 6),)),
        ('embedding', EmbeddingBag(), (torch.randint(0, 20, (3, 7)),)),
        ('deconv', Deconv(), (torch.randn(1, 4, 5, 5),)),
        ('reductions', Reductions(), (torch.randn(3, 7),)),
        ('split_matmul', SplitMatmul(), (torch.randn(4, 3, 6),)),
    ]


def write_torch_models(out, opsets, manifest):
    import torch

    written = 0
    for name, module, args in torch_modules():
        module.eval()
        for target in opsets:
            buffer = io.BytesIO()
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter('ignore')
                    torch.onnx.export(module, args, buffer, opset_version=target)
            except Exception as e:
                reason = str(e).splitlines()[0][:160] if str(e) else type(e).__name__
                manifest['not_written'].append({'model': f'torch/{name}', 'opset': target, 'reason': f'torch.onnx.export: {reason}'})
                continue
            folder = os.path.join(out, 'torch', f'opset{target}')
            os.makedirs(folder, exist_ok=True)
            with open(os.path.join(folder, f'{name}.onnx'), 'wb') as f:
                f.write(buffer.getvalue())
            written += 1
    manifest['written']['torch'] = written


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    repo = os.path.dirname(os.path.dirname(here))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('out', help='folder to write into, outside the repository (e.g. /tmp/foreign)')
    parser.add_argument('--opsets', default='7-17', help='opset range, e.g. 7-17 (default)')
    beside = [os.path.join(repo, *up, 'shared', 'onnx-node-tests') for up in (['..'], ['..', '..'])]  # a checkout, a worktree
    parser.add_argument('--node-tests', default=next((d for d in beside if os.path.isdir(d)), beside[0]),
                        help="folder of ONNX node test cases (default ../shared/onnx-node-tests; the onnx package's own cases when absent)")
    parser.add_argument('--only', choices=['node-tests', 'torch'], help='write one kind only')
    a = parser.parse_args()
    out = os.path.abspath(a.out)
    if out == repo or out.startswith(repo + os.sep):
        sys.exit(f'{a.out} is inside the repository; write the models elsewhere (e.g. /tmp/foreign)')
    opsets = parse_opsets(a.opsets)
    manifest = {'onnx': onnx.__version__, 'opsets': opsets, 'written': {}, 'not_written': []}
    if a.only != 'torch':
        write_node_tests(out, opsets, a.node_tests, manifest)
    if a.only != 'node-tests':
        import torch

        manifest['torch'] = torch.__version__
        write_torch_models(out, opsets, manifest)
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, 'manifest.json'), 'w') as f:
        json.dump(manifest, f, indent=1)
    print(f"wrote {sum(manifest['written'].values())} models to {out} ({manifest['written']}); "
          f"{len(manifest['not_written'])} model/opset pairs not written (see manifest.json)")


if __name__ == '__main__':
    main()
