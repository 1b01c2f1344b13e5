-- title: Women's share of votes by district
-- title_fa: سهم زنان از آرا به تفکیک منطقه
-- description: Votes cast (one row per supported project on a ballot) by the district of the voter, with the share cast by women.
-- description_fa: آرای داده‌شده (هر طرح حمایت‌شده در برگهٔ رأی یک ردیف) به تفکیک منطقهٔ رأی‌دهنده، با سهم آرای زنان.
-- params: cycle
WITH v AS (
    SELECT coalesce(d.area_id, '') AS district, p.gender
    FROM votes v
    JOIN participants p ON p.cycle_id = v.cycle_id AND p.participant_id = v.participant_id
    LEFT JOIN areas n ON n.cycle_id = p.cycle_id AND n.area_id = p.area
    LEFT JOIN areas d ON d.cycle_id = p.cycle_id
        AND d.area_id = CASE WHEN n.level = 'district' THEN n.area_id ELSE n.parent_id END
    WHERE v.cycle_id = $cycle
)
SELECT v.district,
       any_value(a.name_fa) AS name_fa,
       any_value(a.name_en) AS name_en,
       count(*) FILTER (WHERE v.gender = 'F') AS women_votes,
       count(*) FILTER (WHERE v.gender = 'M') AS men_votes,
       count(*) AS votes,
       round(count(*) FILTER (WHERE v.gender = 'F') / count(*), 4) AS women_share
FROM v
LEFT JOIN areas a ON a.cycle_id = $cycle AND a.area_id = v.district
GROUP BY v.district
ORDER BY women_share, v.district;
