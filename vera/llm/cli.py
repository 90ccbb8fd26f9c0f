"""`vera serve --model PATH`: completions with logprobs and a prefix-shared /score endpoint over HF."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

MOUNT_AS_COMMANDS = True  # `vera serve ...`, not `vera serve serve ...`

app = typer.Typer(help="Serve a local causal LM over HTTP.", no_args_is_help=True)


@app.command()
def serve(
    model: Annotated[str, typer.Option(help="Local checkpoint dir (Llama- or Qwen-shaped, safetensors).")],
    host: Annotated[str, typer.Option(help="Address to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port (0 picks a free one; the line 'serving on URL' says it).")] = 8000,
    mode: Annotated[str, typer.Option(help="/score head: yes (P(Yes)), logodds or value.")] = "yes",
    value_head: Annotated[str | None, typer.Option(help="Value head safetensors (mode value).")] = None,
    strategy: Annotated[str, typer.Option(help="Prefix sharing: shared_prefix, packed, prefix_kv, naive.")]
    = "shared_prefix",
    dtype: Annotated[str, typer.Option(help="float32, bfloat16 or float16.")] = "float32",
    device: Annotated[str, typer.Option(help="cpu or cuda.")] = "cpu",
    max_context_tokens: Annotated[int | None, typer.Option(help="Left-truncate prompts to this many tokens.")]
    = None,
    name: Annotated[str | None, typer.Option(help="Model name in responses (default: the folder name).")]
    = None,
) -> None:
    """Serve /v1/completions (OpenAI subset, with logprobs), /score and /health until interrupted."""
    from vera.llm.serve import build_service, make_server

    service = build_service(model, mode=mode, value_head=value_head, strategy=strategy, dtype=dtype,
                            device=device, max_context_tokens=max_context_tokens, name=name)
    server = make_server(service, host, port)
    bound_host, bound_port = server.server_address[:2]
    print(f"serving on http://{bound_host}:{bound_port} (model {service.model_name})", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("stopped", file=sys.stderr)
    finally:
        server.server_close()
