import time

import pytest


def test_liveness_answers_without_touching_any_dependency(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readiness_is_ok_when_database_redis_and_a_worker_answer(client, celery_worker):
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "redis": "ok", "celery": "ok"},
    }


@pytest.mark.django_db
def test_readiness_fails_fast_naming_celery_when_no_worker_answers(client):
    client.get("/healthz")  # load the URLconf and middleware outside the measurement
    started = time.monotonic()
    response = client.get("/readyz")

    assert time.monotonic() - started < 2
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert response.json()["checks"] == {
        "database": "ok",
        "redis": "ok",
        "celery": "error: no worker answered",
    }


@pytest.mark.django_db
def test_readiness_fails_fast_naming_redis_when_redis_is_gone(client, settings, tmp_path):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"unix://{tmp_path}/no-redis.sock",
        }
    }
    client.get("/healthz")

    started = time.monotonic()
    response = client.get("/readyz")

    assert time.monotonic() - started < 2
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["database"] == "ok"
    assert checks["redis"].startswith("error:")
    assert checks["celery"] == "error: broker unavailable"


def test_probes_are_never_cached(client):
    response = client.get("/healthz")

    assert "no-cache" in response["Cache-Control"]
