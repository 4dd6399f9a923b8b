from . import test_allocation_tools
from . import test_kpi
from . import test_pace_tools
from . import test_target
