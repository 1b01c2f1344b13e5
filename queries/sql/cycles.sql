-- Cycles with their headline counts, newest fiscal year first: every cycle
-- when $1 is NULL, else only cycle $1 (whose rows alone are then scanned).
WITH people AS (
    SELECT cycle_id,
           count(*) AS participants,
           count(*) FILTER (WHERE gender = 'F') AS women,
           count(*) FILTER (WHERE gender = 'M') AS men
    FROM participants
    WHERE $1 IS NULL OR cycle_id = $1
    GROUP BY cycle_id
), voters AS (
    SELECT cycle_id, count(DISTINCT participant_id) AS voters
    FROM votes
    WHERE $1 IS NULL OR cycle_id = $1
    GROUP BY cycle_id
), funded AS (
    SELECT cycle_id,
           count(*) AS projects,
           count(*) FILTER (WHERE selected) AS funded,
           coalesce(sum(coalesce(nullif(approved, 0), cost)) FILTER (WHERE selected), 0) AS allocated
    FROM projects
    WHERE $1 IS NULL OR cycle_id = $1
    GROUP BY cycle_id
)
SELECT c.cycle_id, c.name, coalesce(c.name_en, ''), coalesce(c.unit, ''), coalesce(c.fiscal_year, 0),
       c.budget, c.currency, c.vote_type, coalesce(c.rule, ''),
       coalesce(c.min_project_score_threshold, 0), coalesce(c.min_length, 0), coalesce(c.max_length, 0),
       coalesce(c.max_sum_points, 0), c.start_date, c.end_date, coalesce(c.description, ''), coalesce(c.meta::VARCHAR, ''),
       coalesce(p.participants, 0), coalesce(p.women, 0), coalesce(p.men, 0), coalesce(v.voters, 0),
       coalesce(f.projects, 0), coalesce(f.funded, 0), coalesce(f.allocated, 0)
FROM cycles c
LEFT JOIN people p USING (cycle_id)
LEFT JOIN voters v USING (cycle_id)
LEFT JOIN funded f USING (cycle_id)
WHERE $1 IS NULL OR c.cycle_id = $1
ORDER BY c.fiscal_year DESC NULLS LAST, c.cycle_id;
