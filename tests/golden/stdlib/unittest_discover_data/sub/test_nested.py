import unittest


class Nested(unittest.TestCase):
    def test_nested(self):
        pass
