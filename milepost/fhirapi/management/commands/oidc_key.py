"""`manage.py oidc_key FILE`: write a new RSA private key (PEM, 2048 bits) for signing
OpenID Connect id_tokens (OIDC_RSA_PRIVATE_KEY_FILE; docs/fhir.md). The file is made
readable by its owner only, and an existing file is never overwritten."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.management.base import BaseCommand, CommandError, CommandParser

KEY_BITS = 2048


class Command(BaseCommand):
    help = "Write a new RSA private key (PEM) for signing OpenID Connect id_tokens."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="where to write the key (must not exist)")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            raise CommandError(f"{path} exists already: it is left as it is.") from None
        except OSError as error:
            raise CommandError(f"{path}: {error.strerror}") from None
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(pem)
        self.stdout.write(f"Wrote a {KEY_BITS}-bit RSA key to {path}.")
