"""Phase 3's chain solver through the binding: the accessors of its search and of the price of smoothness."""
from arrowquant import capi


def test_chain_solver_reports_multiplier_candidates_and_price():
    with capi.aq_timeaware_config_create() as cfg:
        capi.aq_timeaware_config_set_number(cfg, "num_time_groups", 4)
        capi.aq_timeaware_config_set_number(cfg, "num_timesteps", 100)
        capi.aq_timeaware_config_set_number(cfg, "thermodynamic.transition_optimization.enabled", 1)
        capi.aq_timeaware_config_set_number(cfg, "thermodynamic.transition_optimization.target_smoothness", 0.99)
        with capi.aq_calib_stats_data_free(cfg, 3) as stats, \
                capi.aq_timeaware_layer(stats, cfg, 3) as result:
            opt = capi.aq_layer_result_optimization(result)
            assert capi.aq_optimization_optimizer(opt) == "chain"
            multiplier, target_bound, candidates = capi.aq_optimization_chain(opt)
            assert candidates == 64 and target_bound in (0, 1) and multiplier >= 0
            mse, free = capi.aq_optimization_price(opt)
            assert mse > 0 and free > 0
            free_params = capi.aq_optimization_unconstrained_params(opt)
            assert capi.aq_tg_params_count(free_params) == 4
            initial, final, iterations, converged = capi.aq_optimization_result(opt)
            assert converged == 1 and iterations >= 1
            params = capi.aq_optimization_params(opt)
            with capi.aq_markov_validate(capi.aq_tg_params_scales(params), capi.aq_tg_params_zero_points(params),
                                         0.3) as report:
                assert capi.aq_markov_report_violation_count(report) == 0
                is_valid, score, _ = capi.aq_markov_report_result(report)
                assert is_valid == 1 and score >= 0.99
