from . import performance_period_generate
from . import performance_target_allocate
