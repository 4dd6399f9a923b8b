from . import incentive_credit
from . import incentive_cost_report
