"""Differential check of aio's cmath against CPython 3.11: every function on 6000
pseudo-random complex numbers (ordinary, scaled and arbitrary bit patterns), printed with
repr, so `diff <(python3 tools/sweep_cmath.py) <(target/debug/aio tools/sweep_cmath.py)`
must be empty."""

import cmath, struct
state = 12345
def rnd():
    global state
    state = (state * 6364136223846793005 + 1442695040888963407) % (1 << 64)
    return state
def rfloat():
    r = rnd()
    kind = r % 4
    if kind == 0:
        return ((r >> 11) / (1 << 53) - 0.5) * 4
    if kind == 1:
        return ((r >> 11) / (1 << 53) - 0.5) * 2 ** ((r >> 3) % 60 - 30)
    return struct.unpack('<d', struct.pack('<Q', rnd() & 0x7fefffffffffffff | (r & (1 << 63))))[0]
names = ['acos','acosh','asin','asinh','atan','atanh','cos','cosh','exp','log','log10','sin','sinh','sqrt','tan','tanh','phase','polar']
bad = 0
lines = []
for i in range(6000):
    z = complex(rfloat(), rfloat())
    for n in names:
        try:
            r = repr(getattr(cmath, n)(z))
        except Exception as e:
            r = type(e).__name__ + str(e)
        lines.append(n + repr(z) + r)
    try:
        lines.append(repr(cmath.rect(z.real, z.imag)))
    except Exception as e:
        lines.append(type(e).__name__)
    try:
        lines.append(repr(cmath.log(z, complex(rfloat(), rfloat()))))
    except Exception as e:
        lines.append(type(e).__name__)
print('\n'.join(lines))
