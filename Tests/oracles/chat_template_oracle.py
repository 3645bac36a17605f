#!/usr/bin/env python3
"""Renders chat templates with Jinja2 the way `transformers` does
(sandboxed environment, trim_blocks, lstrip_blocks), as the oracle for
Lontar's code-written chat formats.

stdin: {"template": "<jinja source>" | "llama3-official",
        "bos_token": "...", "eos_token": "...",
        "conversations": [{"messages": [{"role","content"}...], "add_generation_prompt": bool}, ...]}
stdout: {"rendered": ["...", ...]}
"""
import json
import sys

from jinja2.sandbox import ImmutableSandboxedEnvironment

# The chat_template of Meta-Llama-3-8B-Instruct's tokenizer_config.json.
LLAMA3_OFFICIAL = (
    "{% set loop_messages = messages %}{% for message in loop_messages %}"
    "{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'"
    "+ message['content'] | trim + '<|eot_id|>' %}"
    "{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}"
    "{{ content }}{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}{% endif %}"
)


def main():
    request = json.load(sys.stdin)
    source = request["template"]
    if source == "llama3-official":
        source = LLAMA3_OFFICIAL
    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)
    template = env.from_string(source)
    rendered = []
    for conv in request["conversations"]:
        rendered.append(template.render(messages=conv["messages"],
                                        add_generation_prompt=conv["add_generation_prompt"],
                                        bos_token=request.get("bos_token", ""),
                                        eos_token=request.get("eos_token", "")))
    json.dump({"rendered": rendered}, sys.stdout, ensure_ascii=True)


if __name__ == "__main__":
    main()
