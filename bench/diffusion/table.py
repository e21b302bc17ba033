#!/usr/bin/env python3
"""Print the diffusion bench's Markdown table from a study JSON written by run.py:
    bench/diffusion/table.py build/diffusion-bench/study.json"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from runtime import markdown_table  # noqa: E402

study = json.load(open(sys.argv[1]))
print(markdown_table(study["variants"], study.get("fp32_reference")), end="")
