from pathlib import Path

import polib

from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged
from odoo.tools.translate import TranslationModuleReader

MODULE = "sales_performance_hr_link"
PO_FILE = Path(__file__).parent.parent / "i18n" / "zh_CN.po"


@tagged("post_install", "-at_install")
class TestTranslations(TransactionCase):
    def test_zh_cn_is_complete(self):
        """Every translatable term of the addon has a Simplified Chinese translation."""
        catalog = polib.pofile(str(PO_FILE))
        translated = {
            entry.msgid for entry in catalog if entry.msgstr and not entry.fuzzy
        }
        reader = TranslationModuleReader(self.env.cr, [MODULE])
        terms = {term[4] for term in reader if term[4] and term[4].strip()}
        missing = sorted(terms - translated)
        self.assertFalse(
            missing, f"{len(missing)} terms lack a zh_CN translation: {missing[:20]}"
        )

    def test_errors_speak_the_users_language(self):
        """A refused proration explains itself in the user's language."""
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(
            [MODULE], ["zh_CN"], overwrite=True
        )
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
