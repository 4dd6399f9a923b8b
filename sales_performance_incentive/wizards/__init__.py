from . import incentive_reason
from . import incentive_estimator
from . import incentive_statement_export
from . import incentive_pay
