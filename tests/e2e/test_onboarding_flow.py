"""The first day with BiDi in a real browser: sign up, confirm the email, create an
organization, invite a teammate who signs up through the invitation, turn on two-factor
authentication and sign in with it. Plus the second sign-in step refusing a wrong code and the
layout on a phone.

The app runs for real (uvicorn, PostgreSQL, Redis); emails are read from the test mailbox,
and authenticator codes are computed from the secret the enrolment page shows, as an app would.
"""

from __future__ import annotations

import re
import time
from base64 import b32decode, b32encode

import pytest
from django.core.mail import EmailMessage
from django_otp.oath import TOTP
from playwright.sync_api import Page, expect

from accounts.permissions import Role
from accounts.tests.factories import (
    PASSWORD,
    MembershipFactory,
    OrganizationFactory,
    UserFactory,
    enable_mfa,
)

pytestmark = pytest.mark.e2e

FOUNDER = "founder@example.com"
TEAMMATE = "second@example.com"
# Not similar to the emails and not a common password, so Django's validators accept it.
NEW_PASSWORD = "Quiet-harbour-7214"
TOTP_STEP = 30


def test_founder_signs_up_invites_a_teammate_and_signs_in_with_an_authenticator(
    new_context, mailoutbox
):
    founder = new_context().new_page()

    # 1. A visitor signs up and is asked to confirm their email.
    sign_up(founder, FOUNDER)

    # 2. The link in the email confirms it; with no organization yet, they create one.
    confirm_email(founder, mail_to(mailoutbox, FOUNDER))
    expect(founder.get_by_role("heading", name="Create your organization")).to_be_visible()
    founder.get_by_label("Organization name").fill("Acme Ventures")
    founder.get_by_role("button", name="Create organization").click()
    expect_dashboard_of(founder, "Acme Ventures")
    expect(founder.get_by_text("Acme Ventures is ready.")).to_be_visible()

    # 3. Settings → Members: invite a business developer.
    open_settings_page(founder, "Members")
    founder.get_by_label("Email address").fill(TEAMMATE)
    founder.get_by_label("Role").select_option(label="Business developer")
    founder.get_by_role("button", name="Send invitation").click()
    invitations = founder.get_by_role("region", name="Pending invitations")
    pending = invitations.get_by_role("listitem").filter(has_text=TEAMMATE)
    expect(pending).to_contain_text("Business developer")
    expect(pending).to_contain_text("Pending")
    invitation_path = link_path(mail_to(mailoutbox, TEAMMATE), r"/invitations/[^/\s]+/")

    # 4. The teammate, in their own browser, signs up from the invitation and joins.
    teammate = new_context().new_page()
    teammate.goto(invitation_path)
    expect(teammate.get_by_role("heading", name="Join Acme Ventures")).to_be_visible()
    teammate.get_by_role("link", name="Sign up to accept").click()
    sign_up(teammate, TEAMMATE, navigate=False)
    confirm_email(teammate, mail_to(mailoutbox, TEAMMATE))
    expect(teammate.get_by_role("heading", name="Join Acme Ventures")).to_be_visible()
    teammate.get_by_role("button", name="Accept invitation").click()
    expect_dashboard_of(teammate, "Acme Ventures")
    expect(teammate.get_by_text("Welcome to Acme Ventures!")).to_be_visible()
    expect(teammate.get_by_text("you're a business developer in it")).to_be_visible()

    founder.reload()
    members = founder.get_by_role("region", name="Members", exact=True)
    member = members.get_by_role("listitem").filter(has_text=TEAMMATE)
    role = member.get_by_label(re.compile(r"^Role of"))
    expect(role.locator("option:checked")).to_have_text("Business developer")

    # 5. The founder turns on two-factor authentication, then signs out.
    open_settings_page(founder, "Security")
    founder.get_by_role("button", name="Set up authenticator app").click()
    expect(founder.get_by_role("heading", name="Set up two-factor authentication")).to_be_visible()
    secret = founder.locator("#totp-secret").inner_text()
    enrolled_at = current_step()
    founder.get_by_label("6-digit code from the app").fill(totp_code(secret, enrolled_at))
    founder.get_by_role("button", name="Turn on two-factor authentication").click()
    expect(founder.get_by_role("heading", name="Save your backup codes")).to_be_visible()
    expect(founder.get_by_role("list", name="Backup codes").get_by_role("listitem")).to_have_count(
        10
    )
    log_out(founder)

    # 6. Signing in again asks for a fresh code from the authenticator.
    log_in(founder, FOUNDER, NEW_PASSWORD)
    expect(founder.get_by_role("heading", name="Enter your authentication code")).to_be_visible()
    # The code used to enrol is spent: take the next one (the app shows it within 30 s, and
    # the server accepts one step of clock drift).
    code = totp_code(secret, max(current_step(), enrolled_at + 1))
    founder.get_by_label("Authentication code").fill(code)
    founder.get_by_role("button", name="Verify and continue").click()
    expect_dashboard_of(founder, "Acme Ventures")


