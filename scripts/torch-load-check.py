#!/usr/bin/python3
"""Rebuild an rnnlab model in PyTorch from its run directory and print its logits.

This is the evidence that rnnlab's model.safetensors is a plain PyTorch state_dict: the weights load unchanged into
nn.Embedding + nn.RNN/GRU/LSTM(batch_first=True) + nn.Linear, and the logits agree with rnnlab's.

Needs only torch (1.13 works). The safetensors file is parsed by hand (no `safetensors` package): an 8-byte
little-endian header length, a JSON header {name: {dtype, shape, data_offsets}}, then the raw little-endian bytes.

To avoid re-implementing rnnlab's tokenizer here, the inputs are token ids, one JSON object per line with an "ids"
field, exactly what `rnnlab predict --model DIR --json --ids TEXT...` prints:

    node bin/rnnlab.js predict --model runs/x --json --ids "a great film" | \
        /usr/bin/python3 scripts/torch-load-check.py runs/x

prints one line per input: {"ids": [...], "logits": [...]} .

    /usr/bin/python3 scripts/torch-load-check.py RUN_DIR --fixture OUT.json < ids.jsonl

also writes OUT.json = {config, tensors: {name: {shape, data}}, cases: [{ids, logits}]}: a self-contained record
(weights included) that rnnlab's test suite checks against without needing Python.
"""
import argparse
import json
import os
import struct
import sys

import torch
import torch.nn as nn

DTYPES = {"F32": torch.float32, "F64": torch.float64, "I32": torch.int32, "I64": torch.int64}


def load_safetensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + n].decode("utf-8"))
    base = 8 + n
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        dtype = DTYPES[info["dtype"]]
        buf = bytearray(raw[base + begin : base + end])
        t = torch.frombuffer(buf, dtype=dtype) if len(buf) else torch.zeros(0, dtype=dtype)
        out[name] = t.reshape(info["shape"]).clone()
    return out


class Classifier(nn.Module):
    """The same network as rnnlab's RnnClassifier, in plain PyTorch modules with the same state_dict names."""

    def __init__(self, m):
        super().__init__()
        self.arch = m["arch"]
        self.pooling = m["pooling"]
        self.hidden = m["hidden"]
        self.dirs = 2 if m["bidirectional"] else 1
        out_dim = 1 if m["numClasses"] == 2 else m["numClasses"]
        self.embedding = nn.Embedding(m["vocabSize"], m["embed"])
        cls = {"rnn": nn.RNN, "gru": nn.GRU, "lstm": nn.LSTM}[self.arch]
        kwargs = dict(
            input_size=m["embed"],
            hidden_size=m["hidden"],
            num_layers=m["numLayers"],
            bidirectional=m["bidirectional"],
            batch_first=True,
            dropout=m["dropout"] if m["numLayers"] > 1 else 0.0,
        )
        if self.arch == "rnn":
            kwargs["nonlinearity"] = "tanh"
        self.rnn = cls(**kwargs)
        # embedDropout (nn.Dropout after the embedding) and dropout are training-only: nothing to do at evaluation
        self.fc = nn.Linear(m["hidden"] * self.dirs * len(self.pooling.split("+")), out_dim)

    def forward_one(self, ids):
        # One sequence at a time, unpadded, so no packing is needed: output[t] is the top layer's state at step t
        # (forward and reverse halves concatenated when bidirectional).
        x = self.embedding(torch.tensor([ids], dtype=torch.long))
        out, _ = self.rnn(x)
        out = out[0]  # [T, dirs*H]
        H = self.hidden
        parts = []
        # "last+max+mean": the kinds concatenated in the order given (ULMFiT's concat pooling)
        for kind in self.pooling.split("+"):
            if kind == "last":
                # forward direction: state after the last real token; reverse direction: state after reading back to t=0
                parts.append(out[-1, :H] if self.dirs == 1 else torch.cat([out[-1, :H], out[0, H:]]))
            elif kind == "mean":
                parts.append(out.mean(0))
            elif kind == "max":
                parts.append(out.max(0).values)
            else:
                raise SystemExit(f"unknown pooling {self.pooling}")
        feat = torch.cat(parts)
        return self.fc(feat)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("run_dir")
    ap.add_argument("--input", default="-", help="JSON lines with an 'ids' field (default: stdin)")
    ap.add_argument("--fixture", help="also write a self-contained JSON fixture (config, weights, ids, logits)")
    args = ap.parse_args()

    with open(os.path.join(args.run_dir, "config.json")) as f:
        config = json.load(f)
    m = config["model"]
    tensors = load_safetensors(os.path.join(args.run_dir, "model.safetensors"))

    model = Classifier(m)
    # strict=True: every name must match PyTorch's exactly, in both directions; that is the point of the check.
    model.load_state_dict(tensors, strict=True)
    model.eval()

    src = sys.stdin if args.input == "-" else open(args.input)
    cases = []
    with torch.no_grad():
        for line in src:
            line = line.strip()
            if not line:
                continue
            ids = json.loads(line)["ids"]
            logits = model.forward_one(ids).tolist()
            cases.append({"ids": ids, "logits": logits})
            print(json.dumps({"ids": ids, "logits": logits}))

    if args.fixture:
        fixture = {
            "generatedBy": "scripts/torch-load-check.py",
            "torch": torch.__version__,
            "config": {"model": m},
            "tensors": {k: {"shape": list(v.shape), "data": v.flatten().tolist()} for k, v in tensors.items()},
            "cases": cases,
        }
        with open(args.fixture, "w") as f:
            json.dump(fixture, f)
            f.write("\n")


if __name__ == "__main__":
    main()
