// The short summary printed after quantize and demo, from the quality report JSON.
#pragma once
#include <optional>
#include <string>

#include <boost/json/value.hpp>

namespace aqcli {

// model_params: the model's total parameter count when known (the report counts quantized ones only).
void print_quantize_summary(const boost::json::value& report, std::optional<double> model_params);

// Sum of the elements of every tensor of the model at path; nullopt when it cannot be opened (the summary
// then leaves the figure out instead of failing a run that succeeded).
std::optional<double> model_parameter_count(const std::string& path);

}  // namespace aqcli
