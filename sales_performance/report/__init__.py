from . import performance_invoice_report
from . import performance_calibration_report
from . import performance_target_analysis
