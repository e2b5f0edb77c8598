"""Values every template can use."""
from __future__ import annotations

from flask import Flask
from flask_login import current_user

from .accounts.forms import SignOutForm


def register_template_helpers(app: Flask) -> None:
    @app.context_processor
    def navigation():
        sign_out_form = SignOutForm() if current_user.is_authenticated else None
        return {"sign_out_form": sign_out_form}
