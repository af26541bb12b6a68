"""A fake OpenAI-compatible API server on 127.0.0.1.

It answers at OpenAI's own paths, so pointing an ``openai.OpenAI(base_url=...)`` client (or the
``AI_OPENAI_BASE_URL`` setting) at ``FakeOpenAI.url`` is the only change the application sees:

- ``POST /v1/chat/completions``: a ``chat.completion`` JSON answer, or with ``"stream": true``
  server-sent events of ``chat.completion.chunk`` objects (a role chunk, content chunks, a
  chunk with ``finish_reason``, a usage-only chunk when ``stream_options.include_usage``) and
  the closing ``data: [DONE]``.
- ``POST /v1/embeddings``: deterministic unit vectors (``dimensions`` long, 16 by default) for
  a string or a list of strings, as floats or base64 float32 (``encoding_format``).
- ``GET /v1/models``: the models the fake claims to serve.

Errors have OpenAI's shape: ``{"error": {"message": ..., "type": ..., "param": null, "code":
...}}``. A request without ``Authorization: Bearer <a known key>`` is 401
``invalid_api_key``. Knobs: ``respond_with(text | callable(request_json) -> str)`` (default: a
deterministic reply quoting the prompt's last user message), ``fail_next(status, times=1,
retry_after=None)`` (429 carries a ``Retry-After`` header when given), ``delay_next(seconds)``
(the next POST answers late, for timeouts), ``slow_stream(seconds)`` (the next stream waits that
long before each chunk; events are sent as they are written, with chunked transfer encoding).
Every request is recorded (``requests(path)``).
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import struct
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

API_KEY = "sk-fake-openai-test-key"
MODELS = ("gpt-4o-mini", "gpt-4o", "text-embedding-3-small")
EMBEDDING_DIMENSIONS = 16

ERRORS: dict[int, tuple[str, str, str]] = {
    # status: (message, type, code)
    400: ("Invalid request.", "invalid_request_error", "invalid_request"),
    401: (
        "Incorrect API key provided. You can find your API key at "
        "https://platform.openai.com/account/api-keys.",
        "invalid_request_error",
        "invalid_api_key",
    ),
    403: ("You are not allowed to sample from this model.", "invalid_request_error", ""),
    404: (
        "The model does not exist or you do not have access to it.",
        "invalid_request_error",
        "model_not_found",
    ),
    429: ("Rate limit reached for requests.", "requests", "rate_limit_exceeded"),
    500: ("The server had an error while processing your request.", "server_error", ""),
    502: ("Bad gateway.", "server_error", ""),
    503: ("The engine is currently overloaded, please try again later.", "server_error", ""),
}

Responder = Callable[[dict[str, Any]], str]


@dataclass
class Request:
    """One request the fake received."""

    method: str
    path: str
    headers: dict[str, str]
    json: dict[str, Any]
    at: float  # time.monotonic() when it arrived


@dataclass
class _Failure:
    status: int
    times: int
    retry_after: float | None
    message: str | None


def default_reply(request_json: dict[str, Any]) -> str:
    """A deterministic reply built from the prompt's last user message."""
    last_user = ""
    for message in request_json.get("messages", []):
        if message.get("role") == "user":
            content = message.get("content")
            last_user = content if isinstance(content, str) else json.dumps(content)
    snippet = " ".join(last_user.split())[:80]
    return f"Thank you for your message. This is the fake model's reply to: {snippet}"


def _tokens(text: str) -> int:
    return math.ceil(len(text) / 4) if text else 0


def fake_embedding(text: str, dimensions: int = EMBEDDING_DIMENSIONS) -> list[float]:
    """A unit vector that depends only on ``text`` (same text, same vector)."""
    values: list[float] = []
    counter = 0
    while len(values) < dimensions:
        digest = hashlib.sha256(f"{counter}:{text}".encode()).digest()
        values.extend((b - 127.5) / 127.5 for b in digest)
        counter += 1
    values = values[:dimensions]
    norm = math.sqrt(sum(v * v for v in values)) or 1.0
    return [v / norm for v in values]


