from pathlib import Path

from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged

from odoo.addons.sales_performance.tests.i18n_common import ZhCnComplete

MODULE = "sales_performance_hr_link"
PO_FILE = Path(__file__).parent.parent / "i18n" / "zh_CN.po"


@tagged("post_install", "-at_install")
class TestTranslations(ZhCnComplete, TransactionCase):
    MODULE = MODULE
    PO_FILE = PO_FILE

    def test_errors_speak_the_users_language(self):
        """A refused proration explains itself in the user's language."""
        self._load_zh_cn()
        user = self.env["res.users"].create({"name": "X", "login": "i18n_x"})
        period = self.env["performance.period"].create(
            {
                "name": "2041-01",
                "period_type": "month",
                "date_start": "2041-01-01",
                "date_end": "2041-01-31",
            }
        )
        target = self.env["performance.target"].create(
            {
                "kpi_id": self.env.ref("sales_performance.kpi_invoiced_revenue").id,
                "period_id": period.id,
                "owner_type": "user",
                "user_id": user.id,
                "target_value": 100,
            }
        )
        with self.assertRaises(UserError) as caught:
            target.with_context(lang="zh_CN").action_prorate()
        message = str(caught.exception)
        self.assertNotIn("has no employee", message)
        self.assertIn("X", message)
