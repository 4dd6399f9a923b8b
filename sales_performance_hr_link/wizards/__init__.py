from . import incentive_statement_export
