-- Registered participants of a cycle by area, gender and age band.
SELECT coalesce(area, '') AS area, gender, coalesce(age_band, '') AS age_band, count(*) AS n
FROM participants
WHERE cycle_id = $1
GROUP BY ALL
ORDER BY 1, 2, 3;
