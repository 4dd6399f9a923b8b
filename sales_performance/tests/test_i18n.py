from pathlib import Path

from odoo.exceptions import ValidationError
from odoo.tests import TransactionCase, tagged

from .i18n_common import ZhCnComplete

MODULE = "sales_performance"
PO_FILE = Path(__file__).parent.parent / "i18n" / "zh_CN.po"


@tagged("post_install", "-at_install")
class TestTranslations(ZhCnComplete, TransactionCase):
    MODULE = MODULE
    PO_FILE = PO_FILE

    def test_errors_speak_the_users_language(self):
        """A refused input explains itself in the user's language."""
        self._load_zh_cn()
        period = self.env["performance.period"].with_context(lang="zh_CN")
        with self.assertRaises(ValidationError) as caught:
            period.create(
                {
                    "name": "X",
                    "period_type": "year",
                    "date_start": "2041-02-01",
                    "date_end": "2041-01-01",
                }
            )
        message = str(caught.exception)
        self.assertNotIn("cannot end before it starts", message)
        self.assertIn("X", message)
