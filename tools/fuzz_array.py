"""Differential fuzz of aio's array.array against CPython 3.11: 300 pseudo-random
operations per typecode with awkward values; `diff <(python3 tools/fuzz_array.py)
<(target/debug/aio tools/fuzz_array.py)` must be empty."""

from array import array
import math
state = 7
def rnd(n):
    global state
    state = (state * 6364136223846793005 + 1442695040888963407) % (1 << 64)
    return (state >> 33) % n
vals = [0, 1, -1, 127, 128, 255, 256, -129, 65535, 2**31, -2**31, 2**63-1, 2**64, 1.5, 'a', None, True, math.nan, -0.0, 1e39, 3.3]
ops = ['append', 'extend', 'insert', 'pop', 'remove', 'index', 'count', 'reverse', 'getitem', 'setitem', 'delitem', 'getslice', 'setslice', 'delslice', 'iadd', 'imul', 'contains', 'eq', 'lt', 'tobytes', 'byteswap', 'fromlist']
for tc in 'bBhHiIlLqQfdu':
    a = array(tc, [1, 2, 3] if tc != 'u' else 'abc')
    for step in range(300):
        op = ops[rnd(len(ops))]
        v = vals[rnd(len(vals))] if tc != 'u' or rnd(3) == 0 else 'xyz'[rnd(3)]
        i = rnd(9) - 4
        j = rnd(9) - 4
        k = [None, 1, 2, -1, -2][rnd(5)]
        try:
            if op == 'append': r = a.append(v)
            elif op == 'extend': r = a.extend([v, v])
            elif op == 'insert': r = a.insert(i, v)
            elif op == 'pop': r = a.pop(i) if rnd(2) else a.pop()
            elif op == 'remove': r = a.remove(v)
            elif op == 'index': r = a.index(v, i)
            elif op == 'count': r = a.count(v)
            elif op == 'reverse': r = a.reverse()
            elif op == 'getitem': r = a[i]
            elif op == 'setitem': a[i] = v; r = None
            elif op == 'delitem': del a[i]; r = None
            elif op == 'getslice': r = a[i:j:k]
            elif op == 'setslice': a[i:j:k] = a[j:i:k]; r = None
            elif op == 'delslice': del a[i:j:k]; r = None
            elif op == 'iadd': a += a[i:j]; r = None
            elif op == 'imul': a *= (rnd(3) if len(a) < 50 else 0) or 1; r = None
            elif op == 'contains': r = v in a
            elif op == 'eq': r = (a == a[::-1], a != a[:i])
            elif op == 'lt': r = (a < a[::-1], a >= a[:j])
            elif op == 'tobytes': r = a.tobytes()
            elif op == 'byteswap': r = a.byteswap() if tc in 'bBhHiIlLqQ' else None
            elif op == 'fromlist': r = a.fromlist([v])
            print(tc, step, op, repr(r), a)
        except Exception as e:
            print(tc, step, op, type(e).__name__, e, a)
