from . import performance_invoice_report
