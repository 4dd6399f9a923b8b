from . import allocation
from . import pace
from . import scoring
