// arrowquant dequantize QUANTIZED OUTPUT [--dtype f32|f16|bf16]: a plain safetensors file any reader opens.
#include <cstdio>
#include <string>

#include "args.hpp"
#include "commands.hpp"
#include "common.hpp"
#include "output_guard.hpp"

namespace aqcli {

int run_dequantize(int argc, char** argv, int first) {
  const std::vector<OptionSpec> specs = {{"dtype", {}, true}, {"force", {}, false}};
  ParsedArgs args = parse_args("dequantize", argc, argv, first, specs, 2, 2, {"QUANTIZED", "OUTPUT"});
  if (args.help) {
    std::fputs(kDequantizeHelp, stdout);
    return kExitOk;
  }
  const std::string dtype_name = args.value("dtype").value_or("f32");
  check_choice("dequantize", "dtype", dtype_name, {"f32", "f16", "bf16"});
  const aq_dtype dtype = dtype_name == "f16" ? AQ_DTYPE_F16 : dtype_name == "bf16" ? AQ_DTYPE_BF16 : AQ_DTYPE_F32;

  const std::string& in = args.positionals[0];
  const std::string& out = args.positionals[1];
  OutputGuard guard(args.has("force"));
  guard.input("input", in);
  guard.model_output("output", out);
  guard.check();
  check(aq_export_dequantized(in.c_str(), out.c_str(), dtype));
  std::printf("wrote %s (%s)\n", out.c_str(), dtype_name.c_str());
  return kExitOk;
}

}  // namespace aqcli
