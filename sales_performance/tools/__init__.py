from . import allocation
from . import pace
