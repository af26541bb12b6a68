"""Canned responses: members who write maintain them; rendering fills in the chat's contact,
company, open deal and the sender with plain substitution, never the template engine."""

from __future__ import annotations

import pytest

from accounts.errors import NotFound, PermissionDenied, ValidationError
from accounts.models import AuditEntry
from crm.tests.factories import CompanyFactory, ContactCompanyFactory
from messaging.models import ResponseTemplate
from messaging.services.templates import (
    response_template_create,
    response_template_delete,
    response_template_render,
    response_template_update,
)
from messaging.tests.factories import ChatFactory, ResponseTemplateFactory
from pipelines.tests.factories import DealFactory, StageFactory

pytestmark = pytest.mark.django_db


def test_a_business_developer_creates_a_template_with_a_shortcut(make_member):
    bidi = make_member("bidi")

    template = response_template_create(
        organization=bidi.organization,
        actor=bidi.user,
        name=" Pricing ",
        shortcut="Price",
        body="Hi {{ contact.first_name }}, plans start at $99.",
    )

    assert (template.name, template.shortcut, template.created_by) == (
        "Pricing",
        "/price",
        bidi.user,
    )
    assert AuditEntry.objects.filter(action="response_template.created").exists()


def test_a_viewer_cannot_manage_templates(make_member):
    viewer = make_member("viewer")
    template = ResponseTemplateFactory(organization=viewer.organization)

    with pytest.raises(PermissionDenied):
        response_template_create(
            organization=viewer.organization, actor=viewer.user, name="X", body="Y"
        )
    with pytest.raises(PermissionDenied):
        response_template_delete(template=template, actor=viewer.user)


@pytest.mark.parametrize(
    "body",
    [
        "{{ contact.password }}",
        "{{ request.user }}",
        "{{ contact.first_name.upper }}",
        "{{ contact.first_name|default:'x' }}{{ settings.SECRET_KEY }}",
        "{{ }}",
    ],
)
def test_bodies_with_unknown_variables_are_refused(make_member, body):
    bidi = make_member("bidi")

    with pytest.raises(ValidationError) as error:
        response_template_create(
            organization=bidi.organization, actor=bidi.user, name="X", body=body
        )

    assert "body" in error.value.fields


def test_names_and_shortcuts_are_unique_ignoring_case(make_member):
    bidi = make_member("bidi")
    ResponseTemplateFactory(organization=bidi.organization, name="Pricing", shortcut="/price")
    ResponseTemplateFactory(name="Elsewhere", shortcut="/other")  # another organization

    with pytest.raises(ValidationError) as by_name:
        response_template_create(
            organization=bidi.organization, actor=bidi.user, name="PRICING", body="x"
        )
    with pytest.raises(ValidationError) as by_shortcut:
        response_template_create(
            organization=bidi.organization,
            actor=bidi.user,
            name="Cost",
            shortcut="/PRICE",
            body="x",
        )
    response_template_create(
        organization=bidi.organization,
        actor=bidi.user,
        name="Elsewhere",
        shortcut="/other",
        body="x",
    )

    assert by_name.value.fields == {"name": ["Already exists."]}
    assert "shortcut" in by_shortcut.value.fields


@pytest.mark.parametrize("shortcut", ["/", "/with space", "/" + "x" * 40, "/ünï"])
def test_malformed_shortcuts_are_refused(make_member, shortcut):
    bidi = make_member("bidi")

    with pytest.raises(ValidationError) as error:
        response_template_create(
            organization=bidi.organization, actor=bidi.user, name="X", shortcut=shortcut, body="x"
        )

    assert "shortcut" in error.value.fields


def test_an_update_changes_only_what_was_given(make_member):
    bidi = make_member("bidi")
    template = ResponseTemplateFactory(organization=bidi.organization, shortcut="/price")

    response_template_update(template=template, actor=bidi.user, data={"body": "New text"})

    template.refresh_from_db()
    assert (template.body, template.shortcut) == ("New text", "/price")


def test_rendering_fills_in_contact_company_deal_and_sender(make_member):
    bidi = make_member("bidi", full_name="Maya Lind")
    chat = ChatFactory(
        bot__organization=bidi.organization,
        contact__first_name="Ada",
        contact__last_name="Byron",
        contact__title="CTO",
    )
    ContactCompanyFactory(
        organization=bidi.organization,
        contact=chat.contact,
        company=CompanyFactory(organization=bidi.organization, name="Analytical Engines"),
        is_primary=True,
    )
    stage = StageFactory(organization=bidi.organization, name="Proposal")
    DealFactory(organization=bidi.organization, stage=stage, title="Engines pilot").contacts.add(
        chat.contact
    )
    template = ResponseTemplateFactory(
        organization=bidi.organization,
        body=(
            "Hi {{contact.first_name}} ({{ contact.full_name }}, {{ contact.title }} at "
            "{{ contact.company }}): {{ deal.title }} is in {{ deal.stage }}. — {{ me.first_name }}"
        ),
    )

    text = response_template_render(template=template, chat=chat, user=bidi.user)

    assert text == (
        "Hi Ada (Ada Byron, CTO at Analytical Engines): Engines pilot is in Proposal. — Maya"
    )


def test_missing_values_use_the_fallback_or_nothing(make_member):
    bidi = make_member("bidi")
    chat = ChatFactory(bot__organization=bidi.organization, contact=None, title="Deal room")
    template = ResponseTemplateFactory(
        organization=bidi.organization,
        body="Hi {{ contact.first_name | there }}{{ deal.title }}! Welcome to {{ chat.title }}.",
    )

    text = response_template_render(template=template, chat=chat, user=bidi.user)

    assert text == "Hi there! Welcome to Deal room."


def test_values_are_inserted_as_text_not_evaluated(make_member):
    bidi = make_member("bidi")
    chat = ChatFactory(
        bot__organization=bidi.organization, contact__first_name="{{ me.email }}{% now 'Y' %}"
    )
    template = ResponseTemplateFactory(
        organization=bidi.organization, body="Hi {{ contact.first_name }}"
    )

    text = response_template_render(template=template, chat=chat, user=bidi.user)

    assert text == "Hi {{ me.email }}{% now 'Y' %}"


def test_a_template_is_not_rendered_for_another_organizations_chat(make_member):
    bidi = make_member("bidi")
    template = ResponseTemplateFactory(organization=bidi.organization)

    with pytest.raises(NotFound):
        response_template_render(template=template, chat=ChatFactory(), user=bidi.user)


def test_a_viewer_may_render_but_not_edit(make_member):
    viewer = make_member("viewer")
    chat = ChatFactory(bot__organization=viewer.organization, contact__first_name="Ada")
    template = ResponseTemplateFactory(
        organization=viewer.organization, body="Hi {{ contact.first_name }}"
    )

    assert response_template_render(template=template, chat=chat, user=viewer.user) == "Hi Ada"
    with pytest.raises(PermissionDenied):
        response_template_update(template=template, actor=viewer.user, data={"body": "x"})
    assert ResponseTemplate.objects.get().body == "Hi {{ contact.first_name }}"
