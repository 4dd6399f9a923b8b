from odoo import Command
from odoo.tests import TransactionCase, tagged

# Who is who: the groups given to each role's test user.
ROLES = {
    "rep": "sales_performance.group_performance_user",
    "leader": "sales_performance.group_performance_manager",
    "hr": "sales_performance.group_performance_hr",
    "admin": "sales_performance.group_performance_admin",
    "incentive_admin": "sales_performance_incentive.group_incentive_admin",
    "internal": "base.group_user",
    "portal": "base.group_portal",
}
OPERATIONS = {"r": "read", "w": "write", "c": "create", "u": "unlink"}
SUITE_PREFIXES = ("performance.", "incentive.")

# Model: rights of each role, in the order of ROLES (r read, w write,
# c create, u unlink). Every model of the suite must be here.
MATRIX = {
    "incentive.cost.report": ("r", "r", "r", "r", "r", "", ""),
    "incentive.credit": ("r", "r", "r", "r", "r", "", ""),
    "incentive.dispute": ("rc", "rwc", "rwc", "rwc", "rwcu", "", ""),
    "incentive.estimator": ("rwcu", "rwcu", "rwcu", "rwcu", "rwcu", "", ""),
    "incentive.pay": ("rwcu", "rwcu", "rwcu", "rwcu", "rwcu", "", ""),
    "incentive.plan": ("r", "r", "r", "r", "rwcu", "", ""),
    "incentive.plan.assignment": ("r", "r", "r", "r", "rwcu", "", ""),
    "incentive.plan.rule": ("r", "r", "r", "r", "rwcu", "", ""),
    "incentive.plan.tier": ("r", "r", "r", "r", "rwcu", "", ""),
    "incentive.reason": ("rwcu", "rwcu", "rwcu", "rwcu", "rwcu", "", ""),
    "incentive.split": ("r", "r", "r", "r", "r", "r", ""),
    "incentive.statement": ("r", "rw", "rw", "rw", "rwcu", "", ""),
    "incentive.statement.export": ("rwcu", "rwcu", "rwcu", "rwcu", "rwcu", "", ""),
    "incentive.statement.line": ("r", "r", "r", "r", "r", "", ""),
    "performance.anomaly": ("", "rw", "rwcu", "rwcu", "", "", ""),
    "performance.anomaly.close": ("", "rwcu", "rwcu", "rwcu", "", "", ""),
    "performance.anomaly.rule": ("", "r", "r", "rwcu", "", "", ""),
    "performance.calibration.report": ("", "r", "r", "r", "", "", ""),
    # HR link (installed in the suite's test database)
    "performance.calibration": ("", "", "rwcu", "rwcu", "", "", ""),
    "performance.calibration.line": ("", "", "rwcu", "rwcu", "", "", ""),
    "performance.department.calibration.report": ("", "", "r", "r", "", "", ""),
    # Each user's own row only (record rule); read as the user.
    "performance.home": ("r", "r", "r", "r", "r", "", ""),
    "performance.invoice.report": ("r", "r", "r", "r", "r", "", ""),
    "performance.kpi": ("r", "r", "r", "rwcu", "r", "", ""),
    "performance.kpi.value": ("r", "rwcu", "rwcu", "rwcu", "r", "", ""),
    "performance.period": ("r", "r", "r", "rwcu", "r", "", ""),
    "performance.period.close": ("", "", "", "rwcu", "", "", ""),
    "performance.period.close.line": ("", "", "", "rwcu", "", "", ""),
    # Written by the close only (as superuser), read beside the period.
    "performance.period.close.chunk": ("r", "r", "r", "r", "r", "", ""),
    "performance.period.close.job": ("r", "r", "r", "r", "r", "", ""),
    "performance.period.generate": ("", "", "", "rwcu", "", "", ""),
    "performance.rating.band": ("r", "r", "rwcu", "rwcu", "r", "", ""),
    "performance.review.stage": ("r", "r", "r", "rwcu", "r", "", ""),
    "performance.scorecard": ("rw", "rw", "rwcu", "rwcu", "rw", "", ""),
    "performance.scorecard.export": ("rwcu", "rwcu", "rwcu", "rwcu", "rwcu", "", ""),
    "performance.scorecard.generate": ("", "", "rwcu", "rwcu", "", "", ""),
    "performance.scorecard.line": ("r", "rw", "rwcu", "rwcu", "r", "", ""),
    "performance.scorecard.reason": ("rwcu", "rwcu", "rwcu", "rwcu", "rwcu", "", ""),
    "performance.scorecard.template": ("r", "r", "rwcu", "rwcu", "r", "", ""),
    "performance.scorecard.template.line": ("r", "r", "rwcu", "rwcu", "r", "", ""),
    "performance.target": ("r", "rwcu", "rwcu", "rwcu", "r", "", ""),
    "performance.target.allocate": ("", "rwcu", "rwcu", "rwcu", "", "", ""),
    "performance.target.analysis": ("r", "r", "r", "r", "r", "", ""),
    # Proposals change only through their buttons (write refused otherwise).
    "performance.target.proposal": ("rw", "rw", "rw", "rw", "rw", "", ""),
    "performance.target.proposal.answer": (
        "rwcu",
        "rwcu",
        "rwcu",
        "rwcu",
        "rwcu",
        "",
        "",
    ),
    "performance.target.round": ("r", "rwcu", "rwcu", "rwcu", "r", "", ""),
    "performance.week.plan": ("rw", "rw", "rwcu", "rwcu", "rw", "", ""),
    "performance.week.plan.line": ("rw", "rw", "rwcu", "rwcu", "rw", "", ""),
    "performance.week.plan.send.back": ("", "rwcu", "rwcu", "rwcu", "", "", ""),
}


@tagged("post_install", "-at_install")
class TestAccessMatrix(TransactionCase):
    """Model access of every role on every model of the suite, from one
    table. Record rules are tested per feature (test_security)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.users = {
            role: cls.env["res.users"].create(
                {
                    "name": f"Matrix {role}",
                    "login": f"matrix_{role}",
                    "groups_id": [Command.set(cls.env.ref(group).ids)],
                }
            )
            for role, group in ROLES.items()
        }

    def test_every_model_is_in_the_table(self):
        """A new model of the suite cannot be forgotten in the matrix."""
        models = {
            name
            for name, model in self.env.registry.items()
            if name.startswith(SUITE_PREFIXES) and not model._abstract
        }
        self.assertEqual(sorted(models - set(MATRIX)), [], "missing from MATRIX")
        self.assertEqual(sorted(set(MATRIX) - models), [], "unknown in MATRIX")

    def test_access_per_role(self):
        """Each role has exactly the rights of the table, per operation."""
        Access = self.env["ir.model.access"]
        for model, rights in MATRIX.items():
            for role, expected in zip(ROLES, rights, strict=True):
                user = self.users[role]
                for letter, operation in OPERATIONS.items():
                    with self.subTest(model=model, role=role, operation=operation):
                        self.assertEqual(
                            Access.with_user(user).check(
                                model, operation, raise_exception=False
                            ),
                            letter in expected,
                        )
