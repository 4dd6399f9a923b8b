from . import test_brackets
from . import test_engine
from . import test_statement_export
from . import test_tours
from . import test_workflow
from . import test_bad_input
from . import test_security
from . import test_concurrency
