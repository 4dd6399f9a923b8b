from odoo.tests import TransactionCase, tagged

from odoo.addons.sales_performance.models.batch import flush_rows, store_values


@tagged("post_install", "-at_install")
class TestBatch(TransactionCase):
    """Derived values stored for thousands of records at a close: one UPDATE
    for all rows, whatever their number."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.partners = cls.env["res.partner"].create(
            [{"name": f"Batch {index}"} for index in range(250)]
        )
        cls.env.flush_all()

    def _stored_refs(self, partners):
        self.env.cr.execute(
            "SELECT id, ref FROM res_partner WHERE id = ANY(%s)", [partners.ids]
        )
        return dict(self.env.cr.fetchall())

    def test_flush_rows_writes_all_rows_in_one_statement(self):
        """250 rows (more than the ORM's 100 per UPDATE) in one statement;
        pending values of other records are left to the ORM's flush."""
        ours, others = self.partners[:200], self.partners[200:]
        store_values(
            self.partners,
            "ref",
            {partner.id: f"REF-{partner.id}" for partner in self.partners},
        )
        before = self.env.cr.sql_log_count
        flush_rows(ours)
        self.assertEqual(self.env.cr.sql_log_count - before, 1)
        self.assertEqual(
            self._stored_refs(ours),
            {partner.id: f"REF-{partner.id}" for partner in ours},
        )
        self.assertEqual(set(self._stored_refs(others).values()), {None})
        self.assertEqual(others[0].ref, f"REF-{others[0].id}")
        self.env.flush_all()
        self.assertEqual(
            self._stored_refs(others),
            {partner.id: f"REF-{partner.id}" for partner in others},
        )

    def test_flush_rows_sets_write_date_and_nothing_pending_is_rewritten(self):
        """The rows get their write date and author, as a write gives them,
        and a second flush has nothing left to write."""
        user = self.env["res.users"].search([("login", "=", "demo")]) or self.env.user
        partners = self.partners.with_user(user).sudo()
        self.env.cr.execute(
            "UPDATE res_partner SET write_date = '2000-01-01' WHERE id = ANY(%s)",
            [partners.ids],
        )
        partners.invalidate_recordset()
        store_values(partners, "ref", dict.fromkeys(partners.ids, "SAME"))
        flush_rows(partners)
        self.env.cr.execute(
            "SELECT DISTINCT write_uid, write_date > '2000-01-01' FROM res_partner "
            "WHERE id = ANY(%s)",
            [partners.ids],
        )
        self.assertEqual(self.env.cr.fetchall(), [(partners.env.uid, True)])
        before = self.env.cr.sql_log_count
        flush_rows(partners)
        self.env.flush_all()
        self.assertEqual(self.env.cr.sql_log_count, before)
