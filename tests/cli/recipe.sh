#!/usr/bin/env bash
# The default recipe of quantize and its flags: embeddings and the output head at INT8 by default, the head
# pattern not catching attention out-projections; --tensor-type beats the recipe, --keep beats --tensor-type,
# skip_sensitive_layers beats the recipe, target_model_size_mb re-chooses the bits, --pure turns the recipe off;
# the report names the rule behind each layer's bits.
aq=$1 work=$2
source "$(dirname "$0")/lib.sh"
rm -rf "$work" && mkdir -p "$work"

# A small model with the names the recipe is about (F32 2-D weights).
python3 - "$work/m.safetensors" <<'PY'
import json, struct, sys
names = ["model.embed_tokens.weight", "pos_embed", "lm_head.weight", "blocks.0.attn.output_proj.weight",
         "blocks.0.mlp.up.weight", "blocks.0.mlp.down.weight"]
header, off, blob = {}, 0, b""
for i, n in enumerate(names):
    vals = [((k * 7919 + i * 104729) % 1000 - 500) / 5000.0 for k in range(64 * 128)]
    data = struct.pack("<%df" % len(vals), *vals)
    header[n] = {"dtype": "F32", "shape": [64, 128], "data_offsets": [off, off + len(data)]}
    off += len(data)
    blob += data
text = json.dumps(header).encode()
text += b" " * (-len(text) % 8)
open(sys.argv[1], "wb").write(struct.pack("<Q", len(text)) + text + blob)
PY

# bits LAYER REPORT: the layer's bits ("kept" when not quantized); rule LAYER REPORT: its bits_rule.
bits() { python3 -c 'import json,sys
r=json.load(open(sys.argv[2])); d={l["name"]: l["bits"] for l in r["layers"]}
print(d.get(sys.argv[1], "kept"))' "$1" "$2"; }
rule() { python3 -c 'import json,sys
r=json.load(open(sys.argv[2])); print({l["name"]: l["bits_rule"] for l in r["layers"]}[sys.argv[1]])' "$1" "$2"; }
check() {  # check LAYER REPORT WANT WHAT
  local got
  got=$(bits "$1" "$2")
  [ "$got" = "$3" ] && echo "ok: $4: $1 -> $got" || fail "$4: $1 has $got bits, want $3"
}

n=0
q() {  # q ARGS...: quantize into a fresh output with a report at $work/r$n.json
  n=$((n + 1))
  rep="$work/r$n.json"
  expect_rc 0 "$aq" quantize "$work/m.safetensors" "$work/q$n.safetensors" --quiet --report "$rep" "$@"
}

q
check model.embed_tokens.weight "$rep" 8 "recipe: token embedding"
check pos_embed "$rep" 8 "recipe: position embedding"
check lm_head.weight "$rep" 8 "recipe: output head"
check blocks.0.attn.output_proj.weight "$rep" 4 "recipe: an attention out-projection is not the head"
check blocks.0.mlp.up.weight "$rep" 4 "recipe: other weights at bit_width"
contains "$(rule lm_head.weight "$rep")" 'layer_bit_widths["^(lm_head|output|head|final_layer)' "report names the head rule"
contains "$(rule blocks.0.mlp.up.weight "$rep")" "bit_width" "report names bit_width"

q --pure
for l in model.embed_tokens.weight pos_embed lm_head.weight blocks.0.mlp.up.weight; do check $l "$rep" 4 "--pure"; done

q --tensor-type 'embed_tokens=2' --tensor-type 'mlp\.(up|down)=8' --tensor-type 'mlp\.down=16'
check model.embed_tokens.weight "$rep" 2 "--tensor-type beats the recipe"
check lm_head.weight "$rep" 8 "the recipe still applies elsewhere"
check blocks.0.mlp.up.weight "$rep" 8 "--tensor-type"
check blocks.0.mlp.down.weight "$rep" 8 "the first matching --tensor-type wins"
contains "$(rule blocks.0.mlp.up.weight "$rep")" 'layer_bit_widths["mlp\\.(up|down)"]' "report names the flag's rule"

q --tensor-type 'mlp=2' --keep 'mlp\.up'
check blocks.0.mlp.up.weight "$rep" kept "--keep beats --tensor-type"
check blocks.0.mlp.down.weight "$rep" 2 "--tensor-type"

echo '{"skip_sensitive_layers": true}' >"$work/skip.json"
q --config "$work/skip.json"
check model.embed_tokens.weight "$rep" kept "skip_sensitive_layers beats the recipe"
check lm_head.weight "$rep" kept "skip_sensitive_layers beats the recipe"
check blocks.0.attn.output_proj.weight "$rep" 4 "skip_sensitive_layers does not catch out-projections"

echo '{"target_model_size_mb": 0.05}' >"$work/size.json"
q --config "$work/size.json"
contains "$(rule lm_head.weight "$rep")" "target_model_size_mb" "target_model_size_mb re-chooses the recipe's bits"

echo '{"min_accuracy": 0.9999}' >"$work/strict.json"
q --config "$work/strict.json" --bits 2
contains "$(rule blocks.0.mlp.up.weight "$rep")" "then min_accuracy fallback" "the fallback comes last"

expect_rc 2 "$aq" quantize "$work/m.safetensors" "$work/x.safetensors" --tensor-type 'mlp=3'
expect_rc 2 "$aq" quantize "$work/m.safetensors" "$work/x.safetensors" --tensor-type 'mlp'
expect_rc 2 "$aq" quantize "$work/m.safetensors" "$work/x.safetensors" --keep 'mlp('

[ "$failures" = 0 ] || { echo "$failures failure(s)" >&2; exit 1; }
echo "all recipe checks passed"
