from . import performance_department_calibration_report
from . import performance_target_analysis
