from . import performance_hr_demo
