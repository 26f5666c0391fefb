raise AssertionError("discovery must not import modules that do not match the pattern")
