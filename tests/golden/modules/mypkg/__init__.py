print("mypkg: __init__ running, __name__ =", __name__)
PKG_CONST = "from package init"

def pkg_func():
    return "pkg_func called"
