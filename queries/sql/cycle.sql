-- One cycle's own row, without counts.
SELECT cycle_id, name, coalesce(name_en, ''), coalesce(unit, ''), coalesce(fiscal_year, 0),
       budget, currency, vote_type, coalesce(rule, ''),
       coalesce(min_project_score_threshold, 0), coalesce(min_length, 0), coalesce(max_length, 0),
       coalesce(max_sum_points, 0), start_date, end_date, coalesce(description, ''), coalesce(meta::VARCHAR, '')
FROM cycles
WHERE cycle_id = $1;
