"""A helper module whose attributes unittest_mock_patch.aio patches."""

import os

GREETING = "hello"
SETTINGS = {"debug": False, "level": 1}


def fetch(url):
    return "real " + url


def greet(name):
    return GREETING + " " + name + " via " + fetch(name)


class Client:
    timeout = 10

    def get(self, path):
        return "GET " + path

    async def aget(self, path):
        return "AGET " + path

    @classmethod
    def build(cls):
        return cls()

    @staticmethod
    def version():
        return "1.0"


def cwd_name():
    return os.path.basename(os.getcwd())
