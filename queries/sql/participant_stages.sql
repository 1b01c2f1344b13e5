-- Participants of a cycle by area, gender and age band, with the stages each
-- took part in as a bit mask: 1 problem, 2 solution, 4 vote (event), 8 meeting,
-- 16 any other stage, 32 a ballot in votes. Every participation event and
-- vote row is grouped once per participant, so the funnel, the voters and
-- the registered participants all come from one pass. People with events but
-- no participants row have registered = false and count as gender U.
WITH events AS (
    SELECT participant_id, bit_or(stage_bit) AS stages
    FROM (
        SELECT participant_id,
               CASE stage WHEN 'problem' THEN 1 WHEN 'solution' THEN 2 WHEN 'vote' THEN 4 WHEN 'meeting' THEN 8 ELSE 16 END AS stage_bit
        FROM participation
        WHERE cycle_id = $1
        UNION ALL
        SELECT participant_id, 32 FROM votes WHERE cycle_id = $1
    )
    GROUP BY participant_id
), people AS (
    SELECT participant_id, gender, area, age_band FROM participants WHERE cycle_id = $1
)
SELECT coalesce(p.area, '') AS area,
       coalesce(p.gender, 'U') AS gender,
       coalesce(p.age_band, '') AS age_band,
       p.participant_id IS NOT NULL AS registered,
       coalesce(e.stages, 0)::INTEGER AS stages,
       count(*) AS n
FROM people p
FULL JOIN events e ON e.participant_id = p.participant_id
GROUP BY ALL
ORDER BY 1, 2, 3, 4, 5;
