from . import res_company
from . import res_config_settings
from . import performance_period
from . import performance_kpi
from . import performance_target
from . import performance_demo