class FakeOpenAI:
    """Start with ``with FakeOpenAI() as openai:``; ``openai.url`` is the base URL (``/v1``)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._keys = {API_KEY}
        self._requests: list[Request] = []
        self._failures: list[_Failure] = []
        self._delays: list[float] = []
        self._chunk_delays: list[float] = []
        self._responder: Responder = default_reply
        self._next_id = 1
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        # A short poll interval: stopping the server after each test takes 0.05 s, not 0.5 s.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.api_key = API_KEY

    # --- lifecycle --------------------------------------------------------------------------

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def __enter__(self) -> FakeOpenAI:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    # --- knobs --------------------------------------------------------------------------------

    def add_key(self, key: str) -> None:
        """Accept ``key`` as well as ``API_KEY``."""
        with self._lock:
            self._keys.add(key)

    def respond_with(self, reply: str | Responder) -> None:
        """What chat completions answer from now on: fixed text or ``reply(request_json)``."""
        with self._lock:
            self._responder = reply if callable(reply) else (lambda _request, text=reply: text)

    def fail_next(
        self,
        status: int,
        times: int = 1,
        retry_after: float | None = None,
        message: str | None = None,
    ) -> None:
        """The next ``times`` POST requests answer ``status`` with OpenAI's error body."""
        with self._lock:
            self._failures.append(_Failure(status, times, retry_after, message))

    def delay_next(self, seconds: float) -> None:
        """The next POST request waits ``seconds`` before answering."""
        with self._lock:
            self._delays.append(seconds)

    def slow_stream(self, seconds: float) -> None:
        """The next streamed completion waits ``seconds`` before each chunk it sends."""
        with self._lock:
            self._chunk_delays.append(seconds)

    def requests(self, path: str | None = None) -> list[Request]:
        """Recorded requests, oldest first; ``path`` like ``"/v1/chat/completions"``."""
        with self._lock:
            return [r for r in self._requests if path is None or r.path == path]

    # --- serving ------------------------------------------------------------------------------

    def handle(
        self, method: str, path: str, headers: dict[str, str], body: dict[str, Any]
    ) -> tuple[int, dict[str, str], bytes | list[bytes], str]:
        """(status, extra headers, body, content type) for one request; a list body is sent
        piece by piece (a stream)."""
        with self._lock:
            self._requests.append(Request(method, path, headers, body, time.monotonic()))
            delay = self._delays.pop(0) if self._delays and method == "POST" else 0.0
            failure = self._take_failure() if method == "POST" else None
            responder = self._responder
            known_key = headers.get("authorization", "").removeprefix("Bearer ") in self._keys
        if delay:
            time.sleep(delay)
        if not known_key:
            return _error(401)
        if failure is not None:
            extra = {}
            if failure.retry_after is not None:
                extra["Retry-After"] = f"{failure.retry_after:g}"
            return _error(failure.status, failure.message, extra)
        if method == "GET" and path == "/v1/models":
            data = [{"id": m, "object": "model", "created": 0, "owned_by": "fake"} for m in MODELS]
            return _json(200, {"object": "list", "data": data})
        if method == "POST" and path == "/v1/chat/completions":
            return self._chat(body, responder)
        if method == "POST" and path == "/v1/embeddings":
            return self._embeddings(body)
        return _error(404, f"Unknown request URL: {method} {path}.")

    def _take_failure(self) -> _Failure | None:
        if not self._failures:
            return None
        failure = self._failures[0]
        failure.times -= 1
        if failure.times <= 0:
            self._failures.pop(0)
        return failure

    def _chat(
        self, body: dict[str, Any], responder: Responder
    ) -> tuple[int, dict[str, str], bytes | list[bytes], str]:
        if not body.get("model") or not isinstance(body.get("messages"), list):
            return _error(400, "'model' and 'messages' are required.")
        text = responder(body)
        with self._lock:
            completion_id = f"chatcmpl-fake{self._next_id}"
            self._next_id += 1
        prompt_tokens = sum(_tokens(str(m.get("content") or "")) for m in body["messages"])
        usage = {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": _tokens(text),
            "total_tokens": prompt_tokens + _tokens(text),
        }
        base = {"id": completion_id, "created": int(time.time()), "model": body["model"]}
        if not body.get("stream"):
            choice = {
                "index": 0,
                "message": {"role": "assistant", "content": text},
                "finish_reason": "stop",
                "logprobs": None,
            }
            return _json(
                200, {**base, "object": "chat.completion", "choices": [choice], "usage": usage}
            )
        chunk = {**base, "object": "chat.completion.chunk"}
        events = [{**chunk, "choices": [_delta({"role": "assistant", "content": ""})]}]
        words = text.split(" ")
        for index, word in enumerate(words):
            piece = word if index == len(words) - 1 else word + " "
            events.append({**chunk, "choices": [_delta({"content": piece})]})
        events.append({**chunk, "choices": [_delta({}, finish_reason="stop")]})
        if (body.get("stream_options") or {}).get("include_usage"):
            events.append({**chunk, "choices": [], "usage": usage})
        pieces = [f"data: {json.dumps(e)}\n\n".encode() for e in events]
        pieces.append(b"data: [DONE]\n\n")
        return 200, {}, pieces, "text/event-stream"

    def chunk_delay(self) -> float:
        """Seconds to wait before each chunk of the stream being sent now."""
        with self._lock:
            return self._chunk_delays.pop(0) if self._chunk_delays else 0.0

    def _embeddings(self, body: dict[str, Any]) -> tuple[int, dict[str, str], bytes, str]:
        inputs = body.get("input")
        if isinstance(inputs, str):
            inputs = [inputs]
        if not body.get("model") or not isinstance(inputs, list) or not inputs:
            return _error(400, "'model' and a non-empty 'input' are required.")
        dimensions = int(body.get("dimensions") or EMBEDDING_DIMENSIONS)
        data = []
        for index, text in enumerate(inputs):
            vector = fake_embedding(str(text), dimensions)
            if body.get("encoding_format") == "base64":
                encoded: Any = base64.b64encode(struct.pack(f"<{len(vector)}f", *vector)).decode()
            else:
                encoded = vector
            data.append({"object": "embedding", "index": index, "embedding": encoded})
        tokens = sum(_tokens(str(text)) for text in inputs)
        return _json(
            200,
            {
                "object": "list",
                "data": data,
                "model": body["model"],
                "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
            },
        )


