from . import allocation
from . import anomaly
from . import pace
from . import scoring
from . import week
