"""Pipelines API, one module per resource. ``config.api_urls`` mounts ``router`` and
``urlpatterns`` under ``/api/v1/``."""

from rest_framework.routers import SimpleRouter

from pipelines.api import deals, pipelines

router = SimpleRouter()
router.register("pipelines", pipelines.PipelineViewSet, basename="pipeline")
router.register(
    r"pipelines/(?P<pipeline_pk>[^/.]+)/stages", pipelines.StageViewSet, basename="stage"
)
router.register("deals", deals.DealViewSet, basename="deal")
urlpatterns: list = []
