{
    "name": "Sales Performance",
    "summary": "Targets cascaded from company to team to rep, measured on live "
    "CRM, sales and accounting data",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "website": "https://github.com/sales-performance/sales-performance",
    "author": "Sales Performance for Odoo",
    "license": "LGPL-3",
    "application": True,
    "installable": True,
    "depends": ["crm", "sale"],
    "data": [
        "security/sales_performance_security.xml",
        "security/ir.model.access.csv",
        "security/ir_rules.xml",
        "data/performance_kpi_data.xml",
        "data/ir_cron_data.xml",
        "report/performance_invoice_report_views.xml",
        "views/performance_period_views.xml",
        "views/performance_kpi_views.xml",
        "views/performance_target_views.xml",
        "views/res_config_settings_views.xml",
        "wizards/performance_period_generate_views.xml",
        "wizards/performance_target_allocate_views.xml",
        "views/menus.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "sales_performance/static/tests/tours/*.js",
        ],
    },
    "demo": [
        "demo/sales_performance_demo.xml",
    ],
}
