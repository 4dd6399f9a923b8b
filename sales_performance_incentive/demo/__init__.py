from . import incentive_demo
from . import incentive_accounting_demo
