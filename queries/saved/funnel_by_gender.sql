-- title: Participation funnel by gender
-- title_fa: قیف مشارکت به تفکیک جنسیت
-- description: Distinct participants at each stage (problem, solution, vote, meeting) by gender, with women's share and the gender parity index (women / men).
-- description_fa: شمار شرکت‌کنندگان در هر مرحله (طرح مسئله، راهکار، رأی، نشست) به تفکیک جنسیت، با سهم زنان و شاخص برابری جنسیتی (زنان به مردان).
-- params: cycle
WITH ev AS (
    SELECT participant_id, stage FROM participation WHERE cycle_id = $cycle
    UNION
    SELECT DISTINCT participant_id, 'vote' FROM votes WHERE cycle_id = $cycle
)
SELECT ev.stage,
       count(*) FILTER (WHERE p.gender = 'F') AS women,
       count(*) FILTER (WHERE p.gender = 'M') AS men,
       count(*) AS participants,
       round(count(*) FILTER (WHERE p.gender = 'F') / count(*), 4) AS women_share,
       round(count(*) FILTER (WHERE p.gender = 'F') / nullif(count(*) FILTER (WHERE p.gender = 'M'), 0), 3) AS parity_index
FROM ev
LEFT JOIN participants p ON p.cycle_id = $cycle AND p.participant_id = ev.participant_id
GROUP BY ev.stage
ORDER BY CASE ev.stage WHEN 'problem' THEN 1 WHEN 'solution' THEN 2 WHEN 'vote' THEN 3 ELSE 4 END;
