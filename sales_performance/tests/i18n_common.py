import polib

from odoo.tools.translate import TranslationModuleReader


class ZhCnComplete:
    """Mixin for a TransactionCase: every translatable term of ``MODULE`` has
    a Simplified Chinese translation in ``PO_FILE``."""

    MODULE = None
    PO_FILE = None
    # Odoo's runner only runs the test methods a class defines itself, unless
    # told otherwise; the check below is inherited by each addon's class.
    allow_inherited_tests_method = True

    def test_zh_cn_is_complete(self):
        """Every translatable term of the addon has a Simplified Chinese translation."""
        catalog = polib.pofile(str(self.PO_FILE))
        translated = {
            entry.msgid for entry in catalog if entry.msgstr and not entry.fuzzy
        }
        reader = TranslationModuleReader(self.env.cr, [self.MODULE])
        terms = {term[4] for term in reader if term[4] and term[4].strip()}
        missing = sorted(terms - translated)
        self.assertFalse(
            missing, f"{len(missing)} terms lack a zh_CN translation: {missing[:20]}"
        )

    def test_zh_cn_loads(self):
        """Every entry names its module, as Odoo's loader requires of each
        (an entry without one stops the whole file from loading), and none
        is there twice."""
        catalog = polib.pofile(str(self.PO_FILE))
        nameless = [
            entry.msgid[:60]
            for entry in catalog
            if not (entry.comment or "").startswith(("module: ", "modules: "))
        ]
        self.assertFalse(nameless, "entries without '#. module:'")
        keys = [(entry.msgctxt, entry.msgid) for entry in catalog]
        self.assertEqual(len(keys), len(set(keys)), "entries twice")

    def _load_zh_cn(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(
            [self.MODULE], ["zh_CN"], overwrite=True
        )
