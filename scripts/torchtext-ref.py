#!/usr/bin/python3
"""Writes fixtures/tokenizer-basic-english.json: tricky strings and what torchtext's own `basic_english` tokenizer
makes of them. test/data/tokenizer.test.ts checks rnnlab's port (src/data/tokenizer.ts) against this file.

Run (Debian's python3-torchtext 0.14.1, with PyTorch, lives at /usr/bin/python3 only):
    /usr/bin/python3 scripts/torchtext-ref.py

Debian's torchtext package fails to load its compiled extension when `import torchtext` runs its __init__, but
torchtext.data.utils itself is pure Python. So we register bare module objects for `torchtext` and
`torchtext.data` (with __path__ pointing at their folders) before importing it: Python then finds
torchtext/data/utils.py without executing either package's __init__.py.
"""
import json
import os
import sys
import types
import importlib.util

spec = importlib.util.find_spec('torchtext')
base = os.path.dirname(spec.origin) if spec and spec.origin else '/usr/lib/python3/dist-packages/torchtext'
for name, path in [('torchtext', base), ('torchtext.data', os.path.join(base, 'data'))]:
    module = types.ModuleType(name)
    module.__path__ = [path]
    sys.modules[name] = module

from torchtext.data.utils import get_tokenizer  # noqa: E402

tokenize = get_tokenizer('basic_english')

CASES = [
    # IMDB-style HTML line breaks and their near misses
    "This movie was great.<br /><br />Really!",
    "<BR />Upper-case break<Br />mixed",
    "no space<br/>here and <br  /> two spaces",
    "a<br \"/>quote inside the break",
    "<\"br />quote before br",
    "<br />",
    "<br /><br /><br />",
    "end<br />.",
    # quotes and apostrophes
    "It's a \"must-see\" film, isn't it?",
    "'quoted' and ''double single'' and '''",
    "\"\"\"",
    "Don't won't can't shouldn't've",
    "rock 'n' roll o'clock",
    "curly ‘quotes’ and “double curly” and ´accent´ and `backtick`",
    "ab\"cd\"ef joined by removed quotes",
    # punctuation runs
    "What?!?! No way!!! ...really...",
    "Wait... (really?) [yes] {no} <maybe>",
    "a;b:c;;d::e",
    "semi; colon: comma, period. done",
    "--- dashes - and -- em—dash – en",
    "#1 @user $5.99 100% a&b *stars* ~tilde~ ^caret^ _under_ |pipe| \\back/slash",
    "(((nested)))",
    # numbers
    "3.14159 and 1,000,000 and 10/10 and 7/10 and 2nd and 1990's",
    "4.5/5 stars, 0.5 stars... -3 degrees",
    "",
    "   ",
    "\t\n\r mixed \x0b whitespace \x0c here \t",
    # unicode letters and case
    "Café NAÏVE Über façade ÅNGSTRÖM",
    "İstanbul and DİYARBAKIR",
    "ΟΔΟΣ ΑΣ Σ final sigma",
    "Straße STRASSE ß ẞ",
    "日本語のレビュー。とても良い！",
    "emoji 😀👍🏽 and flags 🇺🇸 done",
    "Ǆemal ǅ ǆ title case",
    "ﬁnance ligature ﬀ",
    "𝐁𝐨𝐥𝐝 𝐌𝐚𝐭𝐡",
    # unusual whitespace: Python's \s and str.split() differ from JavaScript's \s
    "non\u00a0breaking\u00a0space",
    "em\u2003space and\u3000ideographic",
    "zero\u200bwidth space is not whitespace",
    "bom\ufeffinside is not whitespace in Python",
    "next\u0085line and file\x1cseparator\x1dgroup\x1erecord\x1funit",
    "line\u2028sep para\u2029sep",
    "narrow\u202fnbsp medium\u205fmath",
    # a real-looking review
    "I rented I AM CURIOUS-YELLOW from my video store because of all the controversy that surrounded it when it was first released in 1967. I also heard that at first it was seized by U.S. customs if it ever tried to enter this country, therefore being a fan of films considered \"controversial\" I really had to see this for myself.<br /><br />The plot is centered around a young Swedish drama student named Lena who wants to learn everything she can about life.",
    "Ratings: 10/10!!! (Best. Movie. Ever.) -- J.R.R. Tolkien's \"LOTR\"; e.g., i.e.: etc.",
]

out = {
    'source': 'torchtext.data.utils.get_tokenizer("basic_english")',
    'torchtext': '0.14.1 (Debian python3-torchtext)',
    'python': sys.version.split()[0],
    'script': 'scripts/torchtext-ref.py',
    'cases': [{'text': text, 'tokens': tokenize(text)} for text in CASES],
}
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
path = os.path.join(root, 'fixtures', 'tokenizer-basic-english.json')
with open(path, 'w', encoding='utf-8') as f:
    json.dump(out, f, ensure_ascii=False, indent=1)
    f.write('\n')
print(f'wrote {len(CASES)} cases to {path}')
