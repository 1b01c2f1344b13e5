-- Participants of a cycle who cast a ballot, by area, gender and age band.
WITH voters AS (
    SELECT participant_id FROM votes WHERE cycle_id = $1
    UNION
    SELECT participant_id FROM participation WHERE cycle_id = $1 AND stage = 'vote'
)
SELECT coalesce(p.area, '') AS area, coalesce(p.gender, 'U') AS gender, coalesce(p.age_band, '') AS age_band, count(*) AS n
FROM voters v
LEFT JOIN participants p ON p.cycle_id = $1 AND p.participant_id = v.participant_id
GROUP BY ALL
ORDER BY 1, 2, 3;
