# Run by setup/upgrade_check.py through `odoo shell` on the copy of the test
# database it updates: adds, next to the demo data, a record in each workflow
# state the demo data does not have, so that the upgrade check sees every
# state. Prints one line per state added.
# pylint: disable=undefined-variable
from datetime import timedelta

added = []
admin = env.ref("base.user_admin")  # noqa: F821
env = env(user=admin)  # noqa: F821


def states(model):
    return set(env[model].with_context(active_test=False).search([]).mapped("state"))


if "draft" not in states("performance.scorecard"):
    card = env["performance.scorecard"].search([], limit=1)
    taken = env["performance.scorecard"].search(
        [("template_id", "=", card.template_id.id), ("user_id", "=", card.user_id.id)]
    )
    period = env["performance.period"].search(
        [
            ("company_id", "=", card.company_id.id),
            ("period_type", "=", card.period_id.period_type),
            ("id", "not in", taken.period_id.ids),
        ],
        limit=1,
    )
    env["performance.scorecard"].sudo().create(
        card.template_id._prepare_scorecard_vals(card.user_id, period)
    ).action_compute()
    added.append("performance.scorecard draft")

if not {"open", "closed"} <= states("performance.anomaly"):
    today = env["performance.period"].search([], order="date_end desc", limit=1)
    env["performance.anomaly.rule"].search([])._detect(
        today.date_end - timedelta(days=730), today.date_end
    )
    anomalies = env["performance.anomaly"].search([("state", "=", "open")])
    if len(anomalies) > 1:
        anomalies[0].action_close("justified", "Upgrade check fixture")
    added.append(f"performance.anomaly: {len(anomalies)} flagged, one closed")

if "closed" not in states("incentive.plan"):
    plan = env["incentive.plan"].search([("state", "=", "published")], limit=1)
    closing = plan.copy({"name": f"{plan.name} (closed)"})
    closing.action_publish()
    closing.action_close()
    added.append("incentive.plan closed")

if "rejected" not in states("incentive.dispute"):
    disputed = env["incentive.dispute"].search([("state", "=", "open")], limit=1)
    line = disputed.statement_id.line_ids.filtered(
        lambda line: line != disputed.line_id
    )[:1]
    if line:
        dispute = (
            env["incentive.dispute"]
            .with_user(disputed.user_id)
            .create({"line_id": line.id, "reason": "Upgrade check fixture"})
        )
        dispute.with_env(env).action_reject("Upgrade check fixture")
        added.append("incentive.dispute rejected")

env.cr.commit()
print("FIXTURE:", "; ".join(added) or "nothing missing")
