#!/usr/bin/env python3
"""Screenshots of the suite's main screens, for the README, taken from a
running demo (setup/demo.sh) with headless Chromium.

Usage: setup/screenshots.py [--url http://localhost:8069] [--db NAME]

Each shot logs in as a demo persona (every demo user's password is their
login), opens a screen at phone (375x667) or desktop (1280x800) size and saves
a PNG into the addon that owns the screen, under static/description/ (the
folder Odoo's app store reads). The README shows them; run this again after a
change to a screen and commit the new images.

Needs Python's playwright package (pip install playwright) and Chromium
(Debian: apt-get install chromium; else `playwright install chromium`).
"""

import argparse
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PHONE = {"width": 375, "height": 667}
DESKTOP = {"width": 1280, "height": 800}


def _open_first_record(page):
    page.locator(".o_kanban_record:not(.o_kanban_ghost), .o_data_row").first.click()
    page.wait_for_selector(".o_form_view .o_form_sheet")


def _open_activities(page):
    for header in page.locator(".o_group_header").all():
        header.click()
    page.wait_for_timeout(500)
    page.click(".o_menu_systray .fa-clock-o")
    page.wait_for_selector(".o-mail-ActivityGroup")


def _wait_for_lines(page):
    # The dialog opens on the period and department waiting on HR.
    page.wait_for_selector(".modal .o_data_row")


# (addon, file name, login, viewport, path, what to do once the page is there)
SHOTS = [
    (
        "sales_performance",
        "screenshot_rep_home_phone.png",
        "rep.daniel",
        PHONE,
        "/odoo/my-performance",
        None,
    ),
    (
        "sales_performance_incentive",
        "screenshot_rep_statement_phone.png",
        "rep.daniel",
        PHONE,
        "/odoo/action-sales_performance_incentive.action_incentive_statement",
        _open_first_record,
    ),
    (
        "sales_performance_incentive",
        "screenshot_leader_activities.png",
        "leader.direct",
        DESKTOP,
        "/odoo/action-sales_performance_incentive.action_incentive_statement_team",
        _open_activities,
    ),
    (
        "sales_performance_hr_link",
        "screenshot_hr_calibration.png",
        "hr.officer",
        DESKTOP,
        "/odoo/action-sales_performance_hr_link.action_performance_calibration",
        _wait_for_lines,
    ),
]


def _chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None  # playwright's own build, if installed


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://localhost:8069")
    parser.add_argument("--db", default="sales_performance_demo")
    args = parser.parse_args()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sys.exit("playwright is missing: pip install playwright")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=_chromium())
        for addon, name, login, viewport, path, then in SHOTS:
            context = browser.new_context(viewport=viewport)
            page = context.new_page()
            # The first visit builds the asset bundles: slow on a busy machine.
            page.set_default_timeout(120000)
            page.goto(f"{args.url}/web/login?db={args.db}")
            page.fill("input[name=login]", login)
            page.fill("input[name=password]", login)
            page.click("button[type=submit]")
            page.wait_for_selector(".o_web_client .o_main_navbar")
            page.goto(args.url + path)
            page.wait_for_selector(".o_action_manager .o_view_controller, .modal")
            if then:
                then(page)
            page.wait_for_timeout(800)  # fonts and charts settle
            out = ROOT / addon / "static" / "description" / name
            page.screenshot(path=str(out))
            print(out.relative_to(ROOT))
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
