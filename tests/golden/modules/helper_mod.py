"""Helper module for the import tests."""
print("helper_mod: executing module body, __name__ =", __name__)

VERSION = (1, 2)
counter = 0
_private = "hidden from star import"


def greet(name):
    return f"hello, {name}"


def bump():
    global counter
    counter += 1
    return counter


class Widget:
    def __init__(self, n):
        self.n = n

    def __repr__(self):
        return f"Widget({self.n})"


if __name__ == "__main__":
    print("never printed when imported")
