-- Census population of a cycle by area, gender and age band.
SELECT area, gender, age_band, sum(count)::BIGINT AS n
FROM population
WHERE cycle_id = $1
GROUP BY ALL
ORDER BY 1, 2, 3;
