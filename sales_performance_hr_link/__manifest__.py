{
    "name": "Sales Performance HR Link",
    "summary": "Employees, departments, HR approvers, leave proration, "
    "calibration and development for sales targets, scorecards and incentives",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "website": "https://github.com/sales-performance/sales-performance",
    "author": "Sales Performance for Odoo",
    "license": "LGPL-3",
    "application": False,
    "installable": True,
    "depends": ["sales_performance_incentive", "hr", "hr_holidays"],
    "data": [
        "security/ir.model.access.csv",
        "security/ir_rules.xml",
        "views/hr_employee_views.xml",
        "views/hr_employee_payroll_views.xml",
        "views/hr_department_views.xml",
        "views/performance_views.xml",
        "views/assignment_views.xml",
        "wizards/performance_calibration_views.xml",
        "report/performance_department_calibration_report_views.xml",
        "report/performance_target_analysis_views.xml",
        "views/menus.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "sales_performance_hr_link/static/tests/tours/*.js",
        ],
    },
    "uninstall_hook": "_uninstall_hook",
    "demo": ["demo/hr_link_demo.xml"],
}
