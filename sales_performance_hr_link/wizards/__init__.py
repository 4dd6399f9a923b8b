from . import incentive_statement_export
from . import performance_calibration
