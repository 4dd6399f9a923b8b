from . import allocation
from . import anomaly
from . import pace
from . import period_range
from . import scoring
from . import week
