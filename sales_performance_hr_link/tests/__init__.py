from . import test_assignment
from . import test_calibration
from . import test_demo
from . import test_hr_link
from . import test_i18n
from . import test_payroll_export
from . import test_proration
from . import test_tours
