from . import res_company
from . import res_config_settings
from . import res_users
from . import hr_employee
from . import performance_hr_mixin
from . import performance_target
from . import performance_scorecard
from . import incentive_statement
