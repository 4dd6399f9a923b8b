from . import proration
