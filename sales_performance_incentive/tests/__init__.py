from . import test_brackets
from . import test_statement_export
