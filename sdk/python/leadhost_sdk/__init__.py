"""leadhost's SDK helpers for Python plug-ins: the Rust SDK's config and
input helpers (`leadhost_sdk` crate) with the same names and answers.

    from leadhost_sdk import fields, time

    min_budget = fields.number_or(input.config, "min-budget", 10_000.0)  # "25000" counts
    domains = fields.list(input.config, "competitor-domains")            # trimmed, lower-cased
    wake_at = time.add_days(input.now, 1.5)

`fields` reads config entries and custom fields (`number`, `number_or`,
`try_number`, ... `custom_field`, `email_domain`, `FieldError`); `time`
does timestamp arithmetic. A build puts this folder on the Python path
(`componentize-py ... -p <leadhost>/sdk/python`); nothing is copied into
the plug-in's own source. The cases in `sdk/tests/helper-cases.json` hold
this module, the Rust SDK and the JavaScript one (`sdk/js`) to one answer.
"""

from . import fields, time

__all__ = ["fields", "time"]
