from . import brackets
