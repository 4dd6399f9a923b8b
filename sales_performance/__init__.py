from . import models
from . import report
from . import wizards
from . import demo
from .hooks import _post_init_hook, _uninstall_hook
