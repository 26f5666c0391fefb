x = 1
def f(a, /, b, *args, c, d=2, **kw):
    global x
    x = a
    y = 1
    def g():
        nonlocal y
        y += 1
        z = [y for _ in range(3)]
        return lambda q: q + a + z[0]
    class K:
        y = 5
        def m(self):
            return y, __class__
        def n(self):
            return super().n()
        w = [y for i in range(2)]
    return g, K
def gen():
    yield 1
    return 2
async def co():
    await x
async def agen():
    yield 1
    await x
def comp():
    s = {k: v for k, v in x}
    t = {e for e in x if (w := e)}
    return w, (i for i in x)
class A:
    def __init__(self, __p):
        self.__p = __p
    def __m(self): pass
    class B:
        def h(self):
            def i():
                return __class__
            return i
def outer():
    v = 1
    class C:
        v = 2
        def m(self):
            return v
    return C
def walrus():
    [(yy := j) for j in range(3)]
    return yy
def deep():
    a = 1
    def l1():
        def l2():
            def l3():
                return a
            return l3
        return l2
    return l1
lambda: (yield)
def params_cells(p, q):
    def r(): return p
    return r
async def acomp():
    return [i async for i in x], [await i for i in y]
def genexp_in_class():
    class D:
        g = (i for i in range(3))
        h = [j for j in g]
