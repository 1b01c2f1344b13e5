-- title: Age bands under-represented at the vote stage
-- title_fa: گروه‌های سنی کم‌نماینده در مرحلهٔ رأی‌گیری
-- description: Each age band's share of voters against its share of the census population; a representation ratio below 0.8 marks it under-represented.
-- description_fa: سهم هر گروه سنی از رأی‌دهندگان در برابر سهم آن از جمعیت سرشماری؛ نسبت نمایندگی کمتر از ۰٫۸ یعنی کم‌نماینده.
-- params: cycle
WITH voters AS (
    SELECT DISTINCT participant_id FROM votes WHERE cycle_id = $cycle
), vb AS (
    SELECT coalesce(nullif(p.age_band, ''), 'unknown') AS age_band, count(*) AS voters
    FROM voters v
    JOIN participants p ON p.cycle_id = $cycle AND p.participant_id = v.participant_id
    GROUP BY 1
), pb AS (
    SELECT age_band, sum(count) AS population FROM population WHERE cycle_id = $cycle GROUP BY 1
), j AS (
    SELECT coalesce(pb.age_band, vb.age_band) AS age_band,
           coalesce(vb.voters, 0) AS voters,
           coalesce(pb.population, 0) AS population
    FROM pb FULL JOIN vb ON vb.age_band = pb.age_band
)
SELECT age_band, voters,
       round(voters / sum(voters) OVER (), 4) AS voter_share,
       population,
       round(population / nullif(sum(population) OVER (), 0), 4) AS population_share,
       round((voters / sum(voters) OVER ()) / nullif(population / nullif(sum(population) OVER (), 0), 0), 3) AS representation_ratio,
       coalesce((voters / sum(voters) OVER ()) / nullif(population / nullif(sum(population) OVER (), 0), 0) < 0.8, false) AS under_represented
FROM j
ORDER BY representation_ratio NULLS LAST, age_band;
