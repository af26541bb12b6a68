"""Endpoint URLs that would make our workers call our own network are refused."""

import pytest

from accounts.errors import ValidationError
from automation.models import WebhookDelivery
from automation.tests.factories import EventFactory, WebhookEndpointFactory
from automation.webhooks.delivery import deliveries_for_events, deliveries_send
from automation.webhooks.ssrf import url_clean


@pytest.fixture(autouse=True)
def production_rules(settings):
    settings.WEBHOOK_ALLOW_HTTP = False
    settings.WEBHOOK_ALLOW_PRIVATE_HOSTS = False


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hook",
        "https://127.1/hook",
        "https://2130706433/hook",  # 127.0.0.1 as a decimal number
        "https://0177.0.0.1/hook",  # octal
        "https://10.1.2.3/hook",
        "https://192.168.0.10/hook",
        "https://172.16.5.4/hook",
        "https://169.254.169.254/latest/meta-data/",
        "https://[::1]/hook",
        "https://[::ffff:127.0.0.1]/hook",
        "https://[fd00::1]/hook",
        "https://localhost/hook",
        "https://0.0.0.0/hook",
        "https://0/hook",
        "https://100.64.0.1/hook",
        "https://224.0.0.1/hook",
    ],
)
def test_private_loopback_link_local_and_odd_addresses_are_refused(url):
    with pytest.raises(ValidationError) as error:
        url_clean(url)

    assert "url" in error.value.fields


def test_plain_http_is_refused_in_production():
    with pytest.raises(ValidationError, match="https"):
        url_clean("http://93.184.215.14/hook")


def test_a_public_address_is_accepted():
    assert url_clean(" https://93.184.215.14/hook ") == "https://93.184.215.14/hook"


def test_credentials_in_the_url_are_refused():
    with pytest.raises(ValidationError):
        url_clean("https://user:pass@93.184.215.14/hook")


def test_other_schemes_are_refused():
    with pytest.raises(ValidationError):
        url_clean("ftp://93.184.215.14/hook")


def test_the_setting_lets_loopback_through_for_self_hosted_installs(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_HOSTS = True

    assert url_clean("https://127.0.0.1/hook") == "https://127.0.0.1/hook"


def test_metadata_addresses_stay_refused_even_when_private_hosts_are_allowed(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_HOSTS = True

    with pytest.raises(ValidationError):
        url_clean("https://169.254.169.254/")


def test_a_host_that_became_private_after_saving_is_refused_at_send_time(
    db, webhook_receiver, settings, django_capture_on_commit_callbacks
):
    endpoint = WebhookEndpointFactory(url=webhook_receiver.url)  # saved when it was allowed
    settings.WEBHOOK_ALLOW_PRIVATE_HOSTS = False
    with django_capture_on_commit_callbacks(execute=False):
        [pk] = deliveries_for_events([EventFactory(organization=endpoint.organization)])

    deliveries_send([[pk, 0]])

    delivery = WebhookDelivery.objects.get(pk=pk)
    assert webhook_receiver.received == []
    assert delivery.last_error.startswith("Refused:")
    assert delivery.status == WebhookDelivery.Status.PENDING


def test_redirects_are_not_followed(db, webhook_receiver, django_capture_on_commit_callbacks):
    endpoint = WebhookEndpointFactory(url=webhook_receiver.url)
    webhook_receiver.redirect(webhook_receiver.url + "/elsewhere")
    with django_capture_on_commit_callbacks(execute=False):
        [pk] = deliveries_for_events([EventFactory(organization=endpoint.organization)])

    deliveries_send([[pk, 0]])

    delivery = WebhookDelivery.objects.get(pk=pk)
    assert [r.path for r in webhook_receiver.received] == ["/hooks"]
    assert delivery.last_status_code == 307
    assert delivery.status == WebhookDelivery.Status.PENDING
