from . import incentive_credit
