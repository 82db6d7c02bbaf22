"""Ask a practice's OpenAI-compatible endpoint (Ollama, vLLM, llama.cpp server) for a draft.

Only the chat-completions call lives here; what is sent and how the answer is checked are
the domain's (milepost.domain.drafting.llm). Nothing of the request or the answer is logged.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from milepost.domain.drafting import llm
from milepost.drafting.models import ModelEndpoint

MAX_BYTES = 200_000


def _opener() -> urllib.request.OpenerDirector:
    """An opener that speaks http and https only (no file:, ftp: or data: handlers), with no
    proxy from the environment: the endpoint is on the practice's own network."""
    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.HTTPHandler(),
        urllib.request.HTTPSHandler(),
        urllib.request.HTTPDefaultErrorHandler(),
        urllib.request.HTTPErrorProcessor(),
    ):
        opener.add_handler(handler)
    return opener


class ModelUnavailable(Exception):
    """The endpoint did not answer usably; the message is shown to the clinician."""


def ask(endpoint: ModelEndpoint, chat: list[dict[str, str]]) -> str:
    """The model's answer text; ModelUnavailable on a time-out, an error or nonsense."""
    body = json.dumps(
        {
            "model": endpoint.model,
            "messages": chat,
            "temperature": 0,
            "response_format": {
                "type": "json_schema",
                "json_schema": {"name": "plan_draft", "schema": llm.SCHEMA},
            },
        }
    ).encode()
    if not endpoint.base_url.startswith(("http://", "https://")):
        raise ModelUnavailable("the language model's address is not http or https")
    headers = {"Content-Type": "application/json"}
    if endpoint.api_key:
        headers["Authorization"] = f"Bearer {endpoint.api_key}"
    # The scheme is checked above (and by model_endpoint_set): no file: or custom schemes.
    request = urllib.request.Request(  # noqa: S310
        endpoint.base_url.rstrip("/") + "/chat/completions", data=body, headers=headers
    )
    try:
        with _opener().open(request, timeout=endpoint.timeout_seconds) as response:
            raw = response.read(MAX_BYTES + 1)
    except TimeoutError:
        raise ModelUnavailable("the language model did not answer in time") from None
    except urllib.error.HTTPError as error:
        raise ModelUnavailable(
            f"the language model answered with an error ({error.code})"
        ) from None
    except (urllib.error.URLError, OSError):
        raise ModelUnavailable("the language model could not be reached") from None
    if len(raw) > MAX_BYTES:
        raise ModelUnavailable("the language model's answer is too long")
    try:
        data: Any = json.loads(raw)
        content = data["choices"][0]["message"]["content"]
    except (ValueError, KeyError, IndexError, TypeError):
        raise ModelUnavailable("the language model's answer is not a chat completion") from None
    if not isinstance(content, str):
        raise ModelUnavailable("the language model's answer is not text")
    return content
