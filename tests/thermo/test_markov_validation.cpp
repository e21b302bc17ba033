// Phase 1 (Markov validation) and the baseline summary.
#define BOOST_TEST_MODULE markov_validation
#include <boost/test/unit_test.hpp>

#include "arrowquant/error.hpp"
#include "arrowquant/thermo.hpp"

using namespace aq;

BOOST_AUTO_TEST_CASE(a_single_group_is_valid_with_score_one) {
  const auto r = markov_validate(std::vector<float>{0.1f}, std::vector<float>{3.0f}, 0.3f);
  BOOST_TEST(r.is_valid);
  BOOST_TEST(r.smoothness_score == 1.0f);
  BOOST_TEST(r.boundary_scores.empty());
  BOOST_TEST(r.violations.empty());
}

BOOST_AUTO_TEST_CASE(jumps_are_relative_to_the_left_scale_and_zero_points_divide_by_255) {
  const auto r = markov_validate(std::vector<float>{0.1f, 0.2f, 0.1f}, std::vector<float>{0.0f, 51.0f, 51.0f}, 0.3f);
  BOOST_TEST_REQUIRE(r.scale_jumps.size() == 2u);
  BOOST_TEST(r.scale_jumps[0] == (0.2f - 0.1f) / 0.1f);
  BOOST_TEST(r.scale_jumps[1] == (0.2f - 0.1f) / 0.2f);  // down by half: 0.5, up by 100 %: 1.0
  BOOST_TEST(r.zero_point_jumps[0] == 51.0f / 255.0f);
  BOOST_TEST(r.boundary_scores[0] == 1.0f - std::min((r.scale_jumps[0] + r.zero_point_jumps[0]) / 2.0f, 1.0f));
  BOOST_TEST(r.max_scale_jump() == r.scale_jumps[0]);
}

BOOST_AUTO_TEST_CASE(severity_cut_offs_are_fixed_while_the_threshold_decides_violations) {
  // Jumps 0.2, 0.4 and 0.6 relative to a left scale of 1, all above the threshold 0.1.
  const auto low = markov_validate(std::vector<float>{1.0f, 1.2f}, std::vector<float>{0, 0}, 0.1f);
  const auto med = markov_validate(std::vector<float>{1.0f, 1.4f}, std::vector<float>{0, 0}, 0.1f);
  const auto high = markov_validate(std::vector<float>{1.0f, 1.6f}, std::vector<float>{0, 0}, 0.1f);
  BOOST_TEST_REQUIRE(low.violations.size() == 1u);
  BOOST_TEST((low.violations[0].severity == Severity::low));
  BOOST_TEST((med.violations[0].severity == Severity::medium));
  BOOST_TEST((high.violations[0].severity == Severity::high));
  BOOST_TEST(!high.is_valid);
  const auto none = markov_validate(std::vector<float>{1.0f, 1.6f}, std::vector<float>{0, 0}, 1.0f);
  BOOST_TEST(none.is_valid);  // 0.6 does not exceed the threshold 1.0
}

BOOST_AUTO_TEST_CASE(zero_point_jumps_lower_the_score_but_never_cause_violations) {
  const auto r = markov_validate(std::vector<float>{1.0f, 1.0f}, std::vector<float>{0.0f, 255.0f}, 0.0f);
  BOOST_TEST(r.is_valid);
  BOOST_TEST(r.smoothness_score == 0.5f);
}

BOOST_AUTO_TEST_CASE(scores_stay_in_the_unit_interval_for_huge_jumps) {
  const auto r = markov_validate(std::vector<float>{1e-6f, 1e6f, 1e-6f}, std::vector<float>{0, 1e9f, -1e9f}, 0.3f);
  BOOST_TEST(r.smoothness_score == 0.0f);
  for (float b : r.boundary_scores) {
    BOOST_TEST(b >= 0.0f);
    BOOST_TEST(b <= 1.0f);
  }
}

BOOST_AUTO_TEST_CASE(baseline_summary_reproduces_the_reference_example_patterns) {
  // ArrowQuant V2's example: violations at 0 (58 %, high) and 2 (35 %, medium), boundary scores [0.45, 0.89, 0.72].
  const auto s = baseline_summary({0.45, 0.89, 0.72}, {{0, 0.58, Severity::high}, {2, 0.35, Severity::medium}});
  const std::vector<std::string> expected{"High severity violations: 1 (50.0%)",
                                          "Medium severity violations: 1 (50.0%)", "Violations at boundaries: [0, 2]",
                                          "Scale jumps: max=58.0%, avg=46.5%"};
  BOOST_TEST(s.common_violation_patterns == expected, boost::test_tools::per_element());
  BOOST_TEST(s.min_boundary_score == 0.45);
  BOOST_TEST(s.max_boundary_score == 0.89);
  BOOST_TEST(s.mean_boundary_score == (0.45 + 0.89 + 0.72) / 3, boost::test_tools::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(baseline_cluster_rule_uses_half_the_number_of_boundaries) {
  // One violation at boundary 1 of 10: early (ArrowQuant V2's script compared with half the violation count: late).
  std::vector<double> scores(10, 1.0);
  scores[1] = 0.5;
  const auto s = baseline_summary(scores, {{1, 1.0, Severity::high}});
  BOOST_TEST(s.common_violation_patterns[2] == "Violations cluster at early boundaries");
  const auto late = baseline_summary({1.0, 1.0, 0.5, 1.0}, {{2, 1.0, Severity::high}});
  BOOST_TEST(late.common_violation_patterns[2] == "Violations cluster at late boundaries");
}

BOOST_AUTO_TEST_CASE(baseline_of_a_report_without_violations_says_so) {
  const auto r = markov_validate(std::vector<float>{1.0f, 1.1f, 1.2f}, std::vector<float>{0, 0, 0}, 0.3f);
  const auto s = baseline_summary(r);
  BOOST_TEST(s.common_violation_patterns == std::vector<std::string>{"No violations detected - excellent smoothness"},
             boost::test_tools::per_element());
  BOOST_TEST(s.std_boundary_score > 0.0);
  const auto empty = baseline_summary(std::vector<double>{}, {});
  BOOST_TEST(empty.mean_boundary_score == 0.0);
}

BOOST_AUTO_TEST_CASE(baseline_rejects_a_violation_index_that_is_not_a_boundary) {
  BOOST_CHECK_THROW(baseline_summary({1.0}, {{1, 0.5, Severity::high}}), aq::Error);
}
