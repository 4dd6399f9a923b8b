from odoo import fields, models

REVIEW_STATES = [
    ("draft", "Draft"),
    ("self_review", "Self Review"),
    ("manager_review", "Manager Review"),
    ("hr_calibration", "HR Calibration"),
    ("approved", "Approved"),
    ("appeal", "Appeal"),
]


class PerformanceReviewStage(models.Model):
    """Who acts at each review step and how long they have: configuration
    of the scorecard workflow, whose states are fixed."""

    _name = "performance.review.stage"
    _description = "Scorecard Review Stage"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    state = fields.Selection(
        [state for state in REVIEW_STATES if state[0] not in ("draft", "approved")],
        required=True,
    )
    responsible = fields.Selection(
        [
            ("employee", "Salesperson"),
            ("manager", "Team Leader"),
            ("hr", "HR Officer"),
        ],
        required=True,
    )
    deadline_days = fields.Integer(
        string="Deadline (days)", default=7, help="Days the responsible has to act."
    )
    activity_type_id = fields.Many2one("mail.activity.type", required=True)

    _sql_constraints = [
        ("state_unique", "UNIQUE(state)", "Each review step has one stage."),
        (
            "deadline_positive",
            "CHECK(deadline_days >= 0)",
            "A stage deadline cannot be negative.",
        ),
    ]
