#!/usr/bin/env bash
# Evidence that PyTorch, loading a run's model.safetensors, predicts what rnnlab predicts on real IMDB reviews:
#   scripts/torch-imdb-check.sh RUN_DIR [IMDB_ARCHIVE]
# takes the first 250 positive and 250 negative test reviews of the archive, gets rnnlab's token ids and logits
# (`rnnlab predict --json --ids`), runs them through scripts/torch-load-check.py (nn.Embedding + nn.LSTM/GRU/RNN +
# nn.Linear with the saved weights) and compares. Needs /usr/bin/python3 with torch.
set -euo pipefail
run=$1
archive=${2:-../shared/data/imdb/aclImdb_v1-train-test.tar.gz}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
/usr/bin/python3 - "$archive" "$tmp/texts.txt" <<'PY'
import sys, tarfile
pos, neg = [], []
with tarfile.open(sys.argv[1]) as t:
    for m in t:
        if not m.isfile(): continue
        if '/test/pos/' in m.name and len(pos) < 250: pos.append(t.extractfile(m).read().decode())
        elif '/test/neg/' in m.name and len(neg) < 250: neg.append(t.extractfile(m).read().decode())
        if len(pos) == len(neg) == 250: break
with open(sys.argv[2], 'w') as f:
    for x in pos + neg: f.write(x.replace('\n', ' ') + '\n')
PY
node bin/rnnlab.js predict --model "$run" --json --ids --file "$tmp/texts.txt" > "$tmp/rnnlab.jsonl"
/usr/bin/python3 scripts/torch-load-check.py "$run" < "$tmp/rnnlab.jsonl" > "$tmp/torch.jsonl"
/usr/bin/python3 - "$tmp/rnnlab.jsonl" "$tmp/torch.jsonl" <<'PY'
import json, sys
a = [json.loads(l) for l in open(sys.argv[1])]
b = [json.loads(l) for l in open(sys.argv[2])]
assert len(a) == len(b) == 500, (len(a), len(b))
diff = max(max(abs(p - q) for p, q in zip(x['logits'], y['logits'])) for x, y in zip(a, b))
argmax = lambda l: (l[0] > 0) if len(l) == 1 else max(range(len(l)), key=l.__getitem__)
same = sum(argmax(x['logits']) == argmax(y['logits']) for x, y in zip(a, b))
print(f'{len(a)} test reviews: PyTorch predicts the same label for {same}; largest logit difference {diff:.1e}')
sys.exit(0 if same == len(a) and diff < 1e-4 else 1)
PY