def test_wrong_authenticator_code_is_refused_next_to_the_field(new_context, transactional_db):
    user = UserFactory(email="mfa@example.com")
    MembershipFactory(user=user, role=Role.OWNER)
    device, _backup_codes = enable_mfa(user)
    page = new_context().new_page()

    log_in(page, user.email, PASSWORD)
    expect(page.get_by_role("heading", name="Enter your authentication code")).to_be_visible()
    secret = b32encode(device.bin_key).decode()
    valid = {totp_code(secret, current_step() + drift) for drift in (-1, 0, 1)}
    wrong = next(code for code in ("000000", "111111", "222222") if code not in valid)
    page.get_by_label("Authentication code").fill(wrong)
    page.get_by_role("button", name="Verify and continue").click()

    field = page.get_by_label("Authentication code")
    expect(field).to_have_attribute("aria-invalid", "true")
    error = page.locator(".form-field", has=field).locator(".invalid-feedback")
    expect(error).to_contain_text("That code is not valid.")
    assert "/mfa/verify/" in page.url


def test_dashboard_fits_a_phone_and_its_menu_opens(new_context, transactional_db):
    membership = MembershipFactory(
        role=Role.OWNER, organization=OrganizationFactory(name="Acme Ventures")
    )
    page = new_context(viewport={"width": 390, "height": 844}, is_mobile=True).new_page()

    log_in(page, membership.user.email, PASSWORD)
    expect_dashboard_of(page, "Acme Ventures")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    page.get_by_role("button", name="Open menu").click()
    menu = page.get_by_role("dialog", name="Sidebar")
    expect(menu).to_have_class(re.compile(r"\bshow\b"))  # slid in, not still moving
    settings_link = menu.get_by_role("link", name="Settings")
    expect(settings_link).to_be_in_viewport(ratio=1)
    settings_link.click()
    expect(page.get_by_role("heading", name="Profile")).to_be_visible()


# --- Steps a person takes ---------------------------------------------------------------------


def sign_up(page: Page, email: str, *, navigate: bool = True) -> None:
    if navigate:
        page.goto("/accounts/signup/")
    expect(page.get_by_role("heading", name="Create your account")).to_be_visible()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Password (again)").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Check your inbox")).to_be_visible()


def confirm_email(page: Page, message: EmailMessage) -> None:
    page.goto(link_path(message, r"/accounts/confirm-email/[^/\s]+/"))
    expect(page.get_by_role("heading", name="Confirm your email")).to_be_visible()
    page.get_by_role("button", name="Confirm email address").click()


def log_in(page: Page, email: str, password: str) -> None:
    page.goto("/accounts/login/")
    expect(page.get_by_role("heading", name="Welcome back")).to_be_visible()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()


def log_out(page: Page) -> None:
    page.get_by_role("button", name=re.compile(r"^Account menu")).click()
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Welcome back")).to_be_visible()


def expect_dashboard_of(page: Page, organization: str) -> None:
    expect(page.get_by_role("heading", name=re.compile(r"^Welcome"))).to_be_visible()
    # The organization switcher in the top bar names the active organization.
    expect(page.get_by_role("button", name=f"Organization: {organization}.")).to_be_visible()


def open_settings_page(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Settings").click()
    page.get_by_role("navigation", name="Settings").get_by_role("link", name=name).click()
    expect(page.get_by_role("heading", name=name, exact=True).first).to_be_visible()


# --- Mail and authenticator -------------------------------------------------------------------


def mail_to(outbox: list[EmailMessage], address: str) -> EmailMessage:
    """The newest email sent to ``address`` (the app sends it before the page responds)."""
    messages = [message for message in outbox if address in message.to]
    assert messages, f"No email to {address}; outbox has {[m.to for m in outbox]}"
    return messages[-1]


def link_path(message: EmailMessage, pattern: str) -> str:
    """The path of the link in ``message``: the page is opened on the live server's origin."""
    found = re.search(pattern, message.body)
    assert found, f"No link like {pattern} in: {message.body}"
    return found.group(0)


def current_step() -> int:
    return int(time.time()) // TOTP_STEP


def totp_code(secret: str, step: int) -> str:
    """The code an authenticator app shows at time step ``step`` for the key as displayed
    (base32 in groups of four, padding left out)."""
    key = "".join(secret.split()).upper()
    key_bytes = b32decode(key + "=" * (-len(key) % 8))
    totp = TOTP(key_bytes, step=TOTP_STEP, t0=0, digits=6)
    totp.time = step * TOTP_STEP
    return f"{totp.token():06d}"
