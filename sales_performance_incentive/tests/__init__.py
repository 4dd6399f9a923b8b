from . import test_brackets
