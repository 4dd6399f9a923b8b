import base64
import io
from datetime import date

from openpyxl import load_workbook

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import IncentiveCommon

TIERS = ((0, 80, 0), (80, 100, 3), (100, None, 5))


@tagged("post_install", "-at_install")
class TestExplanation(IncentiveCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["ir.module.module"]._load_module_terms(
            ["sales_performance", "sales_performance_incentive"],
            ["zh_CN"],
            overwrite=True,
        )
        cls.currency = cls.env.company.currency_id

    def _money(self, amount, lang="en_US"):
        return self.currency.with_context(lang=lang).format(amount)

    def _tiered_line(self, invoiced, tiers=TIERS, **rule):
        self._target(1_000_000, owner=self.rep_1)
        self._invoices([(self.rep_1, invoiced, date(2025, 1, 10))])
        plan = self._plan(
            [
                {
                    "kind": "tiered",
                    "name": "Accelerator",
                    "kpi_id": self.kpi_revenue.id,
                    "tier_basis": "attainment",
                    "tier_mode": "marginal",
                    "tiers": tiers,
                    **rule,
                }
            ]
        )
        return self._statement(plan, self.rep_1).line_ids

    def test_tier_line_names_the_tier_and_the_next(self):
        """A tiered line says which tier applies and what reaches the next one."""
        line = self._tiered_line(900_000)
        self.assertEqual(line.amount, 3_000.0)
        self.assertEqual(
            line.with_user(self.rep_1).explanation,
            f"Marginal tiers on {self._money(900_000)} credited: the tier from "
            f"80 % of target ({self._money(800_000)}) applies, at 3 %: "
            f"{self._money(3_000)}. {self._money(100_000)} more credited reaches "
            "the tier at 5 %.",
        )

    def test_no_tier_reached_says_so(self):
        """Below the first tier the line never claims a top tier at 0 %."""
        line = self._tiered_line(300_000, tiers=[(50, 100, 3), (100, None, 5)])
        text = line.explanation
        self.assertEqual(line.amount, 0.0)
        self.assertNotIn("top tier", text)
        self.assertIn("no paying tier reached yet", text)
        self.assertIn(
            f"{self._money(200_000)} more credited reaches the tier at 3 %", text
        )

    def test_top_tier(self):
        """In the last tier the line says it is the top one."""
        line = self._tiered_line(1_200_000)
        self.assertIn("the tier from 100 % of target", line.explanation)
        self.assertTrue(line.explanation.endswith("This is the top tier."))

    def test_reader_language(self):
        """The same line reads in Chinese for a zh_CN reader, in English for an
        en_US one; the amounts are the same and formatted for each language."""
        line = self._tiered_line(900_000)
        rule = line.rule_id
        rule.update_field_translations("name", {"zh_CN": "超额加速"})
        self.rep_1.lang = "zh_CN"
        as_rep = line.with_user(self.rep_1)
        chinese = as_rep.with_context(lang="zh_CN")
        english = as_rep.with_context(lang="en_US")
        self.assertIn("再入账", chinese.explanation)
        self.assertIn(self._money(100_000, "zh_CN"), chinese.explanation)
        self.assertNotIn("credited", chinese.explanation)
        self.assertIn("credited", english.explanation)
        self.assertEqual(chinese.rule_id.display_name, "超额加速")
        self.assertEqual(english.rule_id.display_name, "Accelerator")
        self.assertEqual(chinese.amount, english.amount)
        self.assertEqual(chinese.display_name, chinese.explanation)

    def test_xlsx_in_reader_language(self):
        """The statement workbook of a zh_CN reader carries Chinese explanations
        and the same amounts."""
        line = self._tiered_line(900_000)
        line.rule_id.update_field_translations("name", {"zh_CN": "超额加速"})
        self.rep_1.lang = "zh_CN"
        wizard = (
            self.env["incentive.statement.export"]
            .with_user(self.rep_1)
            .with_context(
                lang="zh_CN",
                active_model="incentive.statement",
                active_ids=line.statement_id.ids,
            )
        )
        with Form(wizard) as form:
            form.mode = "statements"
        form.record.action_export()
        book = load_workbook(io.BytesIO(base64.b64decode(form.record.file)))
        rows = [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
        line_row = next(row for row in rows if row[1] == "超额加速")
        self.assertIn("再入账", line_row[2])
        self.assertEqual(line_row[6], 3_000.0)

    def test_published_rule_name_translates(self):
        """A published plan's rule names can be translated, not rewritten."""
        rule = self._tiered_line(900_000).rule_id
        rule.with_context(lang="zh_CN").name = "超额加速"
        self.assertEqual(rule.with_context(lang="en_US").name, "Accelerator")
        with self.assertRaises(UserError):
            rule.with_context(lang="en_US").name = "Something else"
