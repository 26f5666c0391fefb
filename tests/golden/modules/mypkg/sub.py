print("mypkg.sub: running, __name__ =", __name__)
from . import PKG_CONST
from .util import helper

def describe():
    return f"sub sees {PKG_CONST!r} and {helper()}"
