from odoo import models

# Fields of a partner whose change moves it, and its contacts, to another
# commercial partner (the customer whose first invoice counts).
COMMERCIAL_FIELDS = frozenset({"parent_id", "is_company"})


class ResPartner(models.Model):
    _inherit = "res.partner"

    def write(self, vals):
        if not COMMERCIAL_FIELDS.intersection(vals):
            return super().write(vals)
        before = self.commercial_partner_id | self
        result = super().write(vals)
        # Attaching a contact to a company (or detaching it) changes the
        # customer of its invoices: their first-invoice flags follow.
        self.env["account.move"]._performance_update_new_customers(
            partner_ids=(before | self.commercial_partner_id).ids
        )
        return result


class MergePartnerAutomatic(models.TransientModel):
    _inherit = "base.partner.merge.automatic.wizard"

    def _merge(self, partner_ids, dst_partner=None, extra_checks=True):
        partners = self.env["res.partner"].browse(partner_ids).exists()
        before = partners | partners.commercial_partner_id
        result = super()._merge(
            partner_ids, dst_partner=dst_partner, extra_checks=extra_checks
        )
        # The merge moves the invoices of the merged partners to the kept one
        # in SQL: the first invoice of each customer involved is found again.
        self.env["account.move"].invalidate_model()
        self.env["account.move"]._performance_update_new_customers(
            partner_ids=before.ids
        )
        return result
