import base64
import io

import xlsxwriter

from odoo import Command, fields, models
from odoo.exceptions import UserError


class PerformanceXlsxExport(models.AbstractModel):
    """What every XLSX export wizard of the suite shares: building the
    workbook, storing it on the wizard's ``file``/``filename`` and the
    download action, and reading field labels and values for cells."""

    _name = "performance.xlsx.export"
    _description = "XLSX Export of Sales Performance"

    file = fields.Binary(attachment=False, readonly=True)
    filename = fields.Char(readonly=True)

    def _default_selected(self, model):
        """The records the wizard was opened on from a list of ``model``."""
        context = self.env.context
        if context.get("active_model") != model:
            return False
        return [Command.set(context.get("active_ids") or [])]

    def _get_selected(self, field_name, message):
        """The records of the many2many ``field_name`` selected for export,
        read with the rights of the user: one they may not read refuses the
        export rather than vanish from it; none selected raises ``message``."""
        # sudo: only to see the links themselves, which a plain read would
        # filter by record rules; the records are then checked as the user.
        records = self.sudo()[field_name].sudo(False)
        if not records:
            raise UserError(message)
        records.check_access("read")
        return records

    def _export_xlsx(self, write, filename):
        """Build a workbook with ``write(workbook)``, store it and return the
        action that downloads it."""
        self.ensure_one()
        output = io.BytesIO()
        # Names and comments are data: never let "=..." or "http..." turn into
        # a formula or a link.
        workbook = xlsxwriter.Workbook(
            output,
            {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False},
        )
        write(workbook)
        workbook.close()
        self.write({"file": base64.b64encode(output.getvalue()), "filename": filename})
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/?model={self._name}&id={self.id}"
            "&field=file&filename_field=filename&download=true",
            "target": "self",
        }

    def _get_header(self, records, field_name):
        """The field's label in the user's language, as the views show it."""
        return records._fields[field_name]._description_string(self.env)

    def _get_value(self, record, field_name):
        field = record._fields[field_name]
        value = record[field_name]
        if field.type == "many2one":
            return value.display_name or ""
        if field.type == "selection":
            return dict(field._description_selection(self.env)).get(value, "")
        if field.type in ("float", "integer", "monetary"):
            return value
        return value or ""