def _delta(delta: dict[str, Any], finish_reason: str | None = None) -> dict[str, Any]:
    return {"index": 0, "delta": delta, "finish_reason": finish_reason, "logprobs": None}


def _json(status: int, value: Any) -> tuple[int, dict[str, str], bytes, str]:
    return status, {}, json.dumps(value).encode(), "application/json"


def _error(
    status: int, message: str | None = None, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes, str]:
    default_message, kind, code = ERRORS.get(status, ("Error.", "server_error", ""))
    error = {
        "message": message or default_message,
        "type": kind,
        "param": None,
        "code": code or None,
    }
    return status, headers or {}, json.dumps({"error": error}).encode(), "application/json"


def _handler_for(fake: FakeOpenAI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                body = json.loads(raw) if raw else {}
            except ValueError:
                body = {}
            headers = {k.lower(): v for k, v in self.headers.items()}
            path = self.path.partition("?")[0]
            status, extra, payload, content_type = fake.handle(
                self.command, path, headers, body if isinstance(body, dict) else {}
            )
            try:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                for name, value in extra.items():
                    self.send_header(name, value)
                if isinstance(payload, bytes):
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                    return
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                delay = fake.chunk_delay()
                for piece in payload:
                    if delay:
                        time.sleep(delay)
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
                    self.wfile.flush()
                self.wfile.write(b"0\r\n\r\n")
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout test); nothing to answer to

        do_GET = _serve
        do_POST = _serve

    return Handler


@pytest.fixture
def fake_openai(settings) -> Iterator[FakeOpenAI]:
    """A running fake OpenAI API; the instance-wide ``AI_OPENAI_BASE_URL`` / ``AI_OPENAI_API_KEY``
    point at it, so an organization on the "openai" provider without its own key uses it."""
    with FakeOpenAI() as fake:
        settings.AI_OPENAI_BASE_URL = fake.url
        settings.AI_OPENAI_API_KEY = fake.api_key
        yield fake
