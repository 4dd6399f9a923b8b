from . import incentive_demo
