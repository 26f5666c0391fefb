"""Differential check of aio's unicodedata against CPython 3.11: prints one hash per
function and 64K-code-point plane (and for lookup/normalization sweeps), so

    python3 tools/sweep_unicodedata.py > cpython.txt
    target/debug/aio tools/sweep_unicodedata.py > aio.txt
    diff cpython.txt aio.txt

shows which function differs where (about 3 minutes under a debug aio). With a path to
an unpacked NormalizationTest.txt as argument it also normalizes every string there."""

import hashlib
import sys
import unicodedata as ud


def digest(items):
    return hashlib.sha1('\n'.join(items).encode('utf-8')).hexdigest()[:12]


FUNCS = {
    'category': ud.category,
    'bidirectional': ud.bidirectional,
    'combining': lambda c: str(ud.combining(c)),
    'east_asian_width': ud.east_asian_width,
    'mirrored': lambda c: str(ud.mirrored(c)),
    'decomposition': ud.decomposition,
    'name': lambda c: str(ud.name(c, None)),
    'decimal': lambda c: str(ud.decimal(c, None)),
    'digit': lambda c: str(ud.digit(c, None)),
    'numeric': lambda c: repr(ud.numeric(c, None)),
}
FORMS = ('NFC', 'NFD', 'NFKC', 'NFKD')


def look_up(name):
    try:
        return repr(ud.lookup(name))
    except KeyError as e:
        return str(e)


print(ud.unidata_version)
names = []
for start in range(0, 0x110000, 0x10000):
    chars = [chr(cp) for cp in range(start, start + 0x10000) if not 0xD800 <= cp < 0xE000]
    for fname, f in FUNCS.items():
        print(hex(start), fname, digest([f(c) for c in chars]))
    for form in FORMS:
        print(hex(start), form, digest([ud.normalize(form, c) for c in chars]),
              digest([str(ud.is_normalized(form, c)) for c in chars]))
    names += [n for n in (ud.name(c, None) for c in chars) if n]

# Every name in the spellings CPython accepts or refuses: case, underscores, extra spaces.
for i in range(0, len(names), 20000):
    part = names[i:i + 20000]
    print('lookup', i, digest([look_up(n) for n in part]),
          digest([look_up(n.lower()) for n in part]),
          digest([look_up(n.replace(' ', '_')) for n in part]),
          digest([look_up(n + ' ') for n in part]))

# Composition and reordering: every starter with a sample of combining marks.
marks = [chr(c) for c in range(0x300, 0x370)] + ['\u0f71', '\u0f72', '\u05b0', '\u3099', '\u1161', '\u11a8']
bases = [chr(c) for c in range(0x41, 0x7b)] + ['\u1100', '\uac00', '\u0f40', '\u304b', '\u0915']
for form in FORMS:
    out = [ud.normalize(form, b + m1 + m2) for b in bases for m1 in marks for m2 in marks[::7]]
    print('sequences', form, digest(out))

if len(sys.argv) > 1:
    with open(sys.argv[1], encoding='utf-8') as f:
        lines = [line.split('#')[0] for line in f if line[0] not in '#@']
    out = []
    for line in lines:
        for field in line.split(';')[:5]:
            s = ''.join(chr(int(x, 16)) for x in field.split())
            out += [ud.normalize(form, s) for form in FORMS]
    print('NormalizationTest', len(out), digest(out))
