{
    "name": "Sales Performance Incentives",
    "summary": "Commission plans with tiers, accelerators, caps and clawbacks; "
    "statements approved from each manager's activities",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "website": "https://github.com/sales-performance/sales-performance",
    "author": "Sales Performance for Odoo",
    "license": "LGPL-3",
    "application": False,
    "installable": True,
    "depends": ["sales_performance", "sale"],
    "data": [
        "security/incentive_security.xml",
        "security/ir.model.access.csv",
        "security/ir_rules.xml",
        "data/incentive_data.xml",
        "report/incentive_credit_views.xml",
        "views/incentive_plan_views.xml",
        "views/incentive_statement_views.xml",
        "views/incentive_dispute_views.xml",
        "views/sale_order_views.xml",
        "views/account_move_views.xml",
        "views/crm_lead_views.xml",
        "views/res_config_settings_views.xml",
        "views/res_users_views.xml",
        "wizards/incentive_reason_views.xml",
        "wizards/incentive_estimator_views.xml",
        "wizards/incentive_statement_export_views.xml",
        "views/menus.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "sales_performance_incentive/static/src/fields/*",
        ],
        "web.assets_tests": [
            "sales_performance_incentive/static/tests/tours/*.js",
        ],
    },
    "demo": [
        "demo/incentive_demo.xml",
    ],
}
