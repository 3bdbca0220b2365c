"""What schemathesis needs to know about leadhost's bodies that the OpenAPI
document cannot tell it (loaded by scripts/schemathesis.sh through
SCHEMATHESIS_HOOKS).

An upload (`PUT /v1/orgs/{org}/plugins/{slot}`) is `application/wasm`, a
media type schemathesis has no generator for: it sends arbitrary bytes, and
bytes that start like a component (the `\\0asm` preamble of the component
model) with garbage after them. The server must refuse both with a 422
problem and keep the active version serving.
"""

import schemathesis
from hypothesis import strategies as st

COMPONENT_PREAMBLE = b"\x00asm\x0d\x00\x01\x00"

schemathesis.openapi.media_type(
    "application/wasm",
    st.one_of(
        st.binary(max_size=512),
        st.binary(max_size=256).map(lambda tail: COMPONENT_PREAMBLE + tail),
    ),
)
