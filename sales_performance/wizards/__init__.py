from . import performance_xlsx_export
from . import performance_period_generate
from . import performance_target_allocate
from . import performance_scorecard_reason
from . import performance_scorecard_export
from . import performance_scorecard_generate
from . import performance_anomaly_close
from . import performance_period_close
