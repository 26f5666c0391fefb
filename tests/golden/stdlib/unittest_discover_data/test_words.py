import unittest


class Words(unittest.TestCase):
    def test_upper(self):
        self.assertEqual("a".upper(), "A")


def load_tests(loader, tests, pattern):
    print("test_words.load_tests pattern:", pattern)
    return tests
