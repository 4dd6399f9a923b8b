from . import test_allocation_tools
from . import test_bad_input
from . import test_kpi
from . import test_pace_tools
from . import test_period
from . import test_security
from . import test_target
from . import test_tours
