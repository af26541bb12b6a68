"""Outside channels a delivery goes through: each module exposes ``send(delivery) -> str``
(a detail for the delivery row) and raises ``notifications.errors.DeliveryError`` (retry) or
``Unreachable`` (skip). In-app needs no sender: the notice is the in-app channel."""
